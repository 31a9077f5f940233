// `cnpg-constructs validate`: every CEL rule of the Cluster, Database and ImageCatalog CRDs (but transition
// rules, which need the old object) and each kind of schema error reports its finding; valid YAML passes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { runValidate } from '../../lib/cli/validate';
import { synthModule } from '../support/synth';

const manifest = process.env.CNPG_OPERATOR_MANIFEST as string;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-validate-'));

async function validate(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runValidate(args, {
    stdin: async () => stdin,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    cwd: process.cwd(),
  });
  return { code, out, err };
}

const cluster = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'c', namespace: 'db' },
  spec: { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' }, ...spec },
});
const database = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Database',
  metadata: { name: 'd', namespace: 'db' },
  spec: { name: 'app', owner: 'app', cluster: { name: 'c' }, ...spec },
});
const catalog = (spec: Record<string, unknown>) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'ImageCatalog',
  metadata: { name: 'cat', namespace: 'db' },
  spec,
});
const img = (major: number) => ({ major, image: `ghcr.io/cloudnative-pg/postgresql:${major}-minimal-trixie` });

// [what, object, path of the finding, message (for CEL rules: the rule's message)]
const broken: [string, object, string, string][] = [
  [
    'CEL: imageName and imageCatalogRef',
    cluster({ imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', major: 18 } }),
    '.spec',
    'imageName and imageCatalogRef are mutually exclusive',
  ],
  [
    'CEL: initdb builtinLocale',
    cluster({ bootstrap: { initdb: { builtinLocale: 'C' } } }),
    '.spec.bootstrap.initdb',
    'builtinLocale is only available when localeProvider is set to `builtin`',
  ],
  [
    'CEL: initdb icuLocale',
    cluster({ bootstrap: { initdb: { icuLocale: 'en' } } }),
    '.spec.bootstrap.initdb',
    'icuLocale is only available when localeProvider is set to `icu`',
  ],
  [
    'CEL: initdb icuRules',
    cluster({ bootstrap: { initdb: { icuRules: '&a < b' } } }),
    '.spec.bootstrap.initdb',
    'icuRules is only available when localeProvider is set to `icu`',
  ],
  [
    'CEL: imageCatalogRef kind',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ConfigMap', name: 'x', major: 18 } }),
    '.spec.imageCatalogRef',
    'Only image catalogs are supported',
  ],
  [
    'CEL: imageCatalogRef apiGroup',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'example.com', kind: 'ImageCatalog', name: 'x', major: 18 } }),
    '.spec.imageCatalogRef',
    'Only image catalogs are supported',
  ],
  [
    'CEL: synchronous preferred',
    cluster({ postgresql: { synchronous: { method: 'any', number: 1, dataDurability: 'preferred', standbyNamesPre: ['a'] } } }),
    '.spec.postgresql.synchronous',
    "dataDurability set to 'preferred' requires empty 'standbyNamesPre' and empty 'standbyNamesPost'",
  ],
  [
    'CEL: synchronous number',
    cluster({ postgresql: { synchronous: { method: 'any', number: 0 } } }),
    '.spec.postgresql.synchronous.number',
    'The number of synchronous replicas should be greater than zero',
  ],
  [
    'CEL: database builtinLocale',
    database({ builtinLocale: 'C' }),
    '.spec',
    'builtinLocale is only available when localeProvider is set to `builtin`',
  ],
  ['CEL: database icuLocale', database({ icuLocale: 'en' }), '.spec', 'icuLocale is only available when localeProvider is set to `icu`'],
  ['CEL: database icuRules', database({ icuRules: '&a < b' }), '.spec', 'icuRules is only available when localeProvider is set to `icu`'],
  [
    'CEL: fdw usage name',
    database({ fdws: [{ name: 'postgres_fdw', usage: [{ name: '', type: 'grant' }] }] }),
    '.spec.fdws[0].usage[0].name',
    'name is required',
  ],
  ['CEL: name postgres', database({ name: 'postgres' }), '.spec.name', 'the name postgres is reserved'],
  ['CEL: name template0', database({ name: 'template0' }), '.spec.name', 'the name template0 is reserved'],
  ['CEL: name template1', database({ name: 'template1' }), '.spec.name', 'the name template1 is reserved'],
  ['CEL: server fdw', database({ servers: [{ name: 'remote', fdw: '' }] }), '.spec.servers[0].fdw', 'fdw is required'],
  [
    'CEL: server usage name',
    database({ servers: [{ name: 'remote', fdw: 'postgres_fdw', usage: [{ name: '', type: 'grant' }] }] }),
    '.spec.servers[0].usage[0].name',
    'name is required',
  ],
  [
    'CEL: component image keys',
    catalog({
      images: [img(18)],
      componentImages: [
        { key: 'pgbouncer', image: 'a:1' },
        { key: 'pgbouncer', image: 'b:1' },
      ],
    }),
    '.spec.componentImages',
    'Component image keys must be unique',
  ],
  ['CEL: catalog majors', catalog({ images: [img(18), img(18)] }), '.spec.images', 'Images must have unique major versions'],
  ['schema: unknown field', cluster({ imageNmae: 'x' }), '.spec.imageNmae', 'unknown field "imageNmae"'],
  ['schema: wrong type', cluster({ instances: 'three' }), '.spec.instances', 'must be of type integer, got string'],
  ['schema: enum', database({ ensure: 'gone' }), '.spec.ensure', 'must be one of "present", "absent", got "gone"'],
  [
    'schema: pattern',
    cluster({ postgresql: { extensions: [{ name: 'Bad_', image: { reference: 'r.io/x:1-18-trixie' } }] } }),
    '.spec.postgresql.extensions[0].name',
    'must match',
  ],
  ['schema: required', database({ owner: undefined }), '.spec.owner', 'required field "owner" is missing'],
];

