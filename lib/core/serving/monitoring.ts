// Prometheus Operator PodMonitors for a cluster's instances and a pooler's PgBouncer pods, as CNPG documents them
// since CNPG deprecates `monitoring.enablePodMonitor` (cloudnative-pg v1.30.0 `docs/src/monitoring.md`, "Creating a
// PodMonitor" and "Enabling TLS on the Metrics Port"; `docs/src/connection_pooling.md`, "Monitoring"; the operator's
// own `pkg/specs/podmonitor.go` and `pkg/specs/pgbouncer/podmonitor.go` for the selectors).
import { allProblems, type Problem, throwIfProblems } from '../errors';
import { checkKnownKeys, keysOf } from '../keys';
import { propsSchema } from '../props-schema';
import type { KubeObject } from '../operator-manifest';
import { checkDnsSubdomain, checkDnsLabel } from '../names';
import { checkRuntimeTypes, isPlainObject } from '../runtime-types';
import { isClusterModel, keysWith, type ServedCluster } from './common';
import type { PoolerModel } from './pooler';

/** API group/version of the Prometheus Operator kinds. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/** Prometheus' duration syntax, as the Prometheus Operator CRDs check it (`30s`, `1m30s`). */
export const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** A Prometheus relabeling rule (`RelabelConfig`). */
export interface RelabelConfig {
  /** @default 'replace' */
  readonly action?:
    | 'replace'
    | 'keep'
    | 'drop'
    | 'hashmod'
    | 'labelmap'
    | 'labeldrop'
    | 'labelkeep'
    | 'lowercase'
    | 'uppercase'
    | 'keepequal'
    | 'dropequal';
  /** @default - none */
  readonly sourceLabels?: readonly string[];
  /** @default ';' */
  readonly separator?: string;
  /** @default - none */
  readonly targetLabel?: string;
  /** @default '(.*)' */
  readonly regex?: string;
  /** @default - none */
  readonly modulus?: number;
  /** @default '$1' */
  readonly replacement?: string;
}
const RELABEL_KEYS = keysOf<RelabelConfig>()({
  action: true,
  sourceLabels: true,
  separator: true,
  targetLabel: true,
  regex: true,
  modulus: true,
  replacement: true,
});

/** Props of a PodMonitor, shared by the cdk8s construct and the Pulumi component. */
export interface PodMonitorProps {
  /**
   * Name of the `PodMonitor`.
   * @default - the cluster's (or pooler's) name, as CNPG's own PodMonitor
   */
  readonly name?: string;
  /**
   * Namespace of the `PodMonitor` (one watched by your Prometheus); in another namespace than the pods it gets a
   * `namespaceSelector` for theirs.
   * @default - the namespace of the cluster (or pooler)
   */
  readonly namespace?: string;
  /**
   * Labels of the object, for the `podMonitorSelector` of your Prometheus (e.g. `release: kube-prometheus-stack`).
   * `cnpg.io/cluster` (and `cnpg.io/poolerName`) are always added.
   * @default - only those
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Scrape interval.
   * @default - Prometheus' global interval
   */
  readonly interval?: string;
  /**
   * Scrape timeout.
   * @default - Prometheus' global timeout
   */
  readonly scrapeTimeout?: string;
  /**
   * Relabelings applied before scraping.
   * @default - none
   */
  readonly relabelings?: readonly RelabelConfig[];
  /**
   * Relabelings applied to samples before ingestion.
   * @default - none
   */
  readonly metricRelabelings?: readonly RelabelConfig[];
  /**
   * Scrape over TLS, verifying the certificate against the cluster's CA.
   * @default - what the target serves: the cluster's `monitoring.tls.enabled`, the pooler's `metricsTls`
   * (false for a cluster not declared in this app)
   */
  readonly tls?: boolean;
}

/** Keys and run-time types of {@link PodMonitorProps}. */
const POD_MONITOR_SCHEMA = propsSchema<PodMonitorProps>()({
  name: 'string',
  namespace: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
  interval: 'string',
  scrapeTimeout: 'string',
  relabelings: 'array',
  metricRelabelings: 'array',
  tls: 'boolean',
});

/** What a PodMonitor scrapes: a cluster's instances or a pooler's pods. */
export type MonitorTarget = { readonly cluster: ServedCluster } | { readonly pooler: PoolerModel };

/** A checked PodMonitor. */
export interface PodMonitorModel {
  readonly name: string;
  readonly namespace?: string;
  /** The cluster whose pods (or whose pooler's pods) are scraped. */
  readonly cluster: string;
  readonly object: KubeObject;
}

/** Problems of a duration field. */
export function checkDuration(field: string, value: unknown): Problem[] {
  if (value === undefined || (typeof value === 'string' && value !== '' && PROMETHEUS_DURATION.test(value))) return [];
  return [
    {
      code: 'prometheus-duration-invalid',
      field,
      message: 'is not a Prometheus duration',
      value,
      fix: 'use a duration such as "30s", "1m" or "1m30s"',
    },
  ];
}

