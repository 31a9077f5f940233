// A cluster's backup, recovery and replica props: their checks (one step of buildCluster) and the spec fragment they
// become (`plugins`, `backup`, `bootstrap.recovery`, `externalClusters`, `replica`). The rules about the emitted
// objects (the same, over any YAML) are in lib/core/admission/backup.ts; the checks here reuse its functions.
import {
  type ClusterSpec,
  type ClusterSpecBootstrap,
  type ClusterSpecExternalClusters,
  type ClusterSpecPlugins,
  toJson_ClusterSpec,
} from '../../../imports/postgresql.cnpg.io.spec';
import { clusterBackupFindings } from '../admission/backup-cluster';
import type { ClusterModel } from '../cluster';
import { parseVersion } from '../compat';
import { allProblems, NO_PROBLEMS, type Problem } from '../errors';
import { checkKnownKeys } from '../keys';
import { checkDnsSubdomain } from '../names';
import { checkRuntimeTypes } from '../runtime-types';
import {
  BACKUP_SCHEMA,
  type ClusterBackupRecoveryProps,
  EXTERNAL_SCHEMA,
  type ExternalClusterProps,
  type ObjectStoreTarget,
  RECOVERY_SCHEMA,
  RECOVERY_TARGET_SCHEMA,
  REPLICA_SCHEMA,
} from './cluster-backup-props';
import { BARMAN_CLOUD_PLUGIN } from './constants';
import { checkSecretKeyReference } from './object-store-checks';

type Spec = Pick<ClusterSpec, 'plugins' | 'backup' | 'bootstrap' | 'externalClusters' | 'replica'>;
const NOTHING: Spec = Object.freeze({});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const storeName = (t: ObjectStoreTarget | undefined) => (typeof t === 'string' ? t : t?.name);

/** What a cluster of the program archives to: its store's name and its server name (from its model's spec). */
export function archiveOf(model: ClusterModel): { objectStore: string; serverName: string } | undefined {
  const entry = model.spec.plugins?.find((p) => p.name === BARMAN_CLOUD_PLUGIN && p.enabled !== false);
  const store = entry?.parameters?.barmanObjectName;
  if (!entry || !store || entry.isWalArchiver !== true) return undefined;
  return { objectStore: store, serverName: entry.parameters?.serverName ?? model.name };
}

function checkStoreTarget(field: string, t: unknown, clusterNamespace: string | undefined): Problem[] {
  if (t === undefined) return NO_PROBLEMS;
  const name =
    typeof t === 'string' ? t : isObject(t) || (typeof t === 'object' && t !== null) ? (t as { name?: unknown }).name : undefined;
  if (typeof t !== 'string' && (typeof t !== 'object' || t === null)) {
    return [
      {
        code: 'wrong-type',
        field,
        message: 'must be an ObjectStore (the construct or component) or its name',
        value: t,
        fix: 'pass the ObjectStore, or its name as a string',
      },
    ];
  }
  const out = checkDnsSubdomain(field, name, 'an ObjectStore name');
  const ns = typeof t === 'object' ? (t as { namespace?: unknown }).namespace : undefined;
  if (typeof ns === 'string' && clusterNamespace !== undefined && ns !== clusterNamespace) {
    out.push({
      code: 'object-store-namespace-mismatch',
      field,
      message: `is in namespace "${ns}", but the plugin looks for it in the cluster's namespace "${clusterNamespace}"`,
      value: name,
      fix: `create the ObjectStore in namespace "${clusterNamespace}" (one per namespace may point at the same bucket, with distinct server names)`,
    });
  }
  return out;
}

/** The entries of `externalClusters` with the ones `recovery.source` and `replica.source` add inline. */
function externalEntries(props: ClusterBackupRecoveryProps): { entry: ExternalClusterProps; field: string }[] {
  const out = (props.externalClusters ?? []).map((entry, i) => ({ entry, field: `externalClusters[${i}]` }));
  if (isObject(props.recovery?.source)) out.push({ entry: props.recovery.source as ExternalClusterProps, field: 'recovery.source' });
  if (isObject(props.replica?.source)) out.push({ entry: props.replica.source as ExternalClusterProps, field: 'replica.source' });
  return out;
}

