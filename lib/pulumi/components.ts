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
  clusterObjectNames,
  DEFAULT_OPERATOR_NAMESPACE,
  DEFAULT_OPERATOR_VERSION,
  OperatorManifest,
  objectId,
  validateCnpgObject,
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
 * The classes of @pulumi/kubernetes for the kinds in CNPG's release manifest, so that each object is
 * registered under its real type token (`kubernetes:apps/v1:Deployment`, ...) and gets the provider's
 * await logic for its kind: a CRD is awaited until established, the Deployment until rolled out (its pods,
 * which serve the webhooks, ready).
 */
type KubeClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const OPERATOR_KINDS: Readonly<Record<string, KubeClass>> = {
  CustomResourceDefinition: k8s.apiextensions.v1.CustomResourceDefinition as unknown as KubeClass,
  Namespace: k8s.core.v1.Namespace as unknown as KubeClass,
  ServiceAccount: k8s.core.v1.ServiceAccount as unknown as KubeClass,
  ConfigMap: k8s.core.v1.ConfigMap as unknown as KubeClass,
  Service: k8s.core.v1.Service as unknown as KubeClass,
  ClusterRole: k8s.rbac.v1.ClusterRole as unknown as KubeClass,
  ClusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding as unknown as KubeClass,
  Role: k8s.rbac.v1.Role as unknown as KubeClass,
  RoleBinding: k8s.rbac.v1.RoleBinding as unknown as KubeClass,
  Deployment: k8s.apps.v1.Deployment as unknown as KubeClass,
  MutatingWebhookConfiguration: k8s.admissionregistration.v1.MutatingWebhookConfiguration as unknown as KubeClass,
  ValidatingWebhookConfiguration: k8s.admissionregistration.v1.ValidatingWebhookConfiguration as unknown as KubeClass,
};

function kubeResource(name: string, o: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const cls = OPERATOR_KINDS[o.kind];
  if (!cls) return customResource(name, o, opts);
  const { apiVersion: _a, kind: _k, ...args } = o;
  return new cls(name, args, opts);
}

/**
 * What the Pulumi Kubernetes provider waits for after creating a CNPG object (custom resources are not
 * awaited unless annotated). JSONPath on the current status, not `condition=Ready`: that form waits for a
 * Ready transition newer than the apply, which never comes when an update leaves an already-ready cluster
 * ready (pulumi-kubernetes issue #4521). Conditions: cloudnative-pg v1.30.0 `api/v1/cluster_types.go`
 * (`ConditionClusterReady = "Ready"`) and `api/v1/database_types.go` (`status.applied`).
 */
export const AWAIT_ANNOTATIONS = {
  Cluster: { 'pulumi.com/waitFor': 'jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' },
  Database: { 'pulumi.com/waitFor': 'jsonpath={.status.applied}=true' },
} as const;

function awaited(o: KubeObject, kind: keyof typeof AWAIT_ANNOTATIONS): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...AWAIT_ANNOTATIONS[kind], ...o.metadata.annotations } } };
}

/** The manifests a program validated against, by operator version (loading one reads and hashes a 1 MB file). */
const manifests = new Map<string, OperatorManifest>();

/**
 * Validates an object this component is about to register against the CRDs of the operator it targets
 * (schema and CEL rules, offline), like synthesize() does for cdk8s; values that are Outputs are checked by
 * the API server instead. Throws a CnpgResourceError naming the field and the rule.
 */
function checkAgainstCrds(resource: pulumi.Resource, name: string, object: KubeObject, operator: CnpgOperator | undefined, version: string | undefined): void {
  const deferred = (v: unknown): boolean => pulumi.Output.isInstance(v) || v instanceof Promise || (typeof v === 'object' && v !== null && Object.values(v).some(deferred));
  if (deferred(object)) return;
  const key = operator?.manifest?.sha256 ?? version ?? DEFAULT_OPERATOR_VERSION;
  let manifest = operator?.manifest ?? manifests.get(key);
  if (!manifest) {
    manifest = validated(resource, () => OperatorManifest.load(version ?? DEFAULT_OPERATOR_VERSION));
    manifests.set(key, manifest);
  }
  const errors = validateCnpgObject(object, manifest);
  if (errors.length > 0) {
    throw new CnpgResourceError(
      new CnpgValidationError(name, objectId(object), errors.map((e) => ({ field: e.path, message: `${e.message}${e.rule ? ` (CEL rule: ${e.rule})` : ''}: the CNPG ${manifest.version} CRD refuses it`, fix: 'check the args' }))),
      resource,
    );
  }
}

/** Runs a builder, turning its validation error into the `pulumi.ResourceError` Pulumi users expect (same message, same problems). */
function validated<T>(resource: pulumi.Resource, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof CnpgValidationError) throw new CnpgResourceError(e, resource);
    throw e;
  }
}

/** A {@link CnpgValidationError} as a `pulumi.ResourceError` on the component: the same message and problems. */
export class CnpgResourceError extends pulumi.ResourceError {
  /** Every problem found, each with field, value and fix. */
  public readonly problems: CnpgValidationError['problems'];
  constructor(cause: CnpgValidationError, resource: pulumi.Resource) {
    super(cause.message, resource);
    this.problems = cause.problems;
  }
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
  /** Every Kubernetes resource created, in apply order, each under its real type token. */
  public readonly resources: pulumi.CustomResource[] = [];
  /**
   * What a cluster must wait for: the Deployment (awaited until its pods, which serve the webhooks, are
   * ready) and the webhook configurations. A {@link PostgresCluster} given `operator` depends on them.
   */
  public readonly readiness: pulumi.CustomResource[];
  /** The release manifest the objects come from (none with `install: 'none'`). */
  public readonly manifest?: OperatorManifest;

