import { Chart, Testing } from 'cdk8s';
import {
  CATALOG,
  ClusterImageCatalog,
  CnpgValidationError,
  ExtensionDatabase,
  ExtensionImage,
  ImageCatalog,
  type KubeObject,
  PostgresCluster,
  type PostgresClusterProps,
} from '../../lib/cdk8s';
import { expectValidCnpgObjects } from '../support/crd-validator';
import type { Loose } from '../support/loose';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie';

function synth(build: (chart: Chart) => void): KubeObject[] {
  const chart = new Chart(Testing.app(), 'c');
  build(chart);
  const objs = Testing.synth(chart) as KubeObject[];
  expectValidCnpgObjects(objs);
  return objs;
}
const spec = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind)?.spec as Loose;

// Each factory: image reference, SQL extensions a database gets, preload libraries, parameters.
const factories: [string, () => ExtensionImage[], string, string[], string[], Record<string, string> | undefined][] = [
  ['pgvector', () => [ExtensionImage.pgvector('0.8.6')], 'ghcr.io/cloudnative-pg/pgvector:0.8.6-18-trixie', ['vector'], [], undefined],
  [
    'postgis',
    () => [ExtensionImage.postgis('3.6.4')],
    'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-trixie',
    [
      'postgis',
      'postgis_raster',
      'postgis_sfcgal',
      'fuzzystrmatch',
      'address_standardizer',
      'address_standardizer_data_us',
      'postgis_tiger_geocoder',
      'postgis_topology',
    ],
    [],
    undefined,
  ],
  [
    'pgrouting (with postgis)',
    () => [ExtensionImage.postgis('3.6.4'), ExtensionImage.pgrouting('4.0.1')],
    'ghcr.io/cloudnative-pg/pgrouting:4.0.1-18-trixie',
    [
      'postgis',
      'postgis_raster',
      'postgis_sfcgal',
      'fuzzystrmatch',
      'address_standardizer',
      'address_standardizer_data_us',
      'postgis_tiger_geocoder',
      'postgis_topology',
      'pgrouting',
    ],
    [],
    undefined,
  ],
  [
    'timescaledb',
    () => [ExtensionImage.timescaledb('2.29.2')],
    'ghcr.io/cloudnative-pg/timescaledb-oss:2.29.2-18-trixie',
    ['timescaledb'],
    ['timescaledb'],
    undefined,
  ],
  // CNPG preloads pgaudit and creates it in every database once a pgaudit.* parameter is set: no Database
  // entry, no preload of ours.
  [
    'pgaudit',
    () => [ExtensionImage.pgaudit('18.0', { log: 'ddl' })],
    'ghcr.io/cloudnative-pg/pgaudit:18.0-18-trixie',
    [],
    [],
    { 'pgaudit.log': 'ddl' },
  ],
  ['pg-ivm', () => [ExtensionImage.pgIvm('1.13')], 'ghcr.io/cloudnative-pg/pg-ivm:1.13-18-trixie', ['pg_ivm'], ['pg_ivm'], undefined],
  [
    'wal2json',
    () => [ExtensionImage.wal2json('2.6')],
    'ghcr.io/cloudnative-pg/wal2json:2.6-18-trixie',
    [],
    [],
    { wal_level: 'logical', output_plugin_libraries: 'pgoutput, test_decoding, wal2json' },
  ],
];

