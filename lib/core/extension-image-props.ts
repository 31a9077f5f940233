// The props and options of ExtensionImage, with the compiler-checked declaration of its keys and run-time types
// (props-schema.ts) that its validation uses.
import type { Distro } from './extension-catalog';
import { propsSchema } from './props-schema';
import type { RuntimeType } from './runtime-types';

/** Kubernetes image pull policy of an ImageVolume. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** A SQL extension an image provides, for {@link ExtensionImageProps.sqlExtensions}. */
export interface SqlExtension {
  /** The `CREATE EXTENSION` name, e.g. `vector`. */
  readonly name: string;
  /**
   * SQL extensions that must exist before this one (its control file's `requires`).
   * @default - none
   */
  readonly requires?: readonly string[];
}

/** Props of a custom {@link ExtensionImage}. Field names follow CNPG's `ExtensionConfiguration`. */
export interface ExtensionImageProps {
  /**
   * CNPG extension name (`spec.postgresql.extensions[].name`): the image is mounted at
   * `/extensions/<name>`. Pattern `^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$`, at most 59 characters.
   * It is not the SQL name: the pgvector image is `pgvector`, its SQL extension `vector`.
   */
  readonly name: string;
  /**
   * OCI reference of the image, e.g. `ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie`, optionally
   * pinned with `@sha256:<digest>`. Required unless the cluster takes the image from an image catalog.
   * @default - taken from the cluster's image catalog
   */
  readonly reference?: string;
  /**
   * Pull policy of the image volume.
   * @default - not emitted: Kubernetes uses `Always` for `:latest` and `IfNotPresent` otherwise
   */
  readonly pullPolicy?: ImagePullPolicy;
  /**
   * Directories of the image (relative to its root) added to `extension_control_path`; PostgreSQL
   * looks for `<dir>/extension/<ext>.control`.
   * @default - not emitted: CNPG uses `["share"]`
   */
  readonly extensionControlPath?: readonly string[];
  /**
   * Directories of the image added to `dynamic_library_path` (where `<ext>.so` lives).
   * @default - not emitted: CNPG uses `["lib"]`
   */
  readonly dynamicLibraryPath?: readonly string[];
  /**
   * Directories of the image added to the postgres process's `LD_LIBRARY_PATH`, for shared libraries
   * the extension links against (PostGIS: `["system"]`).
   * @default - none
   */
  readonly ldLibraryPath?: readonly string[];
  /**
   * Directories of the image added to `PATH` (CNPG 1.29+).
   * @default - none
   */
  readonly binPath?: readonly string[];
  /**
   * Environment variables for the postgres process (CNPG 1.29+). Values may use `${image_root}`.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * SQL extensions the image provides, in an order they can be created in. Needed so that
   * `ExtensionDatabase` can check that what it creates is mounted.
   * @default - none: a database can then only create this image's extensions with `allowUnknown`
   */
  readonly sqlExtensions?: readonly (string | SqlExtension)[];
  /**
   * SQL extensions to create for "everything this image offers" (see {@link ExtensionImage.databaseExtensions}),
   * which may include base-image extensions. Order matters: CNPG creates them in list order.
   * @default - the names of `sqlExtensions`
   */
  readonly databaseExtensions?: readonly string[];
  /**
   * Libraries that must be in `shared_preload_libraries`; `PostgresCluster` merges them into
   * `spec.postgresql.shared_preload_libraries`.
   * @default - none
   */
  readonly sharedPreloadLibraries?: readonly string[];
  /**
   * CNPG extension names of other images that must be mounted in the same cluster.
   * @default - none
   */
  readonly requiresImages?: readonly string[];
  /**
   * PostgreSQL parameters the extension needs; `PostgresCluster` adds them and fails on a conflict.
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * PostgreSQL major the image is built for. Needed when the tag does not say it (CNPG tags end in
   * `-<major>-<distro>`).
   * @default - parsed from the tag
   */
  readonly postgresMajor?: number;
  /**
   * The `CREATE EXTENSION ... VERSION` of the image's main SQL extension.
   * @default - none: the database creates the default version of the control file
   */
  readonly sqlVersion?: string;
  /**
   * Every version of the main SQL extension the image can install: one it has an install script for, or one an
   * update path reaches from such a version (PostgreSQL's rule, src/backend/commands/extension.c). A Database may ask
   * for any of them; `npx cnpg-constructs images inspect <reference>` lists them.
   * @default - `sqlVersion` only
   */
  readonly sqlVersions?: readonly string[];
}

