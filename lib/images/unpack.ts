// Layers applied in order into a directory, as a container runtime builds a root filesystem (image-spec
// layer.md: whiteouts `.wh.<name>` and opaque directories `.wh..wh..opq`), refusing everything that could
// touch anything outside it. Every path is resolved inside the root before it is used, following symbolic links
// with the root as `/` as containerd does (containerd/continuity fs/path.go, RootPath and walkLinks; its
// archive/tar.go applyNaive resolves parents and hard-link targets that way and refuses a whiteout whose name
// leaves its directory, "invalid whiteout name"), except that where containerd clamps a walk at the root, this
// refuses it: an extension image is mounted at /extensions/<name>, where a link that climbs out of the image, or an
// absolute one, points into the postgres container. So it refuses: absolute, `..` or over-long entry paths;
// whiteouts naming anything but one entry of their own directory; symbolic links that resolve outside the image,
// alone or through other links, in any order of creation (every link is resolved again once all layers are
// applied); hard links to anything but a regular file of the image; writing through a link. Each layer's
// uncompressed bytes must match the config's `rootfs.diff_ids`. Tar parsing is node-tar's; zstd goes through
// `./zstd` (bounded window, one block at a time); gzip is Node's zlib, which waits for the consumer.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { SHA256_DIGEST } from '../core/digest';
import { UnsafeLayerError, Writer } from './unpack-writer';
import { DEFAULT_MAX_ZSTD_WINDOW, ZstdLimitError, zstdDecompress } from './zstd';

/** Limits of an unpack, against layers that would fill the disk. */
export interface UnpackLimits {
  /**
   * Most bytes all layers may unpack to.
   * @default 8 GiB
   */
  readonly maxUnpackedBytes?: number;
  /**
   * Most entries all layers may hold.
   * @default 1000000
   */
  readonly maxEntries?: number;
  /**
   * Largest zstd window (the memory a zstd frame may ask the decoder for), in bytes.
   * @default 128 MiB (zstd's own default limit)
   */
  readonly maxZstdWindowBytes?: number;
}

/** A layer to unpack: its compressed bytes (a file or a stream), media type and digests. */
export interface LayerSource {
  /** The compressed layer as a file. */
  readonly file?: string;
  /** The compressed layer as its bytes arrive (used instead of `file`). */
  readonly open?: () => AsyncIterable<Uint8Array>;
  readonly mediaType: string;
  readonly digest: string;
  /** The uncompressed digest from the image config (`rootfs.diff_ids`): the layer must match it. */
  readonly diffId: string;
}

export { UnsafeLayerError } from './unpack-writer';

/** What an unpack wrote. */
export interface UnpackResult {
  readonly entries: number;
  readonly bytes: number;
  /** Entries skipped on purpose (devices, FIFOs): an extension image has no use for them. */
  readonly skipped: readonly string[];
}

type Compression = 'gzip' | 'zstd' | 'none';

export function layerCompression(mediaType: string): Compression {
  if (/(\+|\.)gzip$/.test(mediaType) || mediaType.endsWith('.tar.gzip')) return 'gzip';
  if (mediaType.endsWith('+zstd')) return 'zstd';
  if (/(^|\.)tar$/.test(mediaType) || mediaType === 'application/vnd.docker.image.rootfs.diff.tar') return 'none';
  throw new Error(`layer media type ${JSON.stringify(mediaType)} is not a tar layer (tar, tar+gzip or tar+zstd)`);
}

/** Counts and hashes the uncompressed stream on its way to the tar parser. */
class Meter extends Transform {
  public bytes = 0;
  public readonly hash = createHash('sha256');
  constructor(
    private readonly limit: number,
    private readonly layer: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(
        new UnsafeLayerError(
          this.layer,
          '',
          `unpacks to more than ${this.limit} bytes (the limit)`,
          'layer-too-large',
          'raise maxUnpackedBytes if you trust the image',
        ),
      );
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

const MAX_DEFAULT_BYTES = 8 * 1024 ** 3;

/** Applies `layers` in order into `root` (created if missing). Throws on the first unsafe entry. */
export async function unpackLayers(layers: readonly LayerSource[], root: string, limits: UnpackLimits = {}): Promise<UnpackResult> {
  fs.mkdirSync(root, { recursive: true });
  const state = new Writer(fs.realpathSync(root), limits.maxEntries ?? 1_000_000);
  let budget = limits.maxUnpackedBytes ?? MAX_DEFAULT_BYTES;
  const window = limits.maxZstdWindowBytes ?? DEFAULT_MAX_ZSTD_WINDOW;
  for (const layer of layers) {
    if (!SHA256_DIGEST.test(layer.diffId ?? '')) {
      throw new UnsafeLayerError(
        layer.digest,
        '',
        `has no sha256 diff_id in the image config (rootfs.diff_ids), so its content cannot be checked`,
        'image-config-no-diff-ids',
        'rebuild the image with a standard tool (docker build, buildah, kaniko): image-spec config.md requires rootfs.diff_ids',
      );
    }
    const compression = layerCompression(layer.mediaType);
    const meter = new Meter(budget, layer.digest);
    state.beginLayer(layer.digest);
    const abort = new AbortController();
    state.onFailure = () => abort.abort();
    const parser = new Parser({ strict: true, onReadEntry: (entry: ReadEntry) => state.entry(entry) });
    const source = layer.open ? layer.open() : fs.createReadStream(layer.file as string, { highWaterMark: 1024 * 1024 });
    try {
      if (compression === 'zstd') {
        await pipeline(
          source,
          (s: AsyncIterable<Uint8Array>) => zstdDecompress(s, window),
          meter,
          parser as unknown as NodeJS.WritableStream,
          {
            signal: abort.signal,
          },
        );
      } else if (compression === 'gzip') {
        await pipeline(source, zlib.createGunzip({ chunkSize: 256 * 1024 }), meter, parser as unknown as NodeJS.WritableStream, {
          signal: abort.signal,
        });
      } else {
        await pipeline(source, meter, parser as unknown as NodeJS.WritableStream, { signal: abort.signal });
      }
      // Every entry of the layer is read: the writes still running finish before the next layer starts.
      await state.settle(false);
    } catch (e) {
      // Nothing keeps writing once this returns (the caller removes the root).
      await state.settle(true);
      if (state.failure) throw state.failure;
      if (e instanceof UnsafeLayerError) throw e;
      if (e instanceof ZstdLimitError && e.kind === 'window') {
        throw new UnsafeLayerError(
          layer.digest,
          '',
          e.message,
          'layer-zstd-window-too-large',
          'raise maxZstdWindowBytes if you trust the image',
        );
      }
      throw new UnsafeLayerError(
        layer.digest,
        '',
        `could not be read as ${compression === 'none' ? 'tar' : `${compression}-compressed tar`} (${(e as Error).message})`,
        'layer-unreadable',
      );
    }
    if (state.failure) throw state.failure;
    budget -= meter.bytes;
    const got = `sha256:${meter.hash.digest('hex')}`;
    if (got !== layer.diffId) {
      throw new UnsafeLayerError(
        layer.digest,
        '',
        `uncompresses to ${got}, but the image config says ${layer.diffId} (rootfs.diff_ids)`,
        'layer-diff-id-mismatch',
        'the registry or the image is corrupt: do not use it',
      );
    }
  }
  state.checkLinks();
  return { entries: state.entries, bytes: state.bytes, skipped: state.skipped };
}
