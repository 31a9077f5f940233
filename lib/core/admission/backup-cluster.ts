// Rules over one Cluster object about backups, recovery and replica clusters: CNPG's webhook (cloudnative-pg v1.30.0
// internal/webhook/v1/cluster_webhook.go), the Barman Cloud plugin's reading of the cluster (plugin-barman-cloud
// v0.14.0 internal/cnpgi/operator/config/config.go, NewFromCluster) and the library's own rules against losing
// data. Fields are paths in the object; the cluster builder runs the same function over the fragment it emits.
import { parseVersion } from '../compat';
import type { Finding } from '../findings';
import { BARMAN_CLOUD_PLUGIN } from '../backup/constants';
import { parseGoDuration } from '../backup/go-duration';
import { checkObjectStoreSpec, checkRetentionPolicy } from '../backup/object-store-checks';
import { checkRecoveryTarget } from '../backup/recovery-target';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Whether the operator version removed the in-tree Barman Cloud support (CNPG 1.31.0). */
export function inTreeBarmanRemoved(operatorVersion: string): boolean {
  const v = parseVersion(operatorVersion);
  return v !== undefined && (v[0] > 1 || (v[0] === 1 && v[1] >= 31));
}

/** The deprecation of the in-tree `barmanObjectStore` (getInTreeBarmanWarnings): a warning for 1.30, an error from 1.31. */
export function inTreeBarmanFinding(field: string, operatorVersion: string, what = 'the in-tree Barman Cloud support'): Finding {
  const removed = inTreeBarmanRemoved(operatorVersion);
  return {
    ...(removed ? {} : { severity: 'warning' as const }),
    code: removed ? 'barman-object-store-removed' : 'barman-object-store-deprecated',
    field,
    message: removed
      ? `uses ${what}, which CNPG ${operatorVersion} no longer has (removed in 1.31.0)`
      : `uses ${what}, deprecated and removed in CloudNativePG 1.31.0`,
    fix: 'move the configuration to a Barman Cloud plugin ObjectStore and reference it from spec.plugins (barman-cloud.cloudnative-pg.io, isWALArchiver: true) and externalClusters[].plugin',
  };
}

/** The Barman Cloud entry of `spec.plugins` (enabled), with its index. */
function barmanEntry(spec: Obj): { entry: Obj; index: number } | undefined {
  const plugins = list(spec.plugins);
  const index = plugins.findIndex((p) => p.name === BARMAN_CLOUD_PLUGIN && p.enabled !== false);
  return index < 0 ? undefined : { entry: plugins[index], index };
}

/** Where a cluster's WAL archive goes: a plugin store (by name) or an in-tree destination, and the server name. */
export interface ArchiveTarget {
  readonly store?: string;
  readonly destinationPath?: string;
  readonly serverName: string;
  readonly field: string;
}

/** Where a cluster archives (the plugin's WAL archiver, else the in-tree barmanObjectStore), or undefined. */
export function archiveTarget(spec: Obj, clusterName: string): ArchiveTarget | undefined {
  const b = barmanEntry(spec);
  if (b && b.entry.isWALArchiver === true) {
    const params = obj(b.entry.parameters);
    const store = str(params.barmanObjectName);
    if (store) return { store, serverName: str(params.serverName) ?? clusterName, field: `.spec.plugins[${b.index}]` };
  }
  const inTree = obj(obj(spec.backup).barmanObjectStore);
  const dest = str(inTree.destinationPath);
  if (dest) return { destinationPath: dest, serverName: str(inTree.serverName) ?? clusterName, field: '.spec.backup.barmanObjectStore' };
  return undefined;
}

/** What a recovery or replica source entry reads: a store or destination and a server name (the plugin's default: the cluster's). */
export function sourceTarget(entry: Obj, clusterName: string, field: string): ArchiveTarget | undefined {
  const plugin = obj(entry.plugin);
  if (plugin.name === BARMAN_CLOUD_PLUGIN) {
    const params = obj(plugin.parameters);
    const store = str(params.barmanObjectName);
    if (store) return { store, serverName: str(params.serverName) ?? clusterName, field };
  }
  const inTree = obj(entry.barmanObjectStore);
  const dest = str(inTree.destinationPath);
  // In-tree recovery reads the entry's serverName, else the entry's name (CNPG's in-tree default for sources).
  if (dest) return { destinationPath: dest, serverName: str(inTree.serverName) ?? (str(entry.name) as string), field };
  return undefined;
}

