// Real OCI images made by the tests: tar layers written byte by byte (POSIX ustar, our own writer, so the
// library's reader — node-tar — is checked against an independent one), gzip, zstd (the zstd CLI) or plain,
// config and manifest JSON with real digests, and optionally an index over several platforms.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

export type TarEntry =
  | { readonly path: string; readonly content: string | Buffer; readonly mode?: number }
  | { readonly path: string; readonly dir: true }
  | { readonly path: string; readonly symlink: string }
  | { readonly path: string; readonly hardlink: string };

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string, mode: number, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let short = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    short = name.slice(cut + 1);
  }
  h.write(short, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1_700_000_000, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A tar archive of `entries`, in order, exactly as given (paths are not cleaned: tests write hostile ones). */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if ('content' in e) {
      const body = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
      parts.push(header(e.path, body.length, '0', e.mode ?? 0o644), body, Buffer.alloc((512 - (body.length % 512)) % 512));
    } else if ('dir' in e) parts.push(header(e.path, 0, '5', 0o755));
    else if ('symlink' in e) parts.push(header(e.path, 0, '2', 0o777, e.symlink));
    else parts.push(header(e.path, 0, '1', 0o644, e.hardlink));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export type Compression = 'gzip' | 'zstd' | 'none';

function zstd(raw: Buffer): Buffer {
  try {
    return execFileSync('zstd', ['-q', '-c', '-3'], { input: raw, maxBuffer: 1 << 30 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "zstd is not installed: the extension-image tests need Debian's zstd (apt-get install docker-registry skopeo zstd; .ci/run does it when missing)",
      );
    }
    throw e;
  }
}

export interface Blob {
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly digest: string;
  readonly size: number;
}

export interface Layer extends Blob {
  readonly diffId: string;
}

export function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, bytes, digest: digestOf(bytes), size: bytes.length };
}

/** A layer from `files` (relative path -> content; directories are added above each file). */
export function layer(entries: readonly TarEntry[] | Readonly<Record<string, string | Buffer>>, compression: Compression = 'gzip'): Layer {
  const list: TarEntry[] = Array.isArray(entries) ? [...entries] : withDirs(entries as Record<string, string | Buffer>);
  const raw = tar(list);
  const bytes = compression === 'gzip' ? zlib.gzipSync(raw) : compression === 'zstd' ? zstd(raw) : raw;
  const mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
  return { ...blob(mediaType, bytes), diffId: digestOf(raw) };
}

function withDirs(files: Record<string, string | Buffer>): TarEntry[] {
  const dirs = new Set<string>();
  const out: TarEntry[] = [];
  for (const [p, content] of Object.entries(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = `${parts.slice(0, i).join('/')}/`;
      if (!dirs.has(d)) {
        dirs.add(d);
        out.push({ path: d, dir: true });
      }
    }
    out.push({ path: p, content });
  }
  return out;
}

export interface Image {
  readonly config: Blob;
  readonly layers: readonly Layer[];
  readonly manifest: Blob;
}

/** An OCI image manifest over `layers` for one platform. */
export function image(layers: readonly Layer[], platform = { os: 'linux', architecture: 'amd64' }, diffIds?: readonly string[]): Image {
  const config = blob(
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: diffIds ?? layers.map((l) => l.diffId) }, config: {} })),
  );
  const manifest = blob(
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    ),
  );
  return { config, layers, manifest };
}

/** An OCI index over per-platform images. */
export function index(
  images: readonly { readonly image: Image; readonly platform: { os: string; architecture: string; variant?: string } }[],
): Blob {
  return blob(
    'application/vnd.oci.image.index.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: images.map(({ image: i, platform }) => ({
          mediaType: i.manifest.mediaType,
          digest: i.manifest.digest,
          size: i.manifest.size,
          platform,
        })),
      }),
    ),
  );
}

/** One ustar header as `tar()` writes it, for tests that assemble archives by hand (PAX records, long paths). */
export function ustarHeader(name: string, size: number, type: string, mode = 0o644, linkname = ''): Buffer {
  return header(name, size, type, mode, linkname);
}