describe('cnpg-constructs validate', () => {
  test.each(broken)('%s', async (_what, object, where, message) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'broken.yaml'), stringify(JSON.parse(JSON.stringify(object))));
    const r = await validate(['--manifest', manifest, '-o', 'json', dir]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.schema).toContainEqual(
      expect.objectContaining({
        file: expect.stringMatching(/broken\.yaml$/),
        document: 0,
        path: where,
        message: expect.stringContaining(message),
      }),
    );
    if (_what.startsWith('CEL')) expect(report.schema.find((f: { path: string }) => f.path === where).rule).toEqual(expect.any(String));
  });

  test('every non-transition CEL rule of the three CRDs has a case above', () => {
    const yaml = require('yaml');
    const rules: string[] = [];
    for (const f of ['clusters', 'databases', 'imagecatalogs']) {
      const crd = yaml.parse(fs.readFileSync(path.join(path.dirname(manifest), `postgresql.cnpg.io_${f}.yaml`), 'utf8'));
      const walk = (s: Record<string, unknown> | undefined) => {
        if (!s || typeof s !== 'object') return;
        for (const r of (s['x-kubernetes-validations'] as { rule: string; message: string }[]) ?? [])
          if (!/oldSelf/.test(r.rule)) rules.push(r.message);
        for (const v of Object.values((s.properties as Record<string, Record<string, unknown>>) ?? {})) walk(v);
        walk(s.items as Record<string, unknown>);
      };
      walk(crd.spec.versions[0].schema.openAPIV3Schema);
    }
    const covered = broken.filter((b) => b[0].startsWith('CEL')).map((b) => b[3]);
    expect(rules.length).toBe(19);
    for (const m of rules) expect(covered).toContain(m);
  });

  test('the example synth output and the blog post validate clean; other objects are skipped and counted', async () => {
    const { dir } = synthModule(path.resolve(__dirname, '..', '..', 'examples', 'cdk8s', 'main.ts'));
    const r = await validate(['--manifest', manifest, dir]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(
      /^valid: 2 CNPG object\(s\) checked against CNPG 1\.30\.0, 27 other object\(s\) skipped, 0 schema finding\(s\), 0 other finding\(s\) in 3 file\(s\)\n$/,
    );
    const seed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'seed', '000_f1bf403c3eb153c8.txt'), 'utf8');
    const start = seed.lastIndexOf('apiVersion: postgresql.cnpg.io/v1\nkind: Cluster');
    const blog = seed.slice(start, seed.indexOf('postgis_topology', start) + 'postgis_topology'.length);
    expect(parseAllDocuments(blog)).toHaveLength(2);
    const fromStdin = await validate(['--manifest', manifest, '-'], blog);
    expect(fromStdin.code).toBe(0);
  });

  test("the library's own checks on plain YAML: tags of another major or distro, volume-name collisions, extensions nobody provides", async () => {
    const bad = cluster({
      postgresql: {
        extensions: [
          { name: 'pg_ivm', image: { reference: 'ghcr.io/cloudnative-pg/pg-ivm:1.13-18-trixie' } },
          { name: 'pg-ivm', image: { reference: 'ghcr.io/cloudnative-pg/pg-ivm:1.13-18-trixie' } },
          { name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-17-bookworm' } },
        ],
      },
    });
    const db = database({ extensions: [{ name: 'pgvector' }, { name: 'pg_stat_statements' }] });
    const r = await validate(['--manifest', manifest, '-o', 'json', '-'], `${stringify(bad)}---\n${stringify(db)}`);
    const report = JSON.parse(r.out);
    expect(r.code).toBe(1);
    expect(report.semantic.map((f: { object: string; path: string }) => `${f.object} ${f.path}`)).toEqual([
      'Cluster/db/c .spec.postgresql.extensions[1].name',
      'Cluster/db/c .spec.postgresql.extensions[2].image.reference',
      'Cluster/db/c .spec.postgresql.extensions[2].image.reference',
      'Database/db/d .spec.extensions[1].name',
      'Database/db/d .spec.extensions[0].name',
    ]);
  });

  test('exit code 2 when it cannot run: unknown option, missing file, no manifest', async () => {
    expect((await validate(['--bogus', 'x'])).code).toBe(2);
    expect((await validate(['--manifest', manifest, '/nonexistent.yaml'])).err).toMatch(/no such file or directory/);
    const r = await validate(['--manifest', '/nonexistent-manifest.yaml', '-'], '');
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringMatching(/could not run: cannot read the CNPG operator manifest .* \(on the command line: --manifest <file>\)/),
    ]);
  });
});

