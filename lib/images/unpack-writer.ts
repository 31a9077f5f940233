// The writer of lib/images/unpack.ts: applies each layer's tar entries into the root in order (whiteouts, opaque
// directories, links), resolving every path inside the root first and refusing anything that would reach outside
// it; regular files are written in the background, a few at a time, while the parser goes on (see Writer.pump).
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ReadEntry } from 'tar';
import type { Finding } from '../core/findings';
import { writeAll } from './file-appender';

/** An image layer holds something this library will not unpack. */
export class UnsafeLayerError extends Error {
  public override readonly name = 'UnsafeLayerError';
  /** The refusal as a finding (`where`: the layer digest; `field`: the entry path, empty for the layer itself). */
  public readonly finding: Finding;
  constructor(
    public readonly layer: string,
    public readonly entry: string,
    reason: string,
    code = 'layer-unsafe',
    fix = 'do not use this image: it is malformed or built to attack the machine that unpacks it',
  ) {
    super(`layer ${layer}: ${entry ? `entry ${JSON.stringify(entry)} ` : ''}${reason}; refusing to unpack the image`);
    this.finding = { code, where: layer, field: entry, message: `${entry ? `entry ${JSON.stringify(entry)} ` : ''}${reason}`, fix };
  }
}

/** Linux's limits: PATH_MAX (bytes of a path, with its NUL), NAME_MAX (bytes of one name), MAXSYMLINKS. */
const PATH_MAX = 4096;
const NAME_MAX = 255;
const MAX_SYMLINKS = 40;
/** Regular files written at once (the rest of libuv's four threads decompress). */
const MAX_WRITES = 3;
/** Entry data held in memory for running writes before the parser waits. */
const MAX_HELD = 16 * 1024 * 1024;

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

type Resolved = { readonly rel: string } | { readonly escape: string };

