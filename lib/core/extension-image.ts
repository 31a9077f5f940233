import { posix as posixPath } from 'node:path';
import { checkKnownKeys, keysOf } from './keys';
import { checkRuntimeTypes, type RuntimeType } from './runtime-types';
import type { ClusterSpecPostgresqlExtensions } from '../../imports/postgresql.cnpg.io.spec';
import {
  CATALOG,
  CNPG_REGISTRY,
  type CatalogImage,
  type Distro,
  EXTENSION_IMAGE_DISTROS,
  type SqlExtensionInfo,
} from './extension-catalog';
import type { Problem } from './errors';
import { checkImageReference, type ExtensionImageTag, parseExtensionImageTag, parseImageReference } from './image-ref';
import { checkExtensionName, checkPgIdentifier, PULL_POLICIES } from './names';

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
}

const IMAGE_TYPES: Readonly<Record<string, RuntimeType>> = {
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
};
const IMAGE_KEYS = keysOf<ExtensionImageProps>()({
  name: true,
  reference: true,
  pullPolicy: true,
  extensionControlPath: true,
  dynamicLibraryPath: true,
  ldLibraryPath: true,
  binPath: true,
  env: true,
  sqlExtensions: true,
  databaseExtensions: true,
  sharedPreloadLibraries: true,
  requiresImages: true,
  parameters: true,
  postgresMajor: true,
  sqlVersion: true,
});

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

const VERSION_PATTERN = /^[0-9]+(?:[.-][0-9A-Za-z]+)*$/;
const NO_SQL_EXTENSIONS: readonly SqlExtensionInfo[] = Object.freeze([]);
/** Catalog images by factory arguments (see {@link ExtensionImage.fromCatalog}). */
const SHARED_CATALOG_IMAGES = new Map<string, ExtensionImage>();
const SHARED_CATALOG_IMAGES_LIMIT = 512;

/**
 * An extension image mounted into a CNPG cluster through ImageVolume: what goes into
 * `spec.postgresql.extensions`, plus what the library knows about it (SQL extensions, preload
 * libraries, companion images, parameters). Use a factory for CNPG's images, or `new` for your own.
 *
 * Problems in the props are reported by the cluster or database that uses the image, with its path.
 */
export class ExtensionImage {
  /** pgvector: SQL extension `vector`. */
  public static pgvector(version: string, options: CatalogImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('pgvector', version, options);
  }

  /**
   * PostGIS (`postgis-extension` image, mounted as `postgis`) with `ld_library_path: [system]`: SQL extensions
   * postgis, postgis_raster, postgis_sfcgal, postgis_topology, postgis_tiger_geocoder (needs
   * fuzzystrmatch from the base image), address_standardizer, address_standardizer_data_us.
   */
  public static postgis(version: string, options: PostgisImageOptions = {}): ExtensionImage {
    const { dataDirectoriesEnv, ...rest } = options;
    if (dataDirectoriesEnv === undefined) {
      // Decided by the cluster, from the operator version it targets (see toClusterExtension).
      return ExtensionImage.fromCatalog('postgis', version, rest, {}, CATALOG.postgis.env);
    }
    return ExtensionImage.fromCatalog('postgis', version, rest, { env: dataDirectoriesEnv ? CATALOG.postgis.env : undefined });
  }

  /** pgRouting; needs the PostGIS image mounted too. */
  public static pgrouting(version: string, options: CatalogImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('pgrouting', version, options);
  }

  /** TimescaleDB Apache-2 edition (`timescaledb-oss`): SQL extension `timescaledb`, preloaded. */
  public static timescaledb(version: string, options: CatalogImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('timescaledb-oss', version, options);
  }

  /** pgAudit, preloaded. */
  public static pgaudit(version: string, options: PgauditImageOptions = {}): ExtensionImage {
    const { log, ...rest } = options;
    return ExtensionImage.fromCatalog('pgaudit', version, rest, log !== undefined ? { parameters: { 'pgaudit.log': log } } : {});
  }

  /** pg_ivm (`pg-ivm`): incremental view maintenance, preloaded. */
  public static pgIvm(version: string, options: CatalogImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('pg-ivm', version, options);
  }

  /** wal2json logical decoding plugin (no SQL extension); sets `wal_level: logical`. */
  public static wal2json(version: string, options: Wal2jsonImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('wal2json', version, options);
  }

  /** pg_crash chaos module (`pg-crash`), preloaded. Never for production. */
  public static pgCrash(version: string, options: CatalogImageOptions = {}): ExtensionImage {
    return ExtensionImage.fromCatalog('pg-crash', version, options);
  }