/** An entry's object store and server name, filled in from its `cluster`, with the problems of that. */
function resolveEntry(
  e: ExternalClusterProps,
  field: string,
  namespace: string | undefined,
): { store?: string; serverName?: string; problems: Problem[] } {
  const problems: Problem[] = [];
  let store = storeName(e.objectStore);
  let serverName = e.serverName;
  const source = e.cluster?.model;
  if (e.cluster !== undefined && (!isObject(source) || typeof source.name !== 'string')) {
    problems.push({
      code: 'wrong-type',
      field: `${field}.cluster`,
      message: 'must be a PostgresCluster of this program',
      value: e.cluster,
      fix: 'pass the PostgresCluster construct or component, or set objectStore and serverName',
    });
  } else if (source) {
    const archive = archiveOf(source);
    if (!archive) {
      problems.push({
        code: 'source-cluster-not-archiving',
        field: `${field}.cluster`,
        message: `cluster ${source.name} does not archive to an object store (it has no backup.objectStore with walArchiver)`,
        value: source.name,
        fix: `give ${source.name} backup: { objectStore }, or recover from its volume snapshots instead`,
      });
    } else {
      if (source.namespace !== namespace && (source.namespace !== undefined || namespace !== undefined)) {
        problems.push({
          code: 'object-store-namespace-mismatch',
          field: `${field}.cluster`,
          message: `cluster ${source.name} is in namespace "${source.namespace ?? ''}", and its ObjectStore ${archive.objectStore} with it, but the plugin looks in this cluster's namespace "${namespace ?? ''}"`,
          value: source.name,
          fix: `create an ObjectStore with the same destinationPath in namespace "${namespace ?? ''}" and set objectStore to it (serverName "${archive.serverName}")`,
        });
      }
      for (const [k, mine, theirs] of [
        ['objectStore', store, archive.objectStore],
        ['serverName', serverName, archive.serverName],
      ] as const) {
        if (mine !== undefined && mine !== theirs && !(k === 'objectStore' && problems.length > 0)) {
          problems.push({
            code: 'source-cluster-mismatch',
            field: `${field}.${k}`,
            message: `contradicts cluster ${source.name}, which archives to ${k === 'objectStore' ? `ObjectStore ${theirs}` : `server name ${theirs}`}`,
            value: mine,
            fix: `remove ${k} (it is taken from the cluster), or remove cluster`,
          });
        }
      }
      if (problems.length === 0) {
        store ??= archive.objectStore;
        serverName ??= archive.serverName;
      }
    }
  }
  return { store, serverName, problems };
}

// `cluster` is checked where it is read (a construct or component, not a plain object).

/** Problems of the props' shapes: runtime types, unknown keys, names, secret references (nothing allocated when clean). */
function shapeProblems(props: ClusterBackupRecoveryProps, namespace: string | undefined): readonly Problem[] {
  const lists: (readonly Problem[])[] = [];
  const b = props.backup;
  if (b) {
    lists.push(
      checkKnownKeys('backup', b, BACKUP_SCHEMA.keys),
      checkRuntimeTypes('backup', b, BACKUP_SCHEMA.types),
      checkStoreTarget('backup.objectStore', b.objectStore, namespace),
    );
    if (b.target !== undefined && b.target !== 'primary' && b.target !== 'prefer-standby') {
      lists.push([
        {
          code: 'backup-target-invalid',
          field: 'backup.target',
          message: 'must be "primary" or "prefer-standby"',
          value: b.target,
          fix: 'use "prefer-standby" (CNPG\'s default) or "primary"',
        },
      ]);
    }
  }
  const r = props.recovery;
  if (r) {
    lists.push(
      checkKnownKeys('recovery', r, RECOVERY_SCHEMA.keys),
      checkRuntimeTypes('recovery', r, RECOVERY_SCHEMA.types),
      checkKnownKeys('recovery.recoveryTarget', r.recoveryTarget, RECOVERY_TARGET_SCHEMA.keys),
      checkRuntimeTypes('recovery.recoveryTarget', r.recoveryTarget, RECOVERY_TARGET_SCHEMA.types),
    );
  }
  if (props.replica)
    lists.push(
      checkKnownKeys('replica', props.replica, REPLICA_SCHEMA.keys),
      checkRuntimeTypes('replica', props.replica, REPLICA_SCHEMA.types),
    );
  if (props.externalClusters !== undefined || isObject(r?.source) || isObject(props.replica?.source)) {
    for (const { entry, field } of externalEntries(props)) {
      lists.push(
        checkKnownKeys(field, entry, EXTERNAL_SCHEMA.keys),
        checkRuntimeTypes(field, entry, EXTERNAL_SCHEMA.types),
        checkStoreTarget(`${field}.objectStore`, entry.objectStore, namespace),
      );
      for (const k of ['password', 'sslCert', 'sslKey', 'sslRootCert'] as const)
        lists.push(checkSecretKeyReference(`${field}.${k}`, entry[k]));
    }
  }
  return allProblems(...lists);
}

