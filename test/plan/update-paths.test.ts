// Whether each ALTER EXTENSION ... UPDATE TO of a plan can run, read from real images in a real registry
// (docker-registry on 127.0.0.1) and checked against a real PostgreSQL 18 with the same image mounted the way CNPG
// mounts it: an update path present, one missing, and one whose update script LOADs a module (present in the
// image, and missing from it).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { planChanges, type UpdateCheck } from '../../lib/core';
import { checkUpdatePaths } from '../../lib/images/update-paths';
import { inspectImage } from '../../lib/images/inspect-image';
import { RegistryClient } from '../../lib/images/registry';
import { HELLO, NATIVE } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { startPostgres } from '../support/pg';
import { startRegistry, type TestRegistry } from '../support/registry';
import { cluster, database, type Obj } from './support';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const MODULE = fs.readFileSync(path.join(NATIVE, 'lib', 'postgresql', 'auto_explain.so'));

const HELLO_10: Record<string, string> = {
  'share/extension/hello.control': "default_version = '1.0'\nrelocatable = true\ntrusted = true\n",
  'share/extension/hello--1.0.sql': HELLO['share/extension/hello--1.0.sql'],
};
/** hello 1.2 that can only be installed, not reached from 1.0. */
const HELLO_12: Record<string, string> = {
  'share/extension/hello.control': "default_version = '1.2'\nrelocatable = true\n",
  'share/extension/hello--1.2.sql': "CREATE FUNCTION hello() RETURNS text LANGUAGE sql AS $$ SELECT 'hello' $$;\n",
};
/** loader 1.0 -> 1.1, whose update script loads the module loader_mod (a copy of auto_explain). */
const LOADER: Record<string, string | Buffer> = {
  'share/extension/loader.control': "default_version = '1.1'\n",
  'share/extension/loader--1.0.sql': 'CREATE FUNCTION loader_version() RETURNS text LANGUAGE sql AS $$ SELECT $v$1.0$v$ $$;\n',
  'share/extension/loader--1.0--1.1.sql':
    "LOAD 'loader_mod';\nCREATE OR REPLACE FUNCTION loader_version() RETURNS text LANGUAGE sql AS $$ SELECT $v$1.1$v$ $$;\n",
  'lib/loader_mod.so': MODULE,
};
const LOADER_NO_MODULE = Object.fromEntries(Object.entries(LOADER).filter(([k]) => !k.startsWith('lib/')));
/** The same update, but LOAD '$libdir/loader_mod': PostgreSQL looks only in its own $libdir, not in the image. */
const LOADER_LIBDIR = {
  ...LOADER,
  'share/extension/loader--1.0--1.1.sql': (LOADER['share/extension/loader--1.0--1.1.sql'] as string).replace(
    "LOAD 'loader_mod'",
    "LOAD '$libdir/loader_mod'",
  ),
};

let reg: TestRegistry;
let cacheDir: string;
const ref = (repo: string, tag: string) => `${reg.host}/${repo}:${tag}`;

beforeAll(async () => {
  process.env.DOCKER_CONFIG = tmp('cnpg-docker-');
  reg = await startRegistry();
  await reg.push('ext/hello', '1.0-18-trixie', image([layer(HELLO_10)]));
  await reg.push('ext/hello', '1.1-18-trixie', image([layer(HELLO)]));
  await reg.push('ext/hello', '1.2-18-trixie', image([layer(HELLO_12)]));
  await reg.push('ext/loader', '1.1-18-trixie', image([layer(LOADER)]));
  await reg.push('ext/loader-broken', '1.1-18-trixie', image([layer(LOADER_NO_MODULE)]));
  await reg.push('ext/loader-libdir', '1.1-18-trixie', image([layer(LOADER_LIBDIR)]));
});
afterAll(async () => {
  await reg?.stop();
  delete process.env.DOCKER_CONFIG;
});
beforeEach(() => {
  cacheDir = tmp('cnpg-cache-');
});

