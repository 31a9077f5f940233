// One synth measurement, run in its own process by bench/run.ts:
//   node build/bench/synth-case.js <lib|raw|wrapped> <pairs> [warm]
// `lib`: PostgresCluster + ExtensionDatabase (pgvector + PostGIS) per pair; `raw`: the same objects as
// plain cdk8s ApiObjects from literal JSON. Prints {ms, cpuMs, rssMb}: construct + synth wall and CPU
// time, peak RSS of the process. With `warm`, one app of 10 pairs of the same variant is built and
// synthesized first (not timed): what is left is the per-pair cost without first-call (JIT) cost.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// The library is loaded only by its own variant: a program of raw ApiObjects does not load it (its load cost is
// part of the library's whole-process rows, as users pay it).
import type * as Lib from '../lib/cdk8s';

const { ExtensionDatabase, ExtensionImage, PostgresCluster } = (
  process.argv[2]?.startsWith('lib') ? require('../lib/cdk8s') : {}
) as typeof Lib;

const [variant, pairsArg, mode] = process.argv.slice(2);
const pairs = Number(pairsArg);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-'));

// `-varied`: every cluster's storage size differs (1Gi, 2Gi, ...), so no cluster shares an earlier one's checks.
let varied = false;
const size = (i: number) => (varied ? `${i + 1}Gi` : '1Gi');

function lib(chart: Chart, i: number): void {
  const pgvector = ExtensionImage.pgvector('0.8.1');
  const postgis = ExtensionImage.postgis('3.6.1');
  const cluster = new PostgresCluster(chart, `db${i}`, {
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 1,
    storage: { size: size(i) },
    extensions: [pgvector, postgis],
  });
  new ExtensionDatabase(chart, `app${i}`, { cluster, name: 'app', owner: 'app', extensions: [pgvector, postgis] });
}

function raw(chart: Chart, i: number): void {
  new ApiObject(chart, `db${i}`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: `db${i}` },
    spec: {
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
      instances: 1,
      storage: { size: size(i) },
      postgresql: {
        extensions: [
          { name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' } },
          {
            name: 'postgis',
            image: { reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie' },
            ld_library_path: ['system'],
            // What the library emits too (CNPG 1.29+ applies extension env): the same YAML on both sides.
            env: [
              { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
              { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
            ],
          },
        ],
      },
    },
  });
  new ApiObject(chart, `app${i}`, {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Database',
    metadata: { name: `db${i}-app` },
    spec: {
      name: 'app',
      owner: 'app',
      cluster: { name: `db${i}` },
      extensions: [
        { name: 'vector', version: '0.8.1' },
        { name: 'postgis', version: '3.6.1' },
        { name: 'postgis_raster' },
        { name: 'postgis_sfcgal' },
        { name: 'fuzzystrmatch' },
        { name: 'address_standardizer' },
        { name: 'address_standardizer_data_us' },
        { name: 'postgis_tiger_geocoder' },
        { name: 'postgis_topology' },
      ],
    },
  });
}

// `wrapped`: raw objects, each inside a plain Construct, as construct libraries (cdk8s-plus too) do.
function wrapped(chart: Chart, i: number): void {
  raw(new Construct(chart, `w${i}`) as Chart, i);
}

varied = variant.endsWith('-varied');
const build = { lib, raw, wrapped }[variant.replace(/-varied$/, '') as 'lib' | 'raw' | 'wrapped'];
if (mode === 'warm') {
  const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-warm-'));
  const warmApp = new App({ outdir: warmDir });
  const warmChart = new Chart(warmApp, 'warm');
  for (let i = 0; i < 10; i++) build(warmChart, i);
  warmApp.synth();
  fs.rmSync(warmDir, { recursive: true, force: true });
}
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const app = new App({ outdir });
const chart = new Chart(app, 'bench');
for (let i = 0; i < pairs; i++) build(chart, i);
const constructMs = Number(process.hrtime.bigint() - t0) / 1e6;
const constructCpu = process.cpuUsage(cpu0);
// app.synth(): for the library's objects it runs every check first (construct validations, lib/cdk8s/checks.ts).
app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const objects = fs.readFileSync(path.join(outdir, 'bench.k8s.yaml'), 'utf8').split(/^---$/m).length;
fs.rmSync(outdir, { recursive: true, force: true });
// The whole process as a user pays it: Node start-up, module loading, construction, synth, writing.
const whole = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs,
    constructMs,
    constructCpuMs: (constructCpu.user + constructCpu.system) / 1000,
    wholeMs: performance.now(),
    wholeCpuMs: (whole.user + whole.system) / 1000,
    rssMb: process.resourceUsage().maxRSS / 1024,
    objects,
  }),
);
