// sha256, the one hash this library checks content with: hex for release files and shipped data (sha256sum's
// form), `sha256:<64 lowercase hex>` for OCI content (image-spec descriptor.md: the algorithm every registry and
// runtime supports). Node's crypto and fs only, so every entry point may load it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** A sha256 as 64 lowercase hex digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** An OCI sha256 digest. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** sha256 of `data`, as 64 lowercase hex digits. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` of `data`. */
export function sha256Digest(data: Uint8Array): string {
  return `sha256:${sha256(data)}`;
}

/** `sha256:<hex>` of a file, read in 1 MiB pieces. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
