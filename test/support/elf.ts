// Minimal ELF64 little-endian shared objects written byte by byte (System V gABI: ELF header, a PT_LOAD over the
// whole file, a PT_DYNAMIC with DT_NEEDED / DT_SONAME / DT_RUNPATH / DT_STRTAB / DT_STRSZ), so the library's ELF
// reader is checked against an independent writer, and a test can give a module exactly the needs it wants.

export interface SharedObjectSpec {
  readonly needed: readonly string[];
  readonly soname?: string;
  readonly runpath?: string;
  /** e_machine: 62 x86-64 (default), 183 AArch64. */
  readonly machine?: number;
}

const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, STRSZ: 10, SONAME: 14, RUNPATH: 29 };

export function sharedObject(spec: SharedObjectSpec): Buffer {
  const names = [...spec.needed, ...(spec.soname ? [spec.soname] : []), ...(spec.runpath ? [spec.runpath] : [])];
  const offsets = new Map<string, number>();
  let strtab = Buffer.from([0]);
  for (const n of names) {
    if (offsets.has(n)) continue;
    offsets.set(n, strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(`${n}\0`)]);
  }
  const strOff = 64 + 2 * 56;
  const dynOff = Math.ceil((strOff + strtab.length) / 8) * 8;
  const entries: [number, number][] = [
    ...spec.needed.map((n): [number, number] => [DT.NEEDED, offsets.get(n) as number]),
    ...(spec.soname ? [[DT.SONAME, offsets.get(spec.soname) as number] as [number, number]] : []),
    ...(spec.runpath ? [[DT.RUNPATH, offsets.get(spec.runpath) as number] as [number, number]] : []),
    [DT.STRTAB, strOff],
    [DT.STRSZ, strtab.length],
    [DT.NULL, 0],
  ];
  const size = dynOff + entries.length * 16;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(spec.machine ?? 62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(2, 56);
  b.writeUInt16LE(64, 58);
  const ph = (i: number, type: number, offset: number, filesz: number) => {
    const o = 64 + i * 56;
    b.writeUInt32LE(type, o);
    b.writeUInt32LE(4, o + 4);
    b.writeBigUInt64LE(BigInt(offset), o + 8);
    b.writeBigUInt64LE(BigInt(offset), o + 16);
    b.writeBigUInt64LE(BigInt(offset), o + 24);
    b.writeBigUInt64LE(BigInt(filesz), o + 32);
    b.writeBigUInt64LE(BigInt(filesz), o + 40);
    b.writeBigUInt64LE(8n, o + 48);
  };
  ph(0, 1, 0, size);
  ph(1, 2, dynOff, entries.length * 16);
  strtab.copy(b, strOff);
  entries.forEach(([tag, val], i) => {
    b.writeBigUInt64LE(BigInt(tag), dynOff + i * 16);
    b.writeBigUInt64LE(BigInt(val), dynOff + i * 16 + 8);
  });
  return b;
}
