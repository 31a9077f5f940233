import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildCluster,
  buildDatabase,
  buildImageCatalog,
  buildOperatorObjects,
  type CheckedCatalogReference,
  catalogReference,
  type ClusterModel,
  clusterManifest,
  CnpgValidationError,
  type DatabaseProps,
  databaseManifest,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
  imageCatalogManifest,
  type KubeObject,
  type OperatorProps,
  type PostgresClusterProps,
} from '../core';
import { type ConnectionInput, PostgresExtensions } from './postgres-extensions';

function customResource(name: string, o: KubeObject, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  const { apiVersion, kind, metadata, ...rest } = o;
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
}

/**
 * The CloudNativePG operator from its sha256-verified release manifest, customised as parsed objects
 * (see the core `OperatorProps`). CRDs and the namespace are created first; put
 * `dependsOn: [operator]` on clusters. Type token `cnpg-constructs:index:CnpgOperator`.
 */
export class CnpgOperator extends pulumi.ComponentResource {
  /** CNPG version. */
  public readonly version: string;
  /** Namespace of the operator. */
  public readonly namespace: string;
  /** Every Kubernetes resource created, in apply order. */
  public readonly resources: k8s.apiextensions.CustomResource[] = [];

  constructor(name: string, props: OperatorProps = {}, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:CnpgOperator', name, {}, opts);
    const objs = buildOperatorObjects(name, props);
    this.version = objs.version;
    this.namespace = props.namespace ?? 'cnpg-system';
    const foundation = objs.foundation.map((o) => customResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { parent: this }));
    const operator = objs.operator.map((o) =>
      customResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, {
        parent: this,
        dependsOn: foundation,
        // The operator injects its CA into the webhook configurations at run time.
        ...(o.kind.endsWith('WebhookConfiguration') ? { ignoreChanges: ['webhooks[*].clientConfig.caBundle'] } : {}),
      }),
    );
    this.resources.push(...foundation, ...operator);
    this.registerOutputs({ version: this.version, namespace: this.namespace });
  }
}

/** Args of the Pulumi {@link PostgresCluster}: the shared props. */
export type PostgresClusterArgs = PostgresClusterProps;

/**
 * A CloudNativePG `Cluster` with extension images, validated before anything is sent (errors name the
 * resource, the field and the fix). Type token `cnpg-constructs:index:PostgresCluster`.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  /** The validated model. */
  public readonly model: ClusterModel;
  /** The `Cluster` custom resource. */
  public readonly cluster: k8s.apiextensions.CustomResource;
  /** Name of the Cluster object. */
  public readonly clusterName: string;
  /** Secret with the `app` user's credentials and URIs (`<name>-app`). */
  public readonly appSecretName: string;
  /** Secret with the `postgres` superuser's credentials (`<name>-superuser`, only with enableSuperuserAccess). */
  public readonly superuserSecretName: string;
  /** Read-write Service (`<name>-rw`). */
  public readonly readWriteServiceName: string;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PostgresCluster', name, {}, opts);
    this.model = buildCluster(name, name, args);
    this.clusterName = this.model.name;
    this.appSecretName = `${this.model.name}-app`;
    this.superuserSecretName = `${this.model.name}-superuser`;
    this.readWriteServiceName = `${this.model.name}-rw`;
    this.cluster = customResource(`${name}-cluster`, clusterManifest(this.model), { parent: this });
    this.registerOutputs({
      clusterName: this.clusterName,
      appSecretName: this.appSecretName,
      superuserSecretName: this.superuserSecretName,
      readWriteServiceName: this.readWriteServiceName,
    });
  }
}

/** Args of the Pulumi {@link ExtensionDatabase}. */
export interface ExtensionDatabaseArgs extends DatabaseProps {
  /** The cluster (checked against its images) or its name. */
  readonly cluster: PostgresCluster | string;
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
  /** The in-database extensions, when managed by the provider. */
  public readonly extensions?: PostgresExtensions;

  constructor(name: string, args: ExtensionDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ExtensionDatabase', name, {}, opts);
    const mode = args.manageExtensionsWith ?? 'provider';
    const cluster = args.cluster instanceof PostgresCluster ? args.cluster.model : args.cluster;
    const model = buildDatabase(name, cluster, args);
    const absent = model.extensions.filter((e) => e.ensure === 'absent');
    if (mode === 'provider' && absent.length > 0) {
      throw new CnpgValidationError(name, 'ExtensionDatabase', absent.map((e) => ({ field: 'extensions', message: `ensure: "absent" is for manageExtensionsWith: "cnpg"; the provider drops what leaves the list`, value: e.name, fix: 'remove the extension from the list' })));
    }
    if (mode === 'provider' && model.extensions.length > 0 && args.connection === undefined) {
      throw new CnpgValidationError(name, 'ExtensionDatabase', [{ field: 'connection', message: 'is required to activate extensions from Pulumi', value: undefined, fix: 'pass connection: { host, port, user, password } (see the README), or manageExtensionsWith: "cnpg"' }]);
    }
    const manifest = databaseManifest(mode === 'cnpg' ? model : { ...model, spec: { ...model.spec, extensions: undefined } });
    this.database = customResource(`${name}-database`, manifest, {
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

/**
 * A CNPG `ImageCatalog` (namespaced) or `ClusterImageCatalog`: per PostgreSQL major, the operand image and
 * extension images clusters opt in to by name. Type token `cnpg-constructs:index:ImageCatalog`.
 */
export class ImageCatalog extends pulumi.ComponentResource {
  public readonly model: ImageCatalogModel;
  public readonly catalog: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ImageCatalogProps & { readonly clusterScoped?: boolean }, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ImageCatalog', name, {}, opts);
    const kind: ImageCatalogKind = args.clusterScoped ? 'ClusterImageCatalog' : 'ImageCatalog';
    this.model = buildImageCatalog(name, name, kind, args);
    this.catalog = customResource(`${name}-catalog`, imageCatalogManifest(this.model), { parent: this });
    this.registerOutputs({ catalogName: this.model.name });
  }

  /** A reference for `PostgresCluster.imageCatalogRef`, checked against this catalog. */
  public ref(major: number): CheckedCatalogReference {
    return catalogReference(this.model.name, this.model, major);
  }
}
