// Rules over one ObjectStore, Backup or ScheduledBackup object, and whether a backup's cluster can take it. Fields are
// paths in the object; the builders run the same functions over what they emit.
import { NO_PROBLEMS } from '../errors';
import type { Finding } from '../findings';
import { BARMAN_CLOUD_PLUGIN } from '../backup/constants';
import { checkSchedule } from '../backup/cron';
import { checkObjectStoreSpec } from '../backup/object-store-checks';
import { inTreeBarmanFinding } from './backup-cluster';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});

/** An ObjectStore's spec: barman-cloud's configuration rules, retention, and the CRD's `serverName` rule. */
export function objectStoreFindings(spec: unknown): Finding[] {
  const s = obj(spec);
  const out = checkObjectStoreSpec('.spec.configuration', '.spec', s);
  if (obj(s.configuration).serverName !== undefined) {
    // plugin-barman-cloud v0.14.0 api/v1/objectstore_types.go: XValidation !has(self.serverName)
    out.push({
      code: 'object-store-server-name',
      field: '.spec.configuration.serverName',
      message: "is refused by the ObjectStore CRD: use the 'serverName' plugin parameter in the Cluster resource",
      value: obj(s.configuration).serverName,
      fix: "remove it and set parameters.serverName in the cluster's spec.plugins entry (backup.serverName)",
    });
  }
  return out;
}

/** The backup method after CNPG's defaulting (the CRD's default is the in-tree `barmanObjectStore`). */
export const backupMethod = (spec: Obj): string => (typeof spec.method === 'string' ? spec.method : 'barmanObjectStore');

/**
 * A Backup's or ScheduledBackup's own spec (cloudnative-pg v1.30.0 internal/webhook/v1/backup_webhook.go and
 * scheduledbackup_webhook.go, validate): the schedule, the plugin configuration of `method: plugin`, the options of
 * volume snapshots only, and the deprecated in-tree method.
 */
export function backupFindings(
  kind: 'Backup' | 'ScheduledBackup',
  spec: unknown,
  annotations: unknown,
  operatorVersion: string,
): Finding[] {
  const s = obj(spec);
  const out: Finding[] = kind === 'ScheduledBackup' ? [...checkSchedule('.spec.schedule', s.schedule)] : [];
  const method = backupMethod(s);
  const plugin = obj(s.pluginConfiguration);
  if (method === 'plugin' && (typeof plugin.name !== 'string' || plugin.name === '')) {
    out.push({
      code: 'backup-plugin-configuration-missing',
      field: '.spec.pluginConfiguration',
      message: `cannot be empty when the backup method is plugin${kind === 'ScheduledBackup' ? ' (every Backup this schedule creates would be refused)' : ''}`,
      value: s.pluginConfiguration,
      fix: `set pluginConfiguration: { name: "${BARMAN_CLOUD_PLUGIN}" }`,
    });
  }
  if (method === 'barmanObjectStore') {
    for (const k of ['online', 'onlineConfiguration'] as const) {
      if (s[k] !== undefined) {
        out.push({
          code: 'backup-online-needs-snapshot',
          field: `.spec.${k}`,
          message: 'can be specified only if the backup method is volumeSnapshot',
          value: s[k],
          fix: 'remove it, or use method: volumeSnapshot',
        });
      }
    }
    out.push(
      inTreeBarmanFinding(
        s.method === undefined ? '.spec' : '.spec.method',
        operatorVersion,
        s.method === undefined
          ? "the in-tree barmanObjectStore method (CNPG's default when method is not set)"
          : 'the in-tree barmanObjectStore method',
      ),
    );
  }
  const deadline = obj(annotations)['cnpg.io/volumeSnapshotDeadline'];
  if (deadline !== undefined && (typeof deadline !== 'string' || !/^[+-]?[0-9]+$/.test(deadline))) {
    out.push({
      code: 'backup-snapshot-deadline-invalid',
      field: '.metadata.annotations.cnpg.io/volumeSnapshotDeadline',
      message: 'must be an integer',
      value: deadline,
      fix: 'use a number of minutes such as "10"',
    });
  }
  return out;
}

/**
 * Whether a backup's cluster can take it (cloudnative-pg v1.30.0 internal/controller/backup_controller.go: the checks
 * that fail the Backup "cannot proceed with the backup as the cluster has no ..."; the plugin must be one the cluster
 * loads, pkg/management/postgres/webserver/plugin_backup.go). `clusterSpec` is the Cluster's wire spec.
 */
export function backupMethodFindings(backupSpec: unknown, clusterName: string, clusterSpec: unknown, field = '.spec.method'): Finding[] {
  const b = obj(backupSpec);
  const c = obj(clusterSpec);
  const method = backupMethod(b);
  let has: string | undefined;
  let fix = '';
  if (method === 'plugin') {
    const name = obj(b.pluginConfiguration).name ?? BARMAN_CLOUD_PLUGIN;
    let found = false;
    if (Array.isArray(c.plugins)) for (const p of c.plugins) if (isObject(p) && p.name === name && p.enabled !== false) found = true;
    if (!found) {
      has = `enabled ${String(name)} plugin`;
      fix =
        name === BARMAN_CLOUD_PLUGIN
          ? `give cluster ${clusterName} backup: { objectStore } (a spec.plugins entry for ${BARMAN_CLOUD_PLUGIN})`
          : `add ${String(name)} to the cluster's plugins`;
    }
  } else if (method === 'volumeSnapshot') {
    if (obj(c.backup).volumeSnapshot === undefined) {
      has = 'spec.backup.volumeSnapshot';
      fix = `give cluster ${clusterName} backup: { volumeSnapshot: { className } }`;
    }
  } else if (method === 'barmanObjectStore' && obj(c.backup).barmanObjectStore === undefined) {
    has = 'spec.backup.barmanObjectStore';
    fix =
      'use method: plugin with pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" } for a cluster that archives through the plugin';
  }
  if (has === undefined) return NO_PROBLEMS;
  return [
    {
      code: 'backup-method-not-configured',
      field,
      message: `is ${method}, but cluster ${clusterName} has no ${has}: CNPG fails every such backup ("cannot proceed with the backup")`,
      value: method,
      fix,
    },
  ];
}
