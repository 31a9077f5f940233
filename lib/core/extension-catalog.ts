/**
 * What this library knows about CloudNativePG's extension images
 * (github.com/cloudnative-pg/postgres-extensions-containers, catalog as of 2026-08-22) and about the
 * SQL extensions that ship in the `ghcr.io/cloudnative-pg/postgresql:<major>-minimal-<distro>` base image.
 */

/** A SQL extension (`CREATE EXTENSION <name>`) and the extensions its control file `requires`. */
export interface SqlExtensionInfo {
  readonly name: string;
  /** Extensions that must exist first (CNPG creates extensions without CASCADE). */
  readonly requires?: readonly string[];
}

/** One extension image of CNPG's catalog. */
export interface CatalogImage {
  /** CNPG extension name: `spec.postgresql.extensions[].name`, mounted at `/extensions/<name>`. */
  readonly name: string;
  /** Repository under the registry, e.g. `postgis-extension`. */
  readonly imageName: string;
  /** The `ExtensionImage` factory method for it, e.g. `postgis` (for messages that say what to write). */
  readonly factory: string;
  /**
   * A logical decoding output plugin the image provides (wal2json): from PostgreSQL 18.6 on it must be listed in
   * `output_plugin_libraries`, a parameter that is fatal before 18.6.
   * @default - none
   */
  readonly outputPlugin?: string;
  /**
   * The factory option that sets the parameter CNPG turns a managed module on with (pgaudit: `{ log: 'ddl' }`).
   * @default - none
   */
  readonly enablingOption?: string;
  readonly description: string;
  /** SQL extensions whose control files the image carries. */
  readonly sqlExtensions: readonly SqlExtensionInfo[];
  /**
   * The SQL extensions to create in a database to use everything the image offers, in an order CNPG
   * can create them in. May include base-image extensions the image's ones need (PostGIS: fuzzystrmatch).
   */
  readonly databaseExtensions: readonly string[];
  /** Libraries that must be in `shared_preload_libraries` for the extension to load. */
  readonly sharedPreloadLibraries?: readonly string[];
  /** Directories of the image to add to LD_LIBRARY_PATH (relative to the image root). */
  readonly ldLibraryPath?: readonly string[];
  /** Environment variables for the postgres process (CNPG 1.29+); `${image_root}` is expanded by CNPG. */
  readonly env?: Readonly<Record<string, string>>;
  /** CNPG extension names of other images that must be mounted too. */
  readonly requiresImages?: readonly string[];
  /** PostgreSQL parameters the extension needs in `spec.postgresql.parameters`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Versions published for PostgreSQL 18 (oldest first); the last is the newest known. */
  readonly knownVersions: readonly string[];
  /** Only for tests and chaos experiments. */
  readonly chaosOnly?: boolean;
}

/** The registry and organisation of CNPG's official images. */
export const CNPG_REGISTRY = 'ghcr.io/cloudnative-pg';

/** Debian releases the official extension images are built for. */
export const EXTENSION_IMAGE_DISTROS = ['trixie', 'bookworm'] as const;
/** A Debian release of {@link EXTENSION_IMAGE_DISTROS}. */
export type Distro = (typeof EXTENSION_IMAGE_DISTROS)[number];

/**
 * CNPG's official extension images the factories of {@link ExtensionImage} know, by CNPG extension name: image name,
 * SQL extensions and their `requires`, preload libraries, `ld_library_path`, parameters, known versions.
 */
