// Pull = resolve + verified blobs + safe unpack (inspect-image.ts: pull into a temporary directory + inspectImageDir).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobFeed } from './blob-feed';
import { RegistryClient, type RegistryClientOptions, type ResolvedImage } from './registry';
import { type UnpackLimits, UnsafeLayerError, unpackLayers } from './unpack';

/** Options of {@link pullImage}: the registry client and the unpack limits. */
export interface PullOptions extends UnpackLimits {
  /** A client to reuse (tokens, cache); else one is made from `registry`. */
  readonly client?: RegistryClient;
  readonly registry?: RegistryClientOptions;
}

/** An image pulled and unpacked into a directory. */
export interface PulledImage {
  readonly image: ResolvedImage;
  /** The unpacked root filesystem. */
  readonly root: string;
  readonly entries: number;
  readonly bytes: number;
}

/**
 * Resolves `ref`, downloads and verifies its layers, and unpacks them into `root` (which must not exist or be
 * empty). On any failure nothing is left behind: `root` is removed if this made it, else emptied again.
 */
export async function pullImage(ref: string, root: string, options: PullOptions = {}): Promise<PulledImage> {
  const client = options.client ?? new RegistryClient(options.registry);
  const image = await client.resolve(ref);
  const existed = fs.existsSync(root);
  if (existed && fs.readdirSync(root).length > 0) throw new Error(`${root} is not empty: unpack into a new directory`);
  const diffIds = image.config.rootfs?.diff_ids;
  const layers = image.manifest.layers;
  if (!Array.isArray(diffIds) || diffIds.length !== layers.length) {
    throw new UnsafeLayerError(
      image.manifestDigest,
      '',
      `the image config lists ${Array.isArray(diffIds) ? diffIds.length : 'no'} rootfs.diff_ids for ${layers.length} layer(s), so the layers' content cannot be checked`,
      'image-config-no-diff-ids',
      'rebuild the image with a standard tool (docker build, buildah, kaniko): image-spec config.md requires one diff_id per layer',
    );
  }
  try {
    // One pass per layer: download, hash, decompress and unpack as the bytes arrive. Downloads run side by side
    // (three at a time, containerd's default max_concurrent_downloads), each into its cache file; unpacking goes in
    // layer order, each layer following its download (a layer whose download is ahead is read from its file).
    const feeds = layers.map(() => new BlobFeed());
    const downloads = mapLimit(layers, 3, (d, i) => client.blob(image.reference, d, undefined, feeds[i]));
    const unpacking = unpackLayers(
      layers.map((d, i) => ({ open: () => feeds[i].read(), mediaType: d.mediaType, digest: d.digest, diffId: diffIds[i] })),
      root,
      options,
    );
    const [downloaded, unpacked] = await Promise.allSettled([downloads, unpacking]);
    // A download that failed is the cause of whatever the unpacker saw.
    if (downloaded.status === 'rejected') throw downloaded.reason;
    if (unpacked.status === 'rejected') throw unpacked.reason;
    return { image, root, entries: unpacked.value.entries, bytes: unpacked.value.bytes };
  } catch (e) {
    if (existed) for (const name of fs.readdirSync(root)) fs.rmSync(path.join(root, name), { recursive: true, force: true });
    else fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** `fn` over `items`, at most `limit` at a time, results in order; the first failure rejects (after the running ones end). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}
