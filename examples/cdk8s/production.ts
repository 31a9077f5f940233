// A production-shaped set-up as cdk8s code: three instances archiving WAL and base backups to S3 through the
// Barman Cloud plugin, a nightly backup, and a second cluster recovered from those backups to a point in time.
//   <outdir>/0000-operators.k8s.yaml  CNPG 1.30.0 and the Barman Cloud plugin in its namespace (cert-manager needed)
//   <outdir>/0001-db.k8s.yaml         ObjectStore, Cluster "prod", ScheduledBackup, Cluster "prod-restore"
// The plugin's objects come from its release manifest: the file you downloaded (BARMAN_CLOUD_MANIFEST), or
// BarmanCloudManifest.download('0.14.0', { sha256 }) with the hash from a source you trust; without one the
// plugin is taken as installed by Helm.
import { App, Chart } from 'cdk8s';
import {
  BarmanCloudManifest,
  BarmanCloudPlugin,
  CnpgOperator,
  ObjectStore,
  PostgresCluster,
  ScheduledBackup,
  synthesize,
} from 'cnpg-constructs/cdk8s';

const app = new App();

const operators = new Chart(app, 'operators');
new CnpgOperator(operators, 'cnpg', { version: '1.30.0' });
const manifest = process.env.BARMAN_CLOUD_MANIFEST;
new BarmanCloudPlugin(operators, 'barman-cloud', manifest ? { manifest: BarmanCloudManifest.fromFile(manifest) } : { install: 'none' });

const db = new Chart(app, 'db', { namespace: 'db' });
db.addDependency(operators);

// The credentials are a Secret "backup-s3" in namespace db (keys ACCESS_KEY_ID, ACCESS_SECRET_KEY): only referenced.
const backups = new ObjectStore(db, 'prod-backups', {
  destinationPath: 's3://acme-postgres-backups/prod',
  s3Credentials: {
    accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
    secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' },
  },
  wal: { compression: 'zstd', maxParallel: 4 },
  data: { compression: 'gzip', jobs: 4 },
  retentionPolicy: '30d',
});

const prod = new PostgresCluster(db, 'prod', {
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 3,
  storage: { size: '50Gi' },
  walStorage: { size: '10Gi' },
  backup: { objectStore: backups },
});

// Every day at 02:00:00 (six fields, seconds first), and once right away.
new ScheduledBackup(db, 'prod-nightly', { cluster: prod, schedule: '0 0 2 * * *', backupOwnerReference: 'self', immediate: true });

// A new cluster from prod's backups as they were at 09:30 UTC; it archives under its own name in the same store.
new PostgresCluster(db, 'prod-restore', {
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 1,
  storage: { size: '50Gi' },
  walStorage: { size: '10Gi' },
  recovery: { source: { name: 'prod', cluster: prod }, recoveryTarget: { targetTime: '2026-01-15T09:30:00Z' } },
  backup: { objectStore: backups },
});

synthesize(app);
