// `cnpg-constructs images inspect|verify|lock` against a real registry (docker-registry on 127.0.0.1) with
// images the test builds: good ones, and broken ones the way users break them (no share/extension, a missing
// module, a library the operand lacks, a library in the image but off LD_LIBRARY_PATH, a requires nobody
// provides, a tag whose version is not the image's). verify and lock run on real synthesized output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ExtensionDatabase, ExtensionImage, ImageLockResolver, PostgresCluster, synthesize } from '../../lib/cdk8s';
import { runImages } from '../../lib/cli/images';
import { RegistryClient } from '../../lib/images/registry';
import { verifyExtensionImages } from '../../lib/images/verify';
import { sharedObject } from '../support/elf';
import { contribFiles, HELLO, NATIVE } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { startRegistry, type TestRegistry } from '../support/registry';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

let reg: TestRegistry;
let cache: string;
let home: string;
/** An operand-like image in the test registry (what CNPG's minimal image holds, by name: libraries, $libdir, $system). */
let OPERAND: string;

async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runImages([...args, '--cache-dir', cache], {
    stdin: async () => '',
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    cwd,
  });
  return { code, out, err };
}

const libcrypto = fs.readFileSync(path.join(NATIVE, 'lib', 'libcrypto.so.1.1'));

beforeAll(async () => {
  // No credentials from the machine running the tests.
  home = tmp('cnpg-home-');
  process.env.DOCKER_CONFIG = path.join(home, '.docker');
  reg = await startRegistry();
  await reg.push('ext/geo', '1.0-18-trixie', image([layer(contribFiles('cube', 'earthdistance'))]));
  await reg.push('ext/hello', '1.1-18-trixie', image([layer(HELLO, 'zstd')]));
  await reg.push('ext/crypto', '1.3-18-trixie', image([layer(contribFiles('pgcrypto'))]));
  await reg.push(
    'ext/crypto-system',
    '1.3-18-trixie',
    image([layer({ ...contribFiles('pgcrypto'), 'system/libcrypto.so.1.1': libcrypto })]),
  );
  const flat = Object.fromEntries(Object.entries(HELLO).map(([k, v]) => [k.replace('share/', ''), v]));
  await reg.push('ext/flat', '1', image([layer(flat)]));
  const noModule = Object.fromEntries(Object.entries(contribFiles('cube')).filter(([k]) => !k.startsWith('lib/')));
  await reg.push('ext/nomodule', '1', image([layer(noModule)]));
  await reg.push(
    'ext/needy',
    '1',
    image([
      layer({
        'share/extension/needy.control': "default_version = '1.0'\nrequires = 'nonexistent_ext'\n",
        'share/extension/needy--1.0.sql': 'SELECT 1;\n',
      }),
    ]),
  );
  await reg.push(
    'ext/chain',
    '1.0-18-trixie',
    image([
      layer({
        'share/extension/base_ext.control': "default_version = '1.0'\n",
        'share/extension/base_ext--1.0.sql': 'SELECT 1;\n',
        'share/extension/top_ext.control': "default_version = '1.0'\nrequires = 'base_ext'\n",
        'share/extension/top_ext--1.0.sql': 'SELECT 1;\n',
      }),
    ]),
  );
  // An operand: a Debian-like tree whose libraries are known by name (the files are not libraries), with an absolute
  // link the extension unpacker would refuse, and a second layer that whites a library out.
  await reg.push(
    'cloudnative-pg/postgresql',
    '18-minimal-trixie',
    image([
      layer([
        { path: 'usr/', dir: true },
        { path: 'usr/lib/', dir: true },
        { path: 'usr/lib/x86_64-linux-gnu/', dir: true },
        ...[
          'ld-linux-x86-64.so.2',
          'libc.so.6',
          'libdl.so.2',
          'libm.so.6',
          'libpthread.so.0',
          'libz.so.1',
          'libglib-2.0.so.0',
          'libgone.so.1',
        ].map((f) => ({
          path: `usr/lib/x86_64-linux-gnu/${f}`,
          content: 'elf',
        })),
        { path: 'lib', symlink: 'usr/lib' },
        { path: 'usr/bin/', dir: true },
        { path: 'usr/bin/awk', symlink: '/etc/alternatives/awk' },
        { path: 'usr/lib/postgresql/', dir: true },
        { path: 'usr/lib/postgresql/18/', dir: true },
        { path: 'usr/lib/postgresql/18/lib/', dir: true },
        { path: 'usr/lib/postgresql/18/lib/plpgsql.so', content: 'elf' },
        { path: 'usr/share/', dir: true },
        { path: 'usr/share/postgresql/', dir: true },
        { path: 'usr/share/postgresql/18/', dir: true },
        { path: 'usr/share/postgresql/18/extension/', dir: true },
        { path: 'usr/share/postgresql/18/extension/plpgsql.control', content: "default_version = '1.0'\n" },
      ]),
      layer([{ path: 'usr/lib/x86_64-linux-gnu/.wh.libgone.so.1', content: '' }]),
    ]),
  );
  OPERAND = `${reg.host}/cloudnative-pg/postgresql:18-minimal-trixie`;
  const module = (needed: string[]) => sharedObject({ needed: ['libc.so.6', ...needed] });
  const sqlOnly = (name: string, extra: Record<string, string | Buffer> = {}) => ({
    [`share/extension/${name}.control`]: "default_version = '1.0'\n",
    [`share/extension/${name}--1.0.sql`]: 'SELECT 1;\n',
    ...extra,
  });
  await reg.push('ext/needs-glib', '1', image([layer(sqlOnly('needsglib', { 'lib/needsglib.so': module(['libglib-2.0.so.0']) }))]));
  await reg.push('ext/needs-gone', '1', image([layer(sqlOnly('needsgone', { 'lib/needsgone.so': module(['libgone.so.1']) }))]));
  await reg.push('ext/modules-only', '2.6-18-trixie', image([layer({ 'lib/wal2json.so': module([]) })]));
  await reg.push('ext/nothing', '1', image([layer({ 'README.md': 'nothing here' })]));
  await reg.push(
    'ext/badcontrol',
    '1',
    image([
      layer({
        ...sqlOnly('goodone'),
        'share/extension/broken.control': 'default_version = 1.0.1\n',
        'share/extension/broken--1.0.1.sql': 'SELECT 1;\n',
      }),
    ]),
  );
  const cFunction = (file: string) => `CREATE FUNCTION f() RETURNS int AS '${file}', 'f' LANGUAGE C;\n`;
  await reg.push(
    'ext/absmod',
    '1',
    image([
      layer({
        'share/extension/absmod.control': "default_version = '1.0'\nmodule_pathname = '/extensions/absmod/lib/absmod'\n",
        'share/extension/absmod--1.0.sql': cFunction('MODULE_PATHNAME'),
        'share/extension/absgone.control': "default_version = '1.0'\nmodule_pathname = '/extensions/absmod/lib/absgone'\n",
        'share/extension/absgone--1.0.sql': cFunction('MODULE_PATHNAME'),
        'lib/absmod.so': module([]),
      }),
    ]),
  );
  await reg.push(
    'ext/cycle',
    '1',
    image([
      layer({
        ...sqlOnly('cyc_a', { 'share/extension/cyc_a.control': "default_version = '1.0'\nrequires = 'cyc_b'\n" }),
        ...sqlOnly('cyc_b', { 'share/extension/cyc_b.control': "default_version = '1.0'\nrequires = 'cyc_a'\n" }),
        ...sqlOnly('loner'),
      }),
    ]),
  );
  // The PostGIS update trap: an update script that LOADs '$libdir/...', and a version reached only through it.
  await reg.push(
    'ext/trap',
    '1.1-18-trixie',
    image([
      layer({
        'share/extension/trap.control': "default_version = '1.1'\nmodule_pathname = '$libdir/trap'\n",
        'share/extension/trap--1.1.sql': cFunction('MODULE_PATHNAME'),
        'share/extension/trap--1.0.sql': cFunction('MODULE_PATHNAME'),
        'share/extension/trap--1.0--1.1.sql': "LOAD '$libdir/trap';\n",
        'share/extension/trap--1.1--1.2.sql': "LOAD '$libdir/trap';\n",
        'share/extension/nodefault.control': "comment = 'no default_version'\n",
        'share/extension/nodefault--1.0.sql': 'SELECT 1;\n',
        'lib/trap.so': module([]),
      }),
    ]),
  );
  await reg.push(
    'cloudnative-pg/pgvector',
    '0.8.1-18-trixie',
    image([
      layer({
        ...HELLO,
        'share/extension/vector.control': "default_version = '0.8.0'\n",
        'share/extension/vector--0.8.0.sql': 'SELECT 1;\n',
      }),
    ]),
  );
});
afterAll(async () => {
  await reg.stop();
  delete process.env.DOCKER_CONFIG;
});
beforeEach(() => {
  cache = tmp('cnpg-cache-');
});

