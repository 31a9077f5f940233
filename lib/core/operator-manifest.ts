import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_OPERATOR_VERSION } from './compat';
import { sha256 } from './digest';
import { MAX_REDIRECTS, redirectStep } from './redirects';
import { isShipped, parseObjects, type ShippedFile, ShippedDataError, shippedObjects } from './shipped';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [key: string]: unknown;
}

/** sha256 of `releases/cnpg-<version>.yaml` for the releases this library knows (see shared SOURCE.md). */
export const KNOWN_OPERATOR_RELEASES: Readonly<Record<string, string>> = {
  '1.30.0': 'f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88',
};

/**
 * The releases whose manifest ships in this package (data/cnpg-<version>.yaml.br): the default one. Loading it needs
 * no network, no file beside the package and no environment variable; its sha256 is checked when the package is
 * built and when the manifest is loaded.
 */
export const SHIPPED_OPERATOR_RELEASES: Readonly<Record<string, ShippedFile>> = {
  '1.30.0': {
    name: 'cnpg-1.30.0',
    sha256: KNOWN_OPERATOR_RELEASES['1.30.0'],
    source: 'cloudnative-pg v1.30.0 releases/cnpg-1.30.0.yaml',
  },
};

/** Environment variable naming a local copy of the release manifest (air-gapped installs, tests). */
export const MANIFEST_ENV = 'CNPG_OPERATOR_MANIFEST';

export function releaseUrl(version: string): string {
  return `https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/v${version}/releases/cnpg-${version}.yaml`;
}

/** Directory where downloaded manifests are kept: `$CNPG_CONSTRUCTS_CACHE`, else `$XDG_CACHE_HOME/cnpg-constructs`, else `~/.cache/cnpg-constructs`. */
export function cacheDirectory(): string {
  if (process.env.CNPG_CONSTRUCTS_CACHE) return process.env.CNPG_CONSTRUCTS_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cnpg-constructs');
}

export { sha256 } from './digest';

/** Thrown when a manifest cannot be loaded or does not match its expected hash. Nothing is written then. */
export class OperatorManifestError extends Error {
  public override readonly name = 'OperatorManifestError';
}

/** Where a manifest was read from: this package, a file the user named, this library's cache, or a download just now. */
export type ManifestOrigin = 'package' | 'file' | 'cache' | 'download';

/** The three ways to provide the manifest, for errors that end without one. */
function waysOut(version: string): string {
  return (
    `Fix, one of: set ${MANIFEST_ENV}=/path/to/cnpg-${version}.yaml (the release file of cloudnative-pg v${version}); ` +
    `pass manifest: OperatorManifest.fromFile('/path/to/cnpg-${version}.yaml'); ` +
    `or allow one download from ${releaseUrl(version)} (it is verified and then cached in ${cacheDirectory()})`
  );
}

/** Options of {@link OperatorManifest.release} and {@link OperatorManifest.load}: the expected hash and the cache. */
export interface ReleaseOptions {
  /**
   * Expected sha256 of the manifest, for a release this library does not know.
   * @default - the hash shipped in KNOWN_OPERATOR_RELEASES
   */
  readonly sha256?: string;
  /**
   * Where to cache downloads.
   * @default - cacheDirectory()
   */
  readonly cacheDir?: string;
  /**
   * URL to download from (a mirror). The hash is checked all the same.
   * @default - the release file of the cloudnative-pg repository
   */
  readonly url?: string;
  /**
   * Download time limit in milliseconds.
   * @default 60000
   */
  readonly timeoutMs?: number;
}

const parsedCache = new Map<string, readonly KubeObject[]>();

/**
 * CloudNativePG's release manifest (`releases/cnpg-<version>.yaml`): CRDs, namespace, RBAC,
 * ConfigMap, Service, Deployment and webhook configurations, parsed into objects.
 */
