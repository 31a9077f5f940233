import { Chart, Testing } from 'cdk8s';
import {
  CnpgValidationError,
  type DatabaseProps,
  ExtensionDatabase,
  ExtensionImage,
  PostgresCluster,
  type PostgresClusterProps,
} from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const base: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };

function clusterError(props: Partial<PostgresClusterProps>): CnpgValidationError {
  const chart = new Chart(Testing.app(), 'prod');
  try {
    new PostgresCluster(chart, 'angus', { ...base, ...props } as PostgresClusterProps);
  } catch (e) {
    if (e instanceof CnpgValidationError) return e;
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

function databaseError(props: Partial<DatabaseProps>, clusterProps: Partial<PostgresClusterProps> = {}): CnpgValidationError {
  const chart = new Chart(Testing.app(), 'prod');
  const cluster = new PostgresCluster(chart, 'angus', { ...base, ...clusterProps });
  try {
    new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', ...props });
  } catch (e) {
    if (e instanceof CnpgValidationError) return e;
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

// Each row: the bad input, the field the error must name, a piece of the offending value and of the fix.
const clusterCases: [string, Partial<PostgresClusterProps>, string, string, string][] = [
  [
    'operand major below 18 with extensions',
    { imageName: 'ghcr.io/cloudnative-pg/postgresql:17-minimal-trixie', extensions: [ExtensionImage.pgvector('0.8.1')] },
    'imageName',
    'postgresql:17',
    'PostgreSQL 18',
  ],
  [
    'extension image built for 17',
    { extensions: [ExtensionImage.pgvector('0.8.1', { postgresMajor: 17 })] },
    'extensions[0].reference',
    '0.8.1-17-trixie',
    '-18-<distro>',
  ],
  [
    'custom image whose tag cannot tell the major',
    { extensions: [new ExtensionImage({ name: 'myext', reference: 'registry.example.com/myext:1.0' })] },
    'extensions[0].reference',
    'myext:1.0',
    'postgresMajor: 18',
  ],
  [
    'explicit major of a custom image below 18',
    { extensions: [new ExtensionImage({ name: 'myext', reference: 'registry.example.com/myext:1.0', postgresMajor: 16 })] },
    'extensions[0].reference',
    'myext:1.0',
    'PostgreSQL 18',
  ],
  [
    'extension name with capitals',
    { extensions: [new ExtensionImage({ name: 'PgVector', reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    'extensions[0].name',
    'PgVector',
    'lowercase',
  ],
  [
    'extension name ending in _',
    { extensions: [new ExtensionImage({ name: 'vector_', reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    'extensions[0].name',
    'vector_',
    'starting and ending',
  ],
  [
    'extension name longer than 59',
    { extensions: [new ExtensionImage({ name: 'x'.repeat(60), reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    'extensions[0].name',
    'xxxx',
    '59 characters',
  ],
  [
    'duplicate extension names',
    { extensions: [ExtensionImage.pgvector('0.8.1'), ExtensionImage.pgvector('0.8.1')] },
    'extensions[1]',
    'pgvector',
    'distinct name',
  ],
  [
    'names colliding once _ becomes -',
    {
      extensions: [
        new ExtensionImage({ name: 'pg_ivm', reference: 'ghcr.io/cloudnative-pg/pg-ivm:1.13-18-trixie' }),
        ExtensionImage.pgIvm('1.13'),
      ],
    },
    'extensions[1]',
    'ext-pg-ivm',
    'rename one',
  ],
  [
    'malformed image reference',
    { extensions: [new ExtensionImage({ name: 'pgvector', reference: 'ghcr.io/CloudNativePG/pgvector::0.8.1' })] },
    'extensions[0].reference',
    'CloudNativePG',
    '[registry/]repository',
  ],
  [
    'digest that is not sha256 hex',
    { extensions: [ExtensionImage.pgvector('0.8.1', { digest: 'sha256:xyz' })] },
    'extensions[0].reference',
    'sha256:xyz',
    '64 hex',
  ],
  [
    '.. in a path',
    { extensions: [new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', dynamicLibraryPath: ['lib/../../etc'] })] },
    'extensions[0].dynamicLibraryPath[0]',
    '../../etc',
    'inside the image',
  ],
  [
    'system in dynamicLibraryPath',
    {
      extensions: [
        new ExtensionImage({
          name: 'postgis',
          reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie',
          dynamicLibraryPath: ['lib', 'system'],
        }),
      ],
    },
    'extensions[0].dynamicLibraryPath[1]',
    'system',
    'ldLibraryPath',
  ],
  [
    'shared_preload_libraries in parameters',
    { postgresql: { parameters: { shared_preload_libraries: 'timescaledb' } } },
    'postgresql.parameters.shared_preload_libraries',
    'timescaledb',
    'sharedPreloadLibraries',
  ],
  ['fixed parameter port', { postgresql: { parameters: { port: '6543' } } }, 'postgresql.parameters.port', '6543', '5432'],
  [
    'blocked parameter listen_addresses',
    { postgresql: { parameters: { listen_addresses: '0.0.0.0' } } },
    'postgresql.parameters.listen_addresses',
    '0.0.0.0',
    'remove it',
  ],
  [
    'invalid parameter name',
    { postgresql: { parameters: { 'work-mem': '4MB' } } },
    'postgresql.parameters.work-mem',
    'work-mem',
    'work_mem',
  ],
  ['storage size not a quantity', { storage: { size: '1 GB' } }, 'storage.size', '1 GB', '"1Gi"'],
  ['zero instances', { instances: 0 }, 'instances', '0', 'at least 1'],
  [
    'imageName without a version tag',
    { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' },
    'imageName',
    'postgresql:latest',
    '18-minimal-trixie',
  ],
  [
    'imageName and imageCatalogRef together',
    { imageCatalogRef: { kind: 'ClusterImageCatalog', name: 'postgresql-minimal-trixie', major: 18 } },
    'imageCatalogRef',
    'postgresql-minimal-trixie',
    'remove one',
  ],
  ['cluster name not a DNS label', { name: 'Angus_DB' }, 'name', 'Angus_DB', 'lowercase'],
  [
    'extension image of another distro',
    { extensions: [ExtensionImage.pgvector('0.8.1', { distro: 'bookworm' })] },
    'extensions[0].reference',
    'bookworm',
    'trixie',
  ],
  [
    'companion image missing (pgrouting without PostGIS)',
    { extensions: [ExtensionImage.pgrouting('4.0.1')] },
    'extensions[0]',
    'pgrouting',
    'ExtensionImage.postgis',
  ],
  [
    'env on an operator that ignores it',
    { operatorVersion: '1.28.4', extensions: [ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true })] },
    'extensions[0].env',
    '1.28.4',
    '1.29.0',
  ],
  [
    'reserved env name',
    { extensions: [new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', env: { PGDATA: '/x' } })] },
    'extensions[0].env.PGDATA',
    'PGDATA',
    'another name',
  ],
];

describe('PostgresCluster rejects bad input before synth', () => {
  test.each(clusterCases)('%s', (_title, props, field, value, fix) => {
    const e = clusterError(props);
    expect(e.path).toBe('prod/angus');
    expect(e.message).toContain("PostgresCluster at 'prod/angus'");
    const p = e.problems.find((x) => x.field === field);
    if (!p) throw new Error(`no problem for field ${field}; got:\n${e.message}`);
    const line = e.message.split('\n').find((l) => l.includes(`${field}:`)) ?? e.message;
    expect(line).toContain(value);
    expect(line).toContain(`Fix: `);
    expect(p.fix).toContain(fix);
  });

  test('all problems are reported at once', () => {
    const e = clusterError({ instances: -1, storage: { size: 'big' }, postgresql: { parameters: { port: '1' } } });
    expect(e.problems.map((p) => p.field).sort()).toEqual(['instances', 'postgresql.parameters.port', 'storage.size']);
  });
});

const databaseCases: [string, Partial<DatabaseProps>, Partial<PostgresClusterProps>, string, string, string][] = [
  ['reserved database name postgres', { name: 'postgres' }, {}, 'name', 'postgres', '"app"'],
  ['reserved database name template1', { name: 'template1' }, {}, 'name', 'template1', '"app"'],
  [
    'extension no mounted image provides',
    { extensions: [{ name: 'vector' }] },
    {},
    'extensions[0].name',
    'vector',
    'ExtensionImage.pgvector',
  ],
  [
    'image name instead of SQL name',
    { extensions: [{ name: 'pgvector' }] },
    { extensions: [ExtensionImage.pgvector('0.8.1')] },
    'extensions[0].name',
    'pgvector',
    'SQL name',
  ],
  [
    'dependency missing from the list',
    { extensions: [{ name: 'postgis' }, { name: 'postgis_tiger_geocoder' }] },
    { extensions: [ExtensionImage.postgis('3.6.1')] },
    'extensions[1].name',
    'postgis_tiger_geocoder',
    '"fuzzystrmatch"',
  ],
  [
    'dependency listed after, strict',
    { dependencyOrder: 'strict', extensions: [{ name: 'postgis_raster' }, { name: 'postgis' }] },
    { extensions: [ExtensionImage.postgis('3.6.1')] },
    'extensions[0].name',
    'postgis_raster',
    'move it after postgis',
  ],
  [
    'version the mounted image does not provide',
    { extensions: [{ name: 'vector', version: '0.8.2' }] },
    { extensions: [ExtensionImage.pgvector('0.8.1')] },
    'extensions[0].version',
    '0.8.2',
    '"0.8.1"',
  ],
  ['duplicate extension', { extensions: [{ name: 'hstore' }, { name: 'hstore' }] }, {}, 'extensions[1].name', 'hstore', 'once'],
  [
    'schema name over 63 bytes',
    { extensions: [{ name: 'hstore', schema: 's'.repeat(64) }] },
    {},
    'extensions[0].schema',
    'ssss',
    '63 bytes',
  ],
  ['owner empty', { owner: '' }, {}, 'owner', '""', 'owner role'],
];

describe('ExtensionDatabase rejects bad input before synth', () => {
  test.each(databaseCases)('%s', (_title, props, clusterProps, field, value, fix) => {
    const e = databaseError(props, clusterProps);
    expect(e.path).toBe('prod/app');
    const p = e.problems.find((x) => x.field === field);
    if (!p) throw new Error(`no problem for field ${field}; got:\n${e.message}`);
    expect(e.message).toContain(value);
    expect(p.fix).toContain(fix);
  });
});

describe('dependency order', () => {
  test('a list out of order is sorted stably by default', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const cluster = new PostgresCluster(chart, 'angus', { ...base, extensions: [ExtensionImage.postgis('3.6.1')] });
    const db = new ExtensionDatabase(chart, 'app', {
      cluster,
      name: 'app',
      owner: 'app',
      extensions: [
        { name: 'postgis_tiger_geocoder' },
        { name: 'postgis_topology' },
        { name: 'fuzzystrmatch' },
        { name: 'postgis', version: '3.6.1' },
      ],
    });
    expect(db.model.extensions.map((e) => e.name)).toEqual(['fuzzystrmatch', 'postgis', 'postgis_tiger_geocoder', 'postgis_topology']);
  });

  test('a database on a cluster named by string skips availability checks but keeps order rules', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const db = new ExtensionDatabase(chart, 'app', { cluster: 'external', name: 'app', owner: 'app', extensions: [{ name: 'anything' }] });
    expect(Testing.synth(chart)[0].spec).toEqual({
      cluster: { name: 'external' },
      name: 'app',
      owner: 'app',
      extensions: [{ name: 'anything' }],
    });
    expect(db.model.resourceName).toBe('external-app');
  });
});
