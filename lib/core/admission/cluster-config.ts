// CNPG's webhook rules over a Cluster's PostgreSQL configuration: parameters, wal_level, sizes, booleans,
// synchronous replication, replication slots, managed extensions, LDAP.
// cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go unless said otherwise.
import type { KubeObject } from '../operator-manifest';
import { BLOCKED_PARAMETERS, FIXED_PARAMETER_SET, PARAMETER_FIX, PARAMETER_NAME_PATTERN } from '../parameters';
import { managedModuleEnabled } from '../extension-catalog';
import { hasControlCharacters } from '../sql';
import { clusterView, list, rec, str } from './cluster-view';
import { goParseBool, goRegexpCompiles } from './go-parse';
import { registerObjectRules } from './registry';
import { compareQuantities, isZeroQuantity, parsePostgresQuantity, parseQuantity, type Quantity } from './quantity';
import { Findings } from './rule';

const P = '.spec.postgresql.parameters';

/** `ParsePostgresConfigBoolean` (pkg/postgres/booleans.go): PostgreSQL's booleans and their unambiguous prefixes. */
export function parsePostgresBoolean(s: string): boolean | undefined {
  switch (s.toLowerCase()) {
    case '1':
    case 'on':
    case 'y':
    case 'ye':
    case 'yes':
    case 't':
    case 'tr':
    case 'tru':
    case 'true':
      return true;
    case '0':
    case 'of':
    case 'off':
    case 'n':
    case 'no':
    case 'f':
    case 'fa':
    case 'fal':
    case 'fals':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

function checkConfiguration(object: KubeObject): Findings {
  const v = clusterView(object);
  const out = new Findings();
  const pg = rec(v.spec.postgresql) ?? {};
  const synchronous = rec(pg.synchronous);
  if (synchronous && (Number(v.spec.minSyncReplicas ?? 0) > 0 || Number(v.spec.maxSyncReplicas ?? 0) > 0)) {
    out.error(
      'cluster-synchronous-legacy-and-new',
      '.spec.postgresql.synchronous',
      "can't be set together with the legacy minSyncReplicas/maxSyncReplicas",
      synchronous,
      'use postgresql.synchronous only and remove minSyncReplicas and maxSyncReplicas',
    );
  }
  // validateConfiguration stops here when the major is unknown: validateImageName reports that.
  if (v.major === undefined) return out;
  if (v.major < 13) {
    out.error(
      'cluster-postgres-major-unsupported',
      rec(v.spec.imageCatalogRef) ? '.spec.imageCatalogRef.major' : '.spec.imageName',
      `runs PostgreSQL ${v.major}: CNPG supports PostgreSQL 13 or newer`,
      v.spec.imageName ?? v.major,
      'use a PostgreSQL 13+ image (extension images need 18)',
    );
  }
  // The user's parameters only: a key they do not set has CNPG's own value in both maps (GLOBAL_DEFAULT_SETTINGS,
  // archive_mode), a valid name and nothing to refuse.
  for (const key in v.parameters) {
    if (!PARAMETER_NAME_PATTERN.test(key)) {
      out.error(
        'parameter-name-invalid',
        `${P}.${key}`,
        'is not a PostgreSQL parameter name (a GUC name, optionally with one dot)',
        key,
        'use a name such as "work_mem" or "pg_stat_statements.max"',
      );
      continue;
    }
    if (!FIXED.has(key) || key === 'archive_mode') continue;
    const accepted = Object.hasOwn(v.sanitized, key) ? v.sanitized[key] : undefined;
    if (v.defaulted[key] !== accepted) {
      out.error(
        'parameter-fixed-by-cnpg',
        `${P}.${key}`,
        `${BLOCKED.has(key) ? 'is blocked by CNPG (the operator manages it)' : 'is fixed by CNPG'}: ${accepted === undefined ? 'refused at any value' : `accepted only as ${JSON.stringify(accepted)}, the value CNPG sets itself`}`,
        v.defaulted[key],
        PARAMETER_FIX[key] ?? 'remove it; CNPG sets it',
      );
    }
  }
  const walLevel = v.sanitized.wal_level;
  const requirement = v.instances > 1 || v.sanitized.archive_mode !== 'off' || v.isReplica;
  if (walLevel !== 'logical' && walLevel !== 'replica' && walLevel !== 'minimal') {
    out.error(
      'wal-level-invalid',
      `${P}.wal_level`,
      'is not a wal_level CNPG knows (logical, replica, minimal)',
      walLevel,
      'use "logical" (the default), "replica" or "minimal"',
    );
  } else if (requirement && walLevel === 'minimal') {
    out.error(
      'wal-level-minimal-refused',
      `${P}.wal_level`,
      'must be "logical" or "replica" when WAL archiving is on (archive_mode is on unless the cnpg.io/skipWalArchiving annotation is "enabled"), instances is greater than 1, or this is a replica cluster',
      walLevel,
      'use "replica" or "logical"',
    );
  }
  if (walLevel === 'minimal' && v.sanitized.max_wal_senders !== '0') {
    out.error(
      'wal-level-minimal-senders',
      `${P}.max_wal_senders`,
      'must be "0" with wal_level "minimal"',
      v.sanitized.max_wal_senders,
      'set max_wal_senders: "0", or use wal_level "replica"',
    );
  }
  const sharedBuffers = v.defaulted.shared_buffers;
  if (sharedBuffers !== undefined && sharedBuffers !== '' && parsePostgresQuantity(sharedBuffers) === undefined) {
    out.error(
      'parameter-size-invalid',
      `${P}.shared_buffers`,
      'is not a size CNPG can read (a number, optionally followed by kB, MB, GB or TB)',
      sharedBuffers,
      'write it as "512MB" or "2GB"',
    );
  }
  for (const key of ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints']) {
    if (Object.hasOwn(v.defaulted, key) && parsePostgresBoolean(v.defaulted[key]) === undefined) {
      out.error('parameter-not-boolean', `${P}.${key}`, 'is not a PostgreSQL boolean', v.defaulted[key], 'use "on" or "off"');
    }
  }
  if (Object.hasOwn(v.defaulted, 'wal_log_hints') && parsePostgresBoolean(v.defaulted.wal_log_hints) === false && v.instances > 1) {
    out.error(
      'wal-log-hints-off',
      `${P}.wal_log_hints`,
      'must be on when instances is greater than 1 (pg_rewind needs it to turn a former primary into a replica)',
      v.defaulted.wal_log_hints,
      'remove it (CNPG sets it on) or set it to "on"',
    );
  }
  checkWalSizes(v.defaulted, walVolumeSize(v.spec.walStorage), out);
  const election = rec(pg.syncReplicaElectionConstraint);
  if (election?.enabled === true && list(election.nodeLabelsAntiAffinity).length === 0) {
    out.error(
      'sync-election-constraint-no-labels',
      '.spec.postgresql.syncReplicaElectionConstraint.nodeLabelsAntiAffinity',
      "can't be empty when syncReplicaElectionConstraint is enabled",
      election.nodeLabelsAntiAffinity,
      'list the node labels to compare, such as ["topology.kubernetes.io/zone"]',
    );
  }
  return out;
}

const FIXED = FIXED_PARAMETER_SET;
const BLOCKED: ReadonlySet<string> = new Set(BLOCKED_PARAMETERS);

/** `StorageConfiguration.GetSizeOrNil` (api/v1/cluster_funcs.go). */
export function storageSize(storage: unknown): Quantity | undefined {
  const s = rec(storage);
  if (!s) return undefined;
  if (str(s.size) !== '') return parseQuantity(str(s.size));
  const requested = rec(rec(rec(s.pvcTemplate)?.resources)?.requests)?.storage;
  if (typeof requested === 'string') return parseQuantity(requested);
  if (typeof requested === 'number') return parseQuantity(String(requested));
  return s.pvcTemplate === undefined ? undefined : { numerator: 0n, scale: 0 };
}

function walVolumeSize(walStorage: unknown): Quantity | undefined {
  return storageSize(walStorage);
}

/** `validateWalSizeConfiguration`: min_wal_size < max_wal_size < the WAL volume. */
function checkWalSizes(params: Readonly<Record<string, string>>, volume: Quantity | undefined, out: Findings): void {
  const read = (key: string, fallback: string) => {
    const given = params[key] ?? '';
    const text = given === '' ? fallback : given;
    const q = parsePostgresQuantity(text);
    if (q === undefined)
      out.error(
        'parameter-size-invalid',
        `${P}.${key}`,
        `is not a size CNPG can read`,
        text,
        'write it as "80MB" or "1GB" (units end in B)',
      );
    return { text, q, set: given !== '' };
  };
  const min = read('min_wal_size', '80MB');
  const max = read('max_wal_size', '1GB');
  if (!isZeroQuantity(min.q) && !isZeroQuantity(max.q) && compareQuantities(min.q as Quantity, max.q as Quantity) >= 0) {
    out.error(
      'wal-size-min-not-below-max',
      `${P}.min_wal_size`,
      'must be smaller than max_wal_size (defaults: 80MB and 1GB)',
      min.text,
      'lower min_wal_size or raise max_wal_size',
    );
  }
  if (volume === undefined) return;
  for (const [key, s] of [
    ['min_wal_size', min],
    ['max_wal_size', max],
  ] as const) {
    if (s.set && !isZeroQuantity(s.q) && compareQuantities(s.q as Quantity, volume) >= 0) {
      out.error(
        'wal-size-exceeds-volume',
        `${P}.${key}`,
        'must be smaller than the WAL volume (walStorage.size)',
        s.text,
        `lower ${key} or enlarge walStorage`,
      );
    }
  }
}

function checkSynchronous(object: KubeObject): Findings {
  const v = clusterView(object);
  const out = new Findings();
  const sync = rec(rec(v.spec.postgresql)?.synchronous);
  const annotation = v.annotations['alpha.cnpg.io/failoverQuorum'];
  const parsed = typeof annotation === 'string' ? goParseBool(annotation) : undefined;
  if (annotation !== undefined) {
    if (parsed === undefined) {
      out.error(
        'failover-quorum-annotation-invalid',
        '.metadata.annotations.alpha.cnpg.io/failoverQuorum',
        'is not a boolean',
        annotation,
        'use "true" or "false", or move to spec.postgresql.synchronous.failoverQuorum',
      );
    } else if (parsed && !sync) {
      out.error(
        'failover-quorum-needs-synchronous',
        '.spec.postgresql.synchronous',
        'is required when failover quorum is on',
        undefined,
        'configure synchronous replication in postgresql.synchronous',
      );
    }
  }
  if (!sync) return out;
  const number = Number(sync.number ?? 0);
  const named = list(sync.standbyNamesPre).length + list(sync.standbyNamesPost).length;
  if (number >= v.instances + named) {
    out.error(
      'synchronous-number-too-high',
      '.spec.postgresql.synchronous',
      'asks for as many synchronous replicas as there are instances and standby names, or more: it must be fewer',
      sync.number,
      `set number below ${v.instances + named}`,
    );
  }
  // Default() copies the alpha annotation into failoverQuorum (tryConvertAlphaFailoverQuorum).
  const quorum = parsed ?? sync.failoverQuorum === true;
  if (quorum && number <= named) {
    out.error(
      'failover-quorum-number-too-low',
      '.spec.postgresql.synchronous',
      'number must be greater than the standby names in standbyNamesPre and standbyNamesPost for failover quorum',
      sync.number,
      `set number above ${named}`,
    );
  }
  return out;
}

function checkSyncReplicas(object: KubeObject): Findings {
  const v = clusterView(object);
  const out = new Findings();
  const max = Number(v.spec.maxSyncReplicas ?? 0);
  const min = Number(v.spec.minSyncReplicas ?? 0);
  if (max < 0) out.error('max-sync-replicas-negative', '.spec.maxSyncReplicas', 'must not be negative', max, 'use 0 or more');
  // With instances below 1 the CRD schema (minimum: 1) refuses the object before the webhook could see it.
  if (v.instances >= 1 && max >= v.instances)
    out.error('max-sync-replicas-too-high', '.spec.maxSyncReplicas', 'must be lower than instances', max, `use at most ${v.instances - 1}`);
  if (min < 0) out.error('min-sync-replicas-negative', '.spec.minSyncReplicas', 'must not be negative', min, 'use 0 or more');
  if (min > max)
    out.error(
      'min-sync-replicas-above-max',
      '.spec.minSyncReplicas',
      'must not be greater than maxSyncReplicas',
      min,
      `use at most ${max}`,
    );
  return out;
}

function checkLdap(object: KubeObject): Findings {
  const out = new Findings();
  const ldap = rec(rec(clusterView(object).spec.postgresql)?.ldap);
  if (!ldap) return out;
  if (str(ldap.server) === '')
    out.error(
      'ldap-server-required',
      '.spec.postgresql.ldap',
      'needs a server when any LDAP setting is given',
      ldap.server,
      'set ldap.server',
    );
  if (ldap.bindSearchAuth !== undefined && ldap.bindAsAuth !== undefined)
    out.error('ldap-two-bind-methods', '.spec.postgresql.ldap', 'sets both bindAsAuth and bindSearchAuth', undefined, 'keep one of them');
  return out;
}

function checkReplicationSlots(object: KubeObject): Findings {
  const v = clusterView(object);
  const out = new Findings();
  const slots = rec(v.spec.replicationSlots);
  const sync = rec(slots?.synchronizeReplicas);
  if ((v.replicationSlots.haEnabled || v.replicationSlots.syncReplicasEnabled) && sync) {
    const bad = list(sync.excludePatterns).filter((p) => typeof p === 'string' && !goRegexpCompiles(p));
    if (bad.length > 0) {
      out.error(
        'replication-slots-exclude-pattern-invalid',
        '.spec.replicationSlots.synchronizeReplicas.excludePatterns',
        'holds a regular expression Go cannot compile',
        bad,
        'fix the pattern (RE2 syntax: no look-around, no back-references)',
      );
    }
  }
  const failoverSlots = managedModuleEnabled('pg_failover_slots', v.defaulted);
  const feedback = parsePostgresBoolean(v.defaulted.hot_standby_feedback ?? '') === true;
  if (v.replicationSlots.synchronizeLogicalDecoding && !failoverSlots && v.major !== undefined) {
    const field = '.spec.replicationSlots.highAvailability.synchronizeLogicalDecoding';
    if (v.major < 17) {
      out.error(
        'logical-decoding-sync-needs-failover-slots',
        field,
        'needs the pg_failover_slots extension before PostgreSQL 17',
        true,
        'set a pg_failover_slots.* parameter, or use PostgreSQL 17+',
      );
    } else {
      if (!feedback)
        out.error(
          'hot-standby-feedback-required',
          `${P}.hot_standby_feedback`,
          'must be on to synchronize logical decoding slots',
          v.defaulted.hot_standby_feedback,
          'set hot_standby_feedback: "on"',
        );
      if (parsePostgresBoolean(v.defaulted.sync_replication_slots ?? '') !== true)
        out.error(
          'sync-replication-slots-required',
          `${P}.sync_replication_slots`,
          'must be on (or pg_failover_slots used) to synchronize logical decoding slots',
          v.defaulted.sync_replication_slots,
          'set sync_replication_slots: "on"',
        );
    }
  }
  // validatePgFailoverSlots
  if (failoverSlots) {
    if (!feedback)
      out.error(
        'hot-standby-feedback-required',
        `${P}.hot_standby_feedback`,
        'must be on to use pg_failover_slots',
        v.defaulted.hot_standby_feedback,
        'set hot_standby_feedback: "on"',
      );
    if (!v.replicationSlots.haEnabled)
      out.error(
        'failover-slots-need-ha-slots',
        '.spec.replicationSlots.highAvailability',
        'must be enabled to use pg_failover_slots',
        false,
        'set replicationSlots.highAvailability.enabled: true',
      );
  }
  return out;
}

/** The library's own: values postgresql.conf cannot hold, and the ones CNPG's defaulting webhook replaces. */
function checkParameterValues(object: KubeObject): Findings {
  const v = clusterView(object);
  const out = new Findings();
  const raw = rec(rec(v.spec.postgresql)?.parameters);
  if (!raw) return out;
  for (const key in raw) {
    const value = raw[key];
    if (typeof value === 'string' && hasControlCharacters(value)) {
      out.error(
        'parameter-control-character',
        `${P}.${key}`,
        'contains a newline or another control character, which postgresql.conf cannot hold',
        value,
        'write the value on one line',
      );
    }
  }
  if (typeof raw.archive_mode === 'string' && v.major !== undefined && raw.archive_mode !== v.sanitized.archive_mode) {
    out.warn(
      'parameter-replaced-by-cnpg',
      `${P}.archive_mode`,
      `is replaced by CNPG's defaulting webhook with "${v.sanitized.archive_mode}" (archive_mode follows the cnpg.io/skipWalArchiving annotation and the replica mode)`,
      raw.archive_mode,
      'remove it; set the cnpg.io/skipWalArchiving annotation to "enabled" to turn WAL archiving off',
    );
  }
  return out;
}

registerObjectRules(
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateConfiguration, validateWalSizeConfiguration, validateSyncReplicaElectionConstraint',
    check: (o) => checkConfiguration(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateSynchronousReplicaConfiguration, validateFailoverQuorumAlphaAnnotation, validateFailoverQuorum',
    check: (o) => checkSynchronous(o).list,
  },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateMaxSyncReplicas, validateMinSyncReplicas',
    check: (o) => checkSyncReplicas(o).list,
  },
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateLDAP', check: (o) => checkLdap(o).list },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateReplicationSlots, validateSynchronizeLogicalDecoding, validateManagedExtensions (validatePgFailoverSlots)',
    check: (o) => checkReplicationSlots(o).list,
  },
  {
    kinds: ['Cluster'],
    source: 'library',
    cite: "the library's own: postgresql.conf values on one line; archive_mode replaced by Cluster.Default",
    check: (o) => checkParameterValues(o).list,
  },
);
