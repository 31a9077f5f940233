// Hostile image parts, built byte by byte: PAX long paths, compression bombs (tiny layers that expand to
// gigabytes, streamed through the compressor so the test never holds them), zstd frames that ask for a huge
// window, configs without rootfs.diff_ids. Everything here is for tests that attack the unpacker.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { blob, type Compression, digestOf, type Image, image, type Layer, ustarHeader } from './oci';

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** A file entry whose path is carried by a PAX `path` record (any length), as GNU tar and Go write long names. */
export function paxFile(longPath: string, content: string | Buffer = ''): Buffer {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
  // A PAX record is "<length> <key>=<value>\n", its length counting its own digits.
  const record = (key: string, value: string) => {
    const base = Buffer.byteLength(` ${key}=${value}\n`);
    let len = base + String(base).length;
    if (String(len).length !== String(base).length) len = base + String(len).length;
    return `${len} ${key}=${value}\n`;
  };
  const pax = Buffer.from(record('path', longPath));
  return Buffer.concat([
    ustarHeader('PaxHeaders/long', pax.length, 'x'),
    pax,
    pad(pax.length),
    ustarHeader('long-path-placeholder', body.length, '0'),
    body,
    pad(body.length),
  ]);
}

/** The end of a tar archive. */
export const TAR_END = Buffer.alloc(1024);

/** A layer from raw tar bytes, compressed as asked (zstd with the zstd CLI). */
export async function rawLayer(raw: Buffer, compression: Compression = 'gzip'): Promise<Layer> {
  const bytes = compression === 'gzip' ? zlib.gzipSync(raw) : compression === 'zstd' ? await zstdOf([raw]) : raw;
  const mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
  return { ...blob(mediaType, bytes), diffId: digestOf(raw) };
}

async function zstdOf(parts: Iterable<Buffer>): Promise<Buffer> {
  const child = spawn('zstd', ['-q', '-c', '-3'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zstd exited ${code}`))));
  });
  for (const p of parts) if (!child.stdin.write(p)) await new Promise((r) => child.stdin.once('drain', r));
  child.stdin.end();
  await done;
  return Buffer.concat(out);
}

/**
 * A compression bomb: a tar of one file of `size` zero bytes, compressed without ever holding the tar in memory
 * (a few hundred kilobytes of zstd or a few megabytes of gzip for gigabytes unpacked). The diff_id is real.
 */
export async function bombLayer(compression: 'gzip' | 'zstd', size: number): Promise<Layer> {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  function* parts(): Generator<Buffer> {
    const head = ustarHeader('share/zeros.bin', size, '0');
    hash.update(head);
    yield head;
    for (let left = size; left > 0; left -= chunk.length) {
      const c = left >= chunk.length ? chunk : chunk.subarray(0, left);
      hash.update(c);
      yield c;
    }
    const tail = Buffer.concat([pad(size), TAR_END]);
    hash.update(tail);
    yield tail;
  }
  let bytes: Buffer;
  if (compression === 'zstd') bytes = await zstdOf(parts());
  else {
    const gz = zlib.createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on('data', (d: Buffer) => out.push(d));
    const ended = new Promise((r) => gz.on('end', r));
    for (const p of parts()) if (!gz.write(p)) await new Promise((r) => gz.once('drain', r));
    gz.end();
    await ended;
    bytes = Buffer.concat(out);
  }
  return { ...blob(`application/vnd.oci.image.layer.v1.tar+${compression}`, bytes), diffId: `sha256:${hash.digest('hex')}` };
}

/**
 * A zstd layer of one frame that declares a window of 2^`windowLog` bytes and holds `raw` in raw blocks (valid
 * zstd: the reference decoder refuses it above its limit unless told `--memory`).
 */
export function hugeWindowZstdLayer(raw: Buffer, windowLog: number): Layer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])];
  for (let at = 0; at < raw.length; at += 128 * 1024) {
    const piece = raw.subarray(at, at + 128 * 1024);
    const last = at + 128 * 1024 >= raw.length ? 1 : 0;
    const h = (piece.length << 3) | (0 << 1) | last;
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), piece);
  }
  return { ...blob('application/vnd.oci.image.layer.v1.tar+zstd', Buffer.concat(parts)), diffId: digestOf(raw) };
}

/** An image whose config is exactly `config` (for configs without, or with wrong, rootfs.diff_ids). */
export function imageWithConfig(layers: readonly Layer[], config: Record<string, unknown>): Image {
  const c = blob('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify(config)));
  const base = image(layers);
  const manifest = JSON.parse(base.manifest.bytes.toString('utf8'));
  manifest.config = { mediaType: c.mediaType, digest: c.digest, size: c.size };
  return { config: c, layers, manifest: blob(base.manifest.mediaType, Buffer.from(JSON.stringify(manifest))) };
}
