// A CNPG Pooler: a PgBouncer Deployment and Service in front of a cluster's rw, ro or r Service
// (cloudnative-pg v1.30.0 `api/v1/pooler_types.go`; its webhook `internal/webhook/v1/pooler_webhook.go`).
import { allProblems, type Problem, throwIfProblems } from '../errors';
import { checkImageReference } from '../image-ref';
import type { ImageCatalogModel } from '../image-catalog';
import { checkKnownKeys, keysOf } from '../keys';
import { propsSchema } from '../props-schema';
import { CNPG_API_VERSION } from '../manifests';
import type { KubeObject } from '../operator-manifest';
import { checkDnsSubdomain, isDnsLabel } from '../names';
import { checkRuntimeTypes } from '../runtime-types';
import {
  checkSameNamespace,
  checkServiceName,
  checkServingFeature,
  type ServedCluster,
  servedOperatorVersion,
  servingMetadata,
  keysWith,
} from './common';
import { type Endpoint, serviceEndpoint } from './endpoints';
import { checkPgBouncerParameters, checkPoolerAuthentication } from './pooler-rules';

export { checkPgBouncerParameters, checkPoolerAuthentication, PGBOUNCER_PARAMETERS } from './pooler-rules';

/** Which of the cluster's Services a pooler forwards to: the primary, the standbys, or any instance. */
export type PoolerType = 'rw' | 'ro' | 'r';
/** PgBouncer's pool mode as CNPG accepts it (`statement` is not). */
export type PoolMode = 'session' | 'transaction';

/** An entry of an image catalog's `componentImages` (CNPG 1.30+ for poolers). */
export interface PoolerImageCatalogRef {
  /** `ImageCatalog` (same namespace) or `ClusterImageCatalog`. */
  readonly kind: 'ImageCatalog' | 'ClusterImageCatalog';
  /** Name of the catalog. */
  readonly name: string;
  /** Key of the `componentImages` entry, e.g. `pgbouncer`. */
  readonly key: string;
}

/**
 * The pod template of the PgBouncer Deployment, passed through: a container named `pgbouncer` overrides the
 * operator's (resources, security context; an image there wins over every other source).
 */
export interface PoolerTemplate {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /** A Kubernetes `PodSpec`; `containers` is required (`[]` when no container is changed). */
  readonly spec?: { readonly containers: readonly Readonly<Record<string, unknown>>[]; readonly [field: string]: unknown };
}