/**
 * The problems of a cluster's backup, recovery and replica props (a step of buildCluster). `name` and `namespace` are
 * the cluster's; `bootstrapGiven`: the cluster also has a `bootstrap` prop.
 */
export function checkClusterBackup(
  props: ClusterBackupRecoveryProps & { readonly bootstrap?: unknown; readonly operatorVersion?: string },
  name: string,
  namespace: string | undefined,
): readonly Problem[] {
  if (
    props.backup === undefined &&
    props.recovery === undefined &&
    props.replica === undefined &&
    props.externalClusters === undefined &&
    props.plugins === undefined
  )
    return NO_PROBLEMS;
  const shape = shapeProblems(props, namespace);
  if (shape.length > 0) return shape;
  const out: Problem[] = [];
  const entries = externalEntries(props);
  for (const { entry, field } of entries) out.push(...resolveEntry(entry, field, namespace).problems);
  if (props.recovery !== undefined && props.bootstrap !== undefined) {
    out.push({
      code: 'recovery-and-bootstrap',
      field: 'recovery',
      message: 'and bootstrap both set the bootstrap method: CNPG takes only one',
      value: Object.keys(props.bootstrap as object),
      fix: 'remove bootstrap (recovery becomes spec.bootstrap.recovery), or write the recovery in bootstrap yourself',
    });
  }
  if ((props.plugins ?? []).some((p) => p?.name === BARMAN_CLOUD_PLUGIN) && props.backup?.objectStore !== undefined) {
    out.push({
      code: 'barman-cloud-plugin-twice',
      field: 'plugins',
      message: `lists ${BARMAN_CLOUD_PLUGIN}, whose entry backup.objectStore already makes`,
      value: BARMAN_CLOUD_PLUGIN,
      fix: `remove the ${BARMAN_CLOUD_PLUGIN} entry from plugins`,
    });
  }
  const usesPlugin =
    props.backup?.objectStore !== undefined || entries.some(({ entry }) => entry.objectStore !== undefined || entry.cluster !== undefined);
  const v = usesPlugin ? parseVersion(props.operatorVersion ?? '1.30.0') : undefined;
  if (v && (v[0] < 1 || (v[0] === 1 && v[1] < 26))) {
    out.push({
      code: 'barman-cloud-plugin-operator-too-old',
      field: 'operatorVersion',
      message: 'is older than 1.26, the first CNPG the Barman Cloud plugin works with',
      value: props.operatorVersion,
      fix: 'target CNPG 1.26 or later (1.30.0 is the default)',
    });
  }
  if (out.length > 0) return out;
  // A backup alone (its shape checked above) cannot break the object rules, which are about recovery, replicas,
  // external clusters and other plugins: most clusters stop here.
  if (props.recovery === undefined && props.replica === undefined && props.externalClusters === undefined && props.plugins === undefined)
    return NO_PROBLEMS;
  // The rules CNPG, the plugin and the library apply to the emitted object, over the fragment this cluster emits
  // (errors only: the props cannot produce what the warnings are about), with their fields named as props.
  const spec = clusterBackupSpec(props, namespace);
  const wire = toJson_ClusterSpec({
    ...spec,
    bootstrap: spec.bootstrap ?? (props.bootstrap as ClusterSpecBootstrap | undefined),
    walStorage: (props as { walStorage?: unknown }).walStorage ? { size: '1Gi' } : undefined,
  } as ClusterSpec);
  const found = clusterBackupFindings(wire, name, props.operatorVersion ?? '1.30.0');
  return found.filter((f) => f.severity !== 'warning').map((f) => ({ ...f, field: propField(f.field, props) }));
}

/** The prop a path in the emitted spec comes from (`.spec.plugins[0].parameters.serverName` is `backup.serverName`). */
function propField(path: string, props: ClusterBackupRecoveryProps): string {
  const barman = props.backup?.objectStore !== undefined;
  let m = /^\.spec\.plugins(?:\[(\d+)\](.*))?$/.exec(path);
  if (m) {
    if (m[1] === undefined) return barman ? 'backup' : 'plugins';
    const i = Number(m[1]);
    if (barman && i === 0) {
      return m[2] === '.parameters.serverName'
        ? 'backup.serverName'
        : m[2] === '.parameters.barmanObjectName'
          ? 'backup.objectStore'
          : 'backup';
    }
    return `plugins[${barman ? i - 1 : i}]${m[2]}`;
  }
  m = /^\.spec\.externalClusters\[(\d+)\](.*)$/.exec(path);
  if (m) {
    const field = externalEntries(props)[Number(m[1])]?.field ?? `externalClusters[${m[1]}]`;
    return `${field}${m[2].replace(/^\.plugin\.parameters\.barmanObjectName$/, '.objectStore').replace(/^\.plugin\.parameters\.serverName$/, '.serverName')}`;
  }
  if (path.startsWith('.spec.bootstrap.recovery')) return `recovery${path.slice('.spec.bootstrap.recovery'.length)}`;
  if (path === '.spec.bootstrap')
    return (props as { bootstrap?: unknown }).bootstrap === undefined || props.recovery ? 'recovery' : 'bootstrap';
  return path.replace(/^\.spec\./, '');
}