/** Keys and run-time types of {@link ExtensionImageProps}, from one declaration. */
const IMAGE_SCHEMA = propsSchema<ExtensionImageProps>()({
  name: 'string',
  reference: 'string',
  pullPolicy: 'string',
  extensionControlPath: 'stringArray',
  dynamicLibraryPath: 'stringArray',
  ldLibraryPath: 'stringArray',
  binPath: 'stringArray',
  env: 'stringMap',
  sqlExtensions: 'array',
  databaseExtensions: 'stringArray',
  sharedPreloadLibraries: 'stringArray',
  requiresImages: 'stringArray',
  parameters: 'stringMap',
  postgresMajor: 'int32',
  sqlVersion: 'string',
  sqlVersions: 'stringArray',
});

/** Run-time types of the keys of {@link ExtensionImageProps}. */
export const IMAGE_TYPES: Readonly<Record<string, RuntimeType>> = IMAGE_SCHEMA.types;
/** Every key of {@link ExtensionImageProps} (any other is an error). */
export const IMAGE_KEYS: readonly string[] = IMAGE_SCHEMA.keys;

/** Options of the catalog factories such as {@link ExtensionImage.pgvector}. */
export interface CatalogImageOptions {
  /**
   * Debian release the image is built on; must match the operand image's.
   * @default 'trixie'
   */
  readonly distro?: Distro;
  /**
   * PostgreSQL major.
   * @default 18
   */
  readonly postgresMajor?: number;
  /**
   * Pin the image by digest: the reference becomes `<repo>:<tag>@<digest>`.
   * @default - tag only
   */
  readonly digest?: string;
  /**
   * Full tag, for a build-timestamped tag such as `0.8.6-202608201414-18-trixie`.
   * @default `<version>-<postgresMajor>-<distro>`
   */
  readonly tag?: string;
  /**
   * Registry and organisation, for a private mirror.
   * @default 'ghcr.io/cloudnative-pg'
   */
  readonly registry?: string;
  /**
   * CNPG extension name, if two versions of one image must be mounted side by side.
   * @default - the catalog name (`pgvector`, `postgis`, ...)
   */
  readonly name?: string;
  /**
   * Pull policy of the image volume.
   * @default - not emitted (Kubernetes default)
   */
  readonly pullPolicy?: ImagePullPolicy;
  /**
   * Every version of the main SQL extension the image can install (see {@link ExtensionImageProps.sqlVersions}).
   * @default - the factory's version only
   */
  readonly sqlVersions?: readonly string[];
}

/** Options of {@link ExtensionImage.postgis}. */
export interface PostgisImageOptions extends CatalogImageOptions {
  /**
   * Set `GDAL_DATA` and `PROJ_DATA` to the image's data directories, as the image's own metadata does
   * (cloudnative-pg/postgres-extensions-containers `postgis/metadata.hcl`, after its issue #166 "GDAL_DATA not
   * found"). Extension `env` needs CNPG 1.29+: `true` is then an error on older operators.
   * @default - on when the cluster targets CNPG 1.29 or later, off before (older operators ignore `env`)
   */
  readonly dataDirectoriesEnv?: boolean;
}

/** Options of {@link ExtensionImage.pgaudit}. */
export interface PgauditImageOptions extends CatalogImageOptions {
  /**
   * `pgaudit.log` (e.g. `'ddl'`, `'write, ddl'`). CNPG turns pgaudit on (preload, CREATE EXTENSION in every
   * database) only when a `pgaudit.*` parameter is set: this one, or one in the cluster's `postgresql.parameters`.
   * @default - none: set a pgaudit.* parameter on the cluster
   */
  readonly log?: string;
}

/** Options of {@link ExtensionImage.wal2json}. */
export interface Wal2jsonImageOptions extends CatalogImageOptions {
  /**
   * Add `output_plugin_libraries = 'pgoutput, test_decoding, wal2json'`, required from PostgreSQL 18.6
   * on (CVE-2026-6471 allow-list) and fatal at start-up before 18.6.
   * @default - decided by the cluster from its image's minor version; an error when the tag does not say it
   */
  readonly outputPluginLibraries?: boolean;
}
