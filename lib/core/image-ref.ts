import type { Problem } from './errors';
import { BoundedCache } from './memo';

/** A parsed OCI image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

// Grammar of github.com/distribution/reference (without IPv6 hosts).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

// Platform repos mount the same few images in hundreds of clusters: parse each reference once (frozen: shared).
const parsed = new BoundedCache<string, ImageReference | undefined>('parsed image references', 1024);
// The checks read the tags of the same few images once per cluster: each is parsed once (frozen: shared).
const extensionTags = new BoundedCache<string, ExtensionImageTag | undefined>('parsed extension image tags', 1024);
const operandTags = new BoundedCache<string, OperandImageTag | undefined>('parsed operand image tags', 1024);

/** Parses an image reference (frozen); returns undefined when it is not one. */
export function parseImageReference(ref: string): ImageReference | undefined {
  return parsed.getOrSet(ref, parseUncached);
}

function parseUncached(ref: string): ImageReference | undefined {
  const m = REFERENCE.exec(ref);
  if (!m) return undefined;
  let registry: string | undefined = m[1];
  let repository = m[2];
  const tag: string | undefined = m[3];
  const digest: string | undefined = m[4];
  // "localhost/x" and "foo.io/x" have a registry; "library/x" does not (no dot, colon or localhost).
  if (registry && !/[.:]/.test(registry) && registry !== 'localhost') {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  if (`${registry ? `${registry}/` : ''}${repository}`.length > 255) return undefined;
  if (digest?.startsWith('sha256:') && !/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
  return Object.freeze({ registry, repository, tag, digest });
}

/** Problems of an OCI image reference (`field`: where it was given): missing, not a reference, a bad digest. */
export function checkImageReference(field: string, ref: unknown): Problem[] {
  if (typeof ref !== 'string' || ref.length === 0) {
    return [
      {
        code: 'image-reference-required',
        field,
        message: 'an image reference is required',
        value: ref,
        fix: 'set an OCI reference such as "ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie"',
      },
    ];
  }
  if (!parseImageReference(ref)) {
    return [
      {
        code: 'image-reference-invalid',
        field,
        message: 'is not a valid OCI image reference',
        value: ref,
        fix: 'use [registry/]repository[:tag][@sha256:<64 hex digits>] with a lowercase repository, e.g. "ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie"',
      },
    ];
  }
  return [];
}

/** Debian releases CNPG builds operand and extension images for. */
export const KNOWN_DISTROS = ['trixie', 'bookworm', 'bullseye'] as const;

/** What the tag of a CNPG extension image says: `<version>[-<timestamp>]-<pgMajor>-<distro>`. */
export interface ExtensionImageTag {
  readonly version: string;
  readonly timestamp?: string;
  readonly postgresMajor: number;
  readonly distro: string;
}

/** What the tag of a CNPG extension image says (`<version>[-<timestamp>]-<major>-<distro>`, frozen), or undefined. */
export function parseExtensionImageTag(tag: string | undefined): ExtensionImageTag | undefined {
  return tag ? extensionTags.getOrSet(tag, parseExtensionTagUncached) : undefined;
}

function parseExtensionTagUncached(tag: string): ExtensionImageTag | undefined {
  const m = /^(.+?)(?:-(\d{12}))?-(\d{2,})-([a-z][a-z0-9]*)$/.exec(tag);
  if (!m) return undefined;
  return Object.freeze({ version: m[1], timestamp: m[2], postgresMajor: Number(m[3]), distro: m[4] });
}

/** What the tag of a CNPG operand image says: `18`, `18.4`, `18-minimal-trixie`, `18.6-202608170814-minimal-trixie`. */
export interface OperandImageTag {
  readonly postgresMajor: number;
  readonly minor?: number;
  readonly distro?: string;
  readonly flavour?: string;
}

/** What the tag of a CNPG operand image says (see {@link OperandImageTag}; frozen), or undefined when it does not start with a version. */
export function parseOperandImageTag(tag: string | undefined): OperandImageTag | undefined {
  return tag ? operandTags.getOrSet(tag, parseOperandTagUncached) : undefined;
}

function parseOperandTagUncached(tag: string): OperandImageTag | undefined {
  const m = /^(\d+)(?:\.(\d+))?((?:[-_][A-Za-z0-9.]+)*)$/.exec(tag);
  if (!m) return undefined;
  const parts = m[3].split(/[-_]/).filter(Boolean);
  const distro = parts.find((p) => (KNOWN_DISTROS as readonly string[]).includes(p));
  const flavour = parts.find((p) => p === 'minimal' || p === 'standard' || p === 'system');
  return Object.freeze({ postgresMajor: Number(m[1]), minor: m[2] === undefined ? undefined : Number(m[2]), distro, flavour });
}
