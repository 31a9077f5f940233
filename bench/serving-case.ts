// One serving synth measurement, run in its own process by bench/run.ts:
//   node build/bench/serving-case.js <lib|raw> <clusters>
// `lib`: per cluster a PostgresCluster with two typed roles (`roles`), a Pooler and a PodMonitor; `raw`: the same
// objects as plain cdk8s ApiObjects from literal JSON (the same YAML: test/bench-serving.test.ts compares them).
// Prints {ms, cpuMs, wholeMs, wholeCpuMs, rssMb, objects} as synth-case.js does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import type * as Lib from '../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';

// The library is loaded only by its own variant: a program of raw ApiObjects does not load it (its load cost is part
// of the library's whole-process row, as users pay it). The run loads it before timing; the test on first use.
let loaded: typeof Lib | undefined;
const library = (): typeof Lib => (loaded ??= require('../lib/cdk8s') as typeof Lib);

/** The library's constructs for cluster `i`. */
export function lib(chart: Chart, i: number): void {
  const { PodMonitor, Pooler, PostgresCluster } = library();
  const cluster = new PostgresCluster(chart, `db${i}`, {
    imageName: IMAGE,
    instances: 3,
    storage: { size: '1Gi' },
    roles: [
      { name: 'reporting', login: true, passwordSecret: `db${i}-reporting`, inRoles: ['pg_read_all_data'], connectionLimit: 10 },
      { name: 'writer', login: true, passwordSecret: `db${i}-writer` },
    ],
  });
  new Pooler(chart, `pooler${i}`, { cluster, poolMode: 'transaction', parameters: { max_client_conn: '500' } });
  new PodMonitor(chart, `monitor${i}`, { cluster, labels: { release: 'prom' } });
}

/** The same objects, written by hand. */
export function raw(chart: Chart, i: number): void {
  const ns = chart.namespace as string;
  new ApiObject(chart, `db${i}`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: `db${i}`, namespace: ns },
    spec: {
      imageName: IMAGE,
      instances: 3,
      storage: { size: '1Gi' },
      managed: {
        roles: [
          {
            name: 'reporting',
            passwordSecret: { name: `db${i}-reporting` },
            connectionLimit: 10,
            inRoles: ['pg_read_all_data'],
            login: true,
          },
          { name: 'writer', passwordSecret: { name: `db${i}-writer` }, login: true },
        ],
      },
    },
  });
  new ApiObject(chart, `pooler${i}`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Pooler',
    metadata: { name: `db${i}-pooler-rw`, namespace: ns },
    spec: { cluster: { name: `db${i}` }, pgbouncer: { poolMode: 'transaction', parameters: { max_client_conn: '500' } } },
  });
  new ApiObject(chart, `monitor${i}`, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `db${i}`, namespace: ns, labels: { 'cnpg.io/cluster': `db${i}`, release: 'prom' } },
    spec: {
      selector: { matchLabels: { 'cnpg.io/cluster': `db${i}`, 'cnpg.io/podRole': 'instance' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    },
  });
}

/** Synthesizes `clusters` clusters of `variant` into `outdir`; returns the YAML file. */
export function synthInto(outdir: string, variant: 'lib' | 'raw', clusters: number): string {
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { namespace: 'shop' });
  const build = variant === 'lib' ? lib : raw;
  for (let i = 0; i < clusters; i++) build(chart, i);
  app.synth();
  return path.join(outdir, 'bench.k8s.yaml');
}

if (require.main === module) {
  const [variant, clustersArg] = process.argv.slice(2);
  if (variant === 'lib') library();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-serving-'));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const file = synthInto(outdir, variant as 'lib' | 'raw', Number(clustersArg));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const objects = fs.readFileSync(file, 'utf8').split(/^---$/m).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  const whole = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wholeMs: performance.now(),
      wholeCpuMs: (whole.user + whole.system) / 1000,
      rssMb: process.resourceUsage().maxRSS / 1024,
      objects,
    }),
  );
}
