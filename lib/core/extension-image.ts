import { checkEnv, checkPaths } from './extension-image-checks';
import {
  type CatalogImageOptions,
  type ExtensionImageProps,
  IMAGE_KEYS,
  IMAGE_TYPES,
  type PgauditImageOptions,
  type PostgisImageOptions,
  type Wal2jsonImageOptions,
} from './extension-image-props';
import { checkKnownKeys } from './keys';
import { checkRuntimeTypes } from './runtime-types';
import { versionProblem } from './sql';
import type { ClusterSpecPostgresqlExtensions } from '../../imports/postgresql.cnpg.io.spec';
import { CATALOG, CNPG_REGISTRY, type CatalogImage, type SqlExtensionInfo } from './extension-catalog';
import type { Problem } from './errors';
import { checkImageReference, type ExtensionImageTag, parseExtensionImageTag, parseImageReference } from './image-ref';
import { checkExtensionName, checkPgIdentifier, PULL_POLICIES } from './names';
import { BoundedCache } from './memo';
import { catalogFactoryChecks } from './extension-image-factory';

export { clusterExtensionEntries, imageId } from './extension-image-entries';

const NO_SQL_EXTENSIONS: readonly SqlExtensionInfo[] = Object.freeze([]);

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
/** Catalog images by factory arguments (see {@link ExtensionImage.fromCatalog}). */
const SHARED_CATALOG_IMAGES = new BoundedCache<string, ExtensionImage>('catalog images by factory arguments', 512);