/** Applies a layer's entries into the root, in order, refusing every entry that would reach outside it. */
export class Writer {
  public entries = 0;
  public bytes = 0;
  public readonly skipped: string[] = [];
  public failure: Error | undefined;
  public onFailure: () => void = () => undefined;
  private layer = '';
  /** Paths (relative) this layer wrote, for opaque whiteouts. */
  private written = new Set<string>();
  /** Directories known to be real directories inside root. */
  private readonly realDirs = new Set<string>(['']);
  /** Every symbolic link created, to resolve again once all layers are applied. */
  private readonly links = new Set<string>();
  /** Entries from the parser not applied yet, in order. */
  private readonly tasks: ReadEntry[] = [];
  /** Regular files being written, by relative path. */
  private readonly writes = new Map<string, PendingWrite>();
  /** Bytes of entry data held in memory for running writes; over MAX_HELD the parser waits. */
  private held = 0;
  private paused: ReadEntry | undefined;
  private pumping = false;
  private stopping = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly root: string,
    private readonly maxEntries: number,
  ) {}

  beginLayer(digest: string): void {
    this.layer = digest;
    this.written = new Set();
  }

  /** The parser's next entry: applied in order, once what it depends on is on disk. */
  entry(entry: ReadEntry): void {
    this.tasks.push(entry);
    this.pump();
  }

  /**
   * Applies queued entries in order, as far as it can without waiting. A regular file is created and written in the
   * background (its data kept in memory meanwhile), so the parser goes on while the file system works, with at most
   * MAX_WRITES files at a time; an entry whose checks or changes read or touch what a running write may not have
   * made yet (links, whiteouts, a parent directory not known yet, the same path) waits until every write has landed,
   * so each check sees the tree exactly as if every entry before it had been applied alone.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.tasks.length) {
        const entry = this.tasks[0];
        if (this.failure || this.stopping) {
          this.tasks.shift();
          entry.resume();
          continue;
        }
        const need = this.needs(entry);
        if (need === 'all' && this.writes.size > 0) return;
        if (need === 'slot' && this.writes.size >= MAX_WRITES) return;
        this.tasks.shift();
        try {
          this.apply(entry);
        } catch (e) {
          this.setFailure(e as Error);
          entry.resume();
        }
      }
    } finally {
      this.pumping = false;
      if (this.tasks.length === 0 && this.writes.size === 0) {
        const w = this.idle;
        this.idle = [];
        for (const f of w) f();
      }
    }
  }

  /**
   * What `entry` waits for: `now` (it touches nothing a running write makes), `slot` (a new regular file in a known
   * directory: a free write slot), `all` (every running write landed).
   */
  private needs(entry: ReadEntry): 'now' | 'slot' | 'all' {
    let rel: string;
    try {
      rel = this.relative(entry.path);
    } catch {
      return 'now';
    }
    if (rel === '') return 'now';
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    if (rel.slice(slash + 1).startsWith(WHITEOUT) || !this.realDirs.has(dir) || this.writes.has(rel)) return 'all';
    switch (entry.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return this.realDirs.has(rel) ? 'all' : 'slot';
      case 'SymbolicLink':
      case 'Link':
        return 'all';
      default:
        return 'now';
    }
  }

  private setFailure(e: Error): void {
    if (!this.failure) {
      this.failure = e;
      this.onFailure();
    }
    this.resumeReader(true);
  }

  /**
   * Resolves once every queued entry is applied and every write has landed. With `stop` (the layer failed), queued
   * entries are dropped and writes end where they are: nothing touches the tree after this resolves.
   */
  async settle(stop: boolean): Promise<void> {
    if (stop) {
      this.stopping = true;
      this.resumeReader(true);
      for (const w of this.writes.values()) w.wake();
    }
    this.pump();
    while (this.tasks.length > 0 || this.writes.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Lets the parser go on once the data held for running writes is back under half the limit. */
  private resumeReader(always = false): void {
    if (this.paused && (always || this.held <= MAX_HELD / 2)) {
      const e = this.paused;
      this.paused = undefined;
      e.resume();
    }
  }

  /** Creates `target` (a new file: `wx`, so never through a link someone put there) and writes the entry's data. */
  private startWrite(rel: string, target: string, mode: number, entry: ReadEntry): void {
    const w = new PendingWrite();
    entry.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (w.closed) return;
      w.chunks.push(chunk);
      this.held += chunk.length;
      if (this.held > MAX_HELD && this.paused === undefined) {
        entry.pause();
        this.paused = entry;
      }
      w.wake();
    });
    entry.on('end', () => {
      w.ended = true;
      w.wake();
    });
    this.writes.set(rel, w);
    this.write(target, mode, w)
      .catch((e) => this.setFailure(e as Error))
      .finally(() => {
        w.closed = true;
        for (const c of w.chunks) this.held -= c.length;
        w.chunks = [];
        this.writes.delete(rel);
        this.resumeReader();
        this.pump();
      });
  }

  private async write(target: string, mode: number, w: PendingWrite): Promise<void> {
    let fd: number;
    try {
      fd = await openNew(target, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // What a lower layer (or an earlier entry) left there: a file or a link, never a directory (those are in
      // realDirs and removed before the write starts).
      await fsp.rm(target, { force: true });
      fd = await openNew(target, mode);
    }
    try {
      for (;;) {
        if (this.stopping) return;
        if (w.chunks.length) {
          const chunks = w.chunks;
          w.chunks = [];
          await writeAll(fd, chunks);
          for (const c of chunks) this.held -= c.length;
          this.resumeReader();
          continue;
        }
        if (w.ended) return;
        await new Promise<void>((resolve) => {
          w.wake = resolve;
        });
      }
    } finally {
      await new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
    }
  }

  private fail(name: string, reason: string, code: string): never {
    throw new UnsafeLayerError(this.layer, name, reason, code);
  }

  /** The entry's path relative to root, or a refusal. */
  private relative(raw: string, what = 'path'): string {
    if (raw.includes('\0')) this.fail(raw, `has a NUL byte in its ${what}`, 'layer-path-nul');
    if (raw.startsWith('/')) this.fail(raw, `has an absolute ${what}`, 'layer-path-absolute');
    const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) this.fail(raw, `has a ".." ${what} component`, 'layer-path-dotdot');
    const long = parts.find((p) => Buffer.byteLength(p) > NAME_MAX);
    if (long !== undefined)
      this.fail(
        raw,
        `has a name of ${Buffer.byteLength(long)} bytes, over the system's limit of ${NAME_MAX} (NAME_MAX)`,
        'layer-path-too-long',
      );
    const rel = parts.join('/');
    const full = Buffer.byteLength(this.root) + 1 + Buffer.byteLength(rel);
    if (full >= PATH_MAX) {
      this.fail(
        raw.length > 200 ? `${raw.slice(0, 100)}…${raw.slice(-60)}` : raw,
        `unpacks to a path of ${full} bytes, over the system's limit of ${PATH_MAX - 1} (PATH_MAX)`,
        'layer-path-too-long',
      );
    }
    return rel;
  }

  private apply(entry: ReadEntry): void {
    if (++this.entries > this.maxEntries)
      this.fail(entry.path, `is past the limit of ${this.maxEntries} entries`, 'layer-too-many-entries');
    const rel = this.relative(entry.path);
    if (rel === '') {
      entry.resume();
      return;
    }
    const base = path.posix.basename(rel);
    const dir = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    if (base.startsWith(WHITEOUT)) {
      const name = base.slice(WHITEOUT.length);
      // containerd archive/tar.go, applyNaive: the whiteout must name an entry of its own directory.
      if (base !== OPAQUE && (name === '' || name === '.' || name === '..')) {
        this.fail(entry.path, `is a whiteout that names ${JSON.stringify(name)}, not an entry of its directory`, 'layer-whiteout-invalid');
      }
      this.parentDir(dir, rel);
      if (base === OPAQUE) this.opaque(dir);
      else this.remove(path.posix.join(dir, name));
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
        // A directory there goes first; a file or a link there is replaced by the write (see write()).
        if (this.realDirs.has(rel)) this.remove(rel);
        this.startWrite(rel, target, ((entry.mode ?? 0o644) & 0o755) | 0o644, entry);
        return;
      }
      case 'SymbolicLink': {
        const link = entry.linkpath ?? '';
        if (link.startsWith('/'))
          this.fail(
            entry.path,
            `is a symbolic link to the absolute path ${JSON.stringify(link)}, outside the image once mounted`,
            'layer-symlink-absolute',
          );
        if (link === '' || link.includes('\0') || Buffer.byteLength(link) >= PATH_MAX)
          this.fail(entry.path, 'is a symbolic link without a usable target', 'layer-symlink-invalid');
        this.remove(rel);
        // Not path.join: it would fold `up/..` lexically, which is what a chain of links exploits.
        const r = this.resolve(dir ? `${dir}/${link}` : link, true);
        if ('escape' in r)
          this.fail(entry.path, `is a symbolic link to ${JSON.stringify(link)}, which ${r.escape}`, 'layer-symlink-escapes');
        fs.symlinkSync(link, target);
        this.links.add(rel);
        entry.resume();
        return;
      }
      case 'Link': {
        const from = this.relative(entry.linkpath ?? '', 'link target');
        const r = this.resolve(from, true);
        if ('escape' in r)
          this.fail(entry.path, `is a hard link to ${JSON.stringify(entry.linkpath)}, which ${r.escape}`, 'layer-hardlink-escapes');
        const source = path.join(this.root, r.rel);
        if (!lstat(source)?.isFile())
          this.fail(
            entry.path,
            `is a hard link to ${JSON.stringify(entry.linkpath)}, which is not a regular file of the image`,
            'layer-hardlink-invalid',
          );
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

  /**
   * `rel` resolved inside root as the kernel resolves it in the mounted image, following symbolic links (at most
   * MAXSYMLINKS, then the kernel gives up with ELOOP and so does this, reporting the path unresolved) with the
   * root as `/`; an escape when the walk leaves the root or meets an absolute link.
   */
  private resolve(rel: string, followLast: boolean): Resolved {
    const todo = rel.split('/').reverse();
    const done: string[] = [];
    let hops = 0;
    while (todo.length) {
      const c = todo.pop() as string;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        if (!done.length) return { escape: 'resolves outside the image (through ".." at its top)' };
        done.pop();
        continue;
      }
      const candidate = done.length ? `${done.join('/')}/${c}` : c;
      const st = this.realDirs.has(candidate) ? undefined : lstat(path.join(this.root, candidate));
      if (st?.isSymbolicLink() && (todo.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINKS) return { rel: candidate };
        const target = fs.readlinkSync(path.join(this.root, candidate));
        if (target.startsWith('/'))
          return { escape: `resolves through ${JSON.stringify(candidate)} to the absolute path ${JSON.stringify(target)}` };
        for (const t of target.split('/').reverse()) todo.push(t);
        continue;
      }
      done.push(c);
    }
    return { rel: done.join('/') };
  }

  /** Every link in the final tree resolves inside it (links made in any order, across layers). */
  checkLinks(): void {
    for (const rel of this.links) {
      if (!lstat(path.join(this.root, rel))?.isSymbolicLink()) continue;
      const r = this.resolve(rel, true);
      if ('escape' in r) {
        const link = fs.readlinkSync(path.join(this.root, rel));
        throw new UnsafeLayerError(
          this.layer,
          rel,
          `is a symbolic link to ${JSON.stringify(link)}, which, once all layers are applied, ${r.escape}`,
          'layer-symlink-escapes',
        );
      }
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
      if (st?.isSymbolicLink())
        this.fail(rel, `would be written through the symbolic link ${JSON.stringify(current)}`, 'layer-write-through-symlink');
      if (st && !st.isDirectory()) fs.rmSync(path.join(this.root, current), { force: true });
      if (!st?.isDirectory()) fs.mkdirSync(path.join(this.root, current), { mode: 0o755 });
      this.realDirs.add(current);
    }
  }

  /** Removes `rel` (never `..` or the root: callers pass an entry of a real directory inside root). */
  private remove(rel: string): void {
    if (rel === '' || rel.split('/').includes('..')) throw new Error(`internal: refusing to remove ${JSON.stringify(rel)}`);
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

/** @internal One regular file being written: the entry's data not written yet, and how to wake the writer. */
class PendingWrite {
  public chunks: Buffer[] = [];
  public ended = false;
  public closed = false;
  public wake: () => void = () => undefined;
}

/** A new file (`wx`: fails on anything there, a link included, never following it). */
function openNew(target: string, mode: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(target, 'wx', mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}
