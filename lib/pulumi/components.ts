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
  type StorageProps,
  checkDnsLabel,
  checkStorageClass,
  checkStorageSize,
} from '../core';
import { checkedWhenKnown, isDeferred, promptOrUndefined } from './inputs';
import { type ConnectionInput, PostgresExtensions } from './postgres-extensions';

/** A namespace checked now when known now, else when it resolves. */
function namespaceInput(resource: pulumi.Resource, what: string, ns: pulumi.Input<string> | undefined): pulumi.Input<string> | undefined {
  return isDeferred(ns) ? checkedWhenKnown(resource, what, 'namespace', ns as pulumi.Input<string>, (f, v) => checkDnsLabel(f, v, 'the namespace')) : ns;
}

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

/** Storage of the Pulumi {@link PostgresCluster}: the size and class may come from other resources or config. */
export interface StorageArgs {
  /** Size of the volume, a Kubernetes quantity such as `1Gi`; checked when it is known. */
  readonly size: pulumi.Input<string>;
  /**
   * StorageClass of the PVC.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: pulumi.Input<string>;
}

/**
 * Args of the Pulumi {@link PostgresCluster}: the shared props, where the namespace and the storage may be
 * Outputs of other resources (`namespace: ns.metadata.name`). Fields that are checked against each other at
 * preview (name, images, extensions, parameters) are plain values.
 */
export interface PostgresClusterArgs extends Omit<PostgresClusterProps, 'namespace' | 'storage' | 'walStorage'> {
  /**
   * Namespace of the `Cluster`, e.g. `ns.metadata.name`.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /** Storage for PGDATA. */
  readonly storage: StorageArgs;
  /**
   * Separate storage for WAL.
   * @default - WAL lives in PGDATA
   */
  readonly walStorage?: StorageArgs;
}

/** The storage props with deferred values left out (a placeholder size), for the checks that run now. */
function promptStorage(s: StorageArgs | undefined): StorageProps | undefined {
  if (s === undefined || s === null || typeof s !== 'object') return s as StorageProps | undefined;
  return { size: isDeferred(s.size) ? '1Gi' : (s.size as string), storageClass: promptOrUndefined(s.storageClass) };
}

/** The storage as emitted: prompt values as checked, deferred ones checked when they resolve. */
function storageInput(resource: pulumi.Resource, what: string, field: string, s: StorageArgs): Record<string, pulumi.Input<string>> {
  const size = isDeferred(s.size) ? checkedWhenKnown(resource, what, `${field}.size`, s.size, checkStorageSize) : s.size;
  const cls = isDeferred(s.storageClass) ? checkedWhenKnown(resource, what, `${field}.storageClass`, s.storageClass as pulumi.Input<string>, checkStorageClass) : s.storageClass;
  return { size, ...(cls !== undefined ? { storageClass: cls } : {}) };
}

/**
 * A CloudNativePG `Cluster` with extension images, validated before anything is sent (errors name the
 * resource, the field and the fix). Type token `cnpg-constructs:index:PostgresCluster`.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  /** The validated model (its `namespace` is undefined when the namespace is an Output). */
  public readonly model: ClusterModel;
  /** The `Cluster` custom resource. */
  public readonly cluster: k8s.apiextensions.CustomResource;
  /** Name of the Cluster object. */
  public readonly clusterName: string;
  /** Namespace of the Cluster object as given (an Output when it comes from another resource). */
  public readonly namespace?: pulumi.Input<string>;
  /** Secret with the `app` user's credentials and URIs (`<name>-app`). */
  public readonly appSecretName: string;
  /** Secret with the `postgres` superuser's credentials (`<name>-superuser`, only with enableSuperuserAccess). */
  public readonly superuserSecretName: string;
  /** Read-write Service (`<name>-rw`). */
  public readonly readWriteServiceName: string;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PostgresCluster', name, {}, opts);
    const what = `PostgresCluster '${name}'`;
    this.model = buildCluster(name, name, {
      ...args,
      namespace: promptOrUndefined(args.namespace),
      storage: promptStorage(args.storage) as StorageProps,
      walStorage: promptStorage(args.walStorage),
    });
    this.clusterName = this.model.name;
    this.namespace = namespaceInput(this, what, args.namespace);
    this.appSecretName = `${this.model.name}-app`;
    this.superuserSecretName = `${this.model.name}-superuser`;
    this.readWriteServiceName = `${this.model.name}-rw`;
    const manifest = clusterManifest(this.model);
    const spec = manifest.spec as Record<string, unknown>;
    const deferred = isDeferred(args.namespace) || [args.storage, args.walStorage].some((s) => s && (isDeferred(s.size) || isDeferred(s.storageClass)));
    const inputs = deferred
      ? {
          ...manifest,
          metadata: { ...manifest.metadata, ...(this.namespace !== undefined ? { namespace: this.namespace } : {}) },
          spec: {
            ...spec,
            storage: storageInput(this, what, 'storage', args.storage),
            ...(args.walStorage ? { walStorage: storageInput(this, what, 'walStorage', args.walStorage) } : {}),
          },
        }
      : manifest;
    this.cluster = customResource(`${name}-cluster`, inputs as KubeObject, { parent: this });
    this.registerOutputs({
      clusterName: this.clusterName,
      appSecretName: this.appSecretName,
      superuserSecretName: this.superuserSecretName,
      readWriteServiceName: this.readWriteServiceName,
    });
  }
}

