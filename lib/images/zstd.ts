// Zstandard decompression with bounded memory, for image layers (`+zstd` media types; Node 20's zlib has no
// zstd). fzstd decodes; in front of it, this walks the frame format (RFC 8878 section 3.1: frame header, blocks,
// checksum; skippable frames) so that:
// - a frame whose window is larger than the limit is refused before anything is allocated for it (fzstd would
//   allocate the declared window, up to 2 GiB, for a frame of a few bytes). The default is zstd's own:
//   facebook/zstd lib/zstd.h, ZSTD_WINDOWLOG_LIMIT_DEFAULT (27, 128 MiB), which ZSTD_d_windowLogMax raises;
// - fzstd is given one block at a time, and the next block only once the consumer has taken the output of the
//   last (an async generator in a pipeline), so a layer of a few kilobytes that expands to gigabytes (RLE blocks
//   of 128 KiB each cost 4 bytes) never holds more than a few blocks in memory;
// - block sizes above the format's maximum (min(window, 128 KiB), RFC 8878 section 3.1.1.2.3) and dictionary
//   frames (an image layer has no dictionary to decode them with) are refused.
import { Decompress } from 'fzstd';

/** zstd's default limit for a decoder's window (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
export const DEFAULT_MAX_ZSTD_WINDOW = 2 ** 27;
const BLOCK_MAX = 128 * 1024;
const MAGIC = 0xfd2fb528;

/** The compressed data breaks a rule of the zstd format or of the limits. */
export class ZstdLimitError extends Error {
  public override readonly name = 'ZstdLimitError';
  constructor(
    message: string,
    /** `window` when the window is over the limit; `format` when the data is not zstd as the format says. */
    public readonly kind: 'window' | 'format',
  ) {
    super(message);
  }
}

/** A byte queue over the incoming chunks. */
class Bytes {
  private chunks: Uint8Array[] = [];
  public length = 0;
  push(c: Uint8Array): void {
    if (c.length) {
      this.chunks.push(c);
      this.length += c.length;
    }
  }
  /** Byte `i` (must be < length). */
  at(i: number): number {
    for (const c of this.chunks) {
      if (i < c.length) return c[i];
      i -= c.length;
    }
    throw new RangeError('past the end');
  }
  /** Removes and returns the first `n` bytes. */
  take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

function le(b: Bytes, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b.at(at + i);
  return v;
}

/**
 * Decompresses a zstd stream (any number of frames) chunk by chunk. Yields at most a few blocks (128 KiB each)
 * per step and waits for the consumer in between.
 */
export async function* zstdDecompress(
  source: AsyncIterable<Uint8Array>,
  maxWindow: number = DEFAULT_MAX_ZSTD_WINDOW,
): AsyncGenerator<Uint8Array> {
  const input = new Bytes();
  const out: Uint8Array[] = [];
  const d = new Decompress((chunk) => {
    if (chunk.length) out.push(chunk);
  });
  const feed = (bytes: Uint8Array) => {
    try {
      d.push(bytes);
    } catch (e) {
      throw new ZstdLimitError(`not valid zstd data (${(e as Error).message})`, 'format');
    }
  };
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  /** Waits until `n` bytes are queued; false at the end of the input. */
  const need = async (n: number): Promise<boolean> => {
    while (input.length < n && !ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else input.push(r.value);
    }
    return input.length >= n;
  };
  const truncated = () => new ZstdLimitError('the zstd data ends inside a frame (truncated)', 'format');

  while (await need(4)) {
    const magic = le(input, 0, 4);
    if (magic >>> 4 === 0x184d2a5) {
      // Skippable frame: magic, 4-byte size, user data (RFC 8878 section 3.1.2).
      if (!(await need(8))) throw truncated();
      let skip = le(input, 4, 4);
      input.take(8);
      while (skip > 0) {
        if (!(await need(1))) throw truncated();
        const n = Math.min(skip, input.length);
        input.take(n);
        skip -= n;
      }
      continue;
    }
    if (magic !== MAGIC) throw new ZstdLimitError('not zstd data (no frame magic number where a frame starts)', 'format');
    if (!(await need(5))) throw truncated();
    const fhd = input.at(4);
    const singleSegment = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    const checksum = (fhd >> 2) & 1;
    const dictFlag = fhd & 3;
    if (fhd & 8) throw new ZstdLimitError('a zstd frame header has its reserved bit set', 'format');
    const dictBytes = [0, 1, 2, 4][dictFlag];
    const fcsBytes = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag];
    const headerBytes = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    if (!(await need(headerBytes))) throw truncated();
    let window: number;
    if (singleSegment) {
      window = le(input, 5 + dictBytes, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    } else {
      const wd = input.at(5);
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (dictBytes && le(input, 5 + (singleSegment ? 0 : 1), dictBytes) !== 0) {
      throw new ZstdLimitError('a zstd frame needs a dictionary, which image layers do not carry', 'format');
    }
    if (window > maxWindow) {
      throw new ZstdLimitError(
        `a zstd frame needs a window of ${window} bytes, over the limit of ${maxWindow} (zstd's own default limit is 128 MiB, ZSTD_WINDOWLOG_LIMIT_DEFAULT)`,
        'window',
      );
    }
    const blockMax = Math.min(window, BLOCK_MAX);
    feed(input.take(headerBytes));
    for (;;) {
      if (!(await need(3))) throw truncated();
      const h = le(input, 0, 3);
      const last = h & 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw new ZstdLimitError('a zstd block has the reserved block type', 'format');
      if (size > blockMax) {
        throw new ZstdLimitError(`a zstd block of ${size} bytes is over the format's maximum of ${blockMax} for its frame`, 'format');
      }
      const body = type === 1 ? 1 : size;
      if (!(await need(3 + body))) throw truncated();
      feed(input.take(3 + body));
      while (out.length) yield out.shift() as Uint8Array;
      if (last) break;
    }
    if (checksum) {
      if (!(await need(4))) throw truncated();
      feed(input.take(4));
    }
  }
  if (input.length) throw truncated();
  try {
    d.push(new Uint8Array(0), true);
  } catch (e) {
    throw new ZstdLimitError(`not valid zstd data (${(e as Error).message})`, 'format');
  }
  while (out.length) yield out.shift() as Uint8Array;
}