export class OperatorManifest {
  /**
   * The manifest from a local file (air-gapped installs). When `sha256` is given, or the file is a
   * release this library knows, its hash is checked.
   */
  public static fromFile(file: string, options: { sha256?: string; version?: string } = {}): OperatorManifest {
    let text: Buffer;
    try {
      text = fs.readFileSync(file);
    } catch (e) {
      const named = process.env[MANIFEST_ENV] === file ? ` (named by ${MANIFEST_ENV})` : '';
      throw new OperatorManifestError(
        `cannot read the CNPG operator manifest ${file}${named}: ${(e as Error).message}. ${waysOut(options.version ?? '<version>')}`,
      );
    }
    const hash = sha256(text);
    const objects = OperatorManifest.parse(file, hash, text.toString('utf8'));
    const version = options.version ?? detectVersion(objects);
    const expected = options.sha256 ?? (version ? KNOWN_OPERATOR_RELEASES[version] : undefined);
    if (expected && expected !== hash) {
      throw new OperatorManifestError(
        `the CNPG operator manifest ${file} has sha256 ${hash}, but release ${version ?? '?'} is ${expected}: the file was modified or is another release. Fix: use the unmodified releases/cnpg-${version ?? '<version>'}.yaml, or pass the expected sha256`,
      );
    }
    return new OperatorManifest(objects, version ?? 'unknown', hash, file, 'file');
  }

  /**
   * Release `version` as this package ships it ({@link SHIPPED_OPERATOR_RELEASES}), checked against its sha256;
   * undefined for a release the package does not ship.
   */
  public static shipped(version: string): OperatorManifest | undefined {
    const file = SHIPPED_OPERATOR_RELEASES[version];
    if (!file || !isShipped(file)) return undefined;
    let objects: readonly KubeObject[];
    try {
      objects = shippedObjects(file);
    } catch (e) {
      if (e instanceof ShippedDataError) throw new OperatorManifestError(e.message);
      throw e;
    }
    return new OperatorManifest(objects, version, file.sha256, `cnpg-constructs/data/${file.name}.yaml.br`, 'package');
  }

