// On-demand and scheduled base backups (CNPG `Backup` and `ScheduledBackup`, cloudnative-pg v1.30.0
// api/v1/backup_types.go and scheduledbackup_types.go), by the Barman Cloud plugin or volume snapshots.
import { backupFindings, backupMethodFindings } from '../admission/backup-objects';
import { DEFAULT_OPERATOR_VERSION } from '../compat';
import { allProblems, NO_PROBLEMS, type Problem, throwIfProblems } from '../errors';
import { checkKnownKeys } from '../keys';
import { propsSchema } from '../props-schema';
import { checkDnsLabel, checkDnsSubdomain } from '../names';
import type { KubeObject } from '../operator-manifest';
import { checkRuntimeTypes } from '../runtime-types';
import type { ClusterSource } from './cluster-backup-props';
import { BARMAN_CLOUD_PLUGIN } from './constants';
import { metadataOf } from './object-store';
import { CNPG_API_VERSION } from '../manifests';

/** The cluster a backup is of: the PostgresCluster of this program (construct or component), or its name. */
export type BackupClusterTarget = string | ClusterSource;

/** Props of an on-demand `Backup`, shared by the cdk8s construct and the Pulumi component. */
export interface BackupProps {
  /**
   * Name of the object.
   * @default - the construct id (cdk8s) or resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * Namespace: the cluster's (a backup names a cluster of its own namespace).
   * @default - the cluster's namespace when the cluster is given, else the chart's (cdk8s) or the provider's (Pulumi)
   */
  readonly namespace?: string;
  /** The cluster to back up. Given as the PostgresCluster, its backup configuration is checked against `method`. */
  readonly cluster: BackupClusterTarget;
  /**
   * `plugin` (the Barman Cloud plugin, to the cluster's object store) or `volumeSnapshot`. Emitted: CNPG's own
   * default is the in-tree `barmanObjectStore`, removed in CNPG 1.31.
   * @default 'plugin'
   */
  readonly method?: 'plugin' | 'volumeSnapshot';
  /**
   * The plugin taking the backup, with `method: 'plugin'`.
   * @default - { name: 'barman-cloud.cloudnative-pg.io' }
   */
  readonly pluginConfiguration?: { readonly name: string; readonly parameters?: Readonly<Record<string, string>> };
  /**
   * Which instance takes it.
   * @default - the cluster's `backup.target` (CNPG: prefer-standby)
   */
  readonly target?: 'primary' | 'prefer-standby';
  /**
   * Volume snapshots only: online (hot) or offline (cold).
   * @default - the cluster's `backup.volumeSnapshot.online` (CNPG: true)
   */
  readonly online?: boolean;
  /**
   * Volume snapshots only: online backup settings.
   * @default - the cluster's
   */
  readonly onlineConfiguration?: { readonly waitForArchive?: boolean; readonly immediateCheckpoint?: boolean };
  /**
   * Labels of the object.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * CNPG operator version the object targets.
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
}

/** Props of a `ScheduledBackup`. */
export interface ScheduledBackupProps extends BackupProps {
  /**
   * When to back up: six cron fields, seconds first (`0 0 2 * * *` is every day at 02:00:00), or `@daily`, `@every 6h`.
   * Five fields are refused: CNPG would read `0 2 * * *` as minute 2 of every hour.
   */
  readonly schedule: string;
  /**
   * Take the first backup as soon as the object is created.
   * @default false (as CNPG)
   */
  readonly immediate?: boolean;
  /**
   * Create no backups until unsuspended.
   * @default false (as CNPG)
   */
  readonly suspend?: boolean;
  /**
   * Owner of the Backups it creates: `none`, `self` (deleted with the schedule) or `cluster` (deleted with the cluster).
   * @default 'none' (as CNPG)
   */
  readonly backupOwnerReference?: 'none' | 'self' | 'cluster';
}

/** A validated Backup or ScheduledBackup. */
export interface BackupModel {
  readonly kind: 'Backup' | 'ScheduledBackup';
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The spec as CNPG reads it. */
  readonly spec: Record<string, unknown>;
}

/** Keys and run-time types of {@link BackupProps} (`cluster` is checked where it is read). */
const BACKUP_SCHEMA = propsSchema<BackupProps>()({
  name: 'string',
  namespace: 'string',
  cluster: null,
  method: 'string',
  pluginConfiguration: 'object',
  target: 'string',
  online: 'boolean',
  onlineConfiguration: 'object',
  labels: 'stringMap',
  annotations: 'stringMap',
  operatorVersion: 'string',
});
/** Keys and run-time types of {@link ScheduledBackupProps}. */
const SCHEDULED_SCHEMA = propsSchema<ScheduledBackupProps>()({
  ...BACKUP_SCHEMA.declaration,
  schedule: 'string',
  immediate: 'boolean',
  suspend: 'boolean',
  backupOwnerReference: 'string',
});

const PLUGIN_CONFIGURATION_KEYS = ['name', 'parameters'];
const ONLINE_KEYS = ['waitForArchive', 'immediateCheckpoint'];
const METHODS = ['plugin', 'volumeSnapshot'];
const TARGETS = ['primary', 'prefer-standby'];
const OWNERS = ['none', 'self', 'cluster'];

function enumProblem(field: string, v: unknown, allowed: readonly string[], code: string): Problem[] {
  if (v === undefined || allowed.includes(v as string)) return NO_PROBLEMS;
  return [
    {
      code,
      field,
      message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
      value: v,
      fix: `use ${allowed.map((a) => `"${a}"`).join(' or ')}`,
    },
  ];
}

/** Checks a Backup's or ScheduledBackup's props and builds its model (throws a `CnpgValidationError` naming `path`). */
export function buildBackup(
  path: string,
  defaultName: string,
  kind: 'Backup' | 'ScheduledBackup',
  props: BackupProps | ScheduledBackupProps,
  frontEndKeys: readonly string[] = [],
): BackupModel {
  throwIfProblems(path, kind, checkRuntimeTypes('', props, SCHEDULED_SCHEMA.types));
  const name = props.name ?? defaultName;
  const cluster = props.cluster;
  const model = typeof cluster === 'object' && cluster !== null ? cluster.model : undefined;
  const clusterName = typeof cluster === 'string' ? cluster : model?.name;
  const namespace = props.namespace ?? model?.namespace;
  const method = props.method ?? 'plugin';
  const scheduled = props as ScheduledBackupProps;
  const spec: Record<string, unknown> = {};
  if (kind === 'ScheduledBackup') {
    spec.schedule = scheduled.schedule;
    if (scheduled.immediate !== undefined) spec.immediate = scheduled.immediate;
    if (scheduled.suspend !== undefined) spec.suspend = scheduled.suspend;
    if (scheduled.backupOwnerReference !== undefined) spec.backupOwnerReference = scheduled.backupOwnerReference;
  }
  spec.cluster = { name: clusterName };
  spec.method = method;
  if (method === 'plugin') {
    const pc = props.pluginConfiguration ?? { name: BARMAN_CLOUD_PLUGIN };
    spec.pluginConfiguration = pc.parameters ? { name: pc.name, parameters: { ...pc.parameters } } : { name: pc.name };
  }
  if (props.target !== undefined) spec.target = props.target;
  if (props.online !== undefined) spec.online = props.online;
  if (props.onlineConfiguration !== undefined) spec.onlineConfiguration = { ...props.onlineConfiguration };

  const keys = kind === 'ScheduledBackup' ? SCHEDULED_SCHEMA.keys : BACKUP_SCHEMA.keys;
  // Checks that almost always find nothing: lists are joined only when one has something (allProblems).
  const lists: (readonly Problem[])[] = [
    checkKnownKeys('', props, frontEndKeys.length ? [...keys, ...frontEndKeys] : keys),
    checkKnownKeys('pluginConfiguration', props.pluginConfiguration, PLUGIN_CONFIGURATION_KEYS),
    checkKnownKeys('onlineConfiguration', props.onlineConfiguration, ONLINE_KEYS),
    props.name === undefined
      ? checkDnsSubdomain('name (defaulted from the id)', name, 'the object name')
      : checkDnsSubdomain('name', name, 'the object name'),
  ];
  if (props.namespace !== undefined) lists.push(checkDnsLabel('namespace', props.namespace, 'the namespace'));
  if (props.method !== undefined) lists.push(enumProblem('method', props.method, METHODS, 'backup-method-invalid'));
  if (props.target !== undefined) lists.push(enumProblem('target', props.target, TARGETS, 'backup-target-invalid'));
  if (kind === 'ScheduledBackup' && scheduled.backupOwnerReference !== undefined)
    lists.push(enumProblem('backupOwnerReference', scheduled.backupOwnerReference, OWNERS, 'backup-owner-reference-invalid'));
  const problems: Problem[] = [];
  if (clusterName === undefined || (typeof cluster === 'object' && model === undefined)) {
    problems.push({
      code: 'backup-cluster-required',
      field: 'cluster',
      message: 'is required: the PostgresCluster to back up, or its name',
      value: typeof cluster === 'object' ? '<object without a cluster model>' : cluster,
      fix: 'pass the PostgresCluster construct or component, or the cluster name',
    });
  } else problems.push(...checkDnsLabel('cluster', clusterName, 'the cluster name'));
  if (method === 'plugin') {
    for (const k of ['online', 'onlineConfiguration'] as const) {
      if (props[k] !== undefined) {
        problems.push({
          code: 'backup-online-needs-snapshot',
          field: k,
          message: 'applies to volume snapshot backups only',
          value: props[k],
          fix: "remove it, or use method: 'volumeSnapshot'",
        });
      }
    }
  }
  if (model && props.namespace !== undefined && props.namespace !== model.namespace) {
    problems.push({
      code: 'backup-cluster-namespace',
      field: 'namespace',
      message: `is not the namespace of cluster ${model.name} ("${model.namespace ?? ''}"): a ${kind} backs up a cluster of its own namespace`,
      value: props.namespace,
      fix: 'remove namespace (it follows the cluster)',
    });
  }
  lists.push(problems);
  if (allProblems(...lists).length === 0) {
    // The admission rules over the object as emitted, with fields named as props. The fields the method rule reads
    // (plugins[].name, .enabled; backup.volumeSnapshot, .barmanObjectStore) have their wire names in the model's spec
    // too: no serialization needed.
    const own = backupFindings(kind, spec, props.annotations, props.operatorVersion ?? DEFAULT_OPERATOR_VERSION);
    const method = model ? backupMethodFindings(spec, model.name, model.spec) : NO_PROBLEMS;
    for (const f of [...own, ...method])
      if (f.severity !== 'warning') problems.push({ ...f, field: f.field.replace(/^\.(spec|metadata)\./, '') });
  }
  throwIfProblems(path, kind, allProblems(...lists));
  return { kind, name, namespace, labels: props.labels, annotations: props.annotations, spec };
}

/** The `Backup` or `ScheduledBackup` object, as plain JSON. */
export function backupManifest(model: BackupModel): KubeObject {
  return { apiVersion: CNPG_API_VERSION, kind: model.kind, metadata: metadataOf(model), spec: model.spec };
}