function checkRelabelings(field: string, list: unknown): readonly Problem[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((r, i) =>
    isPlainObject(r)
      ? checkKnownKeys(`${field}[${i}]`, r, RELABEL_KEYS)
      : [
          {
            code: 'wrong-type',
            field: `${field}[${i}]`,
            message: 'must be a relabeling rule { sourceLabels, targetLabel, ... }',
            value: r,
            fix: 'pass an object literal',
          },
        ],
  );
}

function relabelWire(list: readonly RelabelConfig[]): Record<string, unknown>[] {
  return list.map((r) => {
    const out: Record<string, unknown> = {};
    for (const k of RELABEL_KEYS) {
      const v = (r as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  });
}

/** The CA secret of a cluster's server certificate (cloudnative-pg v1.30.0 `api/v1/cluster_funcs.go`, `GetServerCASecretName`). */
function serverCaSecret(c: ServedCluster): string {
  return (isClusterModel(c) ? c.spec.certificates?.serverCaSecret : undefined) || `${c.name}-ca`;
}

/** Checks a PodMonitor's props (throwing a CnpgValidationError naming `path`) and builds it. */
export function buildPodMonitor(
  path: string,
  target: MonitorTarget,
  props: PodMonitorProps = {},
  frontEndKeys: readonly string[] = [],
): PodMonitorModel {
  throwIfProblems(path, 'PodMonitor', checkRuntimeTypes('', props, POD_MONITOR_SCHEMA.types));
  const pooler = 'pooler' in target ? target.pooler : undefined;
  const cluster = pooler ? pooler.cluster : (target as { cluster: ServedCluster }).cluster;
  const ownNamespace = pooler ? pooler.namespace : cluster.namespace;
  const name = props.name ?? (pooler ? pooler.name : cluster.name);
  const namespace = props.namespace ?? ownNamespace;
  throwIfProblems(
    path,
    'PodMonitor',
    allProblems(
      checkKnownKeys('', props, keysWith(POD_MONITOR_SCHEMA.keys, frontEndKeys)),
      checkDnsSubdomain(props.name === undefined ? 'name (defaulted to the target name)' : 'name', name, 'the PodMonitor name'),
      props.namespace !== undefined ? checkDnsLabel('namespace', props.namespace, 'the namespace') : [],
      checkDuration('interval', props.interval),
      checkDuration('scrapeTimeout', props.scrapeTimeout),
      checkRelabelings('relabelings', props.relabelings),
      checkRelabelings('metricRelabelings', props.metricRelabelings),
    ),
  );
  const tls = props.tls ?? (pooler ? pooler.metricsTls : isClusterModel(cluster) ? cluster.spec.monitoring?.tls?.enabled === true : false);
  const endpoint: Record<string, unknown> = { port: 'metrics' };
  if (tls) {
    // monitoring.md "Enabling TLS on the Metrics Port": the cluster's CA and <cluster>-rw, a name its server
    // certificate carries. A pooler without its own clientTLSSecret serves that same certificate; with one, it is
    // verified as the operator's PodMonitor does (pgbouncer/podmonitor.go: the client CA, the pooler's name).
    const own = pooler?.clientTLSSecret !== undefined;
    const ca = own
      ? pooler?.clientCASecret || (isClusterModel(cluster) ? cluster.spec.certificates?.clientCaSecret : undefined) || `${cluster.name}-ca`
      : serverCaSecret(cluster);
    endpoint.scheme = 'https';
    endpoint.tlsConfig = { ca: { secret: { name: ca, key: 'ca.crt' } }, serverName: own ? pooler?.name : `${cluster.name}-rw` };
  }
  if (props.interval !== undefined) endpoint.interval = props.interval;
  if (props.scrapeTimeout !== undefined) endpoint.scrapeTimeout = props.scrapeTimeout;
  if (props.relabelings?.length) endpoint.relabelings = relabelWire(props.relabelings);
  if (props.metricRelabelings?.length) endpoint.metricRelabelings = relabelWire(props.metricRelabelings);
  const selector = pooler
    ? { matchLabels: { 'cnpg.io/poolerName': pooler.name, 'cnpg.io/podRole': 'pooler' } }
    : { matchLabels: { 'cnpg.io/cluster': cluster.name, 'cnpg.io/podRole': 'instance' } };
  const spec: Record<string, unknown> = { selector };
  if (namespace !== ownNamespace && ownNamespace !== undefined) spec.namespaceSelector = { matchNames: [ownNamespace] };
  spec.podMetricsEndpoints = [endpoint];
  const labels: Record<string, string> = { 'cnpg.io/cluster': cluster.name };
  if (pooler) labels['cnpg.io/poolerName'] = pooler.name;
  if (props.labels) Object.assign(labels, props.labels);
  const metadata: Record<string, unknown> = { name };
  if (namespace) metadata.namespace = namespace;
  metadata.labels = labels;
  if (props.annotations && Object.keys(props.annotations).length) metadata.annotations = { ...props.annotations };
  return {
    name,
    namespace,
    cluster: cluster.name,
    object: {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PodMonitor',
      metadata: metadata as KubeObject['metadata'],
      spec,
    },
  };
}

/** The `PodMonitor` object. */
export function podMonitorManifest(model: PodMonitorModel): KubeObject {
  return model.object;
}
