// Pull = resolve + verified blobs + safe unpack (inspect-image.ts: pull into a temporary directory + inspectImageDir).
import * as fs from 'node:fs';
import { RegistryClient, type RegistryClientOptions, type ResolvedImage } from './registry';
import { type UnpackLimits, unpackLayers } from './unpack';

export interface PullOptions extends UnpackLimits {
  /** A client to reuse (tokens, cache); else one is made from `registry`. */
  readonly client?: RegistryClient;
  readonly registry?: RegistryClientOptions;
}

export interface PulledImage {
  readonly image: ResolvedImage;
  /** The unpacked root filesystem. */
  readonly root: string;
  readonly entries: number;
  readonly bytes: number;
}

/** Resolves `ref`, downloads and verifies its layers, and unpacks them into `root` (which must not exist or be empty). */
export async function pullImage(ref: string, root: string, options: PullOptions = {}): Promise<PulledImage> {
  const client = options.client ?? new RegistryClient(options.registry);
  const image = await client.resolve(ref);
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0) throw new Error(`${root} is not empty: unpack into a new directory`);
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  // Downloads run side by side (three at a time, like containerd's default); unpacking goes in layer order.
  const layerFiles = await mapLimit(image.manifest.layers, 3, (d) => client.blob(image.reference, d));
  const unpacked = await unpackLayers(
    image.manifest.layers.map((d, i) => ({ file: layerFiles[i], mediaType: d.mediaType, digest: d.digest, diffId: diffIds[i] })),
    root,
    options,
  );
  return { image, root, entries: unpacked.entries, bytes: unpacked.bytes };
}

/** `fn` over `items`, at most `limit` at a time, results in order; the first failure rejects (after the running ones end). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}