  /**
   * An extension a cluster takes from its image catalog (`imageCatalogRef`), by CNPG extension name:
   * only the name is emitted, CNPG resolves the rest from the catalog (CNPG 1.29+). What the library
   * knows about images of that name (SQL extensions, preload libraries, companions) still applies.
   */
  public static fromImageCatalog(name: string): ExtensionImage {
    const entry: CatalogImage | undefined = CATALOG[name];
    const img = new ExtensionImage({
      name,
      sqlExtensions: entry?.sqlExtensions,
      databaseExtensions: entry?.databaseExtensions,
      sharedPreloadLibraries: entry?.sharedPreloadLibraries,
      requiresImages: entry?.requiresImages,
      parameters: entry?.parameters,
    });
    img._catalogEntry = entry;
    return img;
  }

  /**
   * An image of CNPG's catalog by its CNPG extension name (`pgvector`, `timescaledb-oss`, ...).
   *
   * Images are immutable, so the same arguments give the same instance: a platform repo that writes
   * `ExtensionImage.pgvector('0.8.1')` in hundreds of clusters builds and validates it once.
   */
  public static fromCatalog(
    catalogName: string,
    version: string,
    options: CatalogImageOptions | Wal2jsonImageOptions = {},
    extra: Partial<ExtensionImageProps> = {},
    envWhenSupported?: Readonly<Record<string, string>>,
  ): ExtensionImage {
    const key = JSON.stringify([catalogName, version, options, extra, envWhenSupported]);
    const shared = SHARED_CATALOG_IMAGES.get(key);
    if (shared) return shared;
    const img = ExtensionImage.newFromCatalog(catalogName, version, options, extra);
    if (envWhenSupported) img._envWhenSupported = Object.freeze({ ...envWhenSupported });
    if (SHARED_CATALOG_IMAGES.size >= SHARED_CATALOG_IMAGES_LIMIT) SHARED_CATALOG_IMAGES.clear();
    SHARED_CATALOG_IMAGES.set(key, img);
    return img;
  }

  private static newFromCatalog(
    catalogName: string,
    version: string,
    options: CatalogImageOptions | Wal2jsonImageOptions,
    extra: Partial<ExtensionImageProps>,
  ): ExtensionImage {
    const entry: CatalogImage | undefined = CATALOG[catalogName];
    if (!entry) {
      throw new Error(
        `ExtensionImage.fromCatalog: unknown catalog image "${catalogName}". Known: ${Object.keys(CATALOG).join(', ')}. Use new ExtensionImage({...}) for other images.`,
      );
    }
    const distro = options.distro ?? 'trixie';
    const major = options.postgresMajor ?? 18;
    const tag = options.tag ?? `${version}-${major}-${distro}`;
    const registry = (options.registry ?? CNPG_REGISTRY).replace(/\/+$/, '');
    const reference = `${registry}/${entry.imageName}:${tag}${options.digest ? `@${options.digest}` : ''}`;
    const img = new ExtensionImage({
      name: options.name ?? entry.name,
      reference,
      pullPolicy: options.pullPolicy,
      ldLibraryPath: entry.ldLibraryPath,
      sqlExtensions: entry.sqlExtensions,
      databaseExtensions: entry.databaseExtensions,
      sharedPreloadLibraries: entry.sharedPreloadLibraries,
      requiresImages: entry.requiresImages,
      parameters: entry.parameters,
      postgresMajor: major,
      sqlVersion: entry.sqlExtensions.length > 0 ? version : undefined,
      ...extra,
    });
    img._catalogEntry = entry;
    if ('outputPluginLibraries' in options) img._outputPluginLibraries = options.outputPluginLibraries;
    const tagged = options.tag !== undefined ? parseExtensionImageTag(options.tag) : undefined;
    img.factoryChecks = [
      ...(tagged && tagged.postgresMajor !== major
        ? [
            {
              field: 'tag',
              message: `says PostgreSQL ${tagged.postgresMajor}, but the image is for PostgreSQL ${major} (postgresMajor)`,
              value: options.tag,
              fix: `use a tag built for PostgreSQL ${major} ("...-${major}-${distro}"), or set postgresMajor: ${tagged.postgresMajor} on a cluster of that major`,
            },
          ]
        : []),
      ...(tagged && tagged.distro !== distro
        ? [
            {
              field: 'tag',
              message: `says ${tagged.distro}, but distro is ${distro}`,
              value: options.tag,
              fix: `set distro: "${tagged.distro}" or use a ${distro} tag`,
            },
          ]
        : []),
      ...(VERSION_PATTERN.test(version)
        ? []
        : [
            {
              field: 'version',
              message: 'is not a version',
              value: version,
              fix: `pass a version such as "${entry.knownVersions.at(-1)}"`,
            },
          ]),
      ...((EXTENSION_IMAGE_DISTROS as readonly string[]).includes(distro)
        ? []
        : [
            {
              field: 'distro',
              message: `CNPG builds ${entry.name} only for ${EXTENSION_IMAGE_DISTROS.join(' and ')}`,
              value: distro,
              fix: 'use "trixie" or "bookworm"',
            },
          ]),
    ];
    return img;
  }

