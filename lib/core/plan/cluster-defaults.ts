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

/** A table of dotted paths as a tree: `{ 'a.b': 1, c: 2 }` -> `{ a: { b: 1 }, c: 2 }`. */
interface Tree {
  /** The defaults at this level that are values. */
  readonly leaves: Spec;
  /** The levels below, by key. */
  readonly children: ReadonlyMap<string, Tree>;
}

function tree(table: Readonly<Record<string, unknown>>): Tree {
  const leaves: Spec = {};
  const below = new Map<string, Record<string, unknown>>();
  for (const [path, value] of Object.entries(table)) {
    const dot = path.indexOf('.');
    if (dot < 0) leaves[path] = value;
    else {
      const head = path.slice(0, dot);
      below.set(head, { ...below.get(head), [path.slice(dot + 1)]: value });
    }
  }
  return { leaves, children: new Map([...below].map(([k, t]) => [k, tree(t)])) };
}

/** `value` with the defaults of `t` where absent (new objects on the way; the input is not changed). */
function withDefaults(t: Tree, value: unknown): Spec {
  const v = isObject(value) ? value : {};
  const out: Spec = { ...t.leaves, ...v };
  for (const [k, child] of t.children) out[k] = withDefaults(child, v[k]);
  return out;
}

const TOP = tree(CLUSTER_CRD_DEFAULTS);
const NESTED = Object.entries(CLUSTER_CRD_NESTED_DEFAULTS).map(([parent, d]) => [parent.split('.'), tree(d)] as const);

/**
 * A copy of a Cluster's `spec` with CNPG's defaults filled in where absent (and the webhook's default monitoring
 * ConfigMap and podAntiAffinityType), for comparing.
 */
export function clusterSpecForComparison(cluster: KubeObject): Spec {
  const spec = withDefaults(TOP, cluster.spec);
  // Parents before children (backup before backup.volumeSnapshot): each assignment lands in a copy made here.
  for (const [path, t] of NESTED) {
    let parent: Spec = spec;
    for (let i = 0; i < path.length - 1 && isObject(parent); i++) parent = parent[path[i]] as Spec;
    const last = path[path.length - 1];
    if (isObject(parent) && isObject(parent[last])) parent[last] = withDefaults(t, parent[last]);
  }
  // cluster_defaults.go: podAntiAffinityType defaults to preferred unless anti-affinity is disabled.
  const affinity = (spec.affinity ?? {}) as Spec;
  if (affinity.enablePodAntiAffinity !== false && affinity.podAntiAffinityType === undefined) {
    spec.affinity = { ...affinity, podAntiAffinityType: 'preferred' };
  }
  const monitoring = spec.monitoring as Spec; // a copy of ours: the defaults above filled it
  if (Array.isArray(monitoring.customQueriesConfigMap)) {
    const rest = monitoring.customQueriesConfigMap.filter(
      (c) => !(isObject(c) && c.name === DEFAULT_MONITORING.name && c.key === DEFAULT_MONITORING.key),
    );
    if (rest.length) monitoring.customQueriesConfigMap = rest;
    else delete monitoring.customQueriesConfigMap;
  }
  return spec;
}