/** Args of the Pulumi {@link ExtensionDatabase}. */
export interface ExtensionDatabaseArgs extends Omit<DatabaseProps, 'namespace'> {
  /**
   * Namespace of the `Database` object: it must be the cluster's, where CNPG reconciles it.
   * @default - the cluster's namespace (also when that is an Output)
   */
  readonly namespace?: pulumi.Input<string>;
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
    const model = buildDatabase(name, cluster, { ...args, namespace: promptOrUndefined(args.namespace) });
    const absent = model.extensions.filter((e) => e.ensure === 'absent');
    if (mode === 'provider' && absent.length > 0) {
      throw new CnpgValidationError(name, 'ExtensionDatabase', absent.map((e) => ({ field: 'extensions', message: `ensure: "absent" is for manageExtensionsWith: "cnpg"; the provider drops what leaves the list`, value: e.name, fix: 'remove the extension from the list' })));
    }
    if (mode === 'provider' && model.extensions.length > 0 && args.connection === undefined) {
      throw new CnpgValidationError(name, 'ExtensionDatabase', [{ field: 'connection', message: 'is required to activate extensions from Pulumi', value: undefined, fix: 'pass connection: { host, port, user, password } (see the README), or manageExtensionsWith: "cnpg"' }]);
    }
    const manifest = databaseManifest(mode === 'cnpg' ? model : { ...model, spec: { ...model.spec, extensions: undefined } });
    const namespace = namespaceInput(this, `ExtensionDatabase '${name}'`, args.namespace) ?? (args.cluster instanceof PostgresCluster ? args.cluster.namespace : undefined);
    if (isDeferred(namespace)) manifest.metadata.namespace = namespace as unknown as string;
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

/** Args of the Pulumi {@link ImageCatalog}. */
export interface ImageCatalogArgs extends Omit<ImageCatalogProps, 'namespace'> {
  /**
   * Emit a `ClusterImageCatalog` (cluster-scoped: clusters in every namespace may use it) instead of a
   * namespaced `ImageCatalog`. The cdk8s front end has a class for each.
   * @default false
   */
  readonly clusterScoped?: boolean;
  /**
   * Namespace of an `ImageCatalog` (not of a `ClusterImageCatalog`); clusters must be in the same one.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * A CNPG `ImageCatalog` (namespaced) or `ClusterImageCatalog`: per PostgreSQL major, the operand image and
 * extension images clusters opt in to by name. Type token `cnpg-constructs:index:ImageCatalog`.
 */
export class ImageCatalog extends pulumi.ComponentResource {
  public readonly model: ImageCatalogModel;
  public readonly catalog: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ImageCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ImageCatalog', name, {}, opts);
    const kind: ImageCatalogKind = args.clusterScoped ? 'ClusterImageCatalog' : 'ImageCatalog';
    this.model = buildImageCatalog(name, name, kind, { ...args, namespace: promptOrUndefined(args.namespace) });
    const manifest = imageCatalogManifest(this.model);
    if (isDeferred(args.namespace)) {
      if (kind === 'ClusterImageCatalog') {
        throw new CnpgValidationError(name, 'ImageCatalog', [{ field: 'namespace', message: 'a ClusterImageCatalog is cluster-scoped', value: '<Output>', fix: 'remove namespace, or leave clusterScoped off' }]);
      }
      manifest.metadata.namespace = namespaceInput(this, `ImageCatalog '${name}'`, args.namespace) as unknown as string;
    }
    this.catalog = customResource(`${name}-catalog`, manifest, { parent: this });
    this.registerOutputs({ catalogName: this.model.name });
  }

  /** A reference for `PostgresCluster.imageCatalogRef`, checked against this catalog. */
  public ref(major: number): CheckedCatalogReference {
    return catalogReference(this.model.name, this.model, major);
  }
}
