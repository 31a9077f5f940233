// Inspect = pull into a temporary directory + inspectImageDir, with the catalog's knowledge of the repository.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CATALOG, type CatalogImage } from '../core/extension-catalog';
import { type ImageInspection, type InspectOptions, inspectImageDir } from './inspect';
import { builtInOperand, distroOfReference } from './operand';
import { type PullOptions, pullImage } from './pull';
import { type RemoteReference, remoteReference } from './reference';

/** The catalog entry whose repository `ref` names (by its last path component, so mirrors match too). */
export function catalogEntryFor(ref: string | RemoteReference): CatalogImage | undefined {
  const r = typeof ref === 'string' ? remoteReference(ref) : ref;
  const last = r.repository.split('/').pop();
  return Object.values(CATALOG).find((c) => c.imageName === last);
}

/** The CNPG extension name an image is mounted as: given, else the catalog's, else the repository's last component. */
export function mountNameFor(reference: string, name?: string): string {
  if (name) return name;
  const entry = catalogEntryFor(reference);
  if (entry) return entry.name;
  return (remoteReference(reference).repository.split('/').pop() ?? 'ext').replace(/[^a-z0-9_-]/g, '-');
}

/** The inspection of an image from a registry: what it holds, and the digest, platform and layers it was read from. */
export interface ImageReport extends ImageInspection {
  readonly reference: string;
  /** What the reference points at (index or manifest): pin to this. */
  readonly digest: string;
  readonly manifestDigest: string;
  readonly platform: string;
  readonly platforms: readonly string[];
  readonly layers: readonly { readonly digest: string; readonly mediaType: string; readonly size: number }[];
  readonly unpackedBytes: number;
  /** The catalog entry the reference matched, whose paths were used when none were given. */
  readonly catalog?: string;
  /** Where the unpacked image is, when kept. */
  readonly root?: string;
}

/** Options of {@link inspectImage}: the pull and the inspection. */
export interface InspectImageOptions extends PullOptions, InspectOptions {
  /**
   * Keep the unpacked image in this directory (for `images test`); else a temporary one is removed.
   * @default - removed
   */
  readonly keepIn?: string;
}

/** ELF e_machine per OCI architecture. */
export const ELF_MACHINES: Readonly<Record<string, number>> = {
  amd64: 62,
  arm64: 183,
  '386': 3,
  arm: 40,
  ppc64le: 21,
  s390x: 22,
  riscv64: 243,
};

/** Pulls, unpacks and inspects `ref`. Paths not given come from the catalog entry the reference matches. */
export async function inspectImage(ref: string, options: InspectImageOptions = {}): Promise<ImageReport> {
  const root = options.keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-image-'));
  try {
    const pulled = await pullImage(ref, root, options);
    const catalog = catalogEntryFor(pulled.image.reference);
    const inspection = inspectImageDir(root, {
      ...options,
      name: mountNameFor(ref, options.name),
      ldLibraryPath: options.ldLibraryPath ?? catalog?.ldLibraryPath,
      env: options.env ?? catalog?.env,
      machine: options.machine ?? ELF_MACHINES[pulled.image.platform.architecture],
      operand: options.operand ?? builtInOperand(distroOfReference(ref)),
    });
    const p = pulled.image.platform;
    return {
      reference: ref,
      digest: pulled.image.digest,
      manifestDigest: pulled.image.manifestDigest,
      platform: `${p.os}/${p.architecture}`,
      platforms: pulled.image.platforms.map((x) => `${x.os}/${x.architecture}${x.variant ? `/${x.variant}` : ''}`),
      layers: pulled.image.manifest.layers.map((d) => ({ digest: d.digest, mediaType: d.mediaType, size: d.size })),
      unpackedBytes: pulled.bytes,
      catalog: catalog?.name,
      ...inspection,
      findings: inspection.findings.map((f) => ({ ...f, where: ref })),
      root: options.keepIn,
    };
  } finally {
    if (!options.keepIn) fs.rmSync(root, { recursive: true, force: true });
  }
}