export const CATALOG: Readonly<Record<string, CatalogImage>> = {
  pgvector: {
    name: 'pgvector',
    factory: 'pgvector',
    imageName: 'pgvector',
    description: 'vector data type and ivfflat and hnsw access methods',
    sqlExtensions: [{ name: 'vector' }],
    databaseExtensions: ['vector'],
    knownVersions: ['0.8.1', '0.8.2', '0.8.3', '0.8.4', '0.8.5', '0.8.6'],
  },
  postgis: {
    name: 'postgis',
    factory: 'postgis',
    imageName: 'postgis-extension',
    description: 'PostGIS geometry, geography and raster types, topology, SFCGAL, TIGER geocoder, address standardizer',
    sqlExtensions: [
      { name: 'postgis' },
      { name: 'postgis_raster', requires: ['postgis'] },
      { name: 'postgis_sfcgal', requires: ['postgis'] },
      { name: 'postgis_topology', requires: ['postgis'] },
      { name: 'postgis_tiger_geocoder', requires: ['postgis', 'fuzzystrmatch'] },
      { name: 'address_standardizer' },
      // PostGIS 3.6's address_standardizer_data_us.control has no requires: it creates only tables.
      { name: 'address_standardizer_data_us' },
    ],
    // The order of CNPG Recipe 23.
    databaseExtensions: [
      'postgis',
      'postgis_raster',
      'postgis_sfcgal',
      'fuzzystrmatch',
      'address_standardizer',
      'address_standardizer_data_us',
      'postgis_tiger_geocoder',
      'postgis_topology',
    ],
    ldLibraryPath: ['system'],
    env: { GDAL_DATA: '${image_root}/share/gdal', PROJ_DATA: '${image_root}/share/proj' },
    knownVersions: ['3.6.1', '3.6.2', '3.6.3', '3.6.4'],
  },
  pgrouting: {
    name: 'pgrouting',
    factory: 'pgrouting',
    imageName: 'pgrouting',
    description: 'geospatial routing on top of PostGIS',
    sqlExtensions: [{ name: 'pgrouting', requires: ['postgis'] }],
    databaseExtensions: ['pgrouting'],
    requiresImages: ['postgis'],
    knownVersions: ['4.0.1'],
  },
  'timescaledb-oss': {
    name: 'timescaledb-oss',
    factory: 'timescaledb',
    imageName: 'timescaledb-oss',
    description: 'TimescaleDB, Apache-2 edition (no TSL features)',
    sqlExtensions: [{ name: 'timescaledb' }],
    databaseExtensions: ['timescaledb'],
    sharedPreloadLibraries: ['timescaledb'],
    // Every version timescaledb-oss/metadata.hcl has had (postgres-extensions-containers' history; an image is
    // published for each): 2.25.1 first, 2.29.2 at 079bc9e.
    knownVersions: ['2.25.1', '2.26.1', '2.26.4', '2.27.1', '2.27.2', '2.28.0', '2.28.1', '2.28.2', '2.28.3', '2.29.0', '2.29.1', '2.29.2'],
  },
  pgaudit: {
    name: 'pgaudit',
    factory: 'pgaudit',
    enablingOption: "{ log: 'ddl' }",
    imageName: 'pgaudit',
    description: 'session and object audit logging',
    sqlExtensions: [{ name: 'pgaudit' }],
    // CNPG manages pgaudit through parameters (CNPG_MANAGED_MODULES): with any pgaudit.* parameter it
    // preloads the library and creates the extension in every database, so neither a Database entry
    // nor a preload of ours; the factory's `log` option sets pgaudit.log.
    databaseExtensions: [],
    sharedPreloadLibraries: [],
    knownVersions: ['18.0'],
  },
  'pg-ivm': {
    name: 'pg-ivm',
    factory: 'pgIvm',
    imageName: 'pg-ivm',
    description: 'incremental view maintenance',
    sqlExtensions: [{ name: 'pg_ivm' }],
    databaseExtensions: ['pg_ivm'],
    sharedPreloadLibraries: ['pg_ivm'],
    knownVersions: ['1.13'],
  },
  wal2json: {
    name: 'wal2json',
    factory: 'wal2json',
    outputPlugin: 'wal2json',
    imageName: 'wal2json',
    description: 'logical decoding output plugin emitting JSON (no SQL extension)',
    sqlExtensions: [],
    databaseExtensions: [],
    parameters: { wal_level: 'logical' },
    knownVersions: ['2.6'],
  },
  'pg-crash': {
    name: 'pg-crash',
    factory: 'pgCrash',
    imageName: 'pg-crash',
    description: 'chaos testing module that crashes backends on purpose (never in production)',
    sqlExtensions: [],
    databaseExtensions: [],
    sharedPreloadLibraries: ['pg_crash'],
    knownVersions: ['0.3'],
    chaosOnly: true,
  },
};

