// `cnpg-images.lock.json`: every image reference an app uses, resolved to the digest it pointed at when
// locked (`cnpg-constructs images lock`). Synth pins references from it (`repo:tag@sha256:...`), so what was
// tested is what runs, and `images lock --check` fails in CI when a tag has moved. Pure: reading the lock
// needs no registry (the front ends load this; the registry client lives in `cnpg-constructs/images`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseImageReference } from './image-ref';
import { isPlainObject } from './runtime-types';

/** The lock file's default name, in the working directory. */
export const IMAGE_LOCK_FILE = 'cnpg-images.lock.json';
export const IMAGE_LOCK_VERSION = 1;

/** What one locked reference resolved to. */
export interface ImageLockEntry {
  /** Digest of what the reference pointed at (an index for multi-platform images). */
  readonly digest: string;
  /** Media type of what the digest names (an image manifest or an index). */
  readonly mediaType?: string;
}

/** The JSON of `cnpg-images.lock.json`. */
export interface ImageLockFile {
  /** The format's version. */
  readonly lockfileVersion: number;
  /** Reference as written (without digest) -> what it resolved to. */
  readonly images: Readonly<Record<string, ImageLockEntry>>;
}

/** A loaded image lock. */
export class ImageLock {
  /** Reads a lock file; throws naming the file and the fix when it is not one. */
  public static load(file: string = path.resolve(IMAGE_LOCK_FILE)): ImageLock {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(
        `${file}: cannot read the image lock (${(e as Error).message}). Fix: run "cnpg-constructs images lock" to write it again`,
      );
    }
    return new ImageLock(ImageLock.check(data, file), file);
  }

  /** The lock in `file` if it exists, else undefined. */
  public static loadIfPresent(file: string = path.resolve(IMAGE_LOCK_FILE)): ImageLock | undefined {
    return fs.existsSync(file) ? ImageLock.load(file) : undefined;
  }

  /** A lock from parsed JSON, checked like a file (`origin` names it in errors). */
  public static fromJson(data: unknown, origin = '(in memory)'): ImageLock {
    return new ImageLock(ImageLock.check(data, origin), origin);
  }

  /**
   * The lock's schema, enforced on every read (a lock is committed and reviewed like code, so a wrong type is an
   * error, never something written back): `{ lockfileVersion: 1, images: { "<reference without digest>":
   * { digest: "sha256:<64 hex>", mediaType?: string } } }`, no other keys.
   */
  private static check(data: unknown, origin: string): ImageLockFile {
    const fix = 'Fix: run "cnpg-constructs images lock" to write it again';
    const bad = (what: string): never => {
      throw new Error(`${origin}: ${what}. ${fix}`);
    };
    if (!isPlainObject(data) || data.lockfileVersion !== IMAGE_LOCK_VERSION || !isPlainObject(data.images)) {
      bad(
        `not an image lock of version ${IMAGE_LOCK_VERSION} (an object with "lockfileVersion": ${IMAGE_LOCK_VERSION} and an "images" object)`,
      );
    }
    const d = data as Record<string, unknown> & { images: Record<string, unknown> };
    for (const key of Object.keys(d)) if (key !== 'lockfileVersion' && key !== 'images') bad(`unknown key ${JSON.stringify(key)}`);
    for (const [ref, e] of Object.entries(d.images)) {
      const parsed = parseImageReference(ref);
      if (!parsed || parsed.digest) bad(`entry ${JSON.stringify(ref)} is not an image reference without a digest`);
      if (!isPlainObject(e))
        bad(`entry ${JSON.stringify(ref)} is ${e === null ? 'null' : Array.isArray(e) ? 'an array' : `a ${typeof e}`}, not an object`);
      const entry = e as Record<string, unknown>;
      for (const key of Object.keys(entry)) {
        if (key !== 'digest' && key !== 'mediaType') bad(`entry ${JSON.stringify(ref)} has the unknown key ${JSON.stringify(key)}`);
      }
      if (typeof entry.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(entry.digest)) {
        bad(`entry ${JSON.stringify(ref)} has no "digest" of the form sha256:<64 lowercase hex digits>`);
      }
      if (entry.mediaType !== undefined && typeof entry.mediaType !== 'string')
        bad(`entry ${JSON.stringify(ref)} has a "mediaType" that is not a string`);
    }
    return d as unknown as ImageLockFile;
  }

  private constructor(
    public readonly data: ImageLockFile,
    /** Where it was read from. */
    public readonly origin: string,
  ) {}

  /** The locked digest of `ref` (written without digest), if any. */
  public digestOf(ref: string): string | undefined {
    return this.data.images[ref]?.digest;
  }

  /**
   * `ref` pinned to its locked digest (`repo:tag@sha256:...`); unchanged when it is not locked or already
   * carries a digest (a digest written by the user wins, and `images lock --check` compares the two).
   */
  public pin(ref: string): string {
    if (ref.includes('@')) return ref;
    const digest = this.digestOf(ref);
    return digest ? `${ref}@${digest}` : ref;
  }

  /** Number of locked references. */
  public get size(): number {
    return Object.keys(this.data.images).length;
  }

  /** The lock file's text: references sorted, no timestamps, so that a diff shows only what moved. */
  public toJson(): string {
    const images = Object.fromEntries(Object.entries(this.data.images).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return `${JSON.stringify({ lockfileVersion: IMAGE_LOCK_VERSION, images }, null, 2)}\n`;
  }
}

/** Keys (last path components) whose string values are image references in Kubernetes and CNPG objects. */
export const IMAGE_FIELDS: ReadonlySet<string> = new Set(['image', 'imageName', 'reference']);

/**
 * Every image reference in Kubernetes objects: `Cluster.spec.imageName`, extension `image.reference`s,
 * ImageCatalog `images[].image` and their extensions, and every container image (the operator Deployment).
 * `at` is the dotted path of each, for messages.
 */
export function imageReferencesIn(obj: unknown, at = ''): { readonly ref: string; readonly at: string }[] {
  const out: { ref: string; at: string }[] = [];
  const walk = (v: unknown, p: string, key: string) => {
    if (typeof v === 'string') {
      if (IMAGE_FIELDS.has(key) && parseImageReference(v) && (key !== 'reference' || p.includes('image'))) out.push({ ref: v, at: p });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${p}[${i}]`, key);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k, k);
  };
  walk(obj, at, '');
  return out;
}
