// One measurement of clusters with backups, run in its own process by bench/run.ts:
//   node build/bench/backup-case.js <lib|raw> <clusters> [outdir]
// `lib`: per cluster an ObjectStore, a PostgresCluster archiving to it and a ScheduledBackup; `raw`: the same objects
// as plain cdk8s ApiObjects from literal JSON (the same YAML). Prints the same JSON as synth-case.js. With `outdir`,
// the YAML is kept there (to compare the two variants' output).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
// The library is loaded only by its own variant: a program of raw ApiObjects does not load it (its load cost is
// part of the library's whole-process rows, as users pay it).
import type * as Lib from '../lib/cdk8s';

const { ObjectStore, PostgresCluster, ScheduledBackup } = (process.argv[2] === 'lib' ? require('../lib/cdk8s') : {}) as typeof Lib;

const [variant, countArg, keep] = process.argv.slice(2);
const count = Number(countArg);
const outdir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-backup-'));
const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const credentials = {
  accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
  secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' },
};

function lib(chart: Chart, i: number): void {
  const store = new ObjectStore(chart, `db${i}-store`, {
    destinationPath: `s3://backups/db${i}`,
    s3Credentials: credentials,
    wal: { compression: 'zstd' },
    retentionPolicy: '30d',
  });
  const cluster = new PostgresCluster(chart, `db${i}`, {
    imageName: IMAGE,
    instances: 3,
    storage: { size: '10Gi' },
    backup: { objectStore: store },
  });
  new ScheduledBackup(chart, `db${i}-nightly`, { cluster, schedule: '0 0 2 * * *', backupOwnerReference: 'self' });
}

function raw(chart: Chart, i: number): void {
  new ApiObject(chart, `db${i}-store`, {
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: `db${i}-store` },
    spec: {
      configuration: { destinationPath: `s3://backups/db${i}`, s3Credentials: credentials, wal: { compression: 'zstd' } },
      retentionPolicy: '30d',
    },
  });
  new ApiObject(chart, `db${i}`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: `db${i}` },
    spec: {
      imageName: IMAGE,
      instances: 3,
      storage: { size: '10Gi' },
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: `db${i}-store` } }],
    },
  });
  new ApiObject(chart, `db${i}-nightly`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: { name: `db${i}-nightly` },
    spec: {
      schedule: '0 0 2 * * *',
      backupOwnerReference: 'self',
      cluster: { name: `db${i}` },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    },
  });
}

const build = { lib, raw }[variant as 'lib' | 'raw'];
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const app = new App({ outdir });
const chart = new Chart(app, 'bench');
for (let i = 0; i < count; i++) build(chart, i);
const constructMs = Number(process.hrtime.bigint() - t0) / 1e6;
const constructCpu = process.cpuUsage(cpu0);
app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
const whole = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    constructMs,
    constructCpuMs: (constructCpu.user + constructCpu.system) / 1000,
    wholeMs: performance.now(),
    wholeCpuMs: (whole.user + whole.system) / 1000,
    rssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