describe('images inspect', () => {
  test('a good image: text for people, JSON for CI, exit 0', async () => {
    const ref = `${reg.host}/ext/geo:1.0-18-trixie`;
    const text = await cli(['inspect', ref, '--operand', OPERAND]);
    expect(text.code).toBe(0);
    expect(text.err).toMatch(/pulling .*ext\/geo/);
    expect(text.err).toMatch(/blob sha256:[0-9a-f]{12} .* \(downloaded, verified\)/);
    expect(text.out).toMatch(/digest +sha256:[0-9a-f]{64}/);
    expect(text.out).toMatch(/operand +\S+postgresql:18-minimal-trixie sha256:[0-9a-f]{64} \(measured: 7 libraries\)/);
    // cube 1.0 and 1.1 have update scripts but no install script reaches them: not installable.
    expect(text.out).toMatch(/^ {2}cube +1\.5 +1\.2, 1\.3, 1\.4, 1\.5 +- +cube +yes +- +yes$/m);
    expect(text.out).toMatch(/^ {2}earthdistance +[\d.]+ .* cube +earthdistance/m);
    expect(text.out).toMatch(/update paths\n {2}cube: 1\.0->1\.1/);
    expect(text.out).toMatch(/lib\/cube\.so: .*libc\.so\.6/);
    expect(text.out).toMatch(/ok: CNPG can mount this image as shown/);

    const json = await cli(['inspect', ref, '-o', 'json', '-q', '--operand', OPERAND]);
    expect(json.err).toBe('');
    const r = JSON.parse(json.out);
    expect(r).toMatchObject({
      ok: true,
      reference: ref,
      platform: 'linux/amd64',
      findings: [],
      operand: { source: 'image', reference: OPERAND },
    });
    expect(r.extensions.map((e: { name: string }) => e.name)).toEqual(['cube', 'earthdistance']);
    // The second run verifies the cached blobs instead of downloading them again.
    const again = await cli(['inspect', ref]);
    expect(again.err).toMatch(/\(cached, verified\)/);
    expect(again.err).not.toMatch(/downloaded/);
    // Without --operand: the built-in list, said so; it has the contrib extensions, so the image's cube is shadowed.
    expect(again.out).toMatch(/operand +built-in list for trixie \(\d+ libraries; --operand <ref> measures your operand image\)/);
    expect(again.out).toMatch(
      /warning \[extension-shadowed\] share\/extension\/cube\.control: the operand image has its own cube\.control in \$system/,
    );
    expect(again.code).toBe(0);
  });

  const broken: [string, string, string[], RegExp][] = [
    [
      'control files outside share/extension',
      'ext/flat:1',
      [],
      /\[control-files-misplaced\] share\/extension: .*; control files are at extension\/hello\.control.*Fix: move them to share\/extension\//,
    ],
    [
      'a module the image lacks',
      'ext/nomodule:1',
      [],
      /error \[missing-module\] share\/extension\/cube--[\d.-]+\.sql: a C function AS '\$libdir\/cube': neither the operand's \$libdir nor lib\/ has cube or cube\.so .*CREATE EXTENSION cube runs this script/,
    ],
    [
      'a library neither the image nor the operand has',
      'ext/crypto:1.3-18-trixie',
      [],
      /\[missing-library\] libcrypto\.so\.1\.1: is needed by lib\/pgcrypto\.so, and neither the image .* nor the operand image \(\S+postgresql:18-minimal-trixie\) provides it/,
    ],
    [
      'a library in the image but off ld_library_path',
      'ext/crypto-system:1.3-18-trixie',
      [],
      /\[library-not-on-path\] libcrypto\.so\.1\.1: is needed by lib\/pgcrypto\.so and is in the image at system\/libcrypto\.so\.1\.1.*Fix: mount the image with ldLibraryPath: \['system'\]/,
    ],
    ['a requires nobody provides', 'ext/needy:1', [], /\[requires-unavailable\] needy: requires "nonexistent_ext"/],
    [
      'an ld_library_path the image does not have',
      'ext/hello:1.1-18-trixie',
      ['--ld-library-path', 'system'],
      /\[missing-path\] system: ldLibraryPath names "system", which the image does not have/,
    ],
    ['a bin_path the image does not have', 'ext/hello:1.1-18-trixie', ['--bin-path', 'bin'], /\[missing-path\] bin: binPath names "bin"/],
    [
      'a library the operand image had until a later layer whited it out',
      'ext/needs-gone:1',
      [],
      /\[missing-library\] libgone\.so\.1: is needed by lib\/needsgone\.so/,
    ],
    [
      'one malformed control file: pg_available_extensions fails for the whole server',
      'ext/badcontrol:1',
      [],
      /error \[control-syntax\] share\/extension\/broken\.control: syntax error in file "share\/extension\/broken\.control" line 1, near token "\.1": CREATE EXTENSION broken fails, and so does every query of pg_available_extensions on the server/,
    ],
    [
      'an absolute module_pathname whose module is not there as mounted',
      'ext/absmod:1',
      [],
      /error \[missing-module\] share\/extension\/absgone--1\.0\.sql: a C function AS '\/extensions\/absmod\/lib\/absgone'/,
    ],
    [
      'extensions that require each other',
      'ext/cycle:1',
      [],
      /error \[requires-cycle\] cyc_a: requires itself through cyc_a -> cyc_b -> cyc_a: none of them can be created/,
    ],
  ];
  test.each(broken)('%s: exit 1, the finding with its fix', async (_what, repo, extra, message) => {
    const r = await cli(['inspect', `${reg.host}/${repo}`, '--operand', OPERAND, ...extra]);
    expect(r.out).toMatch(message);
    expect(r.out).toMatch(/problem\(s\): this image will not work as mounted/);
    expect(r.code).toBe(1);
  });

  test('the fix works: the same image with --ld-library-path system is fine', async () => {
    const r = await cli([
      'inspect',
      `${reg.host}/ext/crypto-system:1.3-18-trixie`,
      '--ld-library-path',
      'system',
      '--operand',
      OPERAND,
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).libraries.find((l: { file: string }) => l.file === 'lib/pgcrypto.so').missing).toEqual([]);
  });

  test('what the operand provides is measured: a library only the operand image has is found, and cached by digest', async () => {
    const ref = `${reg.host}/ext/needs-glib:1`;
    const builtIn = await cli(['inspect', ref, '--operand', 'built-in']);
    expect(builtIn.code).toBe(1);
    expect(builtIn.out).toMatch(
      /\[missing-library\] libglib-2\.0\.so\.0: .*nor the operand image \(by the built-in list for trixie: pass --operand <ref> to measure yours\)/,
    );
    const measured = await cli(['inspect', ref, '--operand', OPERAND, '-o', 'json']);
    expect(measured.code).toBe(0);
    const report = JSON.parse(measured.out);
    expect(report.operand).toMatchObject({ source: 'image', reference: OPERAND, libraries: 7 });
    expect(report.libraries).toEqual([
      expect.objectContaining({ file: 'lib/needsglib.so', needed: ['libc.so.6', 'libglib-2.0.so.0'], missing: [] }),
    ]);
    const cached = fs.readdirSync(path.join(cache, 'operands'));
    expect(cached).toEqual([`${report.operand.digest.replace(':', '-')}.json`]);
    expect(JSON.parse(fs.readFileSync(path.join(cache, 'operands', cached[0]), 'utf8')).files).not.toContain(
      'usr/lib/x86_64-linux-gnu/libgone.so.1',
    );
  });

  test('images of only lib/ (wal2json, pg-crash) are fine; an image with nothing PostgreSQL reads is a warning', async () => {
    const modules = await cli(['inspect', `${reg.host}/ext/modules-only:2.6-18-trixie`, '--operand', OPERAND, '-o', 'json']);
    expect(JSON.parse(modules.out)).toMatchObject({ ok: true, findings: [], extensions: [] });
    expect(modules.code).toBe(0);
    const nothing = await cli(['inspect', `${reg.host}/ext/nothing:1`, '--operand', OPERAND]);
    expect(nothing.out).toMatch(
      /warning \[no-control-files\] share\/extension: the image has neither a control file in share\/extension\/ nor a module in lib\//,
    );
    expect(nothing.code).toBe(0);
    const strict = await cli(['inspect', `${reg.host}/ext/nothing:1`, '--operand', OPERAND, '--strict']);
    expect(strict.code).toBe(1);
    const strictClean = await cli(['inspect', `${reg.host}/ext/modules-only:2.6-18-trixie`, '--operand', OPERAND, '--strict']);
    expect(strictClean.code).toBe(0);
  });

  test('an absolute module_pathname that is there is a warning: it breaks when a major upgrade mounts the images elsewhere', async () => {
    const r = await cli(['inspect', `${reg.host}/ext/absmod:1`, '--operand', OPERAND]);
    expect(r.out).toMatch(
      /warning \[module-absolute-path\] share\/extension\/absmod--1\.0\.sql: a C function AS '\/extensions\/absmod\/lib\/absmod': an absolute path works only while CNPG mounts the image at \/extensions\/absmod.*Fix: load it by its bare name 'absmod'/,
    );
  });

  test("LOAD '$libdir/...' in an update script is flagged with its fix; no default_version is a warning", async () => {
    const r = await cli(['inspect', `${reg.host}/ext/trap:1.1-18-trixie`, '--operand', OPERAND]);
    expect(r.out).toMatch(
      /warning \[load-libdir\] share\/extension\/trap--1\.0--1\.1\.sql: LOAD '\$libdir\/trap': LOAD does not search dynamic_library_path .*ALTER EXTENSION trap UPDATE through this script fails\. Fix: write LOAD 'trap'/,
    );
    expect(r.out).toMatch(/warning \[no-default-version\] share\/extension\/nodefault\.control: has no default_version/);
    expect(r.code).toBe(0);
  });

  test('could not run: exit 2 with the reason; --help is the usage, exit 0', async () => {
    expect((await cli(['inspect'])).code).toBe(2);
    const help = await cli(['test', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: cnpg-constructs images test \[options\]/);
    expect(help.out).toMatch(/RUNS THE IMAGES' CODE \(SQL scripts, native\s+modules\) ON THIS MACHINE/);
    expect((await cli([])).err).toMatch(
      /^cnpg-constructs images: name a command \(inspect, verify, lock or test\) before the options\nusage:/,
    );
    const r = await cli(['inspect', `${reg.host}/ext/absent:1`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/could not run: .*answered 404 for manifest 1/);
    const bad = await cli(['inspect', 'x', '--platfrom', 'linux/arm64']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^cnpg-constructs images inspect: unknown option --platfrom\n/);
  });
});

/** Synthesizes a cdk8s app (the library's own constructs) into a directory, as `cdk8s synth` would. */
function synthApp(build: (chart: Chart) => void, resolvers: ImageLockResolver[] = []): string {
  const outdir = tmp('cnpg-dist-');
  const app = new App({ outdir, resolvers });
  build(new Chart(app, 'db'));
  synthesize(app, { log: false });
  return outdir;
}

describe('images verify, on synthesized output', () => {
  test('what the code says against what the images hold', async () => {
    const geo = new ExtensionImage({
      name: 'geo',
      reference: `${reg.host}/ext/geo:1.0-18-trixie`,
      sqlExtensions: [{ name: 'cube' }, { name: 'earthdistance' }],
    });
    // The code does not know that top_ext requires base_ext; the control file does.
    const chain = new ExtensionImage({
      name: 'chain',
      reference: `${reg.host}/ext/chain:1.0-18-trixie`,
      sqlExtensions: [{ name: 'base_ext' }, { name: 'top_ext' }],
    });
    const hello = new ExtensionImage({
      name: 'hello',
      reference: `${reg.host}/ext/hello:1.1-18-trixie`,
      sqlExtensions: [{ name: 'hello' }],
    });
    const vector = new ExtensionImage({
      name: 'pgvector',
      reference: `${reg.host}/cloudnative-pg/pgvector:0.8.1-18-trixie`,
      sqlExtensions: [{ name: 'vector' }],
    });
    const dist = synthApp((chart) => {
      const cluster = new PostgresCluster(chart, 'c', {
        imageName: OPERAND,
        instances: 1,
        storage: { size: '1Gi' },
        extensions: [chain, hello, vector],
      });
      new ExtensionDatabase(chart, 'app', {
        cluster,
        name: 'app',
        owner: 'app',
        extensions: [{ name: 'top_ext' }, { name: 'hello', version: '2.0' }, { name: 'vector' }],
      });
    });
    const r = await cli(['verify', dist]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /error Database\/\S+ \[chain\] \(requires-not-created\): creates top_ext, whose control file requires base_ext, but does not create base_ext: CNPG runs CREATE EXTENSION without CASCADE/,
    );
    expect(r.out).toMatch(
      /error Database\/\S+ \[hello\] \(version-unavailable\): asks for hello version 2\.0; .*ext\/hello:1\.1-18-trixie can install 1\.0, 1\.1/,
    );
    expect(r.out).toMatch(
      /error Cluster\/\S+ \[pgvector\] \(version-differs\): the reference says vector 0\.8\.1, but the image's vector\.control has default_version 0\.8\.0/,
    );
    expect(r.out).toMatch(
      /warning Cluster\/\S+ \[pgvector\] \(extension-not-listed\): the image provides the SQL extension hello, which the library's catalog \(pgvector\) does not list/,
    );
    expect(r.out).toMatch(/failed: 3 image\(s\) inspected for 1 cluster\(s\) and 1 database\(s\); 3 error\(s\), 1 warning\(s\)/);

    // The same images as values: what the ExtensionImage says is compared too.
    const values = await verifyExtensionImages([chain, vector], {
      client: new RegistryClient({ cacheDir: cache, credentials: () => undefined }),
    });
    expect(values.findings.map((f) => `${f.severity} ${f.image} ${f.code}`).sort()).toEqual([
      'error pgvector version-differs',
      'warning chain requires-differ',
      'warning pgvector extension-not-listed',
    ]);
    expect(values.findings.find((f) => f.code === 'requires-differ')?.message).toBe(
      'top_ext: the ExtensionImage says it requires [], its control file says [base_ext]',
    );

    const fixed = synthApp((chart) => {
      const cluster = new PostgresCluster(chart, 'c', {
        imageName: OPERAND,
        instances: 1,
        storage: { size: '1Gi' },
        extensions: [geo, hello],
      });
      new ExtensionDatabase(chart, 'app', {
        cluster,
        name: 'app',
        owner: 'app',
        extensions: [{ name: 'cube' }, { name: 'earthdistance' }, { name: 'hello', version: '1.0' }],
      });
    });
    const ok = await cli(['verify', fixed, '-o', 'json']);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, findings: [], clusters: 1, databases: 1 });
    expect(ok.code).toBe(0);
  });

  test('the catalog is compared with the image when the repository is a catalog one', async () => {
    const dist = synthApp((chart) => {
      new PostgresCluster(chart, 'c', {
        imageName: OPERAND,
        instances: 1,
        storage: { size: '1Gi' },
        extensions: [ExtensionImage.pgvector('0.8.1', { registry: `${reg.host}/cloudnative-pg` })],
      });
    });
    const r = await cli(['verify', dist]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /\(version-differs\): the reference says vector 0\.8\.1, but the image's vector\.control has default_version 0\.8\.0/,
    );
  });
});

describe('images verify, clusters that take images from an image catalog', () => {
  test('the catalog entry is resolved as CNPG resolves it, the Cluster overriding it field by field', async () => {
    const dir = tmp('cnpg-yaml-');
    const catalog = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ClusterImageCatalog',
      metadata: { name: 'pg' },
      spec: {
        images: [
          {
            major: 18,
            image: OPERAND,
            extensions: [
              { name: 'crypto', image: { reference: `${reg.host}/ext/crypto-system:1.3-18-trixie` }, ld_library_path: ['system'] },
              { name: 'geo', image: { reference: `${reg.host}/ext/geo:1.0-18-trixie` } },
            ],
          },
        ],
      },
    };
    const cluster = (extensions: unknown[]) => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'db' },
      spec: {
        instances: 1,
        imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'pg', major: 18 },
        storage: { size: '1Gi' },
        postgresql: { extensions },
      },
    });
    const database = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'c-app', namespace: 'db' },
      spec: {
        name: 'app',
        owner: 'app',
        cluster: { name: 'c' },
        extensions: [{ name: 'pgcrypto' }, { name: 'cube' }, { name: 'earthdistance' }],
      },
    };
    const write = (objects: unknown[]) => {
      const file = path.join(dir, `app-${Math.random().toString(36).slice(2)}.yaml`);
      fs.writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
      return file;
    };
    // From the catalog: crypto with ld_library_path [system] is fine.
    const ok = await cli(['verify', write([catalog, cluster([{ name: 'crypto' }, { name: 'geo' }]), database]), '-o', 'json']);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, findings: [], clusters: 1, databases: 1 });
    // The Cluster overrides ld_library_path with a directory the image lacks: that is what CNPG would mount.
    const overridden = await cli([
      'verify',
      write([catalog, cluster([{ name: 'crypto', ld_library_path: ['lib64'] }, { name: 'geo' }]), database]),
    ]);
    expect(overridden.code).toBe(1);
    expect(overridden.out).toMatch(/error Cluster\/db\/c \[crypto\] \(missing-path\): lib64: ldLibraryPath names "lib64"/);
    expect(overridden.out).toMatch(/\[crypto\] \(library-not-on-path\): libcrypto\.so\.1\.1/);
    // Without the catalog among the inputs, the image cannot be known: said, not guessed.
    const alone = await cli(['verify', write([cluster([{ name: 'crypto' }])])]);
    expect(alone.out).toMatch(
      /warning Cluster\/db\/c \[crypto\] \(unresolved-reference\): extension "crypto" has no image reference here and ClusterImageCatalog\/pg is not among the inputs/,
    );
    expect(alone.code).toBe(0);
    const strict = await cli(['verify', write([cluster([{ name: 'crypto' }])]), '--strict']);
    expect([strict.code, strict.out]).toEqual([1, expect.stringMatching(/^failed: /m)]);
  });
});