  /** CNPG extension name (mount directory). */
  public readonly name: string;
  /** OCI reference, if set. */
  public readonly reference?: string;
  /** SQL extensions provided by the image. */
  public readonly sqlExtensions: readonly SqlExtensionInfo[];
  /** Libraries to preload. */
  public readonly sharedPreloadLibraries: readonly string[];
  /** Other CNPG extension images that must be mounted too. */
  public readonly requiresImages: readonly string[];
  /** Parameters the image needs. */
  public readonly parameters: Readonly<Record<string, string>>;
  /** Version of the main SQL extension, when known. */
  public readonly sqlVersion?: string;
  /** The catalog entry, for images made by a factory. */
  public get catalogEntry(): CatalogImage | undefined {
    return this._catalogEntry;
  }
  /** wal2json only: see {@link Wal2jsonImageOptions.outputPluginLibraries}. */
  public get outputPluginLibraries(): boolean | undefined {
    return this._outputPluginLibraries;
  }
  // Set by the factories before an image is returned; never changed afterwards. Every field is
  // initialized in the constructor, so all images have one shape (V8 keeps its optimized code).
  private _catalogEntry: CatalogImage | undefined = undefined;
  private _outputPluginLibraries: boolean | undefined = undefined;
  private _envWhenSupported: Readonly<Record<string, string>> | undefined = undefined;
  private factoryChecks: Problem[] = [];
  private readonly validated: { strict?: readonly Problem[]; lenient?: readonly Problem[] } = {};
  private databaseList: readonly { readonly name: string; readonly version?: string }[] | undefined = undefined;
  private parsedTag: ExtensionImageTag | null | undefined = undefined;

  /** The props as given, copied and frozen at construction: changing the object passed in changes nothing. */
  public readonly props: ExtensionImageProps;

  constructor(props: ExtensionImageProps) {
    this.props = frozenCopy(props);
    props = this.props;
    this.name = props.name;
    this.reference = props.reference;
    // Wrong runtime types are reported by validate(); nothing here may throw on them.
    const sql = Array.isArray(props.sqlExtensions) ? props.sqlExtensions : NO_SQL_EXTENSIONS;
    // Catalog entries are objects already: share their list instead of copying it per image.
    this.sqlExtensions = sql.every((s) => typeof s !== 'string')
      ? (sql as readonly SqlExtensionInfo[])
      : sql.map((s) => (typeof s === 'string' ? { name: s } : s));
    this.sharedPreloadLibraries = Array.isArray(props.sharedPreloadLibraries) ? props.sharedPreloadLibraries : [];
    this.requiresImages = Array.isArray(props.requiresImages) ? props.requiresImages : [];
    this.parameters = props.parameters !== null && typeof props.parameters === 'object' ? props.parameters : {};
    this.sqlVersion = props.sqlVersion;
  }

  /**
   * This image (name, reference, paths as given) with the knowledge of `other` (SQL extensions, preload
   * libraries, companions, parameters, version, major): used for images resolved from an image catalog.
   */
  public withKnowledgeOf(other: ExtensionImage): ExtensionImage {
    const img = new ExtensionImage({
      ...other.props,
      ...Object.fromEntries(Object.entries(this.props).filter(([, v]) => v !== undefined)),
      sqlExtensions: other.sqlExtensions,
      databaseExtensions: other.props.databaseExtensions,
      sharedPreloadLibraries: other.sharedPreloadLibraries,
      requiresImages: other.requiresImages,
      parameters: other.parameters,
      sqlVersion: other.sqlVersion,
      postgresMajor: other.postgresMajor,
    });
    img._catalogEntry = other.catalogEntry ?? this.catalogEntry;
    img._outputPluginLibraries = this.outputPluginLibraries ?? other.outputPluginLibraries;
    return img;
  }

  /** PostgreSQL major the image is built for: explicit, else from the tag; undefined when unknown. */
  public get postgresMajor(): number | undefined {
    if (this.props.postgresMajor !== undefined) return this.props.postgresMajor;
    return this.tag?.postgresMajor;
  }