describe('catalog factories', () => {
  test.each(factories)('%s', (_name, images, reference, sql, preload, params) => {
    const objs = synth((chart) => {
      const imgs = images();
      const cluster = new PostgresCluster(chart, 'db', { imageName: IMAGE, storage: { size: '1Gi' }, extensions: imgs });
      const withSql = imgs.filter((i) => i.databaseExtensions().length > 0);
      if (withSql.length > 0) new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', extensions: withSql });
    });
    const c = spec(objs, 'Cluster');
    expect(c.postgresql.extensions.map((e: { image: { reference: string } }) => e.image.reference)).toContain(reference);
    expect(c.postgresql.shared_preload_libraries).toEqual(preload.length ? preload : undefined);
    expect(c.postgresql.parameters).toEqual(params);
    if (sql.length > 0) expect(spec(objs, 'Database').extensions.map((e: { name: string }) => e.name)).toEqual(sql);
    else expect(spec(objs, 'Database')).toBeUndefined();
  });

  test('every catalog image has a factory-made, valid reference for both distros', () => {
    for (const name of Object.keys(CATALOG)) {
      for (const distro of ['trixie', 'bookworm'] as const) {
        const img = ExtensionImage.fromCatalog(name, CATALOG[name].knownVersions.at(-1) as string, { distro });
        expect(img.validate()).toEqual([]);
        expect(img.reference).toBe(`ghcr.io/cloudnative-pg/${CATALOG[name].imageName}:${CATALOG[name].knownVersions.at(-1)}-18-${distro}`);
      }
    }
  });

  test('an image pinned by digest and a build-timestamped tag', () => {
    const digest = 'sha256:029db2a11682d662bce4b5ec8202e2d113bf74d41968a601cc04fd9984e953a0';
    const img = ExtensionImage.pgvector('0.8.6', { tag: '0.8.6-202608201414-18-trixie', digest });
    expect(img.reference).toBe(`ghcr.io/cloudnative-pg/pgvector:0.8.6-202608201414-18-trixie@${digest}`);
    expect(img.postgresMajor).toBe(18);
    expect(img.distro).toBe('trixie');
    expect(img.validate()).toEqual([]);
  });

  test("preload libraries are merged after the user's, deduplicated, in a stable order", () => {
    const objs = synth((chart) => {
      new PostgresCluster(chart, 'db', {
        imageName: IMAGE,
        storage: { size: '1Gi' },
        postgresql: {
          sharedPreloadLibraries: ['pg_stat_statements', 'pgaudit'],
          parameters: { 'pg_stat_statements.track': 'top', 'pgaudit.log': 'ddl' },
        },
        extensions: [ExtensionImage.timescaledb('2.29.2'), ExtensionImage.pgaudit('18.0'), ExtensionImage.pgIvm('1.13')],
      });
    });
    expect(spec(objs, 'Cluster').postgresql.shared_preload_libraries).toEqual(['pg_stat_statements', 'pgaudit', 'timescaledb', 'pg_ivm']);
  });

  test("a parameter an image needs conflicts with the user's value", () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(
      () =>
        new PostgresCluster(chart, 'db', {
          imageName: IMAGE,
          storage: { size: '1Gi' },
          postgresql: { parameters: { wal_level: 'replica' } },
          extensions: [ExtensionImage.wal2json('2.6')],
        }),
    ).toThrow(
      /postgresql\.parameters\.wal_level: conflicts with extensions\[0\] \(wal2json\), which needs wal_level = "logical" \(got "replica"\)\. Fix: set it to "logical"/,
    );
  });

  test('wal2json: output_plugin_libraries only from PostgreSQL 18.6 on, an error when the tag cannot tell', () => {
    const params = (imageName: string, extra = {}) => {
      const chart = new Chart(Testing.app(), 'c');
      const c = new PostgresCluster(chart, 'db', {
        imageName,
        storage: { size: '1Gi' },
        extensions: [ExtensionImage.wal2json('2.6', extra)],
      });
      return c.model.spec.postgresql?.parameters;
    };
    expect(params('ghcr.io/cloudnative-pg/postgresql:18.4-minimal-trixie')).toEqual({ wal_level: 'logical' });
    expect(params('ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie')).toEqual({
      wal_level: 'logical',
      output_plugin_libraries: 'pgoutput, test_decoding, wal2json',
    });
    expect(params('ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', { outputPluginLibraries: true })).toHaveProperty(
      'output_plugin_libraries',
    );
    expect(() => params('ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie')).toThrow(
      /does not say the minor.*Fix: use an imageName with a minor version/,
    );
  });

  test('a custom image gets the same validation', () => {
    const chart = new Chart(Testing.app(), 'c');
    const bad = new ExtensionImage({
      name: 'my_ext',
      reference: 'registry.internal/ext/my-ext:1.0-18-trixie',
      dynamicLibraryPath: ['../lib'],
      env: { PATH: '/bin' },
    });
    try {
      new PostgresCluster(chart, 'db', { imageName: IMAGE, storage: { size: '1Gi' }, extensions: [bad] });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(CnpgValidationError);
      expect((e as CnpgValidationError).problems.map((p) => p.field)).toEqual([
        'extensions[0].dynamicLibraryPath[0]',
        'extensions[0].env.PATH',
      ]);
    }
    const good = new ExtensionImage({
      name: 'my_ext',
      reference: 'registry.internal/ext/my-ext:1.0-18-trixie',
      sqlExtensions: ['my_ext'],
      sqlVersion: '1.0',
      sharedPreloadLibraries: ['my_ext'],
    });
    const objs = synth((c) => {
      const cluster = new PostgresCluster(c, 'db', { imageName: IMAGE, storage: { size: '1Gi' }, extensions: [good] });
      new ExtensionDatabase(c, 'app', { cluster, name: 'app', owner: 'app', extensions: [good] });
    });
    expect(spec(objs, 'Database').extensions).toEqual([{ name: 'my_ext', version: '1.0' }]);
  });
});