describe('the env an image is mounted with', () => {
  test('a ${image_root} path the image lacks is a warning naming the variable (PostGIS data directories)', async () => {
    await reg.push(
      'cloudnative-pg/postgis-extension',
      '3.6.1-18-trixie',
      image([layer({ ...HELLO, 'share/proj/proj.db': 'proj', 'system/README': 'libraries would be here' })]),
    );
    const ref = `${reg.host}/cloudnative-pg/postgis-extension:3.6.1-18-trixie`;
    // inspect uses the catalog entry's env for a catalog repository.
    const r = await cli(['inspect', ref]);
    expect(r.out).toMatch(
      /warning \[env-path-missing\] GDAL_DATA: is set to "\$\{image_root\}\/share\/gdal", but the image has no share\/gdal/,
    );
    expect(r.out).not.toMatch(/PROJ_DATA/);
    // verify over the code: the factory's env (CNPG 1.29+ applies it).
    const report = await verifyExtensionImages([ExtensionImage.postgis('3.6.1', { registry: `${reg.host}/cloudnative-pg` })], {
      client: new RegistryClient({ cacheDir: cache, credentials: () => undefined }),
    });
    expect(report.findings.filter((f) => f.code === 'env-path-missing').map((f) => f.message)).toEqual([
      'GDAL_DATA: is set to "${image_root}/share/gdal", but the image has no share/gdal: what reads GDAL_DATA will not find its files at run time',
    ]);
  });
});

