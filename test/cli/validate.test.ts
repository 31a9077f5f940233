// `cnpg-constructs validate`: every CEL rule of the Cluster, Database and ImageCatalog CRDs (but transition
// rules, which need the old object) and each kind of schema error reports its finding; valid YAML passes.
import { spawnSync } from 'node:child_process';
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
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: _what.startsWith('CEL') ? 'crd-cel-rule' : 'crd-schema',
        file: expect.stringMatching(/broken\.yaml$/),
        document: 0,
        field: where,
        message: expect.stringContaining(message),
      }),
    );
    if (_what.startsWith('CEL')) expect(report.findings.find((f: { field: string }) => f.field === where).rule).toEqual(expect.any(String));
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

  test('the example synth output and the YAML of CNPG Recipe 23 validate clean; other objects are skipped and counted', async () => {
    const { dir } = synthModule(path.resolve(__dirname, '..', '..', 'examples', 'cdk8s', 'main.ts'));
    const r = await validate(['--manifest', manifest, dir]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(
      /^valid: 2 object\(s\) checked against CNPG 1\.30\.0, 27 other object\(s\) skipped, 0 error\(s\), 0 warning\(s\) in 3 file\(s\) \(\d+ document\(s\)\)\n$/,
    );
    const seed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'seed', '000_f1bf403c3eb153c8.txt'), 'utf8');
    const start = seed.lastIndexOf('apiVersion: postgresql.cnpg.io/v1\nkind: Cluster');
    const blog = seed.slice(start, seed.indexOf('postgis_topology', start) + 'postgis_topology'.length);
    expect(parseAllDocuments(blog)).toHaveLength(2);
    const fromStdin = await validate(['--manifest', manifest, '-'], blog);
    expect(fromStdin.code).toBe(0);
  });

  test("CNPG's webhook rules and the library's own checks on plain YAML: findings with severity and code", async () => {
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
    expect(
      report.findings.map(
        (f: { severity: string; code: string; object: string; field: string }) => `${f.severity} ${f.code} ${f.object} ${f.field}`,
      ),
    ).toEqual([
      'error extension-volume-name-collision Cluster/db/c .spec.postgresql.extensions[1].name',
      'error image-major-mismatch Cluster/db/c .spec.postgresql.extensions[2].image.reference',
      'error image-distro-mismatch Cluster/db/c .spec.postgresql.extensions[2].image.reference',
      'error extension-managed-by-cnpg Database/db/d .spec.extensions[1].name',
      'error extension-not-provided Database/db/d .spec.extensions[0].name',
    ]);
    expect([report.errors, report.warnings, report.valid]).toEqual([5, 0, false]);
  });

  test('warnings are listed and exit 0; --strict makes them fail', async () => {
    const warned = stringify(
      cluster({ nodeMaintenanceWindow: { inProgress: false }, postgresql: { parameters: { shared_buffers: '128' } } }),
    );
    const r = await validate(['--manifest', manifest, '-'], warned);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /warning <stdin>:0 \(line 1\) Cluster\/db\/c \.spec\.nodeMaintenanceWindow: is superseded by enablePDB\. Fix: use spec\.enablePDB/,
    );
    expect(r.out).toMatch(/\[shared-buffers-no-unit\]/);
    expect(r.out).toMatch(/^valid: .*, 0 error\(s\), 2 warning\(s\) in 1 file\(s\)/m);
    expect((await validate(['--manifest', manifest, '--strict', '-'], warned)).code).toBe(1);
  });

  test('YAML is read as kubectl reads it: unquoted on/yes/0755 change type on the way, and the CRD says so', async () => {
    const doc = `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: c, namespace: db}
spec:
  instances: 1
  imageName: ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie
  storage: {size: 1Gi}
  enableSuperuserAccess: yes
  postgresql:
    parameters:
      hot_standby_feedback: on
      max_connections: 0100
      work_mem: "4MB"
`;
    const report = JSON.parse((await validate(['--manifest', manifest, '-o', 'json', '-'], doc)).out);
    expect(report.findings.map((f: { code: string; field: string; message: string }) => [f.code, f.field, f.message])).toEqual([
      ['crd-schema', '.spec.postgresql.parameters.hot_standby_feedback', 'must be of type string, got boolean'],
      ['crd-schema', '.spec.postgresql.parameters.max_connections', 'must be of type string, got number'],
    ]);
    expect(report.findings[0].fix).toMatch(/quote the value/);
  });

  test('documents kubectl cannot read are findings of their own, and the other documents are still checked', async () => {
    const good = stringify(cluster());
    const input = Buffer.concat([
      Buffer.from(`${good}---\nspec: [unclosed\n---\n`),
      Buffer.from('kind: X\nname: caf'),
      Buffer.from([0xe9]),
      Buffer.from(
        `\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n---\n${stringify(cluster({ instances: 'two' }))}`,
      ),
    ]);
    const r = await validate(['--manifest', manifest, '-o', 'json', '-'], input as never);
    const report = JSON.parse(r.out);
    expect(report.findings.map((f: { code: string; document: number }) => `${f.document} ${f.code}`)).toEqual([
      '1 yaml-invalid',
      '2 yaml-not-utf8',
      '3 list-nested',
      '4 crd-schema',
    ]);
    expect([r.code, report.validated, report.documents]).toEqual([1, 2, 5]);
  });

  test('--previous: the objects as they are now, so that update rules run as the API server runs them', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'old.yaml'), stringify(cluster({ storage: { size: '10Gi' }, postgresUID: 1000 })));
    const next = stringify(
      cluster({ storage: { size: '5Gi' }, postgresql: { parameters: { wal_level: 'minimal', max_wal_senders: '0' } } }),
    );
    const r = await validate(['--manifest', manifest, '--previous', path.join(dir, 'old.yaml'), '-o', 'json', '-'], next);
    const codes = JSON.parse(r.out).findings.map((f: { code: string; field: string }) => `${f.code} ${f.field}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'storage-shrink .spec.storage',
        'postgres-id-changed .spec.postgresUID',
        'wal-level-changed-to-minimal .spec.postgresql.parameters.wal_level',
      ]),
    );
    // Without the previous object it is a creation: none of the update rules apply.
    const created = JSON.parse((await validate(['--manifest', manifest, '-o', 'json', '-'], next)).out).findings.map(
      (f: { code: string }) => f.code,
    );
    expect(created).not.toContain('storage-shrink');
  });

  test('--previous that kubectl could not read stops the run (exit 2, the file and document named): no update rule is skipped in silence', async () => {
    const dir = tmp();
    const first = stringify(cluster());
    fs.writeFileSync(path.join(dir, 'old.yaml'), `${first}---\nkind: [unclosed\n`);
    const line = first.split('\n').length + 1; // the line of the broken flow sequence
    const r = await validate(['--manifest', manifest, '--previous', path.join(dir, 'old.yaml'), '-'], stringify(cluster()));
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toMatch(
      new RegExp(`could not run: .*old\\.yaml: document 1 is not valid YAML as kubectl reads it: .*\\(line ${line}\\)`),
    );
  });

  test('-h and --help print the usage and exit 0', async () => {
    for (const flag of ['-h', '--help']) {
      const r = await validate([flag]);
      expect([r.code, r.out]).toEqual([
        0,
        expect.stringMatching(/^usage: cnpg-constructs validate .*--previous <file\|dir\|->.*exit code: 0 valid/s),
      ]);
    }
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

describe('the command as users run it (a process, from lib/cli/main.ts)', () => {
  const run = (args: string[], input?: Buffer) =>
    spawnSync(
      process.execPath,
      ['-r', path.join(__dirname, '..', 'support', 'ts-node.js'), path.join(__dirname, '..', '..', 'lib', 'cli', 'main.ts'), ...args],
      {
        input,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );

  test('exit codes: 0 valid, 1 invalid, 2 could not run; --help is 0; stdin is read as bytes', () => {
    const help = run(['validate', '--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^usage: cnpg-constructs validate/)]);
    const valid = run(['validate', '--manifest', manifest, '-'], Buffer.from(stringify(cluster())));
    expect([valid.status, valid.stdout]).toEqual([0, expect.stringMatching(/^valid: 1 object\(s\) checked/)]);
    const latin1 = Buffer.concat([Buffer.from(`${stringify(cluster())}# written in caf`), Buffer.from([0xe9, 0x0a])]);
    const invalid = run(['validate', '--manifest', manifest, '-'], latin1);
    expect([invalid.status, invalid.stdout]).toEqual([1, expect.stringMatching(/is not UTF-8: byte 0xe9 at line \d+.*\[yaml-not-utf8\]/)]);
    expect(run(['validate', '--nope']).status).toBe(2);
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
