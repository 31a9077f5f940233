// A blob's bytes for the unpacker while they are still arriving: the download hands each chunk on as it arrives and
// writes the blob's file (hashing as it goes, the writes landing in the background); a reader that keeps up takes
// the chunks from memory (at most 8 MiB queued), one that is behind (a layer whose turn has not come, or a slow
// unpack) reads the file from where it is, up to what has landed; it waits for more, and ends when the download
// ends, or fails with it. So a layer is downloaded, hashed, decompressed and
// unpacked in one pass, and layers not unpacked yet keep downloading to their files meanwhile.
import * as fs from 'node:fs';

const PIECE = 1024 * 1024;
const MAX_QUEUED = 8 * 1024 * 1024;

/** @internal A blob's bytes while they download (see above). */
export class BlobFeed {
  private file: string | undefined;
  /** Bytes that arrived, and bytes of them in the file. */
  private arrivedBytes = 0;
  private written = 0;
  private done = false;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];
  /** Where the reader is (undefined until one starts), and the chunks queued for it from exactly there on. */
  private readerAt: number | undefined;
  private queue: Uint8Array[] = [];
  private queued = 0;

  /** The file the bytes go to (the partial download, or the verified file once it is renamed or cached). */
  public at(file: string): void {
    this.file = file;
    this.wake();
  }

  /** `chunk` arrived (after the bytes before it); it is in the file once landed() says so. */
  public arrived(chunk: Uint8Array): void {
    // Queued only while the queue ends where this chunk starts (the reader is caught up) and stays small.
    if (this.readerAt !== undefined && this.readerAt + this.queued === this.arrivedBytes && this.queued + chunk.length <= MAX_QUEUED) {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
    this.arrivedBytes += chunk.length;
    this.wake();
  }

  /** `bytes` more of what arrived are in the file. */
  public landed(bytes: number): void {
    this.written += bytes;
    this.wake();
  }

  /** The blob is complete and verified; `file` is where it is now. */
  public end(file: string, size: number): void {
    this.file = file;
    this.arrivedBytes = size;
    this.written = size;
    this.done = true;
    this.wake();
  }

  /** The download failed: the reader fails with it. */
  public fail(e: Error): void {
    this.error = e;
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The bytes, as they arrive; throws the download's error, if any, instead of ending. */
  public async *read(): AsyncGenerator<Buffer> {
    while (this.file === undefined && !this.done) await this.wait();
    if (this.error) throw this.error;
    // Opened synchronously: the partial file may be renamed into place at any await.
    const fd = fs.openSync(this.file as string, 'r');
    this.readerAt = 0;
    try {
      for (;;) {
        const offset: number = this.readerAt ?? 0;
        if (this.queue.length) {
          const chunk = this.queue.shift() as Uint8Array;
          this.queued -= chunk.length;
          this.readerAt = offset + chunk.length;
          yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          continue;
        }
        if (offset < this.written) {
          const buf = Buffer.allocUnsafe(Math.min(PIECE, this.written - offset));
          const n = await new Promise<number>((resolve, reject) =>
            fs.read(fd, buf, 0, buf.length, offset, (e, bytes) => (e ? reject(e) : resolve(bytes))),
          );
          if (n === 0) throw new Error(`the blob file ${this.file} ended at ${offset} bytes, before the ${this.written} written`);
          // Nothing is queued during a file read (the reader is behind), so the queue starts where it now is.
          this.readerAt = offset + n;
          yield n === buf.length ? buf : buf.subarray(0, n);
          continue;
        }
        if (this.error) throw this.error;
        if (this.done && offset >= this.written) return;
        await this.wait();
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}
