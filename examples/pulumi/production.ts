// A production-shaped set-up as a Pulumi program: three instances archiving WAL and base backups to S3 through the
// Barman Cloud plugin, a nightly backup, and a second cluster recovered from those backups to a point in time.
// The plugin's objects come from its release manifest (`pulumi config set barmanCloudManifest <file>`), or
// BarmanCloudManifest.download('0.14.0', { sha256 }) with the hash from a source you trust; without one the plugin
// is taken as installed by Helm. cert-manager must be installed for the plugin.
import * as pulumi from '@pulumi/pulumi';
import {
  BarmanCloudManifest,
  BarmanCloudPlugin,
  CnpgOperator,
  ObjectStore,
  PostgresCluster,
  ScheduledBackup,
} from 'cnpg-constructs/pulumi';

const config = new pulumi.Config();
const namespace = config.get('namespace') ?? 'db';
const manifest = config.get('barmanCloudManifest') ?? process.env.BARMAN_CLOUD_MANIFEST;

const operator = new CnpgOperator('cnpg', { version: '1.30.0' });
const plugin = new BarmanCloudPlugin('barman-cloud', {
  operator,
  ...(manifest ? { manifest: BarmanCloudManifest.fromFile(manifest) } : { install: 'none' as const }),
});

// The credentials are a Secret "backup-s3" in the namespace (keys ACCESS_KEY_ID, ACCESS_SECRET_KEY): only referenced.
const backups = new ObjectStore('prod-backups', {
  namespace,
  plugin,
  destinationPath: 's3://acme-postgres-backups/prod',
  s3Credentials: {
    accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
    secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' },
  },
  wal: { compression: 'zstd', maxParallel: 4 },
  data: { compression: 'gzip', jobs: 4 },
  retentionPolicy: '30d',
});

const prod = new PostgresCluster(
  'prod',
  {
    namespace,
    operator,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 3,
    storage: { size: '50Gi' },
    walStorage: { size: '10Gi' },
    backup: { objectStore: backups },
  },
  { dependsOn: [backups, plugin] },
);

// Every day at 02:00:00 (six fields, seconds first), and once right away.
new ScheduledBackup('prod-nightly', { cluster: prod, plugin, schedule: '0 0 2 * * *', backupOwnerReference: 'self', immediate: true });

// A new cluster from prod's backups as they were at 09:30 UTC; it archives under its own name in the same store.
export const restored = new PostgresCluster(
  'prod-restore',
  {
    namespace,
    operator,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 1,
    storage: { size: '50Gi' },
    walStorage: { size: '10Gi' },
    recovery: { source: { name: 'prod', cluster: prod }, recoveryTarget: { targetTime: '2026-01-15T09:30:00Z' } },
    backup: { objectStore: backups },
  },
  { dependsOn: [backups, plugin] },
).clusterName;