describe('image catalogs', () => {
  const catalogProps = () => ({
    images: [
      { major: 17, image: 'ghcr.io/cloudnative-pg/postgresql:17.6-minimal-trixie' },
      {
        major: 18,
        image: IMAGE,
        extensions: [
          ExtensionImage.pgvector('0.8.6'),
          ExtensionImage.postgis('3.6.4', { dataDirectoriesEnv: true }),
          ExtensionImage.timescaledb('2.29.2'),
        ],
      },
    ],
  });

  test('a ClusterImageCatalog with extensions, and a cluster opting in to some of them by name', () => {
    const objs = synth((chart) => {
      const catalog = new ClusterImageCatalog(chart, 'postgresql-minimal-trixie', catalogProps());
      const cluster = new PostgresCluster(chart, 'db', {
        imageCatalogRef: catalog.ref(18),
        storage: { size: '1Gi' },
        extensions: [ExtensionImage.fromImageCatalog('pgvector'), ExtensionImage.fromImageCatalog('timescaledb-oss')],
      });
      new ExtensionDatabase(chart, 'app', {
        cluster,
        name: 'app',
        owner: 'app',
        extensions: [{ name: 'vector', version: '0.8.6' }, { name: 'timescaledb' }],
      });
    });
    const cat = objs.find((o) => o.kind === 'ClusterImageCatalog') as KubeObject;
    expect(cat.metadata).toEqual({ name: 'postgresql-minimal-trixie' });
    expect((cat.spec as Loose).images[1].extensions[1]).toEqual({
      name: 'postgis',
      image: { reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-trixie' },
      ld_library_path: ['system'],
      env: [
        { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
        { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
      ],
    });
    const c = spec(objs, 'Cluster');
    expect(c.imageCatalogRef).toEqual({
      apiGroup: 'postgresql.cnpg.io',
      kind: 'ClusterImageCatalog',
      name: 'postgresql-minimal-trixie',
      major: 18,
    });
    expect(c.imageName).toBeUndefined();
    expect(c.postgresql.extensions).toEqual([{ name: 'pgvector' }, { name: 'timescaledb-oss' }]);
    expect(c.postgresql.shared_preload_libraries).toEqual(['timescaledb']); // catalogs do not preload: the library does
  });

  test('an extension the catalog does not have, and a major it lacks, fail clearly', () => {
    const chart = new Chart(Testing.app(), 'c');
    const catalog = new ImageCatalog(chart, 'cat', catalogProps());
    const base: PostgresClusterProps = { imageCatalogRef: catalog.ref(18), storage: { size: '1Gi' } };
    expect(() => new PostgresCluster(chart, 'a', { ...base, extensions: [ExtensionImage.fromImageCatalog('pg-ivm')] })).toThrow(
      /extensions\[0\]: catalog cat has no extension "pg-ivm" for PostgreSQL 18 \(it has: pgvector, postgis, timescaledb-oss\).*Fix: add the image to the catalog/,
    );
    expect(() => catalog.ref(16)).toThrow(
      /ImageCatalog at 'c\/cat' is invalid: major: the catalog has no image for PostgreSQL 16.*use one of 17, 18/,
    );
  });

  test('catalog extensions need CNPG 1.29+', () => {
    const chart = new Chart(Testing.app(), 'c');
    const catalog = new ImageCatalog(chart, 'cat', catalogProps());
    expect(
      () =>
        new PostgresCluster(chart, 'a', {
          imageCatalogRef: catalog.ref(18),
          storage: { size: '1Gi' },
          operatorVersion: '1.28.4',
          extensions: [ExtensionImage.fromImageCatalog('pgvector')],
        }),
    ).toThrow(/extensions taken from an image catalog needs CNPG 1\.29\.0 or later/);
  });

  test('bad catalogs: duplicate majors, a tag contradicting its major, extensions on a major below 18', () => {
    const chart = new Chart(Testing.app(), 'c');
    try {
      new ImageCatalog(chart, 'cat', {
        images: [
          { major: 18, image: IMAGE },
          { major: 18, image: IMAGE },
          { major: 17, image: IMAGE, extensions: [ExtensionImage.pgvector('0.8.6')] },
        ],
      });
      throw new Error('expected an error');
    } catch (e) {
      const fields = (e as CnpgValidationError).problems.map((p) => p.field);
      expect(fields).toEqual(
        expect.arrayContaining(['images[1]', 'images[2].image', 'images[2].extensions', 'images[2].extensions[0].reference']),
      );
      expect((e as Error).message).toContain("ImageCatalog at 'c/cat' is invalid");
    }
  });
});