/** The external clusters a cluster recovers from and follows, by role. */
export function sourceEntries(spec: Obj): { role: 'recovery' | 'replica'; entry: Obj; index: number }[] {
  const externals = list(spec.externalClusters);
  const out: { role: 'recovery' | 'replica'; entry: Obj; index: number }[] = [];
  const recovery = str(obj(obj(spec.bootstrap).recovery).source);
  const replica = str(obj(spec.replica).source);
  for (const [role, name] of [
    ['recovery', recovery],
    ['replica', replica],
  ] as const) {
    const index = name === undefined ? -1 : externals.findIndex((e) => e.name === name);
    if (index >= 0) out.push({ role, entry: externals[index], index });
  }
  return out;
}

/** cluster_funcs.go, IsReplica. */
function isReplica(replica: Obj, clusterName: string): boolean {
  if (typeof replica.enabled === 'boolean') return replica.enabled;
  return (str(replica.self) ?? clusterName) !== replica.primary;
}

const unsafePath = (v: string) => v === '.' || v === '..' || /[/\\]/.test(v);

function externalClusterFindings(spec: Obj, operatorVersion: string): Finding[] {
  const out: Finding[] = [];
  const externals = list(spec.externalClusters);
  const seen = new Set<string>();
  externals.forEach((e, i) => {
    const f = `.spec.externalClusters[${i}]`;
    // validateExternalClusters, validateExternalCluster
    if (typeof e.name === 'string' && seen.has(e.name)) {
      out.push({
        code: 'external-cluster-duplicate',
        field: `${f}.name`,
        message: 'names an external cluster listed before',
        value: e.name,
        fix: 'give each externalClusters entry its own name',
      });
    }
    seen.add(String(e.name));
    if (e.connectionParameters === undefined && e.barmanObjectStore === undefined && e.plugin === undefined) {
      out.push({
        code: 'external-cluster-empty',
        field: f,
        message: 'has none of connectionParameters, plugin and barmanObjectStore: CNPG refuses it',
        value: e.name,
        fix: 'reach the cluster through its object store (the Barman Cloud plugin) or a streaming connection',
      });
    }
    if (typeof e.name === 'string' && unsafePath(e.name)) {
      out.push({
        code: 'external-cluster-name-unsafe',
        field: `${f}.name`,
        message: "cannot contain a path separator or a '..' component",
        value: e.name,
        fix: "use the other cluster's name",
      });
    }
    if (e.barmanObjectStore !== undefined) out.push(inTreeBarmanFinding(`${f}.barmanObjectStore`, operatorVersion));
  });
  return out;
}

function recoveryFindings(spec: Obj): Finding[] {
  const recovery = obj(spec.bootstrap).recovery;
  if (!isObject(recovery)) return [];
  const f = '.spec.bootstrap.recovery';
  const snapshots = recovery.volumeSnapshots;
  const out = checkRecoveryTarget(`${f}.recoveryTarget`, recovery.recoveryTarget as never, snapshots !== undefined);
  const source = str(recovery.source);
  if (source !== undefined && !list(spec.externalClusters).some((e) => e.name === source)) {
    out.push({
      code: 'recovery-source-not-found',
      field: `${f}.source`,
      message: `names external cluster "${source}", which externalClusters does not list (validateBootstrapRecoverySource)`,
      value: source,
      fix: `add an externalClusters entry named "${source}" (its object store and server name), or fix the name`,
    });
  }
  if (source === undefined && snapshots === undefined && recovery.backup === undefined) {
    out.push({
      code: 'recovery-source-missing',
      field: f,
      message: 'names nothing to recover from',
      value: recovery,
      fix: 'set source (an externalClusters entry with the object store), volumeSnapshots, or backup',
    });
  }
  if (isObject(snapshots)) {
    // validateBootstrapRecoveryDataSource, validateVolumeSnapshotSource
    if (recovery.backup !== undefined) {
      out.push({
        code: 'recovery-snapshots-and-backup',
        field: `${f}.backup`,
        message: 'Recovery from dataSource is not compatible with other types of recovery',
        value: recovery.backup,
        fix: 'recover from volumeSnapshots or from backup, not both',
      });
    }
    for (const k of ['storage', 'walStorage'] as const) {
      const ref = snapshots[k];
      if (ref === undefined) continue;
      const r = obj(ref);
      const ok =
        (r.apiGroup === 'snapshot.storage.k8s.io' && r.kind === 'VolumeSnapshot') ||
        ((r.apiGroup ?? '') === '' && r.kind === 'PersistentVolumeClaim');
      if (!ok) {
        out.push({
          code: 'recovery-snapshot-kind',
          field: `${f}.volumeSnapshots.${k}`,
          message: 'Only VolumeSnapshots and PersistentVolumeClaims are supported',
          value: ref,
          fix: 'use { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name } or { kind: "PersistentVolumeClaim", name }',
        });
      }
    }
    if (snapshots.walStorage !== undefined && spec.walStorage === undefined) {
      out.push({
        code: 'recovery-wal-snapshot-without-wal-storage',
        field: `${f}.volumeSnapshots.walStorage`,
        message: 'A WAL storage configuration is required when recovering using a DataSource for WALs',
        value: snapshots.walStorage,
        fix: 'give the cluster walStorage, or leave out the WAL snapshot',
      });
    }
  }
  return out;
}

