import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildCluster,
  type ClusterModel,
  clusterManifest,
  type KubeObject,
  type PostgresClusterProps,
  type StorageProps,
  type BasicAuthKey,
  type CnpgSecretKey,
  type Credentials,
} from '../core';
import { checkStorageClass, checkStorageSize } from '../core/cluster';
import { clusterObjectNames } from '../core/names';
import { clusterPropOf } from '../core/manifests';
import { throwIfProblems } from '../core/errors';
import { requireClusterCredentials } from '../core/serving/endpoints';
import { checkedWhenKnown, isDeferred, promptOrUndefined } from './inputs';
import { type ConnectionInput, PostgresExtensions } from './postgres-extensions';
import { namespaceInput, customResource, awaited, checkAgainstCrds, validated } from './kube';
import { BarmanCloudPlugin } from './barman-cloud-plugin';
import { ObjectStore } from './object-store';
import type { CnpgOperator } from './operator';
import {
  type ClusterEndpointsOutput,
  type ClusterReferenceArgs,
  clusterEndpointsOutput,
  PostgresClusterReference,
  secretConnection,
} from './serving';

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
   * The operator of this program: the cluster then targets its version (like `operatorVersion`) and is
   * created only once its CRDs are established and its Deployment (the webhook) is rolled out.
   * @default - none: add `dependsOn` yourself when the operator is in the same program
   */
  readonly operator?: CnpgOperator;
  /**
   * The Barman Cloud plugin of this program: the cluster is created only once its CRD and Deployment are ready
   * (the plugin serves the WAL archive the cluster starts archiving to).
   * @default - the plugin of the {@link ObjectStore} components the cluster uses, if they were given one
   */
  readonly plugin?: BarmanCloudPlugin;
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
  return { ...s, size: isDeferred(s.size) ? '1Gi' : (s.size as string), storageClass: promptOrUndefined(s.storageClass) };
}

/** The storage as emitted: prompt values as checked, deferred ones checked when they resolve. */
function storageInput(resource: pulumi.Resource, what: string, field: string, s: StorageArgs): Record<string, pulumi.Input<string>> {
  const size = isDeferred(s.size) ? checkedWhenKnown(resource, what, `${field}.size`, s.size, checkStorageSize) : s.size;
  const cls = isDeferred(s.storageClass)
    ? checkedWhenKnown(resource, what, `${field}.storageClass`, s.storageClass as pulumi.Input<string>, checkStorageClass)
    : s.storageClass;
  return { size, ...(cls !== undefined ? { storageClass: cls } : {}) };
}

/**
 * The {@link ObjectStore} components of this program a cluster uses: the store it archives to (`backup`), and the
 * stores it recovers from or follows (`recovery.source`, `replica.source`, `externalClusters`). CNPG's instance
 * manager asks the plugin for the store as soon as the first instance archives or restores WAL, so the store must
 * exist first.
 */
function objectStoresOf(args: PostgresClusterArgs): ObjectStore[] {
  const entries = [args.recovery?.source, args.replica?.source, ...(Array.isArray(args.externalClusters) ? args.externalClusters : [])];
  const targets = [args.backup?.objectStore, ...entries.map((e) => (typeof e === 'object' && e !== null ? e.objectStore : undefined))];
  return [...new Set(targets.filter((t): t is ObjectStore => t instanceof ObjectStore))];
}

/** What the Cluster resource waits for: the operator, the object stores it uses and the plugin they run through. */
function clusterDependencies(args: PostgresClusterArgs): pulumi.Resource[] {
  const stores = objectStoresOf(args);
  const plugins = new Set([args.plugin, ...stores.map((s) => s.plugin)].filter((p): p is BarmanCloudPlugin => p !== undefined));
  return [
    ...new Set([...(args.operator?.readiness ?? []), ...stores.map((s) => s.objectStore), ...[...plugins].flatMap((p) => p.readiness)]),
  ];
}

