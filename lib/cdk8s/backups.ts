import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { type BackupModel, type BackupProps, backupManifest, buildBackup, type ScheduledBackupProps } from '../core';
import { CnpgOperator } from './operator';
import { PostgresCluster } from './postgres-cluster';
import { BuiltApiObject, type CheckedKind, registerChecks } from './checks';
import { effectiveNamespace } from './uniqueness';

export type { BackupProps, ScheduledBackupProps } from '../core';

/** Builds the model of a backup construct: the cluster's namespace and the app's operator version by default. */
function model(scope: Construct, id: string, kind: 'Backup' | 'ScheduledBackup', props: BackupProps): BackupModel {
  const cluster = props?.cluster;
  // A backup follows its cluster's namespace; a cluster without one lands in kubectl's, so the chart's is not stamped.
  const clusterNamespace = cluster instanceof PostgresCluster ? cluster.model.namespace : undefined;
  const namespace = props?.namespace ?? clusterNamespace ?? Chart.of(scope).namespace;
  const operatorVersion = props?.operatorVersion ?? CnpgOperator.of(scope)?.version;
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  const given = props?.namespace === namespace && props?.operatorVersion === operatorVersion;
  return buildBackup(path, id, kind, given ? props : { ...props, namespace, operatorVersion });
}

/** The name a backup claims in the app's checks (lib/cdk8s/checks.ts): one per kind and namespace. */
const backupChecks: CheckedKind<Backup | ScheduledBackup> = {
  claims: (b) => {
    const ns = effectiveNamespace(b, b.model.namespace);
    return [
      {
        key: `${b.model.kind}/${ns}/${b.name}`,
        what: `${b.model.kind} (${b.name} in namespace "${ns}")`,
        field: 'name',
        value: b.name,
        fix: 'give each its own name',
      },
    ];
  },
};

const BACKUP_BRAND = Symbol.for('cnpg-constructs.Backup');
const SCHEDULED_BRAND = Symbol.for('cnpg-constructs.ScheduledBackup');

/**
 * An on-demand CNPG `Backup` of a cluster: by the Barman Cloud plugin to the cluster's object store (the default), or
 * a volume snapshot. Given the `PostgresCluster`, the cluster's backup configuration is checked against the method.
 */
export class Backup extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is Backup {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[BACKUP_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: BackupModel;

  constructor(scope: Construct, id: string, props: BackupProps) {
    const m = model(scope, id, 'Backup', props);
    super(scope, id, backupManifest(m));
    this.model = m;
    registerChecks(this, Backup.checks);
  }

  private static readonly checks = BuiltApiObject.checksWith<Backup>(backupChecks);
}

/**
 * A CNPG `ScheduledBackup`: base backups on a six-field cron schedule (seconds first), by the Barman Cloud plugin
 * (the default) or volume snapshots.
 *
 * @example
 * new ScheduledBackup(chart, 'nightly', { cluster, schedule: '0 0 2 * * *', backupOwnerReference: 'self' });
 */
export class ScheduledBackup extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is ScheduledBackup {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[SCHEDULED_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: BackupModel;

  constructor(scope: Construct, id: string, props: ScheduledBackupProps) {
    const m = model(scope, id, 'ScheduledBackup', props);
    super(scope, id, backupManifest(m));
    this.model = m;
    registerChecks(this, ScheduledBackup.checks);
  }

  private static readonly checks = BuiltApiObject.checksWith<ScheduledBackup>(backupChecks);
}

Object.defineProperty(Backup.prototype, BACKUP_BRAND, { value: true });
Object.defineProperty(ScheduledBackup.prototype, SCHEDULED_BRAND, { value: true });