  /** Debian release from the tag, when it says. */
  public get distro(): string | undefined {
    return this.tag?.distro;
  }

  /** What the tag of `reference` says, parsed on first use (`null`: it says nothing). */
  private get tag(): ExtensionImageTag | undefined {
    if (this.parsedTag === undefined) {
      this.parsedTag = parseExtensionImageTag(this.reference ? parseImageReference(this.reference)?.tag : undefined) ?? null;
    }
    return this.parsedTag ?? undefined;
  }

  /**
   * The SQL extensions to list in a `Database` to get everything the image offers, in creation
   * order; the main one carries the image's version. For PostGIS these are the eight of Recipe 23.
   */
  public databaseExtensions(): readonly { readonly name: string; readonly version?: string }[] {
    if (!this.databaseList) {
      const names = this.props.databaseExtensions ?? this.sqlExtensions.map((s) => s.name);
      this.databaseList = Object.freeze(
        names.map((name, i) => Object.freeze(i === 0 && this.sqlVersion !== undefined ? { name, version: this.sqlVersion } : { name })),
      );
    }
    return this.databaseList;
  }

  /**
   * Problems of the image on its own (name, reference, paths, env). The cluster that mounts it adds
   * checks against the operand image and the other extensions.
   */
  public validate(requireReference = true): readonly Problem[] {
    const slot = requireReference ? 'strict' : 'lenient';
    // The props are read once, at construction, like every construct's: the answer cannot change.
    const known = this.validated[slot];
    if (known) return known;
    const found = Object.freeze(this.findProblems(requireReference));
    this.validated[slot] = found;
    return found;
  }

  private findProblems(requireReference: boolean): Problem[] {
    const p = this.props;
    const typed = checkRuntimeTypes('', p, IMAGE_TYPES);
    if (typed.length > 0) return typed;
    const out: Problem[] = [...checkKnownKeys('', p, IMAGE_KEYS), ...this.factoryChecks, ...checkExtensionName('name', p.name)];
    if (p.reference !== undefined || requireReference) {
      out.push(
        ...checkImageReference('reference', p.reference).map((x) =>
          p.reference === undefined ? { ...x, fix: `${x.fix}, or take the image from an image catalog (imageCatalogRef)` } : x,
        ),
      );
    }
    if (p.pullPolicy !== undefined && !PULL_POLICIES.includes(p.pullPolicy)) {
      out.push({
        field: 'pullPolicy',
        message: 'is not a pull policy',
        value: p.pullPolicy,
        fix: 'use "Always", "IfNotPresent" or "Never"',
      });
    }
    out.push(...checkPaths('extensionControlPath', p.extensionControlPath));
    out.push(...checkPaths('dynamicLibraryPath', p.dynamicLibraryPath));
    out.push(...checkPaths('ldLibraryPath', p.ldLibraryPath));
    out.push(...checkPaths('binPath', p.binPath));
    (p.dynamicLibraryPath ?? []).forEach((d, i) => {
      if (d.replace(/^\.?\/+/, '').replace(/\/+$/, '') === 'system') {
        out.push({
          field: `dynamicLibraryPath[${i}]`,
          message:
            '"system" holds the shared libraries the extension links against; PostgreSQL does not search dynamic_library_path for those (libgeos_c.so.1 => not found)',
          value: d,
          fix: 'move "system" to ldLibraryPath',
        });
      }
    });
    out.push(...checkEnv(p.env));
    this.sqlExtensions.forEach((s, i) => {
      out.push(...checkPgIdentifier(`sqlExtensions[${i}].name`, s.name, 'SQL extension name'));
    });
    if (p.postgresMajor !== undefined && (!Number.isInteger(p.postgresMajor) || p.postgresMajor < 10)) {
      out.push({
        field: 'postgresMajor',
        message: 'is not a PostgreSQL major version',
        value: p.postgresMajor,
        fix: 'use a major such as 18',
      });
    }
    if (p.sqlVersion !== undefined && !VERSION_PATTERN.test(p.sqlVersion)) {
      out.push({ field: 'sqlVersion', message: 'is not an extension version', value: p.sqlVersion, fix: 'use a version such as "0.8.1"' });
    }
    return out;
  }

