// Rules that must do what CloudNativePG 1.30.0 does (each cites its upstream file where it lives), tested on
// the framework-free builders directly.
import {
  buildCluster,
  buildDatabase,
  buildOperatorObjects,
  CnpgValidationError,
  ExtensionImage,
  type PostgresClusterProps,
} from '../../lib/core';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const base: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };

function problems(fn: () => unknown): { field: string; message: string; fix: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CnpgValidationError) return [...e.problems] as never;
    throw e;
  }
  return [];
}

describe('PostGIS data directories (env, CNPG 1.29+)', () => {
  const envOf = (operatorVersion: string, img = ExtensionImage.postgis('3.6.1')) =>
    buildCluster('c', 'db', { ...base, operatorVersion, extensions: [img] }).spec.postgresql?.extensions?.[0].env;

  test('on by default when the operator applies extension env', () => {
    expect(envOf('1.30.0')).toEqual([
      { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
      { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
    ]);
    expect(envOf('1.29.0')).toHaveLength(2);
  });

  test('the catalog path gives the same default, and each choice is its own shared image', () => {
    expect(envOf('1.30.0', ExtensionImage.fromCatalog('postgis', '3.6.1'))).toHaveLength(2);
    expect(ExtensionImage.postgis('3.6.1')).toBe(ExtensionImage.postgis('3.6.1'));
    expect(ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: false })).not.toBe(ExtensionImage.postgis('3.6.1'));
  });

  test('off by default before 1.29 (ignored there), and off when asked', () => {
    expect(envOf('1.28.1')).toBeUndefined();
    expect(envOf('1.30.0', ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: false }))).toBeUndefined();
    expect(problems(() => envOf('1.28.1', ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true })))).toEqual([
      expect.objectContaining({ field: 'extensions[0].env', message: expect.stringContaining('needs CNPG 1.29.0 or later') }),
    ]);
  });
});

describe('search order: $system first, then the images in list order (first match wins)', () => {
  const img = (name: string, sqlVersion: string) =>
    new ExtensionImage({ name, reference: `r.io/${name}:${sqlVersion}-18-trixie`, sqlExtensions: ['shared_ext'], sqlVersion });

  test('the first image that has an extension is the one PostgreSQL loads', () => {
    const cluster = buildCluster('c', 'db', { ...base, extensions: [img('first', '1.0'), img('second', '2.0')] });
    expect(cluster.sqlExtension('shared_ext')).toEqual(expect.objectContaining({ image: 'first', version: '1.0' }));
    expect(
      problems(() => buildDatabase('d', cluster, { name: 'app', owner: 'app', extensions: [{ name: 'shared_ext', version: '2.0' }] })),
    ).toEqual([
      expect.objectContaining({ field: 'extensions[0].version', message: 'the first image mounted on cluster db provides shared_ext 1.0' }),
    ]);
  });

  test("the operand image's own copy wins over a mounted one", () => {
    const hstore = new ExtensionImage({
      name: 'hstore-new',
      reference: 'r.io/hstore:9.9-18-trixie',
      sqlExtensions: ['hstore'],
      sqlVersion: '9.9',
    });
    const cluster = buildCluster('c', 'db', { ...base, extensions: [hstore] });
    expect(cluster.sqlExtension('hstore')?.image).toBeUndefined();
  });
});

describe('paths as CNPG checks them', () => {
  test('an absolute path is accepted and emitted as written (the instance manager joins it to the mount point)', () => {
    const img = new ExtensionImage({
      name: 'myext',
      reference: 'r.io/myext:1-18-trixie',
      extensionControlPath: ['/share'],
      dynamicLibraryPath: ['/lib/'],
    });
    const ext = buildCluster('c', 'db', { ...base, extensions: [img] }).spec.postgresql?.extensions?.[0];
    expect([ext?.extensionControlPath, ext?.dynamicLibraryPath]).toEqual([['/share'], ['/lib/']]);
  });

  test('escapes after cleaning are refused; the same path written twice too', () => {
    const img = new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', binPath: ['bin/../..', 'x', 'x', '/../ok'] });
    expect(problems(() => buildCluster('c', 'db', { ...base, extensions: [img] })).map((p) => p.field)).toEqual([
      'extensions[0].binPath[0]',
      'extensions[0].binPath[2]',
    ]);
  });
});