  /**
   * Release `version`: from the cache, else downloaded over HTTPS. Either way the sha256 must match
   * the one this library ships (or `options.sha256`); a mismatch or failed download throws and
   * nothing is cached.
   */
  public static release(version: string, options: ReleaseOptions = {}): OperatorManifest {
    const expected = options.sha256 ?? KNOWN_OPERATOR_RELEASES[version];
    if (!expected) {
      throw new OperatorManifestError(
        `no sha256 is known for CNPG release ${version} (known: ${Object.keys(KNOWN_OPERATOR_RELEASES).join(', ')}). Fix: pass { sha256 } from the release notes, or use OperatorManifest.fromFile`,
      );
    }
    const dir = options.cacheDir ?? cacheDirectory();
    const cached = path.join(dir, `cnpg-${version}.yaml`);
    if (fs.existsSync(cached) && sha256(fs.readFileSync(cached)) === expected) {
      return OperatorManifest.fromFile(cached, { sha256: expected, version }).from('cache');
    }
    const url = options.url ?? releaseUrl(version);
    const body = download(url, options.timeoutMs ?? 60_000, version);
    const got = sha256(body);
    if (got !== expected) {
      throw new OperatorManifestError(
        `the CNPG ${version} manifest downloaded from ${url} has sha256 ${got}, expected ${expected}; it was not used or cached. Fix: check the mirror or proxy, or use OperatorManifest.fromFile with a verified copy`,
      );
    }
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, cached);
    return OperatorManifest.fromFile(cached, { sha256: expected, version }).from('download', url);
  }

  /**
   * The default source: the file named by `$CNPG_OPERATOR_MANIFEST` if set, else the copy this package ships
   * ({@link shipped}), else {@link release} (the cache or one verified download).
   */
  public static load(version: string = DEFAULT_OPERATOR_VERSION, options: ReleaseOptions = {}): OperatorManifest {
    const file = process.env[MANIFEST_ENV];
    if (file) {
      const m = OperatorManifest.fromFile(file, { sha256: options.sha256 });
      if (m.version !== 'unknown' && m.version !== version) {
        throw new OperatorManifestError(
          `${MANIFEST_ENV}=${file} holds CNPG ${m.version}, but ${version} was asked for. Fix: point ${MANIFEST_ENV} at releases/cnpg-${version}.yaml or ask for ${m.version}`,
        );
      }
      return m;
    }
    if (options.sha256 === undefined || options.sha256 === SHIPPED_OPERATOR_RELEASES[version]?.sha256) {
      const shipped = OperatorManifest.shipped(version);
      if (shipped) return shipped;
    }
    return OperatorManifest.release(version, options);
  }

  /** The objects of a manifest file, shared by every manifest of the same file and hash (never changed). */
  private static parse(file: string, hash: string, text: string): readonly KubeObject[] {
    const key = `${file}:${hash}`;
    const hit = parsedCache.get(key);
    if (hit) return hit;
    // Parsing 1 MB of YAML takes a quarter of a second; the same objects as JSON, cached by the file's
    // sha256 (so a changed file is never read from it), take a few milliseconds.
    const jsonCache = path.join(cacheDirectory(), `parsed-${hash}.json`);
    let objects: KubeObject[] | undefined;
    try {
      objects = JSON.parse(fs.readFileSync(jsonCache, 'utf8')) as KubeObject[];
    } catch {
      objects = undefined;
    }
    if (!objects) {
      objects = parseObjects(text, file, (m) => new OperatorManifestError(m));
      try {
        fs.mkdirSync(path.dirname(jsonCache), { recursive: true });
        const tmp = `${jsonCache}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(objects));
        fs.renameSync(tmp, jsonCache);
      } catch {
        // A read-only or missing cache directory only costs the parse next time.
      }
    }
    if (!objects.some((o) => o.kind === 'CustomResourceDefinition')) {
      throw new OperatorManifestError(`${file} holds no CustomResourceDefinition: it is not a CNPG release manifest`);
    }
    parsedCache.set(key, objects);
    return objects;
  }

  private copy: KubeObject[] | undefined;
  private readonly crdsByKind = new Map<string, KubeObject | undefined>();

  private constructor(
    /**
     * The objects, shared with every manifest of the same file: never change them ({@link objects} is this
     * manifest's own copy). @internal
     */
    public readonly sharedObjects: readonly KubeObject[],
    /** Operator version, from the Deployment's image tag. */
    public readonly version: string,
    /** sha256 of the file. */
    public readonly sha256: string,
    /** Where it was read from (a file path; for a download, the cached copy). */
    public readonly source: string,
    /** How it was obtained: a file named by the user, the cache, or a download. */
    public readonly origin: ManifestOrigin,
    /** The URL, when it was downloaded. */
    public readonly url?: string,
  ) {}

  private from(origin: ManifestOrigin, url?: string): OperatorManifest {
    return new OperatorManifest(this.sharedObjects, this.version, this.sha256, this.source, origin, url);
  }

  /** The manifest's objects, in file order (this manifest's own copy, made on first use). */
  public get objects(): readonly KubeObject[] {
    this.copy ??= structuredClone(this.sharedObjects) as KubeObject[];
    return this.copy;
  }

  /**
   * The CRD of `kind` in API group `group`, shared with every manifest of the same file: read it, never change it.
   * @internal
   */
  public sharedCrd(group: string, kind: string): KubeObject | undefined {
    const key = `${group}/${kind}`;
    if (!this.crdsByKind.has(key)) {
      const crd = this.sharedObjects.find((o) => {
        if (o.kind !== 'CustomResourceDefinition') return false;
        const spec = o.spec as { group?: string; names?: { kind?: string } };
        return spec.group === group && spec.names?.kind === kind;
      });
      this.crdsByKind.set(key, crd);
    }
    return this.crdsByKind.get(key);
  }

  /** One line for logs: which release, from where, and its sha256. */
  public describe(): string {
    const where =
      this.origin === 'download'
        ? `downloaded from ${this.url}, cached as ${this.source}`
        : this.origin === 'package'
          ? `shipped in ${this.source}`
          : `${this.origin} ${this.source}`;
    return `CNPG ${this.version} operator manifest: ${where} (sha256 ${this.sha256})`;
  }

  /** The CRDs, in file order. */
  public crds(): KubeObject[] {
    return this.objects.filter((o) => o.kind === 'CustomResourceDefinition');
  }

  /** The CRD of a kind of `postgresql.cnpg.io`, e.g. `Cluster`. */
  public crd(kind: string): KubeObject {
    const crd = this.crds().find((c) => (c.spec as { names: { kind: string } }).names.kind === kind);
    if (!crd) throw new OperatorManifestError(`the CNPG ${this.version} manifest has no CRD for kind ${kind}`);
    return crd;
  }
}

function detectVersion(objects: readonly KubeObject[]): string | undefined {
  const dep = objects.find((o) => o.kind === 'Deployment');
  const image = (dep?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers?.[0]
    ?.image;
  const m = image ? /:v?(\d+\.\d+\.\d+)(?:@.*)?$/.exec(image) : null;
  return m ? m[1] : undefined;
}

/** One GET in a child process: the body on stdout (exit 0), a redirect as `{status, location}` on stderr (exit 5). */
const ONE_GET = `
  const https = require('node:https');
  https.get(process.argv[1], { headers: { 'user-agent': 'cnpg-constructs' } }, (res) => {
    if (res.statusCode >= 300 && res.statusCode < 400) {
      res.resume();
      process.stderr.write(JSON.stringify({ status: res.statusCode, location: res.headers.location }));
      process.exit(5);
    }
    if (res.statusCode !== 200) { console.error('HTTP ' + res.statusCode); process.exit(3); }
    res.pipe(process.stdout);
  }).on('error', (e) => { console.error(e.message); process.exit(2); });`;

/**
 * Synchronous HTTPS GET, one child process per request so constructs can stay synchronous, following redirects by
 * ./redirects (never to plain HTTP) within `timeoutMs` in all. Throws an Error saying why it failed. @internal
 */
export function httpsGetSync(url: string, timeoutMs: number): Buffer {
  const deadline = Date.now() + timeoutMs;
  let current = new URL(url);
  for (let followed = 0; ; followed++) {
    const r = spawnSync(process.execPath, ['-e', ONE_GET, current.toString()], {
      env: { ...process.env },
      timeout: Math.max(1, deadline - Date.now()),
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw new Error(r.error.message);
    if (r.status === 0) return r.stdout;
    if (r.status !== 5) throw new Error(r.stderr.toString().trim() || `exit ${r.status}`);
    const hop = JSON.parse(r.stderr.toString()) as { status: number; location?: string };
    const step = redirectStep(current, hop.status, hop.location, followed, () => false);
    if (step.kind === 'refused') throw new Error(`refused a redirect away from HTTPS to ${step.url}`);
    if (step.kind === 'too-many') throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
    if (step.kind === 'final') throw new Error(`HTTP ${hop.status}`);
    current = step.url;
  }
}

function download(url: string, timeoutMs: number, version: string): Buffer {
  if (!url.startsWith('https://'))
    throw new OperatorManifestError(`refusing to download the operator manifest over a non-HTTPS URL: ${url}`);
  try {
    return httpsGetSync(url, timeoutMs);
  } catch (e) {
    throw new OperatorManifestError(
      `no CNPG ${version} operator manifest: ${MANIFEST_ENV} is not set, none is cached, and the download from ${url} failed (${(e as Error).message}). ${waysOut(version)}`,
    );
  }
}
