import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  type BackupModel,
  type BackupProps,
  backupManifest,
  buildBackup,
  CnpgValidationError,
  type KubeObject,
  type ScheduledBackupProps,
} from '../core';
import type { BarmanCloudPlugin } from './barman-cloud-plugin';
import { isDeferred, promptOrUndefined } from './inputs';
import { AWAIT_ANNOTATIONS, CnpgResourceError, checkAgainstCrds, customResource, namespaceInput, validated } from './kube';
import { PostgresCluster } from './postgres-cluster';

/** What both backup components take besides the core props. */
interface BackupArgsBase {
  /** The cluster: the PostgresCluster of this program (the backup is created after it), or a cluster name. */
  readonly cluster: PostgresCluster | string;
  /**
   * Namespace: the cluster's.
   * @default - the cluster's namespace (also when it is an Output), else the provider's
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * The plugin of this program: the backup is created after its Deployment.
   * @default - none
   */
  readonly plugin?: BarmanCloudPlugin;
}

/** Args of the Pulumi {@link Backup}. */
export interface BackupArgs extends Omit<BackupProps, 'cluster' | 'namespace'>, BackupArgsBase {
  /**
   * How long `pulumi up` waits for the backup to complete (`status.phase` `completed`) before failing.
   * @default 3600
   */
  readonly timeoutSeconds?: number;
}

/** Args of the Pulumi {@link ScheduledBackup}. */
export interface ScheduledBackupArgs extends Omit<ScheduledBackupProps, 'cluster' | 'namespace'>, BackupArgsBase {}

function register(
  resource: pulumi.ComponentResource,
  name: string,
  kind: 'Backup' | 'ScheduledBackup',
  args: BackupArgs | ScheduledBackupArgs,
): { model: BackupModel; object: k8s.apiextensions.CustomResource } {
  const { cluster, plugin, namespace, ...rest } = args as BackupArgs;
  const { timeoutSeconds, ...props } = rest;
  const model = validated(resource, () =>
    buildBackup(
      name,
      name,
      kind,
      { ...props, cluster, namespace: promptOrUndefined(namespace) },
      kind === 'Backup' ? ['plugin', 'timeoutSeconds'] : ['plugin'],
    ),
  );
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)) {
    throw new CnpgResourceError(
      new CnpgValidationError(name, kind, [
        {
          code: 'backup-timeout-invalid',
          field: 'timeoutSeconds',
          message: 'must be a whole number of seconds, at least 1',
          value: timeoutSeconds,
          fix: 'use e.g. 3600 (one hour)',
        },
      ]),
      resource,
    );
  }
  let manifest = backupManifest(model);
  // The cluster's namespace when it is an Output (the model could not know it).
  const ns = namespace ?? (cluster instanceof PostgresCluster ? cluster.namespace : undefined);
  if (isDeferred(ns)) manifest.metadata.namespace = namespaceInput(resource, `${kind} '${name}'`, ns) as unknown as string;
  if (kind === 'Backup') {
    manifest = {
      ...manifest,
      metadata: {
        ...manifest.metadata,
        annotations: {
          ...manifest.metadata.annotations,
          ...AWAIT_ANNOTATIONS.Backup,
          'pulumi.com/timeoutSeconds': String(timeoutSeconds ?? 3600),
        },
      },
    };
  }
  checkAgainstCrds(resource, name, manifest as KubeObject, undefined, props.operatorVersion, () => undefined, []);
  const dependsOn = [...(cluster instanceof PostgresCluster ? [cluster.cluster] : []), ...(plugin?.readiness ?? [])];
  const object = customResource(`${name}-${kind.toLowerCase()}`, manifest, { parent: resource, dependsOn });
  return { model, object };
}

/**
 * An on-demand CNPG `Backup`, awaited until it completes (bounded by `timeoutSeconds`): `pulumi up` fails if it does not.
 * Type token `cnpg-constructs:index:Backup`.
 */
export class Backup extends pulumi.ComponentResource {
  /** The validated model. */
  public readonly model: BackupModel;
  /** The `Backup` custom resource. */
  public readonly backup: k8s.apiextensions.CustomResource;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:Backup', name, {}, opts);
    const r = register(this, name, 'Backup', args);
    this.model = r.model;
    this.backup = r.object;
    this.registerOutputs({ backupName: this.model.name });
  }
}

/** A CNPG `ScheduledBackup` (not awaited: it has no state to wait for). Type token `cnpg-constructs:index:ScheduledBackup`. */
export class ScheduledBackup extends pulumi.ComponentResource {
  /** The validated model. */
  public readonly model: BackupModel;
  /** The `ScheduledBackup` custom resource. */
  public readonly scheduledBackup: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ScheduledBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ScheduledBackup', name, {}, opts);
    const r = register(this, name, 'ScheduledBackup', args);
    this.model = r.model;
    this.scheduledBackup = r.object;
    this.registerOutputs({ scheduledBackupName: this.model.name });
  }
}