/** Before and after: the cluster mounts `name` from `from`, then from `to`; the database asks for `v0`, then `v1`. */
function change(
  name: string,
  from: string,
  to: string,
  ext: string,
  v0: string | undefined,
  v1: string,
  preload: string[] = [],
): { before: Obj[]; after: Obj[] } {
  const c = (reference: string) =>
    cluster({
      postgresql: { extensions: [{ name, image: { reference } }], ...(preload.length ? { shared_preload_libraries: preload } : {}) },
    });
  return {
    before: [c(from), database({ extensions: [{ name: ext, ...(v0 ? { version: v0 } : {}) }] })],
    after: [c(to), database({ extensions: [{ name: ext, version: v1 }] })],
  };
}

async function checkOf(objects: { before: Obj[]; after: Obj[] }): Promise<UpdateCheck> {
  const client = new RegistryClient({ cacheDir });
  const plan = await checkUpdatePaths(planChanges(objects.before, objects.after), objects.before, objects.after, {
    inspect: (r, o) => inspectImage(r, { client, ...o }),
  });
  const s = plan.objects.find((o) => o.kind === 'Database')?.statements?.find((x) => x.action === 'update');
  return s?.check as UpdateCheck;
}

/** Runs CREATE EXTENSION at `v0` and ALTER EXTENSION UPDATE TO `v1` on PostgreSQL 18 with `files` mounted as CNPG mounts an image. */
async function onPostgres(files: Record<string, string | Buffer>, ext: string, v0: string, v1: string): Promise<string> {
  const pg = await startPostgres({ customImages: { img: files as Record<string, string> } });
  try {
    await pg.query(`CREATE EXTENSION ${ext} VERSION '${v0}'`);
    await pg.query(`ALTER EXTENSION ${ext} UPDATE TO '${v1}'`);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  } finally {
    pg.destroy();
  }
}

