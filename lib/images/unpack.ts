// Layers applied in order into a directory, as a container runtime builds a root filesystem (image-spec
// layer.md: whiteouts `.wh.<name>` and opaque directories `.wh..wh..opq`), but refusing everything that could
// write outside it: absolute or `..` entry paths, symbolic links whose target leaves the image (an extension
// image is mounted at /extensions/<name>: an absolute link would point into the postgres container), hard
// links to anything outside, and writing through a link. Each layer's uncompressed bytes are checked against
// the config's `rootfs.diff_ids`. Tar parsing is node-tar's; zstd is fzstd's (Node 20's zlib has no zstd).
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { Parser, type ReadEntry } from 'tar';

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
}

export interface LayerSource {
  readonly file: string;
  readonly mediaType: string;
  readonly digest: string;
  /** The uncompressed digest from the image config (`rootfs.diff_ids`), checked when given. */
  readonly diffId?: string;
}

/** An image layer holds something this library will not unpack. */
export class UnsafeLayerError extends Error {
  public override readonly name = 'UnsafeLayerError';
  constructor(
    public readonly layer: string,
    public readonly entry: string,
    reason: string,
  ) {
    super(`layer ${layer}: entry ${JSON.stringify(entry)} ${reason}; refusing to unpack the image`);
  }
}

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

class ZstdStream extends Transform {
  private readonly d: ZstdDecompress;
  constructor() {
    super();
    this.d = new ZstdDecompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }
}

/** Counts and hashes the uncompressed stream on its way to the tar parser. */
class Meter extends Transform {
  public bytes = 0;
  constructor(
    private readonly hash: Hash | undefined,
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
          `unpacks to more than ${this.limit} bytes (the limit; raise maxUnpackedBytes if you trust the image)`,
        ),
      );
      return;
    }
    this.hash?.update(chunk);
    cb(null, chunk);
  }
}

const MAX_DEFAULT_BYTES = 8 * 1024 ** 3;

/** Applies `layers` in order into `root` (created if missing). Throws on the first unsafe entry. */
export async function unpackLayers(layers: readonly LayerSource[], root: string, limits: UnpackLimits = {}): Promise<UnpackResult> {
  fs.mkdirSync(root, { recursive: true });
  const state = new Writer(path.resolve(root), limits.maxEntries ?? 1_000_000);
  let budget = limits.maxUnpackedBytes ?? MAX_DEFAULT_BYTES;
  for (const layer of layers) {
    const compression = layerCompression(layer.mediaType);
    const hash = layer.diffId ? createHash('sha256') : undefined;
    const meter = new Meter(hash, budget, layer.digest);
    state.beginLayer(layer.digest);
    const parser = new Parser({ strict: true, onReadEntry: (entry: ReadEntry) => state.entry(entry) });
    const stages: NodeJS.ReadWriteStream[] =
      compression === 'gzip' ? [zlib.createGunzip({ chunkSize: 256 * 1024 })] : compression === 'zstd' ? [new ZstdStream()] : [];
    try {
      const streams: NodeJS.ReadWriteStream[] = [...stages, meter];
      await pipeline([
        fs.createReadStream(layer.file, { highWaterMark: 1024 * 1024 }),
        ...streams,
        parser as unknown as NodeJS.WritableStream,
      ]);
    } catch (e) {
      if (e instanceof UnsafeLayerError) throw e;
      const inner = state.failure;
      if (inner) throw inner;
      throw new UnsafeLayerError(
        layer.digest,
        '',
        `could not be read as ${compression === 'none' ? 'tar' : `${compression}-compressed tar`} (${(e as Error).message})`,
      );
    }
    if (state.failure) throw state.failure;
    budget -= meter.bytes;
    if (hash && layer.diffId) {
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== layer.diffId) {
        throw new UnsafeLayerError(layer.digest, '', `uncompresses to ${got}, but the image config says ${layer.diffId} (rootfs.diff_ids)`);
      }
    }
  }
  return { entries: state.entries, bytes: state.bytes, skipped: state.skipped };
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

class Writer {
  public entries = 0;
  public bytes = 0;
  public readonly skipped: string[] = [];
  public failure: Error | undefined;
  private layer = '';
  /** Paths (relative) this layer wrote, for opaque whiteouts. */
  private written = new Set<string>();
  /** Directories known to be real directories inside root. */
  private readonly realDirs = new Set<string>(['']);

  constructor(
    private readonly root: string,
    private readonly maxEntries: number,
  ) {}

  beginLayer(digest: string): void {
    this.layer = digest;
    this.written = new Set();
  }