  /**
   * The `spec.postgresql.extensions[]` entry, in the generated type. Fields left unset are not
   * emitted, so CNPG's defaults apply.
   */
  /**
   * The `spec.postgresql.extensions` entry. `envSupported`: whether the target operator honours extension `env`
   * (CNPG 1.29+); an image whose env is the catalog's default (PostGIS data directories) emits it only then.
   */
  public toClusterExtension(envSupported = false): ClusterSpecPostgresqlExtensions {
    const p =
      this.props.env === undefined && envSupported && this._envWhenSupported ? { ...this.props, env: this._envWhenSupported } : this.props;
    const image =
      p.reference !== undefined || p.pullPolicy !== undefined ? { reference: p.reference, pullPolicy: p.pullPolicy } : undefined;
    return {
      name: p.name,
      image,
      extensionControlPath: nonEmpty(p.extensionControlPath),
      dynamicLibraryPath: nonEmpty(p.dynamicLibraryPath),
      ldLibraryPath: nonEmpty(p.ldLibraryPath),
      binPath: nonEmpty(p.binPath),
      env: p.env && Object.keys(p.env).length > 0 ? Object.entries(p.env).map(([name, value]) => ({ name, value })) : undefined,
    };
  }
}

/**
 * A deep copy of plain data (objects and arrays), frozen; anything else (a class instance) is kept as it is.
 * Catalog data is frozen already and shared, not copied.
 */
function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = frozenCopy(v);
  return Object.freeze(out) as T;
}

function nonEmpty(xs: readonly string[] | undefined): string[] | undefined {
  return xs && xs.length > 0 ? [...xs] : undefined;
}

/**
 * CNPG's rules for the path lists, exactly as its webhook has them (cloudnative-pg v1.30.0
 * `internal/webhook/v1/cluster_webhook.go`, `validateExtensions`/`validatePathList`): not empty, not listed
 * twice (as written), and `filepath.Clean(path)` must not start with "..". An absolute path is accepted: the
 * instance manager joins every entry to the image's mount point with `filepath.Join`, so "/lib" is "lib"
 * (`pkg/postgres/configuration.go`, `absolutizePaths`).
 */
function checkPaths(field: string, paths: readonly string[] | undefined): Problem[] {
  if (paths === undefined) return [];
  const out: Problem[] = [];
  const seen: string[] = [];
  paths.forEach((raw, i) => {
    const f = `${field}[${i}]`;
    if (typeof raw !== 'string' || raw === '') {
      out.push({ field: f, message: 'is empty', value: raw, fix: 'remove the entry or name a directory of the image' });
      return;
    }
    if (seen.includes(raw)) {
      out.push({ field: f, message: 'is listed twice', value: raw, fix: 'remove the duplicate' });
      return;
    }
    seen.push(raw);
    if (goClean(raw).startsWith('..')) {
      out.push({
        field: f,
        message: 'would escape the extension directory (it cleans to a path starting with "..")',
        value: raw,
        fix: 'name a directory inside the image',
      });
    }
  });
  return out;
}

/** Go's `filepath.Clean` on a Unix path: what CNPG's webhook compares. */
function goClean(p: string): string {
  const n = posixPath.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_ENV = new Set(['POD_NAME', 'NAMESPACE', 'CLUSTER_NAME']);

function checkEnv(env: Readonly<Record<string, string>> | undefined): Problem[] {
  if (!env) return [];
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(env)) {
    const f = `env.${name}`;
    const upper = name.toUpperCase();
    if (!ENV_NAME.test(name)) {
      out.push({
        field: f,
        message: 'is not a valid environment variable name',
        value: name,
        fix: 'use letters, digits and "_", not starting with a digit',
      });
    } else if (upper === 'PATH' || upper === 'LD_LIBRARY_PATH') {
      out.push({
        field: f,
        message: `CNPG rejects ${upper} in env`,
        value: name,
        fix: upper === 'PATH' ? 'use binPath' : 'use ldLibraryPath',
      });
    } else if (upper.startsWith('PG') || upper.startsWith('CNPG_') || RESERVED_ENV.has(upper)) {
      out.push({
        field: f,
        message: 'is reserved by CNPG (PG*, CNPG_*, POD_NAME, NAMESPACE, CLUSTER_NAME)',
        value: name,
        fix: 'choose another name',
      });
    }
    if (typeof value !== 'string' || value.length === 0) {
      out.push({ field: f, message: 'has an empty value', value, fix: 'set a non-empty value' });
    } else {
      const unknown = [...value.replace(/\$\$\{/g, '').matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).filter((v) => v !== 'image_root');
      if (unknown.length > 0) {
        out.push({
          field: f,
          message: `uses unknown placeholder \${${unknown[0]}}; CNPG only expands \${image_root}`,
          value,
          fix: 'use ${image_root}, or $${...} for a literal',
        });
      }
    }
  }
  return out;
}