describe('the cdk8s validation plugin', () => {
  test('reports CRD and semantic findings per rule with the object and the manifest file, and fails the report', async () => {
    const { CnpgValidation } = require('../../lib/core') as typeof import('../../lib/core');
    const dir = tmp();
    const file = path.join(dir, '0000-db.k8s.yaml');
    fs.writeFileSync(
      file,
      `${stringify(cluster({ instances: 'three' }))}---\n${stringify(database({ extensions: [{ name: 'pg_stat_statements' }] }))}`,
    );
    const violations: { ruleName: string; violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[] }[] =
      [];
    let status = '';
    await new CnpgValidation({ manifest }).validate({
      manifests: [file],
      report: { addViolation: (v) => violations.push(v), submit: (s) => (status = s) },
    });
    expect(status).toBe('failure');
    expect(violations.map((v) => [v.ruleName, v.violatingResources])).toEqual([
      [
        'CNPG 1.30.0 CRD: must be of type integer, got string',
        [{ resourceName: 'Cluster/db/c', locations: ['.spec.instances'], manifestPath: file }],
      ],
      [
        expect.stringMatching(/^cnpg-constructs: pg_stat_statements is managed by CNPG/),
        [{ resourceName: 'Database/db/d', locations: ['.spec.extensions[0].name'], manifestPath: file }],
      ],
    ]);
  });
});
