// The operand image measured: its layers read from the registry like any image's (verified blobs), but only their
// file names are kept, never written out (an operand is a whole Debian system, with absolute links the extension
// unpacker rightly refuses). Layers apply in order with whiteouts and opaque directories (image-spec layer.md).
// The result is cached per manifest digest beside the blob cache.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { type OperandProvides, operandFromPaths } from './operand';
import type { RegistryClient } from './registry';
import { layerCompression } from './unpack';
import { zstdDecompress } from './zstd';

interface CachedOperand {
  readonly reference: string;
  readonly digest: string;
  readonly files: readonly string[];
  readonly ldSoConfDirs: readonly string[];
}

// Enough for any Debian-based operand (minimal: ~9,000 entries; standard: ~60,000).
const MAX_ENTRIES = 2_000_000;
const RELEVANT = /^(usr\/)?(local\/)?lib(32|64)?\/|^usr\/share\/postgresql\/[0-9]+\/extension\/|^etc\/ld\.so\.conf/;

function cacheFile(client: RegistryClient, digest: string): string {
  return path.join(client.cacheDir, 'operands', `${digest.replace(':', '-')}.json`);
}

/** Reads the file names of `layer` (one blob) into `files`, applying whiteouts; `.conf` bodies of ld.so.conf.d too. */
async function listLayer(file: string, mediaType: string, files: Set<string>, conf: Map<string, string>): Promise<void> {
  const compression = layerCompression(mediaType);
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const p = String(entry.path)
        .replace(/^\.?\/+/, '')
        .replace(/\/+$/, '');
      const base = path.posix.basename(p);
      const dir = path.posix.dirname(p);
      if (base === '.wh..wh..opq') {
        for (const f of [...files]) if (f.startsWith(`${dir}/`)) files.delete(f);
      } else if (base.startsWith('.wh.')) {
        const gone = path.posix.join(dir, base.slice(4));
        for (const f of [...files]) if (f === gone || f.startsWith(`${gone}/`)) files.delete(f);
      } else if (RELEVANT.test(p) && entry.type !== 'Directory') {
        if (files.size >= MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} library entries`);
        files.add(p);
        if (/^etc\/ld\.so\.conf(\.d\/[^/]+\.conf)?$/.test(p) && entry.type === 'File') {
          let text = '';
          entry.on('data', (d: Buffer) => {
            if (text.length < 65536) text += d.toString('utf8');
          });
          entry.on('end', () => conf.set(p, text));
          return;
        }
      }
      entry.resume();
    },
  });
  const sink = parser as unknown as NodeJS.WritableStream;
  const source = fs.createReadStream(file);
  // The same bounded decoders as the unpacker's (zstd: a limited window, one block at a time).
  if (compression === 'zstd') await pipeline(source, (s: AsyncIterable<Uint8Array>) => zstdDecompress(s), sink);
  else if (compression === 'gzip') await pipeline(source, zlib.createGunzip(), sink);
  else await pipeline(source, sink);
}

/**
 * What the operand image `ref` provides (its sonames, `$libdir` modules and `$system` extensions), read from the
 * registry through `client`, cached by manifest digest.
 */
export async function measureOperand(ref: string, client: RegistryClient): Promise<OperandProvides> {
  const image = await client.resolve(ref);
  const cached = cacheFile(client, image.manifestDigest);
  let data: CachedOperand | undefined;
  try {
    data = JSON.parse(fs.readFileSync(cached, 'utf8')) as CachedOperand;
    if (!Array.isArray(data.files) || !Array.isArray(data.ldSoConfDirs)) data = undefined;
  } catch {
    data = undefined;
  }
  if (!data) {
    const files = new Set<string>();
    const conf = new Map<string, string>();
    for (const layer of image.manifest.layers) {
      const blob = await client.blob(image.reference, layer);
      await listLayer(blob, layer.mediaType, files, conf);
    }
    const ldSoConfDirs = [...conf.values()]
      .flatMap((t) => t.split('\n'))
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l.startsWith('/'));
    data = { reference: ref, digest: image.manifestDigest, files: [...files].sort(), ldSoConfDirs };
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(`${cached}.tmp`, JSON.stringify(data));
    fs.renameSync(`${cached}.tmp`, cached);
  }
  return operandFromPaths(data.files, { ldSoConfDirs: data.ldSoConfDirs, reference: ref, digest: data.digest });
}