/** What the factories pass to the constructor besides the props. @internal */
export interface FactoryState {
  readonly catalogEntry?: CatalogImage;
  readonly outputPluginLibraries?: boolean;
  readonly envWhenSupported?: Readonly<Record<string, string>>;
  readonly factoryChecks?: readonly Problem[];
}

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
    // Unset: the catalog's env, emitted when the cluster's operator applies env (see fromCatalog).
    return ExtensionImage.fromCatalog(
      'postgis',
      version,
      rest,
      dataDirectoriesEnv === undefined ? {} : { env: dataDirectoriesEnv ? CATALOG.postgis.env : undefined },
    );
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
    return new ExtensionImage(
      {
        name,
        sqlExtensions: entry?.sqlExtensions,
        databaseExtensions: entry?.databaseExtensions,
        sharedPreloadLibraries: entry?.sharedPreloadLibraries,
        requiresImages: entry?.requiresImages,
        parameters: entry?.parameters,
      },
      { catalogEntry: entry },
    );
  }

  /**
   * An image of CNPG's catalog by its CNPG extension name (`pgvector`, `timescaledb-oss`, ...).
   *
   * Images are immutable, so the same arguments give the same instance: a platform repo that writes
   * `ExtensionImage.pgvector('0.8.1')` in hundreds of clusters builds and validates it once. The catalog's
   * `env` (PostGIS data directories) is emitted when the cluster's operator applies extension env (1.29+),
   * unless `extra.env` says otherwise.
   */
  public static fromCatalog(
    catalogName: string,
    version: string,
    options: CatalogImageOptions | Wal2jsonImageOptions = {},
    extra: Partial<ExtensionImageProps> = {},
  ): ExtensionImage {
    const envGiven = 'env' in extra;
    const envWhenSupported = envGiven ? undefined : CATALOG[catalogName]?.env;
    // `{ env: undefined }` and `{}` stringify alike: whether env was given is part of the key. The common call
    // (a factory with a version only) is keyed without JSON.stringify, which would cost more than the lookup saves.
    const key =
      isEmptyObject(options) && isEmptyObject(extra)
        ? `${catalogName}\u0000${version}`
        : JSON.stringify([catalogName, version, options, extra, envGiven]);
    const shared = SHARED_CATALOG_IMAGES.get(key);
    if (shared) return shared;
    const img = ExtensionImage.newFromCatalog(catalogName, version, options, extra, envWhenSupported);
    SHARED_CATALOG_IMAGES.set(key, img);
    return img;
  }

  private static newFromCatalog(
    catalogName: string,
    version: string,
    options: CatalogImageOptions | Wal2jsonImageOptions,
    extra: Partial<ExtensionImageProps>,
    envWhenSupported: Readonly<Record<string, string>> | undefined,
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
    const factoryChecks = catalogFactoryChecks(entry, version, options, { tag, major, distro, registry });
    return new ExtensionImage(
      {
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
        ...(options.sqlVersions !== undefined ? { sqlVersions: options.sqlVersions } : {}),
        ...extra,
      },
      {
        catalogEntry: entry,
        outputPluginLibraries: 'outputPluginLibraries' in options ? options.outputPluginLibraries : undefined,
        factoryChecks,
        envWhenSupported,
      },
    );
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
  /** Every version of the main SQL extension the image can install, as far as known (`sqlVersion` at least). */
  public readonly sqlVersions: readonly string[];
  /** The catalog entry, for images made by a factory. */
  public get catalogEntry(): CatalogImage | undefined {
    return this._catalogEntry;
  }
  /** wal2json only: see {@link Wal2jsonImageOptions.outputPluginLibraries}. */
  public get outputPluginLibraries(): boolean | undefined {
    return this._outputPluginLibraries;
  }
  /** The catalog's default env (PostGIS data directories), emitted when the target operator applies env. */
  public get envWhenSupported(): Readonly<Record<string, string>> | undefined {
    return this._envWhenSupported;
  }
  // What the factories know beyond the props: passed to the constructor, never changed afterwards.
  private readonly _catalogEntry: CatalogImage | undefined;
  private readonly _outputPluginLibraries: boolean | undefined;
  private readonly _envWhenSupported: Readonly<Record<string, string>> | undefined;
  private readonly factoryChecks: readonly Problem[];
  private readonly validated: { strict?: readonly Problem[]; lenient?: readonly Problem[] } = {};
  private databaseList: readonly { readonly name: string; readonly version?: string }[] | undefined = undefined;
  private parsedTag: ExtensionImageTag | null | undefined = undefined;

  /** The props as given, copied and frozen at construction: changing the object passed in changes nothing. */
  public readonly props: ExtensionImageProps;

  /**
   * A custom image. (`state` is what the factories know beyond the props; it is not for other callers.)
   */
  constructor(props: ExtensionImageProps, state: FactoryState = {}) {
    this._catalogEntry = state.catalogEntry;
    this._outputPluginLibraries = state.outputPluginLibraries;
    this._envWhenSupported = state.envWhenSupported ? Object.freeze({ ...state.envWhenSupported }) : undefined;
    this.factoryChecks = state.factoryChecks ?? [];
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
    const declared = Array.isArray(props.sqlVersions) ? props.sqlVersions : [];
    this.sqlVersions = props.sqlVersion === undefined || declared.includes(props.sqlVersion) ? declared : [props.sqlVersion, ...declared];
  }

  /**
   * This image (name, reference, paths as given) with the knowledge of `other` (SQL extensions, preload
   * libraries, companions, parameters, version, major): used for images resolved from an image catalog.
   */
  public withKnowledgeOf(other: ExtensionImage): ExtensionImage {
    return new ExtensionImage(
      {
        ...other.props,
        ...Object.fromEntries(Object.entries(this.props).filter(([, v]) => v !== undefined)),
        sqlExtensions: other.sqlExtensions,
        databaseExtensions: other.props.databaseExtensions,
        sharedPreloadLibraries: other.sharedPreloadLibraries,
        requiresImages: other.requiresImages,
        parameters: other.parameters,
        sqlVersion: other.sqlVersion,
        postgresMajor: other.postgresMajor,
      },
      {
        catalogEntry: other.catalogEntry ?? this.catalogEntry,
        outputPluginLibraries: this.outputPluginLibraries ?? other.outputPluginLibraries,
        envWhenSupported: other.envWhenSupported ?? this.envWhenSupported,
      },
    );
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
        code: 'image-pull-policy-invalid',
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
          code: 'image-library-path-invalid',
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
        code: 'image-postgres-major-invalid',
        field: 'postgresMajor',
        message: 'is not a PostgreSQL major version',
        value: p.postgresMajor,
        fix: 'use a major such as 18',
      });
    }
    // The library's one rule for extension versions: PostgreSQL's (sql.ts), as in Database specs and the provider.
    const vp = p.sqlVersion === undefined ? undefined : versionProblem(p.sqlVersion);
    if (vp) {
      out.push({
        code: 'image-sql-version-invalid',
        field: 'sqlVersion',
        message: vp,
        value: p.sqlVersion,
        fix: 'use a version such as "0.8.1"',
      });
    }
    (p.sqlVersions ?? []).forEach((v, i) => {
      const problem = versionProblem(v);
      if (problem)
        out.push({
          code: 'image-sql-version-invalid',
          field: `sqlVersions[${i}]`,
          message: problem,
          value: v,
          fix: 'use a version such as "0.8.1"',
        });
    });
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