/** Props of a `Pooler`, shared by the cdk8s construct and the Pulumi component. */
export interface PoolerProps {
  /**
   * Name of the `Pooler` (and of its Service, Deployment and Secret): a DNS-1035 label, unlike any cluster's name.
   * @default `<cluster>-pooler-<type>`
   */
  readonly name?: string;
  /**
   * Namespace: its cluster's.
   * @default - the cluster's namespace
   */
  readonly namespace?: string;
  /**
   * The cluster Service to pool: `rw` (the primary), `ro` (the standbys), `r` (any instance).
   * @default 'rw'
   */
  readonly type?: PoolerType;
  /**
   * PgBouncer pods.
   * @default 1
   */
  readonly instances?: number;
  /**
   * PgBouncer's pool mode.
   * @default 'session'
   */
  readonly poolMode?: PoolMode;
  /**
   * PgBouncer parameters, among those CNPG allows ({@link PGBOUNCER_PARAMETERS}); values are not checked by CNPG.
   * @default - none (PgBouncer's defaults, `log_stats` off)
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Lines added to PgBouncer's `pg_hba.conf`.
   * @default - none
   */
  readonly pgHba?: readonly string[];
  /**
   * Hold new client connections and close server ones after their queries end (PgBouncer `PAUSE`).
   * @default false
   */
  readonly paused?: boolean;
  /**
   * The query that looks up a client's password hash, with your own authentication: needs `serverTLSSecret` (or
   * the deprecated `authQuerySecret`) and turns off CNPG's built-in integration (the `cnpg_pooler_pgbouncer` user).
   * @default - CNPG's `SELECT usename, passwd FROM public.user_search($1)`, set up by the operator
   */
  readonly authQuery?: string;
  /**
   * Secret with the credentials of the user that runs `authQuery`.
   * @deprecated CNPG deprecates it: use `serverTLSSecret` (a client certificate for that user) with `authQuery`,
   * or neither for CNPG's built-in integration.
   * @default - none
   */
  readonly authQuerySecret?: string;
  /**
   * TLS secret PgBouncer authenticates to PostgreSQL with (`server_tls_key_file`, `server_tls_cert_file`).
   * @default - the certificate CNPG issues for `cnpg_pooler_pgbouncer`
   */
  readonly serverTLSSecret?: string;
  /**
   * CA that verifies PostgreSQL's certificate (`server_tls_ca_file`).
   * @default - the cluster's server CA
   */
  readonly serverCASecret?: string;
  /**
   * TLS secret PgBouncer presents to clients (`client_tls_key_file`, `client_tls_cert_file`), also on the metrics
   * endpoint.
   * @default - the cluster's server certificate
   */
  readonly clientTLSSecret?: string;
  /**
   * CA that verifies client certificates (`client_tls_ca_file`).
   * @default - the cluster's client CA
   */
  readonly clientCASecret?: string;
  /**
   * PgBouncer image (CNPG 1.30+); exclusive with `imageCatalogRef`.
   * @default - the operator's PgBouncer image
   */
  readonly image?: string;
  /**
   * The PgBouncer image from an image catalog's `componentImages` (CNPG 1.30+).
   * @default - none
   */
  readonly imageCatalogRef?: PoolerImageCatalogRef;
  /**
   * Serve the metrics endpoint (port 9127, `metrics`) over TLS (CNPG 1.30+). A PodMonitor of this pooler then
   * scrapes `https`.
   * @default false
   */
  readonly metricsTls?: boolean;
  /**
   * ServiceAccount of the pods (CNPG 1.29+; immutable).
   * @default - one named after the pooler, created by CNPG
   */
  readonly serviceAccountName?: string;
  /**
   * Pod template, passed through.
   * @default - CNPG's
   */
  readonly template?: PoolerTemplate;
  /**
   * Template of the pooler's Service (labels, annotations, `type: LoadBalancer`), passed through.
   * @default - a ClusterIP Service on port 5432
   */
  readonly serviceTemplate?: { readonly metadata?: Readonly<Record<string, unknown>>; readonly spec?: Readonly<Record<string, unknown>> };
  /**
   * The Deployment's strategy, passed through.
   * @default - Kubernetes' (RollingUpdate)
   */
  readonly deploymentStrategy?: Readonly<Record<string, unknown>>;
  /**
   * CNPG version the object targets.
   * @default - the cluster's, else '1.30.0'
   */
  readonly operatorVersion?: string;
  /**
   * Labels of the `Pooler` object.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the `Pooler` object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Keys and run-time types of {@link PoolerProps}. */
const POOLER_SCHEMA = propsSchema<PoolerProps>()({
  name: 'string',
  namespace: 'string',
  type: 'string',
  instances: 'int32',
  poolMode: 'string',
  parameters: 'stringMap',
  pgHba: 'stringArray',
  paused: 'boolean',
  authQuery: 'string',
  authQuerySecret: 'string',
  serverTLSSecret: 'string',
  serverCASecret: 'string',
  clientTLSSecret: 'string',
  clientCASecret: 'string',
  image: 'string',
  imageCatalogRef: 'object',
  metricsTls: 'boolean',
  serviceAccountName: 'string',
  template: 'object',
  serviceTemplate: 'object',
  deploymentStrategy: 'object',
  operatorVersion: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
});
const CATALOG_REF_KEYS = keysOf<PoolerImageCatalogRef>()({ kind: true, name: true, key: true });

/** A checked pooler. */
export interface PoolerModel {
  readonly name: string;
  readonly namespace?: string;
  readonly cluster: ServedCluster;
  readonly type: PoolerType;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** `spec` as CNPG reads it. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** The pooler's Service. */
  readonly endpoint: Endpoint;
  /** Whether the metrics endpoint serves TLS. */
  readonly metricsTls: boolean;
  /** The secrets the metrics endpoint's certificate comes from and is verified with (see {@link PoolerProps.clientTLSSecret}). */
  readonly clientTLSSecret?: string;
  readonly clientCASecret?: string;
}

/** Checks a pooler's props (throwing a CnpgValidationError naming `path`) and builds its model. */
export function buildPooler(path: string, cluster: ServedCluster, props: PoolerProps, frontEndKeys: readonly string[] = []): PoolerModel {
  throwIfProblems(
    path,
    'Pooler',
    allProblems(
      checkRuntimeTypes('', props, POOLER_SCHEMA.types),
      checkRuntimeTypes('imageCatalogRef', props?.imageCatalogRef, { kind: 'string', name: 'string', key: 'string' }),
    ),
  );
  const type = props.type ?? 'rw';
  const name = props.name ?? `${cluster.name}-pooler-${type}`;
  const version = servedOperatorVersion(cluster, props.operatorVersion);
  const problems: Problem[] = [];
  const nameField = props.name === undefined ? 'name (defaulted to <cluster>-pooler-<type>)' : 'name';
  problems.push(...checkServiceName(nameField, name, 'the pooler name'));
  // pooler_webhook.go validateCluster: "the pooler resource cannot have the same name of a cluster"; its Service
  // would also take the name of one of the cluster's own.
  const taken = [cluster.name, `${cluster.name}-rw`, `${cluster.name}-ro`, `${cluster.name}-r`, `${cluster.name}-any`];
  if (taken.includes(name))
    problems.push({
      code: 'pooler-name-taken',
      field: nameField,
      message: `is ${name === cluster.name ? 'the name of its cluster' : `the name of a Service CNPG creates for cluster ${cluster.name}`}: the pooler's Service would collide with it`,
      value: name,
      fix: `use another name, such as "${cluster.name}-pooler-${type}"`,
    });
  if (type !== 'rw' && type !== 'ro' && type !== 'r')
    problems.push({
      code: 'pooler-type-invalid',
      field: 'type',
      message: 'must be "rw", "ro" or "r"',
      value: type,
      fix: 'use "rw" (the primary), "ro" (the standbys) or "r" (any instance)',
    });
  if (props.poolMode !== undefined && props.poolMode !== 'session' && props.poolMode !== 'transaction')
    problems.push({
      code: 'pooler-pool-mode-invalid',
      field: 'poolMode',
      message: 'must be "session" or "transaction" (CNPG does not offer "statement")',
      value: props.poolMode,
      fix: 'use "session" or "transaction"',
    });
  if (props.instances !== undefined && Number.isInteger(props.instances) && props.instances < 0)
    problems.push({
      code: 'pooler-instances-invalid',
      field: 'instances',
      message: 'must be 0 or more',
      value: props.instances,
      fix: 'use 1 or more (0 scales the pooler down)',
    });
  for (const k of ['authQuerySecret', 'serverTLSSecret', 'serverCASecret', 'clientTLSSecret', 'clientCASecret'] as const)
    if (typeof props[k] === 'string') problems.push(...checkDnsSubdomain(k, props[k], 'a Secret name'));
  problems.push(...checkPoolerAuthentication(props));
  if (props.image !== undefined) {
    problems.push(...checkImageReference('image', props.image), ...checkServingFeature(version, 'poolerImage', 'image'));
    if (props.imageCatalogRef !== undefined)
      problems.push({
        code: 'pooler-image-and-catalog',
        field: 'imageCatalogRef',
        message: 'and image are mutually exclusive',
        value: props.imageCatalogRef.name,
        fix: 'keep one of them',
      });
  }
  const ref = props.imageCatalogRef;
  if (ref !== undefined) {
    problems.push(
      ...checkKnownKeys('imageCatalogRef', ref, CATALOG_REF_KEYS),
      ...checkServingFeature(version, 'poolerImage', 'imageCatalogRef'),
    );
    if (ref.kind !== 'ImageCatalog' && ref.kind !== 'ClusterImageCatalog')
      problems.push({
        code: 'catalog-ref-kind-invalid',
        field: 'imageCatalogRef.kind',
        message: 'must be ImageCatalog or ClusterImageCatalog',
        value: ref.kind,
        fix: 'use "ImageCatalog" or "ClusterImageCatalog"',
      });
    problems.push(...checkDnsSubdomain('imageCatalogRef.name', ref.name, 'a catalog name'));
    if (!isDnsLabel(ref.key))
      problems.push({
        code: 'catalog-component-key-invalid',
        field: 'imageCatalogRef.key',
        message: 'must be a lowercase DNS label of at most 63 characters',
        value: ref.key,
        fix: 'use the componentImages key, such as "pgbouncer"',
      });
  }
  if (props.metricsTls) problems.push(...checkServingFeature(version, 'poolerMetricsTls', 'metricsTls'));
  if (props.serviceAccountName !== undefined)
    problems.push(
      ...checkDnsSubdomain('serviceAccountName', props.serviceAccountName, 'a ServiceAccount name'),
      ...checkServingFeature(version, 'poolerServiceAccount', 'serviceAccountName'),
    );
  const spec = props.template?.spec as Record<string, unknown> | undefined;
  if (props.template !== undefined && !Array.isArray(spec?.containers))
    problems.push({
      code: 'pooler-template-containers-required',
      field: 'template.spec.containers',
      message: 'is required by the PodSpec schema, also when no container is changed',
      value: spec?.containers,
      fix: 'set containers: [] (or a container named "pgbouncer" to change the PgBouncer container)',
    });
  throwIfProblems(
    path,
    'Pooler',
    allProblems(
      checkKnownKeys('', props, keysWith(POOLER_SCHEMA.keys, frontEndKeys)),
      problems,
      checkPgBouncerParameters('parameters', props.parameters),
      checkSameNamespace('Pooler', props.namespace, cluster),
    ),
  );
  const namespace = props.namespace ?? cluster.namespace;
  return {
    name,
    namespace,
    cluster,
    type,
    labels: props.labels,
    annotations: props.annotations,
    spec: poolerSpec(cluster.name, props),
    // Built when asked for: most poolers of a large app are never asked.
    get endpoint() {
      return serviceEndpoint(name, namespace);
    },
    metricsTls: props.metricsTls === true,
    clientTLSSecret: props.clientTLSSecret,
    clientCASecret: props.clientCASecret,
  };
}

/** `spec` of the Pooler, in CNPG's field order; only what is set (CNPG's CRD defaults the rest). */
function poolerSpec(cluster: string, p: PoolerProps): Record<string, unknown> {
  const spec: Record<string, unknown> = { cluster: { name: cluster } };
  if (p.type !== undefined) spec.type = p.type;
  if (p.instances !== undefined) spec.instances = p.instances;
  if (p.template !== undefined) spec.template = p.template;
  const pg: Record<string, unknown> = {};
  if (p.poolMode !== undefined) pg.poolMode = p.poolMode;
  for (const k of ['serverTLSSecret', 'serverCASecret', 'clientCASecret', 'clientTLSSecret', 'authQuerySecret'] as const)
    if (p[k] !== undefined) pg[k] = { name: p[k] };
  if (p.authQuery !== undefined) pg.authQuery = p.authQuery;
  if (p.parameters !== undefined && Object.keys(p.parameters).length) pg.parameters = { ...p.parameters };
  if (p.pgHba !== undefined) pg.pg_hba = [...p.pgHba];
  if (p.paused !== undefined) pg.paused = p.paused;
  if (p.image !== undefined) pg.image = p.image;
  if (p.imageCatalogRef !== undefined)
    pg.imageCatalogRef = {
      apiGroup: 'postgresql.cnpg.io',
      kind: p.imageCatalogRef.kind,
      name: p.imageCatalogRef.name,
      key: p.imageCatalogRef.key,
    };
  spec.pgbouncer = pg;
  if (p.deploymentStrategy !== undefined) spec.deploymentStrategy = p.deploymentStrategy;
  if (p.metricsTls !== undefined) spec.monitoring = { tls: { enabled: p.metricsTls } };
  if (p.serviceTemplate !== undefined) spec.serviceTemplate = p.serviceTemplate;
  if (p.serviceAccountName !== undefined) spec.serviceAccountName = p.serviceAccountName;
  return spec;
}

/** The `Pooler` object. */
export function poolerManifest(model: PoolerModel): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'Pooler',
    metadata: servingMetadata(model.name, model.namespace, model.labels, model.annotations),
    spec: model.spec,
  };
}

/**
 * A pooler's reference to the `componentImages` entry `key` of a catalog built in this program; throws (naming
 * `path`) when the catalog has no such entry, which CNPG would only report in the Pooler's status.
 */
export function componentImageRef(path: string, catalog: ImageCatalogModel, key: string): PoolerImageCatalogRef {
  const keys = (catalog.spec.componentImages ?? []).map((c) => c.key);
  if (!keys.includes(key))
    throwIfProblems(path, catalog.kind, [
      {
        code: 'catalog-component-missing',
        field: 'componentImages',
        message: `catalog ${catalog.name} has no component image "${key}"`,
        value: key,
        fix: keys.length ? `use one of ${keys.join(', ')}` : `add componentImages: { ${key}: '<image>' } to the catalog`,
      },
    ]);
  return { kind: catalog.kind, name: catalog.name, key };
}