function replicaFindings(spec: Obj, clusterName: string): Finding[] {
  const replica = spec.replica;
  if (!isObject(replica)) return [];
  const out: Finding[] = [];
  const f = '.spec.replica';
  const names = new Set(list(spec.externalClusters).map((e) => e.name));
  // validateReplicaClusterExternalClusters
  for (const k of ['source', 'self', 'primary'] as const) {
    const v = str(replica[k]);
    if (v !== undefined && !names.has(v)) {
      out.push({
        code: 'replica-external-cluster-not-found',
        field: `${f}.${k}`,
        message: `names external cluster "${v}", which externalClusters does not list`,
        value: v,
        fix: `add an externalClusters entry named "${v}"`,
      });
    }
  }
  // validateReplicaMode
  if (replica.enabled !== undefined && str(replica.primary) !== undefined) {
    out.push({
      code: 'replica-enabled-and-primary',
      field: `${f}.enabled`,
      message: 'replica mode enabled is not compatible with the primary field',
      value: replica.enabled,
      fix: 'use primary and self (distributed topology), or enabled alone',
    });
  }
  const bootstrap = obj(spec.bootstrap);
  if (isReplica(replica, clusterName) && bootstrap.recovery === undefined && bootstrap.pg_basebackup === undefined) {
    out.push({
      code: 'replica-bootstrap-required',
      field: '.spec.bootstrap',
      message:
        'a replica cluster must be bootstrapped from its source: replica mode bootstrap is compatible only with pg_basebackup or recovery',
      value: Object.keys(bootstrap),
      fix: `recover from the source: recovery: { source: "${str(replica.source) ?? '<source>'}" }`,
    });
  }
  // validatePromotionToken
  if (str(replica.promotionToken) !== undefined) {
    if (replica.minApplyDelay !== undefined) {
      out.push({
        code: 'replica-promotion-token-with-delay',
        field: `${f}.minApplyDelay`,
        message: 'minApplyDelay cannot be applied with a promotion token',
        value: replica.minApplyDelay,
        fix: 'remove minApplyDelay while promoting with a token',
      });
    } else if (isReplica(replica, clusterName)) {
      out.push({
        code: 'replica-promotion-token-on-replica',
        field: `${f}.promotionToken`,
        message: 'promotionToken is only allowed for primary clusters',
        value: replica.promotionToken,
        fix: 'set primary to this cluster (self) together with the token to promote it',
      });
    }
  }
  if (replica.minApplyDelay !== undefined) {
    const d = typeof replica.minApplyDelay === 'string' ? parseGoDuration(replica.minApplyDelay) : { error: 'not a string' };
    if ('error' in d) {
      out.push({
        code: 'replica-min-apply-delay-invalid',
        field: `${f}.minApplyDelay`,
        message: `is not a duration (${d.error})`,
        value: replica.minApplyDelay,
        fix: 'use a Go duration such as "1h" or "30m"',
      });
    }
  }
  return out;
}

