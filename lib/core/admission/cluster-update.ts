// CNPG's webhook rules that compare a Cluster with its previous version (`ValidateUpdate`, which first applies
// `SetDefaults` to the old object). cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go,
// validateClusterChanges.
import type { KubeObject } from '../operator-manifest';
import { storageSize } from './cluster-config';
import { clusterView, isReplicaCluster, list, rec, str } from './cluster-view';
import { compareQuantities } from './quantity';
import { registerObjectRules } from './registry';
import { type AdmissionContext, Findings } from './rule';

function checkChanges(object: KubeObject, context: AdmissionContext): Findings {
  const out = new Findings();
  const old = context.previous;
  if (!old) return out;
  const v = clusterView(object);
  const o = clusterView(old);
  // validateImageChange: against the major the data directory was created with (old status).
  const info = rec(rec(old.status)?.pgDataImageInfo);
  const field = rec(v.spec.imageCatalogRef) ? '.spec.imageCatalogRef.major' : '.spec.imageName';
  if (v.major !== undefined && info && typeof info.majorVersion === 'number') {
    const from = info.majorVersion;
    if (from > v.major)
      out.error(
        'major-downgrade',
        field,
        `can't downgrade from PostgreSQL ${from} to ${v.major}`,
        v.major,
        `stay on PostgreSQL ${from} or later`,
      );
    if (from < v.major && v.major < 16)
      out.error(
        'major-upgrade-target-too-old',
        field,
        'major upgrades are only supported to PostgreSQL 16 or later',
        v.major,
        'upgrade to 16 or later',
      );
  }
  // validateConfigurationChange
  if (v.imageName !== o.imageName && (v.spec.primaryUpdateMethod ?? 'restart') === 'switchover' && differ(o.defaulted, v.defaulted)) {
    out.error(
      'image-and-parameters-changed',
      '.spec.imageName',
      "can't change the image and the PostgreSQL parameters at once with primaryUpdateMethod switchover",
      v.spec.imageName,
      'change the image first, then the parameters (or the reverse)',
    );
  }
  shrink(out, '.spec.storage', o.spec.storage, v.spec.storage);
  if (o.spec.walStorage !== undefined) {
    if (v.spec.walStorage === undefined)
      out.error('wal-storage-removed', '.spec.walStorage', 'cannot be removed once configured', undefined, 'keep walStorage');
    else shrink(out, '.spec.walStorage', o.spec.walStorage, v.spec.walStorage);
  }
  const oldTablespaces = list(o.spec.tablespaces);
  if (o.spec.tablespaces !== undefined && v.spec.tablespaces === undefined) {
    out.error('tablespaces-removed', '.spec.tablespaces', 'cannot be removed once created', undefined, 'keep the tablespaces section');
  } else if (o.spec.tablespaces !== undefined) {
    oldTablespaces.forEach((t, i) => {
      const name = str(rec(t)?.name);
      const now = list(v.spec.tablespaces).find((n) => str(rec(n)?.name) === name);
      if (now === undefined)
        out.error(
          'tablespace-removed',
          `.spec.tablespaces[${i}]`,
          `removes tablespace "${name}": no tablespace can be deleted once created`,
          name,
          'keep the tablespace',
        );
      else shrink(out, `.spec.tablespaces[${i}]`, rec(t)?.storage, rec(now)?.storage);
    });
  }
  for (const id of ['postgresGID', 'postgresUID'] as const) {
    if ((v.spec[id] ?? 26) !== (o.spec[id] ?? 26))
      out.error('postgres-id-changed', `.spec.${id}`, 'is immutable', v.spec[id], `keep ${String(o.spec[id] ?? 26)}`);
  }
  // validateReplicationSlotsChange: both sides are defaulted, so only the HA slot prefix can differ.
  if (o.replicationSlots.haEnabled) {
    const prefix = (c: typeof v) => str(rec(rec(c.spec.replicationSlots)?.highAvailability)?.slotPrefix) || '_cnpg_';
    if (prefix(o) !== prefix(v))
      out.error(
        'replication-slot-prefix-changed',
        '.spec.replicationSlots.highAvailability.slotPrefix',
        'cannot change while high-availability replication slots are enabled',
        prefix(v),
        `keep "${prefix(o)}", or disable highAvailability first`,
      );
  }
  // validateWALLevelChange: the old object's wal_level is defaulted (logical) when it was not set.
  const oldWal = o.major === undefined ? (o.parameters.wal_level ?? '') : o.sanitized.wal_level;
  if (v.defaulted.wal_level === 'minimal' && oldWal !== '' && oldWal !== 'minimal') {
    out.error(
      'wal-level-changed-to-minimal',
      '.spec.postgresql.parameters.wal_level',
      `can't change to minimal on an existing cluster (from ${oldWal})`,
      'minimal',
      `keep "${oldWal}"`,
    );
  }
  // validateReplicaClusterChange
  const inProgress = rec(rec(object.status ?? old.status)?.switchReplicaClusterStatus)?.inProgress === true;
  if (inProgress && isReplicaCluster(v.name, v.spec) !== isReplicaCluster(o.name, o.spec)) {
    out.error(
      'replica-switch-in-progress',
      '.spec.replica.enabled',
      'cannot change while the replica cluster is being switched',
      v.isReplica,
      'wait for the switch to finish',
    );
  }
  return out;
}

/** `CollectDifferencesFromMaps` is non-empty. */
function differ(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  for (const k in a) if (a[k] !== b[k]) return true;
  for (const k in b) if (!Object.hasOwn(a, k)) return true;
  return false;
}

/** `validateStorageConfigurationChange`: a size that can be read may not shrink. */
function shrink(out: Findings, field: string, before: unknown, after: unknown): void {
  const a = storageSize(before);
  const b = storageSize(after);
  if (a && b && compareQuantities(a, b) > 0) {
    out.error(
      'storage-shrink',
      field,
      `can't shrink existing storage from ${str(rec(before)?.size) || 'its size'} to ${str(rec(after)?.size) || 'a smaller size'}`,
      rec(after)?.size,
      'keep or enlarge the size (PVCs only grow)',
    );
  }
}

registerObjectRules({
  kinds: ['Cluster'],
  on: 'update',
  cite: 'cluster_webhook.go validateClusterChanges (ValidateUpdate)',
  check: (o, c) => checkChanges(o, c).list,
});