describe("the catalog's knowledge, against control files as PostGIS 3.6 ships them", () => {
  test('address_standardizer_data_us requires nothing: no warning on the official layout, and a Database may list it alone', async () => {
    const control = (requires?: string) => `default_version = '3.6.2'\n${requires ? `requires = '${requires}'\n` : ''}`;
    const files: Record<string, string> = {};
    for (const [name, requires] of Object.entries({
      postgis: undefined,
      postgis_raster: 'postgis',
      postgis_sfcgal: 'postgis',
      postgis_topology: 'postgis',
      postgis_tiger_geocoder: 'postgis,fuzzystrmatch',
      address_standardizer: undefined,
      address_standardizer_data_us: undefined,
    })) {
      files[`share/extension/${name}.control`] = control(requires);
      files[`share/extension/${name}--3.6.2.sql`] = 'SELECT 1;\n';
    }
    await reg.push(
      'cloudnative-pg/postgis-extension',
      '3.6.2-18-trixie',
      image([layer({ ...files, 'share/gdal/x': '', 'share/proj/x': '', 'system/README': '' })]),
    );
    const postgis = ExtensionImage.postgis('3.6.2', { registry: `${reg.host}/cloudnative-pg` });
    const report = await verifyExtensionImages([postgis], {
      client: new RegistryClient({ cacheDir: cache, credentials: () => undefined }),
    });
    expect(report.findings).toEqual([]);
    // The construct agrees: a Database that creates only the US data set is accepted.
    expect(() =>
      synthApp((chart) => {
        const cluster = new PostgresCluster(chart, 'c', {
          imageName: OPERAND,
          instances: 1,
          storage: { size: '1Gi' },
          extensions: [postgis],
        });
        new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', extensions: [{ name: 'address_standardizer_data_us' }] });
      }),
    ).not.toThrow();
  });
});

