// The admission rules about backups, recovery and replica clusters (Cluster, ObjectStore, Backup, ScheduledBackup),
// over single objects and across a set: they hold for the constructs' output and for any YAML `validate` reads.
import type { KubeObject } from '../operator-manifest';
import { BARMAN_CLOUD_API_VERSION } from '../backup/constants';
import { type ArchiveTarget, archiveTarget, clusterBackupFindings, sourceEntries, sourceTarget } from './backup-cluster';
import { backupFindings, backupMethodFindings, objectStoreFindings } from './backup-objects';
import { ofKind, ofKinds } from './kinds';
import type { AdmissionContext, ObjectFinding, ObjectRule, SetRule } from './rule';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});
const ns = (o: KubeObject) => o.metadata?.namespace ?? '';
const BARMAN_GROUP = BARMAN_CLOUD_API_VERSION.split('/')[0];
const CNPG_GROUP = 'postgresql.cnpg.io';

/** @internal */
export const BACKUP_OBJECT_RULES: readonly ObjectRule[] = [
  {
    kinds: ['Cluster'],
    cite: 'cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go (validateRecoveryTarget, validateBootstrapRecoverySource, validateReplicaMode, validatePluginConfiguration, getInTreeBarmanWarnings, ...); plugin-barman-cloud v0.14.0 internal/cnpgi/operator/config/config.go, NewFromCluster',
    check: (o, ctx) => clusterBackupFindings(o.spec, String(o.metadata?.name ?? ''), ctx.operatorVersion),
  },
  {
    group: BARMAN_GROUP,
    kinds: ['ObjectStore'],
    cite: 'plugin-barman-cloud v0.14.0 api/v1/objectstore_types.go; barman-cloud v0.5.1 pkg/api/webhooks/config.go, ValidateBackupConfiguration',
    check: (o) => objectStoreFindings(o.spec),
  },
  {
    kinds: ['Backup', 'ScheduledBackup'],
    cite: 'cloudnative-pg v1.30.0 internal/webhook/v1/backup_webhook.go and scheduledbackup_webhook.go, validate; robfig/cron v1.2.0 parser.go',
    check: (o, ctx) => backupFindings(o.kind as 'Backup' | 'ScheduledBackup', o.spec, o.metadata?.annotations, ctx.operatorVersion),
  },
];

const trimSlash = (p: string) => p.replace(/\/+$/, '');

/** The destination a target names: the store's destination path when the set has the store, else the store itself. */
function destinationKey(t: ArchiveTarget, namespace: string, stores: ReadonlyMap<string, KubeObject>): string {
  if (t.destinationPath) return trimSlash(t.destinationPath);
  const store = stores.get(`${namespace}/${t.store}`);
  const dest = obj(obj(store?.spec).configuration).destinationPath;
  return typeof dest === 'string' ? trimSlash(dest) : `ObjectStore ${namespace}/${t.store}`;
}

function describe(t: ArchiveTarget, key: string): string {
  return t.store ? `ObjectStore ${t.store} (${key})` : key;
}

/**
 * A server name to suggest instead of `taken`: the cluster's own name when it archives under another one, else its
 * name and namespace (two clusters of one name in two namespaces are the usual way to collide).
 */
function otherServerName(taken: string, cluster: string, namespace: string): string {
  if (cluster && cluster !== taken) return cluster;
  return namespace ? `${cluster}-${namespace}` : `${cluster}-2`;
}

/** Two clusters archiving to one destination and server name; a cluster archiving into a source it reads. */
function archiveCollisions(ctx: AdmissionContext): ObjectFinding[] {
  const stores = new Map<string, KubeObject>();
  for (const o of ofKind(ctx, BARMAN_GROUP, 'ObjectStore')) stores.set(`${ns(o)}/${o.metadata?.name}`, o);
  const writers = new Map<string, { cluster: KubeObject; field: string }>();
  const out: ObjectFinding[] = [];
  for (const o of ofKind(ctx, CNPG_GROUP, 'Cluster')) {
    const spec = obj(o.spec);
    const name = String(o.metadata?.name ?? '');
    const archive = archiveTarget(spec, name);
    if (!archive) continue;
    const dest = destinationKey(archive, ns(o), stores);
    const key = `${dest}\u0000${archive.serverName}`;
    const first = writers.get(key);
    if (first) {
      out.push({
        object: o,
        code: 'archive-destination-shared',
        field: archive.field,
        message: `archives to ${describe(archive, dest)} under server name "${archive.serverName}", as cluster ${first.cluster.metadata?.namespace ? `${first.cluster.metadata.namespace}/` : ''}${first.cluster.metadata?.name} does: they would overwrite each other's WAL and backups`,
        value: archive.serverName,
        fix: `give one of them another server name (backup.serverName / parameters.serverName, e.g. "${otherServerName(archive.serverName, name, ns(o))}") or another destination`,
      });
    } else writers.set(key, { cluster: o, field: archive.field });
    // The same store by name is the object rule's (backup-overwrites-source); two stores with one path are this one's.
    for (const { role, entry, index } of sourceEntries(spec)) {
      const source = sourceTarget(entry, name, `.spec.externalClusters[${index}]`);
      if (!source || source.serverName !== archive.serverName || (archive.store && archive.store === source.store)) continue;
      if (archive.destinationPath && archive.destinationPath === source.destinationPath) continue;
      if (destinationKey(source, ns(o), stores) === dest) {
        out.push({
          object: o,
          code: 'backup-overwrites-source',
          field: archive.field,
          message: `archives to ${dest} under server name "${archive.serverName}", which is where its ${role} source ${source.field} is read from: its WAL would overwrite the source's`,
          value: archive.serverName,
          fix: `archive under another server name (backup.serverName, e.g. "${name}-2") or to another destination`,
        });
      }
    }
  }
  return out;
}

