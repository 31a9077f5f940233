// sha256 digests as OCI writes them (`sha256:<64 lowercase hex>`, image-spec descriptor.md): the one algorithm
// every registry and runtime supports, and the only one this library checks.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `sha256:<hex>` of `data`. */
export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `sha256:<hex>` of a file, read in 1 MiB pieces. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
