// The dynamic section of an ELF shared object (System V gABI, "Dynamic Section"): which libraries it needs
// (DT_NEEDED), its own name (DT_SONAME) and where it looks (DT_RUNPATH / DT_RPATH). Read from the file, never
// by running `ldd` (which executes code of the image and needs the image's architecture).
import * as fs from 'node:fs';

/** What the dynamic section of an ELF file says: its class, machine, `DT_NEEDED` libraries, `DT_SONAME` and `DT_RUNPATH`. */
export interface ElfDynamicInfo {
  readonly class: 32 | 64;
  /** e_machine: 62 x86-64, 183 AArch64, ... */
  readonly machine: number;
  readonly needed: readonly string[];
  readonly soname?: string;
  readonly runpath?: readonly string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, STRSZ: 10, SONAME: 14, RPATH: 15, RUNPATH: 29 } as const;

/** Whether the first bytes are an ELF header. */
export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Parses the dynamic section; undefined when `buf` is not ELF or has no dynamic section (a static file). */
export function readElfDynamic(buf: Buffer): ElfDynamicInfo | undefined {
  if (buf.length < 52 || !isElf(buf)) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  if ((buf[4] !== 1 && buf[4] !== 2) || (buf[5] !== 1 && buf[5] !== 2)) return undefined;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const addr = (o: number) => (is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const inRange = (o: number, n: number) => o >= 0 && n >= 0 && o + n <= buf.length;
  const machine = u16(18);
  const phoff = addr(is64 ? 32 : 28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  let dyn: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (!inRange(o, phentsize)) return undefined;
    const type = u32(o);
    const offset = addr(is64 ? o + 8 : o + 4);
    const vaddr = addr(is64 ? o + 16 : o + 8);
    const filesz = addr(is64 ? o + 32 : o + 16);
    if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
    else if (type === PT_DYNAMIC) dyn = { offset, size: filesz };
  }
  if (!dyn || !inRange(dyn.offset, dyn.size)) return undefined;
  const toOffset = (vaddr: number) => {
    const seg = loads.find((l) => vaddr >= l.vaddr && vaddr < l.vaddr + l.filesz);
    return seg ? vaddr - seg.vaddr + seg.offset : undefined;
  };
  const entrySize = is64 ? 16 : 8;
  const entries: [number, number][] = [];
  for (let o = dyn.offset; o + entrySize <= dyn.offset + dyn.size; o += entrySize) {
    const tag = addr(o);
    if (tag === DT.NULL) break;
    entries.push([tag, addr(o + entrySize / 2)]);
  }
  const strtabAddr = entries.find(([t]) => t === DT.STRTAB)?.[1];
  const strsz = entries.find(([t]) => t === DT.STRSZ)?.[1] ?? 0;
  const strtab = strtabAddr === undefined ? undefined : toOffset(strtabAddr);
  if (strtab === undefined || !inRange(strtab, 1)) return { class: is64 ? 64 : 32, machine, needed: [] };
  const end = Math.min(buf.length, strtab + (strsz || buf.length));
  const str = (off: number) => {
    const start = strtab + off;
    if (start >= end) return '';
    const zero = buf.indexOf(0, start);
    return buf.toString('utf8', start, zero < 0 || zero > end ? end : zero);
  };
  const needed = entries.filter(([t]) => t === DT.NEEDED).map(([, v]) => str(v));
  const soname = entries.find(([t]) => t === DT.SONAME);
  const runpath = entries.find(([t]) => t === DT.RUNPATH) ?? entries.find(([t]) => t === DT.RPATH);
  return {
    class: is64 ? 64 : 32,
    machine,
    needed,
    soname: soname ? str(soname[1]) : undefined,
    runpath: runpath ? str(runpath[1]).split(':').filter(Boolean) : undefined,
  };
}

/** Reads a file's dynamic section (the whole file: shared objects of extensions are a few MB at most). */
export function readElfFile(file: string): ElfDynamicInfo | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    if (!isElf(head)) return undefined;
  } finally {
    fs.closeSync(fd);
  }
  return readElfDynamic(fs.readFileSync(file));
}