/** The ObjectStores a cluster references (archive, recovery and replica sources), with their fields. */
function referencedStores(spec: Obj, name: string): { store: string; field: string }[] {
  const out: { store: string; field: string }[] = [];
  const archive = archiveTarget(spec, name);
  if (archive?.store) out.push({ store: archive.store, field: `${archive.field}.parameters.barmanObjectName` });
  for (const { entry, index } of sourceEntries(spec)) {
    const t = sourceTarget(entry, name, `.spec.externalClusters[${index}].plugin.parameters.barmanObjectName`);
    if (t?.store) out.push({ store: t.store, field: t.field });
  }
  return out;
}

/** An ObjectStore that the set holds only in another namespace than the cluster using it. */
function storeNamespaces(ctx: AdmissionContext): ObjectFinding[] {
  const byName = new Map<string, Set<string>>();
  for (const o of ofKind(ctx, BARMAN_GROUP, 'ObjectStore')) {
    const n = String(o.metadata?.name);
    if (!byName.has(n)) byName.set(n, new Set());
    byName.get(n)?.add(ns(o));
  }
  if (byName.size === 0) return [];
  const out: ObjectFinding[] = [];
  for (const o of ofKind(ctx, CNPG_GROUP, 'Cluster')) {
    for (const { store, field } of referencedStores(obj(o.spec), String(o.metadata?.name ?? ''))) {
      const where = byName.get(store);
      if (!where || where.has(ns(o))) continue;
      out.push({
        object: o,
        code: 'object-store-namespace-mismatch',
        field,
        message: `names ObjectStore ${store}, which is in namespace ${[...where].map((x) => `"${x}"`).join(', ')}: the plugin looks for it in the cluster's namespace "${ns(o)}"`,
        value: store,
        fix: `create the ObjectStore in namespace "${ns(o)}" (or move the cluster)`,
      });
    }
  }
  return out;
}

/** Backups and scheduled backups of a cluster that cannot take them, or that is in another namespace. */
function backupClusters(ctx: AdmissionContext): ObjectFinding[] {
  const clusters = new Map<string, KubeObject>();
  for (const o of ofKind(ctx, CNPG_GROUP, 'Cluster')) clusters.set(`${ns(o)}/${o.metadata?.name}`, o);
  if (clusters.size === 0) return [];
  const out: ObjectFinding[] = [];
  for (const o of ofKinds(ctx, [
    [CNPG_GROUP, 'Backup'],
    [CNPG_GROUP, 'ScheduledBackup'],
  ])) {
    const spec = obj(o.spec);
    const clusterName = obj(spec.cluster).name;
    if (typeof clusterName !== 'string') continue;
    const cluster = clusters.get(`${ns(o)}/${clusterName}`);
    if (cluster) {
      for (const f of backupMethodFindings(spec, clusterName, cluster.spec)) out.push({ ...f, object: o });
      continue;
    }
    const elsewhere = [...clusters.values()].filter((c) => c.metadata?.name === clusterName).map(ns);
    if (elsewhere.length > 0) {
      out.push({
        object: o,
        code: 'backup-cluster-namespace',
        field: '.spec.cluster.name',
        message: `names cluster ${clusterName}, which is in namespace ${elsewhere.map((x) => `"${x}"`).join(', ')}: a ${o.kind} backs up a cluster of its own namespace "${ns(o)}"`,
        value: clusterName,
        fix: `put the ${o.kind} in the cluster's namespace`,
      });
    }
  }
  return out;
}

/** @internal */
export const BACKUP_SET_RULES: readonly SetRule[] = [
  {
    cite: "the library's rule: two clusters archiving to one destination and server name overwrite each other's WAL (barman-cloud keeps one folder per server name)",
    check: archiveCollisions,
  },
  {
    cite: "plugin-barman-cloud v0.14.0 internal/cnpgi/operator/config/config.go, GetBarmanObjectKey: the store is looked up in the cluster's namespace",
    check: storeNamespaces,
  },
  {
    cite: 'cloudnative-pg v1.30.0 internal/controller/backup_controller.go: "cannot proceed with the backup as the cluster has no ..."',
    check: backupClusters,
  },
];