describe('an update path present, missing, and one that needs a LOAD: the plan says what PostgreSQL 18 then does', () => {
  test('present: 1.0 -> 1.1 through hello--1.0--1.1.sql', async () => {
    const check = await checkOf(
      change('hello', ref('ext/hello', '1.0-18-trixie'), ref('ext/hello', '1.1-18-trixie'), 'hello', '1.0', '1.1'),
    );
    expect(check).toMatchObject({ status: 'ok', from: '1.0', to: '1.1', scripts: ['hello--1.0--1.1.sql'], loads: [] });
    expect(await onPostgres(HELLO, 'hello', '1.0', '1.1')).toBe('ok');
  });

  test('the installed version, when the Database never set one, is the default of the image before the change', async () => {
    const check = await checkOf(
      change('hello', ref('ext/hello', '1.0-18-trixie'), ref('ext/hello', '1.1-18-trixie'), 'hello', undefined, '1.1'),
    );
    expect(check).toMatchObject({ status: 'ok', from: '1.0', to: '1.1' });
  });

  test('missing: the image offers 1.2 but no script reaches it from 1.0, and ALTER EXTENSION fails as the plan says', async () => {
    const check = await checkOf(
      change('hello', ref('ext/hello', '1.0-18-trixie'), ref('ext/hello', '1.2-18-trixie'), 'hello', '1.0', '1.2'),
    );
    expect(check.status).toBe('missing');
    expect(check.reason).toMatch(/has no update path from 1\.0 to 1\.2 \(its update scripts: none\)/);
    const predicted = /extension "hello" has no update path from version "1\.0" to version "1\.2"/;
    expect(check.reason).toMatch(predicted);
    // On the server: 1.0 installed from the old image, then the new image mounted (as after the rollout).
    const pg = await startPostgres({ customImages: { img: HELLO_10 } });
    try {
      await pg.query("CREATE EXTENSION hello VERSION '1.0'");
      pg.stop();
      for (const [f, text] of Object.entries(HELLO_12)) fs.writeFileSync(path.join(pg.dir, 'extensions', 'img', f), text);
      fs.rmSync(path.join(pg.dir, 'extensions', 'img', 'share/extension/hello--1.0.sql'));
      pg.start();
      await expect(pg.query("ALTER EXTENSION hello UPDATE TO '1.2'")).rejects.toThrow(predicted);
    } finally {
      pg.destroy();
    }
  });

  test('a LOAD of a module the image has: the update runs; the same update from an image without it fails as the plan says', async () => {
    const ok = await checkOf(
      change('loader', ref('ext/loader', '1.1-18-trixie'), ref('ext/loader', '1.1-18-trixie'), 'loader', '1.0', '1.1'),
    );
    expect(ok).toMatchObject({
      status: 'ok',
      scripts: ['loader--1.0--1.1.sql'],
      loads: [{ module: 'loader_mod', file: 'lib/loader_mod.so', preloaded: false }],
    });
    expect(await onPostgres(LOADER, 'loader', '1.0', '1.1')).toBe('ok');

    const broken = await checkOf(
      change('loader', ref('ext/loader', '1.1-18-trixie'), ref('ext/loader-broken', '1.1-18-trixie'), 'loader', '1.0', '1.1'),
    );
    expect(broken.status).toBe('fails');
    expect(broken.reason).toMatch(
      /scripts load loader_mod, which .* does not have on dynamic_library_path: ALTER EXTENSION fails with could not access file "loader_mod"/,
    );
    expect(await onPostgres(LOADER_NO_MODULE, 'loader', '1.0', '1.1')).toMatch(/could not access file "loader_mod"/);
  });

  test("LOAD '$libdir/...' of a module the image has: PostgreSQL does not look in the image, and the plan says it fails", async () => {
    const check = await checkOf(
      change('loader', ref('ext/loader', '1.1-18-trixie'), ref('ext/loader-libdir', '1.1-18-trixie'), 'loader', '1.0', '1.1'),
    );
    expect(check.status).toBe('fails');
    expect(check.reason).toMatch(/LOAD '\$libdir\/loader_mod', which PostgreSQL looks for only in its own \$libdir/);
    expect(await onPostgres(LOADER_LIBDIR, 'loader', '1.0', '1.1')).toMatch(/could not access file "\$libdir\/loader_mod"/);
  });

  test('a preloaded module: the plan says the update needs the restart with the new image first', async () => {
    const check = await checkOf(
      change('loader', ref('ext/loader', '1.1-18-trixie'), ref('ext/loader', '1.1-18-trixie'), 'loader', '1.0', '1.1', ['loader_mod']),
    );
    expect(check.loads).toEqual([{ module: 'loader_mod', file: 'lib/loader_mod.so', preloaded: true }]);
    expect(check.reason).toMatch(/loader_mod is in shared_preload_libraries, so the new library is loaded only when PostgreSQL starts/);
  });

  test('an unreachable registry: "not checked" and why, and the plan is still made', async () => {
    const gone = change('hello', '127.0.0.1:1/ext/hello:1.0-18-trixie', '127.0.0.1:1/ext/hello:1.1-18-trixie', 'hello', '1.0', '1.1');
    const check = await checkOf(gone);
    expect(check.status).toBe('not-checked');
    expect(check.reason).toMatch(/not checked: the image could not be read \(127\.0\.0\.1:1\/ext\/hello:1\.1-18-trixie: .*\)/);
  });
});

describe('cnpg-constructs plan, the built command, against the registry', () => {
  const cli = path.join(__dirname, '..', '..', 'build', 'lib', 'cli', 'main.js');
  const write = (objects: Obj[]) => {
    const dir = tmp('cnpg-plan-in-');
    fs.writeFileSync(path.join(dir, 'objects.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    return dir;
  };
  test('reads the images of the updates and reports each check in JSON; --no-images says why it did not', () => {
    const { before, after } = change('hello', ref('ext/hello', '1.0-18-trixie'), ref('ext/hello', '1.2-18-trixie'), 'hello', '1.0', '1.2');
    const args = [cli, 'plan', write(before), write(after), '-o', 'json', '--cache-dir', cacheDir];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    const db = plan.objects.find((o: { kind: string }) => o.kind === 'Database');
    expect(db.statements[0]).toMatchObject({ sql: 'ALTER EXTENSION "hello" UPDATE TO "1.2"', check: { status: 'missing' } });
    expect(plan.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'extension-update-path-missing', where: 'Database/db/angus-app' })]),
    );

    const offline = spawnSync(process.execPath, [...args, '--no-images'], { encoding: 'utf8' });
    expect(JSON.parse(offline.stdout).objects.find((o: { kind: string }) => o.kind === 'Database').statements[0].check).toMatchObject({
      status: 'not-checked',
      reason: 'not checked: --no-images was given',
    });
  });
});
