// Resolving the image references of synthesized objects to digests (`images lock`) and checking that tags
// still point where the lock says (`images lock --check`, which never writes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import { IMAGE_LOCK_VERSION, ImageLock, type ImageLockEntry, imageReferencesIn } from '../core/image-lock';
import { parseImageReference } from '../core/image-ref';
import { mapLimit } from './pull';
import { withoutDigest } from './reference';
import { type RegistryClient, RegistryError } from './registry';

/** One image reference of the objects, and the digest it resolved to. */
export interface LockedReference {
  /** The reference as the objects write it, without digest. */
  readonly reference: string;
  readonly digest: string;
  readonly mediaType?: string;
  /** Where the objects use it (`Cluster/db/angus spec.imageName`). */
  readonly usedAt: readonly string[];
}

/** A lock finding: `where` and `reference` are the reference, `field` where the objects use it. */
export interface LockProblem extends Finding {
  readonly reference: string;
  readonly usedAt: readonly string[];
  readonly message: string;
  readonly fix: string;
}

function lockProblem(u: Use, code: string, message: string, fix: string): LockProblem {
  return { code, where: u.ref, field: u.usedAt.join('; '), reference: u.ref, usedAt: u.usedAt, message, fix };
}

/** The result of {@link lockReferences}: the new lock, every reference, and the problems found. */
export interface LockResult {
  readonly lock: ImageLock;
  readonly references: readonly LockedReference[];
  /** Lock entries no object uses any more (dropped from a new lock; reported by --check). */
  readonly unused: readonly string[];
  readonly problems: readonly LockProblem[];
}

interface Use {
  ref: string;
  /** Digest written in the objects (`repo:tag@sha256:...`), if any. */
  pinned?: string;
  usedAt: string[];
}

/** The image references of `objects` (Kubernetes objects), grouped by reference without digest. */
export function collectReferences(objects: readonly { readonly object: unknown; readonly label: string }[]): Use[] {
  const uses = new Map<string, Use>();
  for (const { object, label } of objects) {
    for (const { ref, at } of imageReferencesIn(object)) {
      const key = withoutDigest(ref);
      const digest = parseImageReference(ref)?.digest;
      const use = uses.get(key) ?? { ref: key, usedAt: [] };
      if (digest) use.pinned = digest;
      use.usedAt.push(`${label} ${at}`);
      uses.set(key, use);
    }
  }
  return [...uses.values()].sort((a, b) => (a.ref < b.ref ? -1 : 1));
}

/** Options of {@link lockReferences}. */
export interface LockOptions {
  readonly client: RegistryClient;
  /** The lock to check against (`--check`) or to update. */
  readonly previous?: ImageLock;
  /** Compare with `previous` and report; never resolve into a new lock. */
  readonly check?: boolean;
  readonly onResolved?: (ref: string, digest: string) => void;
}

/** Resolves every reference (four at a time) into a new lock, or, with `check`, compares with the previous one. */
export async function lockReferences(uses: readonly Use[], options: LockOptions): Promise<LockResult> {
  const problems: LockProblem[] = [];
  const references: LockedReference[] = [];
  const tagged = uses.filter((u) => parseImageReference(u.ref)?.tag !== undefined || !u.pinned);
  const resolved = await mapLimit(tagged, 4, async (u) => {
    try {
      const r = await options.client.digestOf(u.ref);
      options.onResolved?.(u.ref, r.digest);
      return r;
    } catch (e) {
      return e as Error;
    }
  });
  tagged.forEach((u, i) => {
    const r = resolved[i];
    if (r instanceof Error) {
      // The registry error says what to do: its fix is the problem's fix.
      problems.push(
        r instanceof RegistryError
          ? lockProblem(u, r.findingCode, `cannot be resolved: ${r.detail}`, r.fix ?? 'check the reference and the registry')
          : lockProblem(
              u,
              'lock-unresolvable',
              `cannot be resolved: ${withoutReference(u.ref, r.message)}`,
              'check the reference and the registry',
            ),
      );
      return;
    }
    const locked = options.previous?.digestOf(u.ref);
    if (options.check) {
      if (!locked) {
        problems.push(
          lockProblem(
            u,
            'lock-entry-missing',
            `is not in ${options.previous?.origin ?? 'the lock'}`,
            'run "cnpg-constructs images lock" and commit the lock',
          ),
        );
      } else if (locked !== r.digest) {
        problems.push(
          lockProblem(
            u,
            'lock-tag-moved',
            `now points at ${r.digest}, but the lock has ${locked}: the tag was moved since it was locked`,
            'review the new image (images inspect / images test), then run "cnpg-constructs images lock" to accept it; or pin the old digest',
          ),
        );
      }
    }
    if (u.pinned && u.pinned !== r.digest) {
      problems.push(
        lockProblem(
          u,
          'lock-pinned-digest-moved',
          `is written with @${u.pinned}, but the tag now points at ${r.digest}`,
          'synthesize again from an updated lock, or fix the digest in the code',
        ),
      );
    }
    references.push({ reference: u.ref, digest: u.pinned ?? r.digest, mediaType: r.mediaType, usedAt: u.usedAt });
  });
  // References written with a digest and no tag: nothing to resolve, the digest is the lock.
  for (const u of uses) if (!tagged.includes(u)) references.push({ reference: u.ref, digest: u.pinned as string, usedAt: u.usedAt });
  const used = new Set(uses.map((u) => u.ref));
  const unused = Object.keys(options.previous?.data.images ?? {}).filter((r) => !used.has(r));
  const images: Record<string, ImageLockEntry> = {};
  const lockable = new Set(tagged.map((u) => u.ref));
  for (const r of references) if (lockable.has(r.reference)) images[r.reference] = { digest: r.digest, mediaType: r.mediaType };
  return {
    lock: ImageLock.fromJson({ lockfileVersion: IMAGE_LOCK_VERSION, images }, options.previous?.origin),
    references: references.sort((a, b) => (a.reference < b.reference ? -1 : 1)),
    unused,
    problems,
  };
}

/** A registry error's text without the reference it starts with. */
function withoutReference(ref: string, message: string): string {
  return message.startsWith(`${ref}: `) ? message.slice(ref.length + 2) : message;
}

/**
 * Writes a lock file as a new file renamed over the old one, in the same directory: a reader never sees half a
 * lock, and a lock that is a symbolic link is refused, never written through to wherever it points.
 */
export function writeLockFile(file: string, text: string): void {
  const st = lstatOrUndefined(file);
  if (st?.isSymbolicLink()) {
    throw new Error(
      `${file} is a symbolic link (to ${JSON.stringify(fs.readlinkSync(file))}); refusing to write through it. Fix: replace it with the file itself, or pass --file with the real path`,
    );
  }
  if (st && !st.isFile()) throw new Error(`${file} is not a regular file; refusing to replace it`);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  // wx: never follows or reuses what is already there.
  fs.writeFileSync(tmp, text, { flag: 'wx', mode: st ? st.mode & 0o777 : 0o644 });
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
