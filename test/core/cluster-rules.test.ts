// The cluster and database rules that come from CNPG v1.30.0 (cloudnative-pg internal/webhook/v1/cluster_webhook.go,
// api/v1/cluster_defaults.go) and from PostgreSQL's CREATE EXTENSION ... VERSION.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { CnpgChecks, PostgresCluster } from '../../lib/cdk8s';
import { buildCluster, type PostgresClusterProps } from '../../lib/core/cluster';
import { buildDatabase } from '../../lib/core/database';
import { CnpgValidationError } from '../../lib/core/errors';
import { ExtensionImage } from '../../lib/core/extension-image';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie';
const base: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };

/** The [code, field] of each problem buildCluster throws, or [] when it builds. */
function problems(build: () => unknown): [string, string][] {
  try {
    build();
    return [];
  } catch (e) {
    if (!(e instanceof CnpgValidationError)) throw e;
    return e.problems.map((p) => [p.code, p.field]);
  }
}
const clusterProblems = (props: PostgresClusterProps, id = 'db') => problems(() => buildCluster(`app/${id}`, id, props));

describe('cluster name: a DNS-1035 label of at most 50 characters (validateName)', () => {
  test.each([
    ['angus', []],
    ['db-1', []],
    ['a'.repeat(50), []],
    ['1abc', [['cluster-name-not-dns1035', 'name']]],
    ['abc-', [['cluster-name-not-dns1035', 'name']]],
    ['a.b', [['cluster-name-not-dns1035', 'name']]],
    ['a'.repeat(51), [['cluster-name-too-long', 'name']]],
    [
      'a'.repeat(64),
      [
        ['cluster-name-not-dns1035', 'name'],
        ['cluster-name-too-long', 'name'],
      ],
    ],
  ])('%s', (name, expected) => {
    expect(clusterProblems({ ...base, name })).toEqual(expected);
  });

  test('a cluster that shares an earlier one checked model gets the same rule', () => {
    expect(clusterProblems({ ...base, name: 'first' })).toEqual([]);
    expect(clusterProblems({ ...base, name: '2nd' })).toEqual([['cluster-name-not-dns1035', 'name']]);
    expect(clusterProblems({ ...base }, 'x'.repeat(51))).toEqual([['cluster-name-too-long', 'name (defaulted from the id)']]);
  });

  test('a Database naming its cluster by a string gets the same rule', () => {
    const codes = (cluster: string) => problems(() => buildDatabase('app/d', cluster, { name: 'app', owner: 'app' }));
    expect(codes('angus')).toEqual([]);
    expect(codes('1abc')).toEqual([['database-cluster-name-invalid', 'cluster']]);
    expect(codes('a'.repeat(51))).toEqual([['database-cluster-name-invalid', 'cluster']]);
  });
});

describe('imageCatalogRef.major: PostgreSQL 13 or newer (validateConfiguration)', () => {
  const ref = (major: number): PostgresClusterProps => ({
    storage: { size: '1Gi' },
    imageCatalogRef: { kind: 'ClusterImageCatalog', name: 'postgresql', major },
  });
  test.each([13, 14, 15, 16, 17, 18])('%i is accepted', (major) => {
    expect(clusterProblems(ref(major))).toEqual([]);
  });
  test.each([10, 12])('%i is refused', (major) => {
    expect(clusterProblems(ref(major))).toEqual([['catalog-ref-major-invalid', 'imageCatalogRef.major']]);
  });
});

describe('no imageName: CNPG defaults it (cluster_defaults.go, versions.DefaultImageName)', () => {
  test('a cluster without extension images builds, of the default image major, and emits no imageName', () => {
    const model = buildCluster('app/db', 'db', { storage: { size: '1Gi' } });
    expect(model.spec.imageName).toBeUndefined();
    expect(model.postgresMajor).toBe(18);
  });
  test('with extension images an image is required (the default is a system image)', () => {
    expect(clusterProblems({ storage: { size: '1Gi' }, extensions: [ExtensionImage.pgvector('0.8.1')] })).toEqual([
      ['image-name-required', 'imageName'],
    ]);
  });
  test('a postgresMajor the default image contradicts is refused', () => {
    expect(clusterProblems({ storage: { size: '1Gi' }, postgresMajor: 17 })).toEqual([['postgres-major-contradicts-tag', 'postgresMajor']]);
  });
});

