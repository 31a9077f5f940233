// A Cluster as CNPG sees it: the defaults the API server (the CRD's `default`s) and CNPG's webhook
// (api/v1/cluster_defaults.go) fill in. The live object (`kubectl get -o yaml`) carries them, a synthesized one
// does not: filled in on both sides, the two compare equal where they mean the same.
import type { KubeObject } from '../operator-manifest';
import { isObject } from './diff';

type Spec = Record<string, unknown>;

/** Defaults of the Cluster CRD of CNPG 1.30.0 (`default:` in its openAPIV3Schema), by path under `spec`. */
export const CLUSTER_CRD_DEFAULTS: Readonly<Record<string, unknown>> = {
  enablePDB: true,
  enableSuperuserAccess: false,
  failoverDelay: 0,
  instances: 1,
  logLevel: 'info',
  maxSyncReplicas: 0,
  minSyncReplicas: 0,
  'monitoring.disableDefaultQueries': false,
  'monitoring.enablePodMonitor': false,
  'monitoring.tls.enabled': false,
  postgresGID: 26,
  postgresUID: 26,
  primaryUpdateMethod: 'restart',
  primaryUpdateStrategy: 'unsupervised',
  'probes.liveness.isolationCheck.connectionTimeout': 1000,
  'probes.liveness.isolationCheck.enabled': true,
  'probes.liveness.isolationCheck.requestTimeout': 1000,
  'replicationSlots.highAvailability.enabled': true,
  'replicationSlots.highAvailability.slotPrefix': '_cnpg_',
  'replicationSlots.synchronizeReplicas.enabled': true,
  'replicationSlots.updateInterval': 30,
  smartShutdownTimeout: 180,
  startDelay: 3600,
  stopDelay: 1800,
  'storage.resizeInUseVolumes': true,
  switchoverDelay: 3600,
};

/** Defaults that apply only when their parent is set (`walStorage`, `backup`, ...). */
export const CLUSTER_CRD_NESTED_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  walStorage: { resizeInUseVolumes: true },
  backup: { target: 'prefer-standby' },
  'backup.volumeSnapshot': {
    online: true,
    'onlineConfiguration.immediateCheckpoint': false,
    'onlineConfiguration.waitForArchive': true,
    snapshotOwnerReference: 'none',
  },
  primaryLease: { leaseDurationSeconds: 15, releasedLeaseDurationSeconds: 1, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 },
  nodeMaintenanceWindow: { inProgress: false, reusePVC: true },
};

/** The ConfigMap of default metrics queries CNPG's webhook adds to `monitoring.customQueriesConfigMap`. */
const DEFAULT_MONITORING = { name: 'cnpg-default-monitoring', key: 'queries' };

function fill(root: Spec, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o = root;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(o[k])) o[k] = {};
    o = o[k] as Spec;
  }
  const last = keys[keys.length - 1];
  if (o[last] === undefined) o[last] = value;
}

function clone(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/**
 * A copy of a Cluster's `spec` with CNPG's defaults filled in where absent (and the webhook's default monitoring
 * ConfigMap and podAntiAffinityType), for comparing.
 */
export function clusterSpecForComparison(cluster: KubeObject): Spec {
  const spec = (clone(cluster.spec) ?? {}) as Spec;
  for (const [path, value] of Object.entries(CLUSTER_CRD_DEFAULTS)) fill(spec, path, value);
  for (const [parent, defaults] of Object.entries(CLUSTER_CRD_NESTED_DEFAULTS)) {
    const at = parent.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), spec);
    if (!isObject(at)) continue;
    for (const [path, value] of Object.entries(defaults)) fill(at, path, value);
  }
  // cluster_defaults.go: podAntiAffinityType defaults to preferred unless anti-affinity is disabled.
  const affinity = (spec.affinity ?? {}) as Spec;
  if (affinity.enablePodAntiAffinity !== false && affinity.podAntiAffinityType === undefined) {
    spec.affinity = { ...affinity, podAntiAffinityType: 'preferred' };
  }
  const monitoring = spec.monitoring as Spec;
  if (Array.isArray(monitoring.customQueriesConfigMap)) {
    const rest = monitoring.customQueriesConfigMap.filter(
      (c) => !(isObject(c) && c.name === DEFAULT_MONITORING.name && c.key === DEFAULT_MONITORING.key),
    );
    if (rest.length) monitoring.customQueriesConfigMap = rest;
    else delete monitoring.customQueriesConfigMap;
  }
  return spec;
}
