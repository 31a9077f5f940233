// Writes to a file in the background, in order: chunks are appended at once and written by libuv's threads, the ones
// that pile up meanwhile in one writev; so the main thread goes on hashing, decompressing and parsing while the
// file system works. Used for blob downloads (./registry.ts) and unpacked regular files (./unpack.ts).
import * as fs from 'node:fs';

/** @internal Ordered background writes to one open file descriptor (see above). */
export class FileAppender {
  private pending: Uint8Array[] = [];
  private running: Promise<void> | undefined;
  private error: Error | undefined;
  /** Bytes appended and not written yet. */
  public backlog = 0;

  /** `onLanded(n)`: `n` more bytes are in the file. */
  constructor(
    private readonly fd: number,
    private readonly onLanded: (bytes: number) => void = () => undefined,
  ) {}

  public append(chunk: Uint8Array): void {
    if (this.error) return;
    this.pending.push(chunk);
    this.backlog += chunk.length;
    this.running ??= this.drain();
  }

  /** Resolves once everything appended is written; rejects with the first write's failure. */
  public async flush(): Promise<void> {
    await this.settled();
    if (this.error) throw this.error;
  }

  /** Resolves once no write is running (never rejects). */
  public async settled(): Promise<void> {
    for (let r = this.running; r; r = this.running === r ? undefined : this.running) await r;
  }

  private async drain(): Promise<void> {
    while (this.pending.length && !this.error) {
      const chunks = this.pending;
      this.pending = [];
      try {
        const n = await writeAll(this.fd, chunks);
        this.backlog -= n;
        this.onLanded(n);
      } catch (e) {
        this.error = e as Error;
      }
    }
    this.running = undefined;
  }
}

/** Writes every byte of `chunks` at the file's position (writev may write less than asked); the bytes written. */
export async function writeAll(fd: number, chunks: readonly Uint8Array[]): Promise<number> {
  let rest = chunks;
  let total = 0;
  while (rest.length) {
    const want = rest.reduce((n, c) => n + c.length, 0);
    const done = await new Promise<number>((resolve, reject) =>
      fs.writev(fd, rest as Uint8Array[], (e, n) => (e ? reject(e) : resolve(n))),
    );
    total += done;
    if (done === want) break;
    let skip = done;
    const next: Uint8Array[] = [];
    for (const c of rest) {
      if (skip >= c.length) skip -= c.length;
      else {
        next.push(skip > 0 ? c.subarray(skip) : c);
        skip = 0;
      }
    }
    rest = next;
  }
  return total;
}