  entry(entry: ReadEntry): void {
    if (this.failure) {
      entry.resume();
      return;
    }
    try {
      this.apply(entry);
    } catch (e) {
      this.failure = e as Error;
      entry.resume();
    }
  }

  private fail(name: string, reason: string): never {
    throw new UnsafeLayerError(this.layer, name, reason);
  }

  /** The entry's path relative to root, or a refusal. */
  private relative(raw: string): string {
    if (raw.includes('\0')) this.fail(raw, 'has a NUL byte in its path');
    if (raw.startsWith('/')) this.fail(raw, 'has an absolute path');
    const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) this.fail(raw, 'has a ".." path component');
    return parts.join('/');
  }

  private apply(entry: ReadEntry): void {
    if (++this.entries > this.maxEntries) this.fail(entry.path, `is past the limit of ${this.maxEntries} entries`);
    const rel = this.relative(entry.path);
    if (rel === '') {
      entry.resume();
      return;
    }
    const base = path.posix.basename(rel);
    const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    if (base.startsWith(WHITEOUT)) {
      this.parentDir(dir, rel);
      if (base === OPAQUE) this.opaque(dir);
      else this.remove(path.posix.join(dir, base.slice(WHITEOUT.length)));
      entry.resume();
      return;
    }
    this.parentDir(dir, rel);
    const target = path.join(this.root, rel);
    this.written.add(rel);
    switch (entry.type) {
      case 'Directory': {
        const st = lstat(target);
        if (st && !st.isDirectory()) this.remove(rel);
        if (!st?.isDirectory()) fs.mkdirSync(target, { mode: 0o755 });
        this.realDirs.add(rel);
        entry.resume();
        return;
      }
      case 'File':
      case 'OldFile':
      case 'ContiguousFile': {
        this.remove(rel);
        const fd = fs.openSync(target, 'wx', ((entry.mode ?? 0o644) & 0o755) | 0o644);
        entry.on('data', (chunk: Buffer) => {
          this.bytes += chunk.length;
          fs.writeSync(fd, chunk);
        });
        entry.on('end', () => fs.closeSync(fd));
        return;
      }
      case 'SymbolicLink': {
        const link = entry.linkpath ?? '';
        if (link.startsWith('/'))
          this.fail(entry.path, `is a symbolic link to the absolute path ${JSON.stringify(link)}, outside the image once mounted`);
        const resolved = path.posix.normalize(path.posix.join(dir, link));
        if (resolved === '..' || resolved.startsWith('../'))
          this.fail(entry.path, `is a symbolic link to ${JSON.stringify(link)}, which points outside the image`);
        this.remove(rel);
        fs.symlinkSync(link, target);
        entry.resume();
        return;
      }
      case 'Link': {
        const from = this.relative(entry.linkpath ?? '');
        const source = path.join(this.root, from);
        const st = lstat(source);
        if (!st?.isFile())
          this.fail(entry.path, `is a hard link to ${JSON.stringify(entry.linkpath)}, which is not a regular file of the image`);
        this.parentDir(path.posix.dirname(from) === '.' ? '' : path.posix.dirname(from), from);
        this.remove(rel);
        fs.linkSync(source, target);
        entry.resume();
        return;
      }
      default:
        this.skipped.push(`${entry.type} ${rel}`);
        entry.resume();
    }
  }

  /** Makes sure every directory above `rel` is a real directory inside root (never a link). */
  private parentDir(dir: string, rel: string): void {
    if (this.realDirs.has(dir)) return;
    let current = '';
    for (const part of dir.split('/')) {
      current = current ? `${current}/${part}` : part;
      if (this.realDirs.has(current)) continue;
      const st = lstat(path.join(this.root, current));
      if (st?.isSymbolicLink()) this.fail(rel, `would be written through the symbolic link ${JSON.stringify(current)}`);
      if (st && !st.isDirectory()) fs.rmSync(path.join(this.root, current), { force: true });
      if (!st?.isDirectory()) fs.mkdirSync(path.join(this.root, current), { mode: 0o755 });
      this.realDirs.add(current);
    }
  }

  private remove(rel: string): void {
    fs.rmSync(path.join(this.root, rel), { recursive: true, force: true });
    for (const d of this.realDirs) if (d === rel || d.startsWith(`${rel}/`)) this.realDirs.delete(d);
  }

  /** `.wh..wh..opq`: hide everything lower layers put in `dir` (this layer's own entries stay). */
  private opaque(dir: string): void {
    const abs = path.join(this.root, dir);
    for (const name of fs.readdirSync(abs)) {
      const rel = dir ? `${dir}/${name}` : name;
      const mine = this.written.has(rel) || [...this.written].some((w) => w.startsWith(`${rel}/`));
      if (!mine) this.remove(rel);
    }
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
