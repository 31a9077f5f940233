import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildDatabase,
  CnpgValidationError,
  type DatabaseModel,
  type DatabaseProps,
  clusterManifest,
  databaseManifest,
  type Problem,
} from '../core';
import { databasePropOf } from '../core/manifests';
import { isDeferred, promptOrUndefined } from './inputs';
import { type ConnectionInput, PostgresExtensions } from './postgres-extensions';
import { namespaceInput, customResource, awaited, checkAgainstCrds, CnpgResourceError, validated } from './kube';
import { PostgresCluster } from './postgres-cluster';
import { PostgresClusterReference } from './serving';

/** Args of the Pulumi {@link ExtensionDatabase}. */
export interface ExtensionDatabaseArgs extends Omit<DatabaseProps, 'namespace'> {
  /**
   * Namespace of the `Database` object: it must be the cluster's, where CNPG reconciles it.
   * @default - the cluster's namespace (also when that is an Output)
   */
  readonly namespace?: pulumi.Input<string>;
  /** The cluster (checked against its images), `PostgresCluster.fromClusterName(...)`, or its name. */
  readonly cluster: PostgresCluster | PostgresClusterReference | string;
  /**
   * Who activates the extensions: `provider` (default) runs CREATE/ALTER/DROP EXTENSION from where Pulumi
   * runs, through `connection`, so `pulumi up` fails when they can't be activated and `pulumi refresh`
   * sees drift; `cnpg` writes them into `Database.spec.extensions` for the operator (no network path
   * needed, but failures only show in the Database status).
   * @default 'provider'
   */
  readonly manageExtensionsWith?: 'provider' | 'cnpg';
  /** How the provider reaches the database; required with `manageExtensionsWith: 'provider'` and extensions. */
  readonly connection?: pulumi.Input<ConnectionInput>;
  /**
   * Drop removed extensions with CASCADE.
   * @default false
   */
  readonly dropCascade?: pulumi.Input<boolean>;
}

/**
 * A CloudNativePG `Database` and its extensions. By default the `Database` is created without
 * `spec.extensions` and a {@link PostgresExtensions} (depending on it) activates them inside PostgreSQL.
 * Type token `cnpg-constructs:index:ExtensionDatabase`.
 */
export class ExtensionDatabase extends pulumi.ComponentResource {
  /** The `Database` custom resource. */
  public readonly database: k8s.apiextensions.CustomResource;
  /** The validated model (as on the cdk8s construct). */
  public readonly model: DatabaseModel;
  /** The in-database extensions, when managed by the provider. */
  public readonly extensions?: PostgresExtensions;

  constructor(name: string, args: ExtensionDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ExtensionDatabase', name, {}, opts);
    const refuse = (problems: Problem[]): never => {
      throw new CnpgResourceError(new CnpgValidationError(name, 'ExtensionDatabase', problems), this);
    };
    const mode = args.manageExtensionsWith ?? 'provider';
    if (mode !== 'provider' && mode !== 'cnpg') {
      refuse([
        {
          code: 'manage-extensions-mode-invalid',
          field: 'manageExtensionsWith',
          message: 'is not a mode',
          value: mode,
          fix: 'use "provider" (the default: PostgresExtensions runs CREATE EXTENSION from Pulumi) or "cnpg" (Database.spec.extensions)',
        },
      ]);
    }
    const ref = args.cluster instanceof PostgresClusterReference ? args.cluster : undefined;
    const cluster = args.cluster instanceof PostgresCluster ? args.cluster.model : (ref?.name ?? (args.cluster as string));
    const model = validated(this, () =>
      buildDatabase(name, cluster, { ...args, namespace: promptOrUndefined(args.namespace) ?? promptOrUndefined(ref?.namespace) }, [
        'cluster',
        'manageExtensionsWith',
        'connection',
        'dropCascade',
      ]),
    );
    this.model = model;
    const absent = model.extensions.filter((e) => e.ensure === 'absent');
    if (mode === 'provider' && absent.length > 0) {
      refuse(
        absent.map((e) => ({
          code: 'extension-absent-needs-cnpg-mode',
          field: 'extensions',
          message: `ensure: "absent" is for manageExtensionsWith: "cnpg"; the provider drops what leaves the list`,
          value: e.name,
          fix: 'remove the extension from the list',
        })),
      );
    }
    if (mode === 'provider' && model.extensions.length > 0 && args.connection === undefined) {
      refuse([
        {
          code: 'connection-required',
          field: 'connection',
          message: 'is required to activate extensions from Pulumi',
          value: undefined,
          fix: 'pass connection: { host, port, user, password } (docs/PULUMI.md, "How the connection reaches Postgres"), or manageExtensionsWith: "cnpg"',
        },
      ]);
    }
    const manifest = databaseManifest(mode === 'cnpg' ? model : { ...model, spec: { ...model.spec, extensions: undefined } });
    const namespace =
      namespaceInput(this, `ExtensionDatabase '${name}'`, args.namespace) ??
      (args.cluster instanceof PostgresCluster || ref ? (args.cluster as PostgresCluster | PostgresClusterReference).namespace : undefined);
    if (isDeferred(namespace)) manifest.metadata.namespace = namespace as unknown as string;
    checkAgainstCrds(
      this,
      name,
      manifest,
      undefined,
      args.cluster instanceof PostgresCluster ? args.cluster.model.operatorVersion : undefined,
      databasePropOf,
      model.warnings,
      // The cluster's object, for the rules that read it (the owner's role: bootstrap, managed roles).
      args.cluster instanceof PostgresCluster ? [clusterManifest(args.cluster.model)] : [],
    );
    this.database = customResource(`${name}-database`, awaited(manifest, 'Database'), {
      parent: this,
      dependsOn: args.cluster instanceof PostgresCluster ? [args.cluster] : [],
    });
    if (mode === 'provider' && model.extensions.length > 0) {
      this.extensions = new PostgresExtensions(
        `${name}-extensions`,
        {
          connection: args.connection as pulumi.Input<ConnectionInput>,
          database: model.spec.name,
          extensions: model.extensions.map((e) => ({ name: e.name, version: e.version, schema: e.schema })),
          dropCascade: args.dropCascade ?? false,
        },
        { parent: this, dependsOn: [this.database] },
      );
    }
    this.registerOutputs({ databaseName: model.spec.name, installed: this.extensions?.installed });
  }
}