/**
 * A CloudNativePG `Cluster` with extension images, validated before anything is sent (errors name the
 * resource, the field and the fix). Type token `cnpg-constructs:index:PostgresCluster`.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  /** A cluster managed outside this program, by name: poolers, roles, databases and applications can use it. */
  public static fromClusterName(name: string, args?: ClusterReferenceArgs): PostgresClusterReference {
    return new PostgresClusterReference(name, args);
  }

  /** The validated model (its `namespace` is undefined when the namespace is an Output). */
  public readonly model: ClusterModel;
  /** The `Cluster` custom resource. */
  public readonly cluster: k8s.apiextensions.CustomResource;
  /** Name of the Cluster object (as on the cdk8s construct). */
  public readonly name: string;
  /** Name of the Cluster object: the same as {@link name}. */
  public readonly clusterName: string;
  /** Namespace of the Cluster object as given (an Output when it comes from another resource). */
  public readonly namespace?: pulumi.Input<string>;
  /** Secret with the `app` user's credentials and URIs (`<name>-app`). */
  public readonly appSecretName: string;
  /** Secret with the `postgres` superuser's credentials (`<name>-superuser`, only with enableSuperuserAccess). */
  public readonly superuserSecretName: string;
  /** Read-write Service (`<name>-rw`). */
  public readonly readWriteServiceName: string;
  /** The Services applications connect to (read-write, read-only, any instance), hosts as Outputs. */
  public readonly endpoints: ClusterEndpointsOutput;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PostgresCluster', name, {}, opts);
    const what = `PostgresCluster '${name}'`;
    const { operator, plugin, ...props } = args;
    if (plugin !== undefined && !(plugin instanceof BarmanCloudPlugin)) {
      validated(this, () =>
        throwIfProblems(name, 'PostgresCluster', [
          {
            code: 'cluster-plugin-not-component',
            field: 'plugin',
            message: 'must be the BarmanCloudPlugin component of this program',
            value: typeof plugin === 'object' && plugin !== null ? '(another object)' : plugin,
            fix: 'pass the BarmanCloudPlugin, or leave plugin out',
          },
        ]),
      );
    }
    this.model = validated(this, () =>
      buildCluster(
        name,
        name,
        {
          ...props,
          operatorVersion: args.operatorVersion ?? operator?.version,
          namespace: promptOrUndefined(args.namespace),
          storage: promptStorage(args.storage) as StorageProps,
          walStorage: promptStorage(args.walStorage),
        },
        ['operator', 'plugin'],
      ),
    );
    this.name = this.model.name;
    this.clusterName = this.model.name;
    this.namespace = namespaceInput(this, what, args.namespace);
    const names = clusterObjectNames(this.model.name);
    this.appSecretName = names.appSecret;
    this.superuserSecretName = names.superuserSecret;
    this.readWriteServiceName = names.readWriteService;
    this.endpoints = clusterEndpointsOutput(this.model.name, this.namespace);
    const manifest = clusterManifest(this.model);
    const spec = manifest.spec as Record<string, unknown>;
    const deferred =
      isDeferred(args.namespace) || [args.storage, args.walStorage].some((s) => s && (isDeferred(s.size) || isDeferred(s.storageClass)));
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
    checkAgainstCrds(
      this,
      name,
      inputs as KubeObject,
      operator,
      args.operatorVersion ?? operator?.version,
      clusterPropOf,
      this.model.warnings,
    );
    this.cluster = customResource(`${name}-cluster`, awaited(inputs as KubeObject, 'Cluster'), {
      parent: this,
      dependsOn: clusterDependencies(args),
    });
    this.registerOutputs({
      clusterName: this.clusterName,
      appSecretName: this.appSecretName,
      superuserSecretName: this.superuserSecretName,
      readWriteServiceName: this.readWriteServiceName,
    });
  }

  /**
   * How the {@link PostgresExtensions} provider reaches this cluster, built from what CNPG creates: the user
   * and password from the `<name>-superuser` secret (or `<name>-app` with `user: 'app'`) and the CA from
   * `<name>-ca`, as secret outputs read once the cluster is ready; TLS `verify-full` against the name CNPG's
   * certificate carries (`<name>-rw`), so that it holds through a port-forward on 127.0.0.1. Host and port are
   * yours: a port-forward, a NodePort or a LoadBalancer.
   */
  public connection(options: ClusterConnectionOptions): ConnectionInput {
    const credentials = this.credentials(options.user ?? 'superuser');
    return secretConnection(this, this.clusterName, this.clusterName, this.namespace, credentials, options, [this.cluster]);
  }

  /** The Secret (and its keys) of `app`, `superuser` or a role of `roles` with a `passwordSecret`; throws for others. */
  public credentials(user: string): Credentials<CnpgSecretKey | BasicAuthKey> {
    return validated(this, () => requireClusterCredentials(this.clusterName, this.model, user));
  }
}

/** Options of {@link PostgresCluster.connection}. */
export interface ClusterConnectionOptions {
  /** Where the provider reaches the primary from where Pulumi runs: `127.0.0.1` for a port-forward, a LoadBalancer address. */
  readonly host: pulumi.Input<string>;
  /**
   * Port.
   * @default 5432
   */
  readonly port?: pulumi.Input<number>;
  /**
   * `superuser` (the `<name>-superuser` secret; needs enableSuperuserAccess, and can create untrusted
   * extensions such as PostGIS), `app` (the `<name>-app` secret), or a role of `roles` with a `passwordSecret`.
   * @default 'superuser'
   */
  readonly user?: 'superuser' | 'app' | (string & {});
  /**
   * The name the server certificate is checked against.
   * @default - `<name>-rw`, a name CNPG's server certificate carries
   */
  readonly tlsServerName?: pulumi.Input<string>;
}
