// The shared libraries an image's modules need (DT_NEEDED), resolved the way the dynamic loader resolves a
// module postgres dlopen()s (ld.so(8)): the module's RUNPATH ($ORIGIN inside the image), LD_LIBRARY_PATH (CNPG
// appends /extensions/<name>/<dir> for each ld_library_path entry: pkg/utils/extensions/extensions.go,
// CollectLibraryPaths), then the operand's own libraries (what operand.ts knows of them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import { readElfFile } from './elf';
import { listDir } from './inspect-extensions';
import type { OperandProvides } from './operand';

/** A shared object of an image, with the libraries it needs and those nothing provides. */
export interface ImageLibrary {
  /** Relative to the image root. */
  readonly file: string;
  readonly soname?: string;
  readonly needed: readonly string[];
  /** Needed libraries that neither the image (on its paths) nor the operand image provides. */
  readonly missing: readonly string[];
}

/** Shared objects (`*.so`, `*.so.N`) in `dir`, links included, with their names. */
export function sharedObjects(root: string, dir: string): string[] {
  return listDir(path.join(root, dir)).filter((f) => /\.so(\.\d+)*$/.test(f));
}

/** Every entry below `root` (relative path, lstat), descending into real directories (never links) to `maxDepth`. */
export function walkImage(root: string, maxDepth: number, visit: (rel: string, st: fs.Stats) => void): void {
  const walk = (rel: string, depth: number) => {
    for (const f of listDir(path.join(root, rel))) {
      const child = rel ? `${rel}/${f}` : f;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(root, child));
      } catch {
        continue;
      }
      visit(child, st);
      if (st.isDirectory() && depth < maxDepth) walk(child, depth + 1);
    }
  };
  walk('', 0);
}

export interface LibraryContext {
  readonly root: string;
  readonly dynamicDirs: readonly string[];
  readonly ldDirs: readonly string[];
  readonly operand: OperandProvides;
  readonly assumeLibraries: readonly string[];
  readonly machine?: number;
}

/** The DT_NEEDED closure of the image's modules and of the libraries on its LD paths, with the findings. */
export function checkLibraries(ctx: LibraryContext): { libraries: ImageLibrary[]; findings: Finding[] } {
  const { root } = ctx;
  const findings: Finding[] = [];
  const onLdPath = new Map<string, string>();
  for (const dir of ctx.ldDirs) for (const f of sharedObjects(root, dir)) if (!onLdPath.has(f)) onLdPath.set(f, path.posix.join(dir, f));
  const assumed = new Set([...ctx.operand.libraries, ...ctx.assumeLibraries]);
  // Shared objects anywhere in the image (three levels down), by name: looked for only when a library is missing.
  let elsewhere: Map<string, string> | undefined;
  const findElsewhere = (lib: string): string | undefined => {
    if (!elsewhere) {
      const found = new Map<string, string>();
      walkImage(root, 3, (rel, st) => {
        if (!st.isDirectory()) return;
        for (const f of sharedObjects(root, rel)) if (!found.has(f)) found.set(f, path.posix.join(rel, f));
      });
      elsewhere = found;
    }
    return elsewhere.get(lib);
  };
  const libraries: ImageLibrary[] = [];
  const scanned = new Set<string>();
  const scan = (rel: string) => {
    if (scanned.has(rel)) return;
    scanned.add(rel);
    const abs = path.join(root, rel);
    let info: ReturnType<typeof readElfFile>;
    try {
      if (!fs.statSync(abs).isFile()) return;
      info = readElfFile(abs);
    } catch {
      return;
    }
    if (!info) return;
    if (ctx.machine !== undefined && info.machine !== ctx.machine) {
      findings.push({
        code: 'wrong-architecture',
        field: rel,
        message: `is built for ELF machine ${info.machine}, not ${ctx.machine}`,
        fix: "use the image for the cluster nodes' architecture (--platform)",
      });
    }
    const runDirs = (info.runpath ?? [])
      .filter((r) => r.startsWith('$ORIGIN'))
      .map((r) => path.posix.normalize(path.posix.join(path.posix.dirname(rel), r.replace(/^\$ORIGIN/, ''))))
      .filter((d) => d !== '..' && !d.startsWith('../'));
    const missing = info.needed.filter(
      (n) => !(assumed.has(n) || onLdPath.has(n) || runDirs.some((d) => fs.existsSync(path.join(root, d, n)))),
    );
    libraries.push({ file: rel, soname: info.soname, needed: info.needed, missing });
  };
  for (const dir of ctx.dynamicDirs) for (const f of sharedObjects(root, dir)) scan(path.posix.join(dir, f));
  for (const rel of onLdPath.values()) scan(rel);
  const missingBy = new Map<string, string[]>();
  for (const lib of libraries) for (const n of lib.missing) missingBy.set(n, [...(missingBy.get(n) ?? []), lib.file]);
  const operand =
    ctx.operand.source === 'image'
      ? `the operand image (${ctx.operand.reference ?? 'measured'})`
      : `the operand image (by the built-in list for ${ctx.operand.distro ?? 'trixie'}: pass --operand <ref> to measure yours)`;
  for (const [lib, users] of missingBy) {
    const inImage = findElsewhere(lib);
    if (inImage) {
      const dir = path.posix.dirname(inImage);
      findings.push({
        code: 'library-not-on-path',
        field: lib,
        message: `is needed by ${users.join(', ')} and is in the image at ${inImage}, but ${dir} is not in ld_library_path, so the loader will not find it (could not load library: ${lib}: cannot open shared object file)`,
        fix: `mount the image with ldLibraryPath: ['${dir}']`,
      });
    } else {
      findings.push({
        code: 'missing-library',
        field: lib,
        message: `is needed by ${users.join(', ')}, and neither the image (on its ld_library_path${ctx.ldDirs.length ? `: ${ctx.ldDirs.join(', ')}` : ', which is empty'}) nor ${operand} provides it`,
        fix: `add ${lib} to the image (CNPG's images put such libraries in system/ and mount it with ldLibraryPath: ['system']), or, if your operand image has it, measure it (--operand <ref>) or pass it as assumeLibraries (--assume-library ${lib})`,
      });
    }
  }
  return { libraries, findings };
}