describe('images verify: what PostgreSQL and CNPG would do with the images', () => {
  const clusterWith = (images: ExtensionImage[], databases: { name: string; version?: string }[][] = []) =>
    synthApp((chart) => {
      const cluster = new PostgresCluster(chart, 'c', { imageName: OPERAND, instances: 1, storage: { size: '1Gi' }, extensions: images });
      databases.forEach((extensions, i) => {
        new ExtensionDatabase(chart, `db${i}`, { cluster, name: `db${i}`, owner: 'app', extensions });
      });
    });
  const trap = () =>
    new ExtensionImage({
      name: 'trap',
      reference: `${reg.host}/ext/trap:1.1-18-trixie`,
      sqlExtensions: [{ name: 'trap' }, { name: 'nodefault' }],
    });

  test('a version reached only through a LOAD $libdir script, and an extension without default_version', async () => {
    const r = await cli(['verify', clusterWith([trap()], [[{ name: 'trap', version: '1.2' }, { name: 'nodefault' }]])]);
    expect(r.out).toMatch(
      /error Database\/\S+ \[trap\] \(version-not-creatable\): asks for trap version 1\.2, and CREATE EXTENSION of it fails: share\/extension\/trap--1\.1--1\.2\.sql/,
    );
    expect(r.out).toMatch(
      /error Database\/\S+ \[trap\] \(database-version-required\): creates nodefault without a version, and its control file has no default_version/,
    );
    expect(r.code).toBe(1);
    // Any installable version works (not only the default), and a version given makes default_version unneeded.
    const ok = await cli([
      'verify',
      clusterWith(
        [trap()],
        [
          [
            { name: 'trap', version: '1.0' },
            { name: 'nodefault', version: '1.0' },
          ],
        ],
      ),
      '-o',
      'json',
    ]);
    expect(JSON.parse(ok.out).findings.filter((f: { severity?: string }) => f.severity !== 'warning')).toEqual([]);
    expect(ok.code).toBe(0);
  });

  test("each cluster's operand image (spec.imageName) is measured: a library only it has is found; --operand built-in does not", async () => {
    const glib = new ExtensionImage({
      name: 'needsglib',
      reference: `${reg.host}/ext/needs-glib:1.0-18-trixie`,
      sqlExtensions: [{ name: 'needsglib' }],
    });
    await reg.push(
      'ext/needs-glib',
      '1.0-18-trixie',
      image([
        layer({
          'share/extension/needsglib.control': "default_version = '1.0'\n",
          'share/extension/needsglib--1.0.sql': 'SELECT 1;\n',
          'lib/needsglib.so': sharedObject({ needed: ['libc.so.6', 'libglib-2.0.so.0'] }),
        }),
      ]),
    );
    const dist = clusterWith([glib]);
    const measured = await cli(['verify', dist, '-o', 'json']);
    expect(JSON.parse(measured.out)).toMatchObject({ ok: true, findings: [] });
    const builtIn = await cli(['verify', dist, '--operand', 'built-in']);
    expect(builtIn.out).toMatch(
      /error Cluster\/\S+ \[needsglib\] \(missing-library\): libglib-2\.0\.so\.0: is needed by lib\/needsglib\.so/,
    );
    expect(builtIn.code).toBe(1);
  });

  test('an image of only lib/ (wal2json) mounted on a cluster is fine', async () => {
    const w = new ExtensionImage({ name: 'wal2json', reference: `${reg.host}/ext/modules-only:2.6-18-trixie` });
    const r = await cli(['verify', clusterWith([w]), '-o', 'json']);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, findings: [] });
    expect(r.code).toBe(0);
  });

  test("an image that requires another image's extension is fine when the cluster mounts both", async () => {
    await reg.push(
      'ext/needs-geo',
      '1.0-18-trixie',
      image([
        layer({
          'share/extension/needsgeo.control': "default_version = '1.0'\nrequires = 'cube'\n",
          'share/extension/needsgeo--1.0.sql': 'SELECT 1;\n',
        }),
      ]),
    );
    const geo = new ExtensionImage({
      name: 'geo',
      reference: `${reg.host}/ext/geo:1.0-18-trixie`,
      sqlExtensions: [{ name: 'cube' }, { name: 'earthdistance' }],
    });
    const needs = new ExtensionImage({
      name: 'needsgeo',
      reference: `${reg.host}/ext/needs-geo:1.0-18-trixie`,
      sqlExtensions: [{ name: 'needsgeo', requires: ['cube'] }],
    });
    const both = await cli(['verify', clusterWith([geo, needs]), '-o', 'json']);
    expect(JSON.parse(both.out).findings).toEqual([]);
    const alone = await cli(['verify', clusterWith([needs])]);
    expect(alone.out).toMatch(/\(requires-unavailable\): needsgeo: requires "cube"/);
  });

  test('an unreachable registry: one finding per registry, nothing said about the images, "Fix:" once, exit 2', async () => {
    const far = (name: string) =>
      new ExtensionImage({ name, reference: `127.0.0.1:1/ext/${name}:1.0-18-trixie`, sqlExtensions: [{ name }] });
    const r = await cli(['verify', clusterWith([far('vector'), far('other')], [[{ name: 'vector' }, { name: 'other' }]])]);
    const lines = r.out.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^error Cluster\/\S+ \(registry-unreachable\): the registry 127\.0\.0\.1:1 cannot be reached, so 2 image\(s\) could not be read .* and nothing is said about what they hold\. Fix: check the network/,
      ),
      expect.stringMatching(/^could not run: 0 image\(s\) inspected for 1 cluster\(s\) and 1 database\(s\); 1 error\(s\), 0 warning\(s\)$/),
    ]);
    expect(r.out.match(/Fix:/g)).toHaveLength(1);
    expect(r.code).toBe(2);
  });

  test('env as CNPG expands it: $${...} is a literal, not a path to check', async () => {
    const img = (env: Record<string, string>) =>
      new ExtensionImage({ name: 'hello', reference: `${reg.host}/ext/hello:1.1-18-trixie`, sqlExtensions: [{ name: 'hello' }], env });
    const report = await verifyExtensionImages([img({ LITERAL: '$${image_root}/share/none', REAL: '${image_root}/share/none' })], {
      client: new RegistryClient({ cacheDir: cache, credentials: () => undefined }),
    });
    expect(report.findings.filter((f) => f.code === 'env-path-missing').map((f) => f.message)).toEqual([
      'REAL: is set to "${image_root}/share/none", but the image has no share/none: what reads REAL will not find its files at run time',
    ]);
  });
});