describe("fixed parameters: accepted only at CNPG's own value", () => {
  const params = (parameters: Record<string, string>, annotations?: Record<string, string>) =>
    problems(() => buildCluster('c', 'db', { ...base, postgresql: { parameters }, annotations }));

  test.each([
    ['logging_collector', 'on'],
    ['log_destination', 'csvlog'],
    ['archive_mode', 'on'],
    ['shared_preload_libraries', ''],
  ])('%s: %j is what CNPG sets, so its webhook accepts it', (key, value) => {
    expect(params({ [key]: value })).toEqual([]);
  });

  test.each([
    ['logging_collector', 'off', 'accepted only as "on"'],
    ['archive_mode', 'off', 'accepted only as "on"'],
    ['port', '5432', 'rejected at any value'],
    ['listen_addresses', '*', 'rejected at any value'],
  ])('%s: %j is refused (%s)', (key, value, why) => {
    expect(params({ [key]: value })).toEqual([
      expect.objectContaining({ field: `postgresql.parameters.${key}`, message: expect.stringContaining(why) }),
    ]);
  });

  test('archive_mode off matches only with WAL archiving skipped by annotation', () => {
    expect(params({ archive_mode: 'off' }, { 'cnpg.io/skipWalArchiving': 'enabled' })).toEqual([]);
  });

  test('wal_level minimal: refused while archiving is on or with several instances; needs max_wal_senders 0', () => {
    expect(params({ wal_level: 'minimal' })).toEqual([
      expect.objectContaining({ message: expect.stringContaining('WAL archiving is on') }),
    ]);
    const skip = { 'cnpg.io/skipWalArchiving': 'enabled' };
    expect(params({ wal_level: 'minimal' }, skip)).toEqual([expect.objectContaining({ field: 'postgresql.parameters.max_wal_senders' })]);
    expect(params({ wal_level: 'minimal', max_wal_senders: '0' }, skip)).toEqual([]);
    expect(params({ wal_level: 'archive' })).toEqual([expect.objectContaining({ message: 'is not a wal_level CNPG knows' })]);
  });
});

describe('managed extensions (pgaudit, pg_stat_statements, auto_explain, pg_failover_slots)', () => {
  test('a <name>.* parameter is how a cluster gets pg_stat_statements; a Database never lists it', () => {
    const cluster = buildCluster('c', 'db', { ...base, postgresql: { parameters: { 'pg_stat_statements.track': 'top' } } });
    expect(
      problems(() => buildDatabase('d', cluster, { name: 'app', owner: 'app', extensions: [{ name: 'pg_stat_statements' }] })),
    ).toEqual([
      expect.objectContaining({ field: 'extensions[0].name', fix: expect.stringContaining('set a pg_stat_statements.* parameter') }),
    ]);
  });

  test('ExtensionImage.pgaudit({ log }) sets pgaudit.log and adds no preload of its own (CNPG adds it)', () => {
    const spec = buildCluster('c', 'db', { ...base, extensions: [ExtensionImage.pgaudit('18.0', { log: 'ddl' })] }).spec;
    expect(spec.postgresql?.parameters).toEqual({ 'pgaudit.log': 'ddl' });
    expect(spec.postgresql?.sharedPreloadLibraries).toBeUndefined();
  });
});

describe('operator pull secret', () => {
  test('the one pull secret is passed on to the PostgreSQL pods through PULL_SECRET_NAME', () => {
    const objs = buildOperatorObjects('o', { image: 'registry.internal/cnpg:1.30.0', imagePullSecrets: ['mirror-creds'] });
    const dep = objs.operator.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
    };
    expect(dep.spec.template.spec.containers[0].env).toContainEqual({ name: 'PULL_SECRET_NAME', value: 'mirror-creds' });
  });
});

describe('an ExtensionImage keeps a frozen copy of its props', () => {
  test('changing the object passed in afterwards changes nothing', () => {
    const props = { name: 'myext', reference: 'r.io/myext:1-18-trixie', ldLibraryPath: ['system'] };
    const img = new ExtensionImage(props);
    props.ldLibraryPath.push('../../etc');
    props.reference = 'evil.io/x:1';
    expect(img.validate()).toEqual([]);
    expect(img.toClusterExtension()).toEqual({ name: 'myext', image: { reference: 'r.io/myext:1-18-trixie' }, ldLibraryPath: ['system'] });
    expect(Object.isFrozen(img.props.ldLibraryPath)).toBe(true);
  });
});