describe('an imageName with only a digest (validateImageName)', () => {
  const digestOnly = `ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}`;
  test('without postgresMajor: the fix is the version tag, not postgresMajor', () => {
    try {
      buildCluster('app/db', 'db', { ...base, imageName: digestOnly });
      throw new Error('expected a problem');
    } catch (e) {
      const [p] = (e as CnpgValidationError).problems;
      expect([p.code, p.fix]).toEqual([
        'operand-tag-no-major',
        'add the version tag before the digest: ":18-minimal-trixie@sha256:..." (CNPG refuses an imageName with only a digest)',
      ]);
    }
  });
  test('with postgresMajor the props are accepted, and the app refuses it once, as CNPG does', () => {
    expect(clusterProblems({ ...base, imageName: digestOnly, postgresMajor: 18 })).toEqual([]);
    const app = new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'rules-')) });
    new PostgresCluster(new Chart(app, 'c'), 'db', { ...base, imageName: digestOnly, postgresMajor: 18 });
    expect(CnpgChecks.of(app).errors.map((f) => [f.where, f.code])).toEqual([['c/db', 'cluster-image-digest-only']]);
  });
});

describe('extension-version-not-provided: any version the image can install', () => {
  const cluster = (img: ExtensionImage) => buildCluster('app/db', 'db', { ...base, extensions: [img] });
  const versionProblems = (img: ExtensionImage, version: string) =>
    problems(() => buildDatabase('app/d', cluster(img), { name: 'app', owner: 'app', extensions: [{ name: 'vector', version }] }));

  test('the default version and every declared installable version are accepted, others refused', () => {
    const img = ExtensionImage.pgvector('0.8.1', { sqlVersions: ['0.8.0', '0.8.1'] });
    expect(img.sqlVersions).toEqual(['0.8.0', '0.8.1']);
    expect(versionProblems(img, '0.8.1')).toEqual([]);
    expect(versionProblems(img, '0.8.0')).toEqual([]);
    expect(versionProblems(img, '0.7.4')).toEqual([['extension-version-not-provided', 'extensions[0].version']]);
  });

  test('a custom image lists its versions in sqlVersions; without them only sqlVersion is known', () => {
    const props = { name: 'pgvector', reference: 'r.example/pgvector:0.8.1-18-trixie', sqlExtensions: ['vector'], sqlVersion: '0.8.1' };
    expect(versionProblems(new ExtensionImage({ ...props, sqlVersions: ['0.7.0', '0.8.1'] }), '0.7.0')).toEqual([]);
    expect(versionProblems(new ExtensionImage(props), '0.7.0')).toEqual([['extension-version-not-provided', 'extensions[0].version']]);
  });

  test('a sqlVersions entry that is not a version is the image problem', () => {
    const img = new ExtensionImage({ name: 'x', reference: 'r.example/x:1-18-trixie', sqlExtensions: ['x'], sqlVersions: ['1--2'] });
    expect(img.validate().map((p) => [p.code, p.field])).toEqual([['image-sql-version-invalid', 'sqlVersions[0]']]);
  });
});

describe('one mistake, one finding', () => {
  test('extension images on PostgreSQL 17: one problem, not also a major mismatch per image', () => {
    expect(
      clusterProblems({
        ...base,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17-minimal-trixie',
        extensions: [ExtensionImage.pgvector('0.8.1'), ExtensionImage.postgis('3.6.1')],
      }),
    ).toEqual([['extensions-need-pg18', 'imageName']]);
  });

  test.each([
    ['a cluster name CNPG refuses', { name: '1abc' }, 'cluster-name-not-dns1035'],
    [
      'a catalog major CNPG refuses',
      { imageName: undefined, imageCatalogRef: { kind: 'ClusterImageCatalog', name: 'c', major: 12 } },
      'catalog-ref-major-invalid',
    ],
    ['a parameter name', { postgresql: { parameters: { 'bad name': '1' } } }, 'parameter-name-invalid'],
    ['a parameter CNPG fixes', { postgresql: { parameters: { port: '5433' } } }, 'parameter-fixed-by-cnpg'],
    ['a zero storage size', { storage: { size: '0Gi' } }, 'storage-size-zero'],
  ] as const)('%s through the cdk8s front end', (_what, props, code) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'rules-')) });
    const found: string[] = [];
    try {
      new PostgresCluster(new Chart(app, 'c'), 'db', { ...base, ...props } as PostgresClusterProps);
      found.push(...CnpgChecks.of(app).errors.map((f) => f.code));
    } catch (e) {
      found.push(...(e as CnpgValidationError).problems.map((p) => p.code));
    }
    expect(found).toEqual([code]);
  });
});