function pluginParameters(store: string | undefined, serverName: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (store !== undefined) out.barmanObjectName = store;
  if (serverName !== undefined) out.serverName = serverName;
  return out;
}

function externalWire(e: ExternalClusterProps, namespace: string | undefined): ClusterSpecExternalClusters {
  const { store, serverName } = resolveEntry(e, '', namespace);
  const ref = (r: { name: string; key: string } | undefined) => (r ? { name: r.name, key: r.key } : undefined);
  return {
    name: e.name,
    connectionParameters: e.connectionParameters ? { ...e.connectionParameters } : undefined,
    password: ref(e.password),
    sslCert: ref(e.sslCert),
    sslKey: ref(e.sslKey),
    sslRootCert: ref(e.sslRootCert),
    plugin: store !== undefined ? { name: BARMAN_CLOUD_PLUGIN, parameters: pluginParameters(store, serverName) } : undefined,
  };
}

/**
 * The spec fields a cluster's backup, recovery and replica props become (copies: nothing of the user's objects is
 * emitted or frozen). Empty (shared) when none is set.
 */
export function clusterBackupSpec(props: ClusterBackupRecoveryProps, namespace: string | undefined): Spec {
  const { backup: b, recovery: r, replica: rep } = props;
  if (b === undefined && r === undefined && rep === undefined && props.externalClusters === undefined && props.plugins === undefined)
    return NOTHING;
  const out: { -readonly [K in keyof Spec]: Spec[K] } = {};
  const plugins: ClusterSpecPlugins[] = [];
  if (b?.objectStore !== undefined) {
    plugins.push({
      name: BARMAN_CLOUD_PLUGIN,
      isWalArchiver: b.walArchiver ?? true,
      parameters: pluginParameters(storeName(b.objectStore), b.serverName),
    });
  }
  if (props.plugins !== undefined) for (const p of props.plugins) plugins.push(structuredClone(p));
  if (plugins.length > 0) out.plugins = plugins;
  // A backup alone (the common case) needs nothing more.
  if (r === undefined && rep === undefined && props.externalClusters === undefined) {
    if (b && (b.target !== undefined || b.volumeSnapshot !== undefined)) {
      out.backup = { target: b.target as never, volumeSnapshot: b.volumeSnapshot ? structuredClone(b.volumeSnapshot) : undefined };
    }
    return out;
  }
  if (b && (b.target !== undefined || b.volumeSnapshot !== undefined)) {
    out.backup = { target: b.target as never, volumeSnapshot: b.volumeSnapshot ? structuredClone(b.volumeSnapshot) : undefined };
  }
  const entries = externalEntries(props);
  if (entries.length > 0) out.externalClusters = entries.map(({ entry }) => externalWire(entry, namespace));
  const sourceName = (s: string | ExternalClusterProps | undefined) => (typeof s === 'string' ? s : s?.name);
  if (r) {
    const t = r.recoveryTarget;
    out.bootstrap = {
      recovery: {
        source: sourceName(r.source),
        volumeSnapshots: r.volumeSnapshots ? structuredClone(r.volumeSnapshots) : undefined,
        recoveryTarget: t
          ? {
              backupId: t.backupID,
              targetTli: t.targetTLI,
              targetXid: t.targetXID,
              targetName: t.targetName,
              targetLsn: t.targetLSN,
              targetTime: t.targetTime,
              targetImmediate: t.targetImmediate,
              exclusive: t.exclusive,
            }
          : undefined,
        database: r.database,
        owner: r.owner,
        secret: r.secret !== undefined ? { name: r.secret } : undefined,
      },
    };
  }
  if (rep) {
    out.replica = {
      source: sourceName(rep.source) as string,
      primary: rep.primary,
      self: rep.self,
      enabled: rep.enabled,
      promotionToken: rep.promotionToken,
      minApplyDelay: rep.minApplyDelay,
    };
  }
  return out;
}