describe('images lock', () => {
  test('locks every reference, --check passes, a moved tag fails --check naming it, synth pins from the lock', async () => {
    await reg.push('ext/moving', '1.0-18-trixie', image([layer({ ...HELLO, 'v.txt': 'one' })]));
    const moving = new ExtensionImage({
      name: 'hello',
      reference: `${reg.host}/ext/moving:1.0-18-trixie`,
      sqlExtensions: [{ name: 'hello' }],
    });
    const geo = new ExtensionImage({
      name: 'geo',
      reference: `${reg.host}/ext/geo:1.0-18-trixie`,
      sqlExtensions: [{ name: 'cube' }, { name: 'earthdistance' }],
    });
    const build = (chart: Chart) =>
      new PostgresCluster(chart, 'c', {
        imageName: `${reg.host}/cloudnative-pg/postgresql:18-minimal-trixie`,
        instances: 1,
        storage: { size: '1Gi' },
        extensions: [moving, geo],
      });
    const dist = synthApp(build);
    const project = tmp('cnpg-project-');
    const lockFile = path.join(project, 'cnpg-images.lock.json');

    expect((await cli(['lock', '--check', dist], project)).code).toBe(2);
    const first = await cli(['lock', dist], project);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/wrote: cnpg-images\.lock\.json, 3 reference\(s\)/);
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    expect(Object.keys(lock.images)).toEqual([
      `${reg.host}/cloudnative-pg/postgresql:18-minimal-trixie`,
      `${reg.host}/ext/geo:1.0-18-trixie`,
      `${reg.host}/ext/moving:1.0-18-trixie`,
    ]);
    const lockedDigest = lock.images[`${reg.host}/ext/moving:1.0-18-trixie`].digest;
    expect((await cli(['lock', '--check', dist], project)).out).toMatch(/ok: 3 reference\(s\) checked/);
    expect((await cli(['lock', dist], project)).out).toMatch(/unchanged/);

    // Synth pins every locked reference.
    const pinned = synthApp(build, [new ImageLockResolver({ file: lockFile })]);
    const text = fs
      .readdirSync(pinned)
      .map((f) => fs.readFileSync(path.join(pinned, f), 'utf8'))
      .join('\n');
    expect(text).toContain(`${reg.host}/ext/moving:1.0-18-trixie@${lockedDigest}`);
    expect(text).toContain(`imageName: ${reg.host}/cloudnative-pg/postgresql:18-minimal-trixie@sha256:`);
    const cluster = parseAllDocuments(text)
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Cluster');
    expect(
      cluster.spec.postgresql.extensions.every((e: { image: { reference: string } }) => /@sha256:[0-9a-f]{64}$/.test(e.image.reference)),
    ).toBe(true);
    expect((await cli(['lock', '--check', pinned], project)).code).toBe(0);

    // Someone moves the tag.
    const moved = await reg.push('ext/moving', '1.0-18-trixie', image([layer({ ...HELLO, 'v.txt': 'two' })]));
    const before = fs.readFileSync(lockFile, 'utf8');
    const check = await cli(['lock', '--check', dist], project);
    expect(check.code).toBe(1);
    expect(check.out).toContain(
      `error ${reg.host}/ext/moving:1.0-18-trixie: now points at ${moved}, but the lock has ${lockedDigest}: the tag was moved since it was locked`,
    );
    expect(check.out).toMatch(/used at .*Cluster\/\S+ spec\.postgresql\.extensions\[0\]\.image\.reference/);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(before);
    // The pinned output also says that its digest is no longer what the tag points at.
    expect((await cli(['lock', '--check', pinned], project)).out).toMatch(
      /is written with @sha256:[0-9a-f]{64}, but the tag now points at/,
    );
  });
});
