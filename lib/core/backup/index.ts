// Backups, recovery and replica clusters through the Barman Cloud plugin: the object store, a cluster's backup /
// recovery / replica props, scheduled and on-demand backups, and the plugin's installation.
export {
  type BackupClusterTarget,
  type BackupModel,
  type BackupProps,
  backupManifest,
  buildBackup,
  type ScheduledBackupProps,
} from './backups';
export type {
  ClusterBackupProps,
  ClusterBackupRecoveryProps,
  ClusterRecoveryProps,
  ClusterReplicaProps,
  ClusterSource,
  ExternalClusterProps,
  ObjectStoreReference,
  ObjectStoreTarget,
} from './cluster-backup-props';
export { BARMAN_CLOUD_API_VERSION, BARMAN_CLOUD_PLUGIN, DEFAULT_BARMAN_CLOUD_VERSION } from './constants';
export { checkSchedule, parseCnpgSchedule } from './cron';
export {
  type AzureCredentialsProps,
  buildObjectStore,
  type DataBackupProps,
  type GoogleCredentialsProps,
  type InstanceSidecarProps,
  type ObjectStoreModel,
  type ObjectStoreProps,
  objectStoreManifest,
  type S3CredentialsProps,
  type SidecarEnvVar,
  type WalArchiveProps,
} from './object-store';
export type { ObjectStoreProvider, SecretKeyReference } from './object-store-checks';
export {
  BarmanCloudManifest,
  type BarmanCloudDownloadOptions,
  type BarmanCloudPluginObjects,
  type BarmanCloudPluginProps,
  barmanCloudReleaseUrl,
  buildBarmanCloudPluginObjects,
} from './plugin';
export type { RecoveryTargetProps } from './recovery-target';