function pluginFindings(spec: Obj): Finding[] {
  const out: Finding[] = [];
  const plugins = list(spec.plugins);
  // validatePluginConfiguration
  const archivers = plugins.filter((p) => p.enabled !== false && p.isWALArchiver === true).map((p) => String(p.name));
  const inTree = obj(spec.backup).barmanObjectStore !== undefined;
  if (archivers.length > 0 && inTree) {
    out.push({
      code: 'wal-archiver-and-barman-object-store',
      field: '.spec.plugins',
      message: 'Cannot enable a WAL archiver plugin when barmanObjectStore is configured',
      value: archivers,
      fix: "remove spec.backup.barmanObjectStore (migrated to the plugin's ObjectStore)",
    });
  }
  if (archivers.length > 1) {
    out.push({
      code: 'wal-archiver-more-than-one',
      field: '.spec.plugins',
      message: 'Cannot enable more than one WAL archiver plugin',
      value: archivers,
      fix: 'mark one plugin isWALArchiver',
    });
  }
  const b = barmanEntry(spec);
  if (b && b.entry.isWALArchiver === true && str(obj(b.entry.parameters).barmanObjectName) === undefined) {
    out.push({
      code: 'barman-plugin-object-missing',
      field: `.spec.plugins[${b.index}].parameters.barmanObjectName`,
      message: 'is required for the WAL archiver: the plugin has no ObjectStore to archive to',
      value: undefined,
      fix: "set parameters.barmanObjectName to the ObjectStore in the cluster's namespace",
    });
  }
  return out;
}

/** Recovery and replica sources without a server name, and a cluster archiving into what it reads. */
function serverNameFindings(spec: Obj, clusterName: string): Finding[] {
  const out: Finding[] = [];
  const archive = archiveTarget(spec, clusterName);
  const seen = new Set<number>();
  for (const { role, entry, index } of sourceEntries(spec)) {
    // An entry that is both the recovery and the replica source is reported once.
    if (seen.has(index)) continue;
    seen.add(index);
    const f = `.spec.externalClusters[${index}]`;
    const plugin = obj(entry.plugin);
    const params = obj(plugin.parameters);
    if (plugin.name === BARMAN_CLOUD_PLUGIN && str(params.serverName) === undefined && entry.name !== clusterName) {
      out.push({
        code: 'source-server-name-missing',
        field: `${f}.plugin.parameters.serverName`,
        message: `is not set: the plugin then reads server "${clusterName}" (this cluster's name), not the ${role} source "${String(entry.name)}"`,
        value: undefined,
        fix: `set serverName to the name the source archives under (by default the source cluster's name, e.g. "${String(entry.name)}")`,
      });
    }
    const source = sourceTarget(entry, clusterName, f);
    const same =
      archive &&
      source &&
      archive.serverName === source.serverName &&
      ((archive.store && archive.store === source.store) ||
        (archive.destinationPath && archive.destinationPath === source.destinationPath));
    if (same) {
      out.push({
        code: 'backup-overwrites-source',
        field: archive.field,
        message: `archives to ${archive.store ? `ObjectStore ${archive.store}` : archive.destinationPath} under server name "${archive.serverName}", which is the ${role} source it reads (${f}): its WAL would overwrite the source's`,
        value: archive.serverName,
        fix: `archive under another server name (backup.serverName / parameters.serverName, e.g. "${clusterName}-2"), or to another store`,
      });
    }
  }
  return out;
}

/** Every backup, recovery and replica finding of a Cluster's spec (`clusterName`: its name; the plugin's defaults use it). */
export function clusterBackupFindings(spec: unknown, clusterName: string, operatorVersion: string): Finding[] {
  const s = obj(spec);
  const out: Finding[] = [];
  const backup = obj(s.backup);
  if (backup.barmanObjectStore !== undefined) {
    out.push(inTreeBarmanFinding('.spec.backup.barmanObjectStore', operatorVersion));
    // validateBackupConfiguration: barman-cloud's ValidateBackupConfiguration (credentials, as for an ObjectStore).
    out.push(
      ...checkObjectStoreSpec('.spec.backup.barmanObjectStore', '.spec.backup', {
        configuration: backup.barmanObjectStore,
        retentionPolicy: backup.retentionPolicy,
      }),
    );
  } else {
    out.push(...checkRetentionPolicy('.spec.backup.retentionPolicy', backup.retentionPolicy));
    if (backup.retentionPolicy !== undefined) {
      // getRetentionPolicyWarnings
      out.push({
        severity: 'warning',
        code: 'backup-retention-policy-unused',
        field: '.spec.backup.retentionPolicy',
        message: 'is used only by the in-tree barmanObjectStore, which this cluster does not use',
        value: backup.retentionPolicy,
        fix: 'set retentionPolicy on the ObjectStore instead',
      });
    }
  }
  out.push(
    ...pluginFindings(s),
    ...externalClusterFindings(s, operatorVersion),
    ...recoveryFindings(s),
    ...replicaFindings(s, clusterName),
    ...serverNameFindings(s, clusterName),
  );
  return out;
}