/**
 * SQL extensions shipped in CNPG's `minimal` (and `standard`/`system`) PostgreSQL 18 images: the
 * contrib modules of the PGDG `postgresql-18` package. PL/Perl, PL/Python and PL/Tcl and their
 * transforms are separate Debian packages and are not in the minimal image.
 */
export const BASE_IMAGE_EXTENSIONS: Readonly<Record<string, SqlExtensionInfo>> = Object.fromEntries(
  [
    'amcheck',
    'autoinc',
    'bloom',
    'btree_gin',
    'btree_gist',
    'citext',
    'cube',
    'dblink',
    'dict_int',
    'dict_xsyn',
    'file_fdw',
    'fuzzystrmatch',
    'hstore',
    'insert_username',
    'intagg',
    'intarray',
    'isn',
    'lo',
    'ltree',
    'moddatetime',
    'pageinspect',
    'pg_buffercache',
    'pg_freespacemap',
    'pg_logicalinspect',
    'pg_prewarm',
    'pg_stat_statements',
    'pg_surgery',
    'pg_trgm',
    'pg_visibility',
    'pg_walinspect',
    'pgcrypto',
    'pgrowlocks',
    'pgstattuple',
    'plpgsql',
    'postgres_fdw',
    'refint',
    'seg',
    'sslinfo',
    'tablefunc',
    'tcn',
    'tsm_system_rows',
    'tsm_system_time',
    'unaccent',
    'uuid-ossp',
    'xml2',
  ]
    .map((name): [string, SqlExtensionInfo] => [name, { name }])
    .concat([['earthdistance', { name: 'earthdistance', requires: ['cube'] }]]),
);

/**
 * CNPG's "managed extensions": when any `<name>.*` parameter is in `spec.postgresql.parameters`, CNPG adds
 * the library to `shared_preload_libraries` and, for those with an extension, runs CREATE EXTENSION in every
 * database; when none is, the instance manager runs DROP EXTENSION for it in every database on each start.
 * Preloading the library alone triggers nothing. Sources: cloudnative-pg v1.30.0
 * `pkg/postgres/configuration.go` (`ManagedExtensions`, `IsUsed`, `setManagedSharedPreloadLibraries`) and
 * `internal/management/controller/instance_controller.go` (`reconcileExtensions`).
 */
export const CNPG_MANAGED_MODULES: readonly { readonly name: string; readonly createsExtension: boolean }[] = [
  { name: 'pgaudit', createsExtension: true },
  { name: 'pg_stat_statements', createsExtension: true },
  { name: 'auto_explain', createsExtension: false },
  { name: 'pg_failover_slots', createsExtension: false },
];

/** The names of {@link CNPG_MANAGED_MODULES}. */
export const CNPG_MANAGED_EXTENSIONS: readonly string[] = CNPG_MANAGED_MODULES.map((m) => m.name);

/** Whether CNPG turns a managed module on: a `<name>.*` parameter is set (`ManagedExtension.IsUsed`). */
export function managedModuleEnabled(name: string, parameters: Readonly<Record<string, string>>): boolean {
  return Object.keys(parameters).some((k) => k.startsWith(`${name}.`));
}

/** Why a managed module cannot be listed in a Database, with CNPG's way instead. */
export function managedModuleFix(name: string): string {
  const m = CNPG_MANAGED_MODULES.find((x) => x.name === name);
  return m?.createsExtension
    ? `remove it from the Database and set a ${name}.* parameter in the cluster's postgresql.parameters (e.g. ${name === 'pgaudit' ? "'pgaudit.log': 'ddl'" : "'pg_stat_statements.track': 'top'"}): CNPG then preloads it and creates it in every database`
    : `remove it: ${name} is a module with no SQL extension; CNPG loads it when a ${name}.* parameter is set in the cluster's postgresql.parameters`;
}