  constructor(name: string, props: OperatorProps = {}, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:CnpgOperator', name, {}, opts);
    const objs = validated(this, () => buildOperatorObjects(name, props));
    this.version = objs.version;
    this.manifest = objs.manifest;
    this.namespace = props.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
    const foundation = objs.foundation.map((o) => kubeResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { parent: this }));
    const operator = objs.operator.map((o) =>
      kubeResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, {
        parent: this,
        dependsOn: foundation,
        // The operator injects its CA into the webhook configurations at run time.
        ...(o.kind.endsWith('WebhookConfiguration') ? { ignoreChanges: ['webhooks[*].clientConfig.caBundle'] } : {}),
      }),
    );
    this.resources.push(...foundation, ...operator);
    this.readiness = [...foundation, ...operator.filter((_r, i) => /^(Deployment|MutatingWebhookConfiguration|ValidatingWebhookConfiguration)$/.test(objs.operator[i].kind))];
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
   * The operator of this program: the cluster then targets its version (like `operatorVersion`) and is
   * created only once its CRDs are established and its Deployment (the webhook) is rolled out.
   * @default - none: add `dependsOn` yourself when the operator is in the same program
   */
  readonly operator?: CnpgOperator;
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
  private readonly enableSuperuserAccess: boolean;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PostgresCluster', name, {}, opts);
    const what = `PostgresCluster '${name}'`;
    const { operator, ...props } = args;
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
        ['operator'],
      ),
    );
    this.enableSuperuserAccess = args.enableSuperuserAccess === true;
    this.clusterName = this.model.name;
    this.namespace = namespaceInput(this, what, args.namespace);
    const names = clusterObjectNames(this.model.name);
    this.appSecretName = names.appSecret;
    this.superuserSecretName = names.superuserSecret;
    this.readWriteServiceName = names.readWriteService;
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
    checkAgainstCrds(this, name, inputs as KubeObject, operator, args.operatorVersion ?? operator?.version);
    this.cluster = customResource(`${name}-cluster`, awaited(inputs as KubeObject, 'Cluster'), { parent: this, dependsOn: operator?.readiness ?? [] });
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
    const role = options.user ?? 'superuser';
    if (role !== 'superuser' && role !== 'app') {
      throw new pulumi.ResourceError(`PostgresCluster '${this.clusterName}'.connection: user must be "superuser" or "app" (got ${JSON.stringify(role)})`, this);
    }
    if (role === 'superuser' && !this.enableSuperuserAccess) {
      throw new pulumi.ResourceError(
        `PostgresCluster '${this.clusterName}'.connection: CNPG creates the ${this.superuserSecretName} secret only with enableSuperuserAccess: true. Fix: set enableSuperuserAccess: true, or use { user: 'app' } (the app role owns its database but cannot create untrusted extensions)`,
        this,
      );
    }
    const secretName = role === 'superuser' ? this.superuserSecretName : this.appSecretName;
    const read = (secret: string) =>
      k8s.core.v1.Secret.get(`${this.clusterName}-${secret}`, this.namespace !== undefined ? pulumi.interpolate`${this.namespace}/${secret}` : secret, { parent: this, dependsOn: [this.cluster] });
    const decode = (s: k8s.core.v1.Secret, key: string) => pulumi.secret(s.data.apply((d) => Buffer.from(d?.[key] ?? '', 'base64').toString('utf8')));
    const credentials = read(secretName);
    const ca = read(clusterObjectNames(this.clusterName).caSecret);
    return {
      host: options.host,
      port: options.port ?? 5432,
      user: credentials.data.apply((d) => Buffer.from(d?.username ?? '', 'base64').toString('utf8')),
      password: decode(credentials, 'password'),
      sslMode: 'verify-full',
      sslRootCert: decode(ca, 'ca.crt'),
      tlsServerName: options.tlsServerName ?? this.readWriteServiceName,
    };
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
   * extensions such as PostGIS) or `app` (the `<name>-app` secret).
   * @default 'superuser'
   */
  readonly user?: 'superuser' | 'app';
  /**
   * The name the server certificate is checked against.
   * @default - `<name>-rw`, a name CNPG's server certificate carries
   */
  readonly tlsServerName?: pulumi.Input<string>;
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
    if (mode !== 'provider' && mode !== 'cnpg') {
      throw new CnpgValidationError(name, 'ExtensionDatabase', [{ field: 'manageExtensionsWith', message: 'is not a mode', value: mode, fix: 'use "provider" (the default: PostgresExtensions runs CREATE EXTENSION from Pulumi) or "cnpg" (Database.spec.extensions)' }]);
    }
    const cluster = args.cluster instanceof PostgresCluster ? args.cluster.model : args.cluster;
    const model = validated(this, () => buildDatabase(name, cluster, { ...args, namespace: promptOrUndefined(args.namespace) }, ['cluster', 'manageExtensionsWith', 'connection', 'dropCascade']));
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
    checkAgainstCrds(this, name, manifest, undefined, args.cluster instanceof PostgresCluster ? args.cluster.model.operatorVersion : undefined);
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
    this.model = validated(this, () => buildImageCatalog(name, name, kind, { ...args, namespace: promptOrUndefined(args.namespace) }, ['clusterScoped']));
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
