// What an unpacked extension image holds, checked against how CNPG mounts it. CNPG (v1.30.0) mounts each
// image at /extensions/<name> and:
// - prepends `$system` and appends /extensions/<name>/<dir> for each `extension_control_path` entry
//   (default ["share"]) to the extension_control_path GUC: pkg/postgres/configuration.go,
//   getRuntimeExtensionControlPath / setExtensionControlPath;
// - does the same for `dynamic_library_path` (default ["lib"], after `$libdir`): getDynamicLibraryPath;
// - appends /extensions/<name>/<dir> for each `ld_library_path` entry (no default) to the postgres process's
//   LD_LIBRARY_PATH: pkg/utils/extensions/extensions.go CollectLibraryPaths, pkg/management/postgres/instance.go.
// PostgreSQL 18 looks for `<dir>/extension/<name>.control` in each extension_control_path directory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_IMAGE_EXTENSIONS } from '../core/extension-catalog';
import {
  type ControlFile,
  compareVersions,
  installableVersions,
  modulesReferenced,
  parseControlFile,
  type ScriptSet,
  scriptsOf,
} from './control';
import { readElfFile } from './elf';

/** How the image is (or will be) mounted: the fields of `spec.postgresql.extensions[]` that name directories. */
export interface MountPaths {
  /** @default ['share'] (CNPG's default) */
  readonly extensionControlPath?: readonly string[];
  /** @default ['lib'] (CNPG's default) */
  readonly dynamicLibraryPath?: readonly string[];
  /** @default [] (CNPG's default: nothing is added to LD_LIBRARY_PATH) */
  readonly ldLibraryPath?: readonly string[];
}

export interface ImageExtension {
  readonly name: string;
  /** The control file, relative to the image root. */
  readonly controlFile: string;
  readonly defaultVersion?: string;
  /** Every version CREATE EXTENSION can install from the scripts, oldest first. */
  readonly versions: readonly string[];
  readonly installScripts: readonly string[];
  readonly updates: readonly { readonly from: string; readonly to: string }[];
  readonly requires: readonly string[];
  readonly modulePathname?: string;
  /** Modules (`$libdir/<name>`) the control file and scripts load. */
  readonly modules: readonly string[];
  readonly relocatable: boolean;
  readonly schema?: string;
  readonly trusted: boolean;
  readonly superuser: boolean;
  readonly comment?: string;
}

export interface ImageLibrary {
  /** Relative to the image root. */
  readonly file: string;
  readonly soname?: string;
  readonly needed: readonly string[];
  /** Needed libraries that neither the image (on its paths) nor the operand image provides. */
  readonly missing: readonly string[];
}

export type ImageProblemCode =
  | 'no-control-files'
  | 'control-syntax'
  | 'control-unknown-key'
  | 'no-default-version'
  | 'default-version-not-installable'
  | 'missing-module'
  | 'missing-library'
  | 'library-not-on-path'
  | 'missing-path'
  | 'requires-unavailable'
  | 'env-path-missing'
  | 'wrong-architecture';

export interface ImageProblem {
  readonly severity: 'error' | 'warning';
  readonly code: ImageProblemCode;
  /** What it is about: an extension, a file or a path of the image. */
  readonly subject: string;
  readonly message: string;
  readonly fix: string;
}

export interface ImageInspection {
  readonly paths: Required<MountPaths>;
  readonly extensions: readonly ImageExtension[];
  /** Shared objects under the library and LD paths. */
  readonly libraries: readonly ImageLibrary[];
  /** Top-level directories of the image. */
  readonly topLevel: readonly string[];
  readonly problems: readonly ImageProblem[];
}

export interface InspectOptions extends MountPaths {
  /**
   * Environment the image is mounted with (`env`, CNPG 1.29+): each `${image_root}/<path>` in a value must exist in
   * the image (PostGIS' `PROJ_DATA=${image_root}/share/proj`), or the extension fails at run time, not at mount.
   * @default - none checked
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * SQL extensions other mounted images (or the operand) provide, for `requires`.
   * @default the operand image's contrib extensions (BASE_IMAGE_EXTENSIONS)
   */
  readonly availableExtensions?: readonly string[];
  /**
   * Shared libraries to assume present besides the operand's ({@link OPERAND_LIBRARIES}).
   * @default []
   */
  readonly assumeLibraries?: readonly string[];
  /**
   * ELF machine the modules must be built for (e_machine: 62 x86-64, 183 AArch64).
   * @default - not checked
   */
  readonly machine?: number;
}

/**
 * Shared libraries the operand image `ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie` is assumed to
 * provide: glibc and the runtime libraries of Debian trixie's `postgresql-18` package (its Depends: OpenSSL 3,
 * ICU 76, libxml2, libxslt, LZ4, Zstandard, zlib, OpenLDAP, MIT Kerberos, PAM, systemd, libnuma, liburing,
 * libuuid, libselinux) and what those pull in. An approximation: a library missing from it is reported, and
 * `assumeLibraries` (`--assume-library`) adds the ones your operand image has.
 */
export const OPERAND_LIBRARIES: readonly string[] = [
  'ld-linux-x86-64.so.2',
  'ld-linux-aarch64.so.1',
  'libc.so.6',
  'libm.so.6',
  'libdl.so.2',
  'libpthread.so.0',
  'librt.so.1',
  'libresolv.so.2',
  'libutil.so.1',
  'libanl.so.1',
  'libcrypt.so.1',
  'libgcc_s.so.1',
  'libstdc++.so.6',
  'libssl.so.3',
  'libcrypto.so.3',
  'libz.so.1',
  'libzstd.so.1',
  'liblz4.so.1',
  'liblzma.so.5',
  'libxml2.so.2',
  'libxslt.so.1',
  'libexslt.so.0',
  'libicuuc.so.76',
  'libicui18n.so.76',
  'libicudata.so.76',
  'libldap.so.2',
  'liblber.so.2',
  'libsasl2.so.2',
  'libgssapi_krb5.so.2',
  'libkrb5.so.3',
  'libk5crypto.so.3',
  'libkrb5support.so.0',
  'libcom_err.so.2',
  'libkeyutils.so.1',
  'libpam.so.0',
  'libsystemd.so.0',
  'libcap.so.2',
  'libgcrypt.so.20',
  'libgpg-error.so.0',
  'libnuma.so.1',
  'liburing.so.2',
  'libuuid.so.1',
  'libselinux.so.1',
  'libpcre2-8.so.0',
  'libpq.so.5',
  'libgnutls.so.30',
  'libtinfo.so.6',
  'libreadline.so.8',
  'libffi.so.8',
];

const DEFAULT_CONTROL = ['share'];
const DEFAULT_LIBRARY = ['lib'];

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A path of the mount spec as CNPG joins it (filepath.Join cleans "/lib", "./lib/" to "lib"). */
function clean(p: string): string {
  return path.posix.normalize(`/${p}`).slice(1) || '.';
}

/** Shared objects (`*.so`, `*.so.N`) in `dir`, links included, with their names. */
function sharedObjects(root: string, dir: string): string[] {
  return listDir(path.join(root, dir)).filter((f) => /\.so(\.\d+)*$/.test(f));
}

/** Inspects an unpacked image at `root`. */
export function inspectImageDir(root: string, options: InspectOptions = {}): ImageInspection {
  const paths: Required<MountPaths> = {
    extensionControlPath: (options.extensionControlPath?.length ? options.extensionControlPath : DEFAULT_CONTROL).map(clean),
    dynamicLibraryPath: (options.dynamicLibraryPath?.length ? options.dynamicLibraryPath : DEFAULT_LIBRARY).map(clean),
    ldLibraryPath: (options.ldLibraryPath ?? []).map(clean),
  };
  const problems: ImageProblem[] = [];
  const problem = (severity: ImageProblem['severity'], code: ImageProblemCode, subject: string, message: string, fix: string) =>
    problems.push({ severity, code, subject, message, fix });

  // Only paths the user gave: CNPG's defaults (share, lib) may be absent (a pure-SQL image has no lib/).
  const given: Record<string, readonly string[]> = {
    extensionControlPath: options.extensionControlPath?.length ? paths.extensionControlPath : [],
    dynamicLibraryPath: options.dynamicLibraryPath?.length ? paths.dynamicLibraryPath : [],
    ldLibraryPath: paths.ldLibraryPath,
  };
  for (const [field, dirs] of Object.entries(given)) {
    for (const d of dirs) {
      if (!isDir(path.join(root, d))) {
        problem(
          'error',
          'missing-path',
          d,
          `${field} names "${d}", which the image does not have`,
          `remove it from ${field}, or fix the image`,
        );
      }
    }
  }

  // Control files, in extension_control_path order (the first one PostgreSQL finds wins).
  const extensions: ImageExtension[] = [];
  const seen = new Set<string>();
  for (const dir of paths.extensionControlPath) {
    const extDir = path.posix.join(dir, 'extension');
    for (const f of listDir(path.join(root, extDir))) {
      if (!f.endsWith('.control') || f.includes('--')) continue;
      const name = f.slice(0, -'.control'.length);
      if (seen.has(name)) continue;
      seen.add(name);
      const controlFile = path.posix.join(extDir, f);
      let control: ControlFile;
      try {
        control = parseControlFile(fs.readFileSync(path.join(root, controlFile), 'utf8'));
      } catch (e) {
        problem(
          'error',
          'control-syntax',
          controlFile,
          `cannot be parsed: ${(e as Error).message}`,
          'fix the control file (PostgreSQL refuses it too)',
        );
        continue;
      }
      for (const k of control.unknown) {
        problem(
          'error',
          'control-unknown-key',
          controlFile,
          `has the key "${k}", which PostgreSQL does not know (CREATE EXTENSION fails: unrecognized parameter)`,
          'remove the key',
        );
      }
      const scriptDir = control.directory
        ? path.posix.isAbsolute(control.directory)
          ? undefined
          : path.posix.join(dir, control.directory)
        : extDir;
      const files = scriptDir ? listDir(path.join(root, scriptDir)) : [];
      const scripts: ScriptSet = scriptsOf(name, files);
      const versions = installableVersions(scripts);
      const modules = new Set<string>(control.module_pathname ? modulesReferenced(control.module_pathname) : []);
      for (const f of files) {
        if (!f.startsWith(`${name}--`) || !f.endsWith('.sql')) continue;
        const text = fs.readFileSync(path.join(root, scriptDir as string, f), 'utf8');
        for (const m of modulesReferenced(text)) modules.add(m);
        if (control.module_pathname && text.includes('MODULE_PATHNAME'))
          for (const m of modulesReferenced(control.module_pathname)) modules.add(m);
      }
      const ext: ImageExtension = {
        name,
        controlFile,
        defaultVersion: control.default_version,
        versions,
        installScripts: scripts.installScripts,
        updates: [...scripts.updates].sort((a, b) => compareVersions(a.from, b.from) || compareVersions(a.to, b.to)),
        requires: control.requires ?? [],
        modulePathname: control.module_pathname,
        modules: [...modules].sort(),
        relocatable: control.relocatable ?? false,
        schema: control.schema,
        trusted: control.trusted ?? false,
        superuser: control.superuser ?? true,
        comment: control.comment,
      };
      extensions.push(ext);
      if (!ext.defaultVersion) {
        problem(
          'error',
          'no-default-version',
          controlFile,
          'has no default_version: CREATE EXTENSION without VERSION fails',
          'set default_version in the control file',
        );
      } else if (!versions.includes(ext.defaultVersion)) {
        problem(
          'error',
          'default-version-not-installable',
          name,
          `default_version ${ext.defaultVersion} has no install script and no update path from one (the image has ${scripts.installScripts.map((v) => `${name}--${v}.sql`).join(', ') || 'no install script'})`,
          `add ${name}--${ext.defaultVersion}.sql or an update script that reaches it`,
        );
      }
    }
  }
  if (extensions.length === 0 && !problems.some((p) => p.code === 'control-syntax')) {
    const found = findControlFiles(root);
    problem(
      'error',
      'no-control-files',
      paths.extensionControlPath.map((d) => `${d}/extension`).join(', '),
      `the image has no control file in ${paths.extensionControlPath.map((d) => `${d}/extension/`).join(' or ')}: CNPG adds /extensions/<name>/${paths.extensionControlPath[0]} to extension_control_path, and PostgreSQL looks for <dir>/extension/<name>.control${found.length ? `; control files are at ${found.slice(0, 3).join(', ')}` : ''}`,
      found.length
        ? `move them to share/extension/ in the image, or set extensionControlPath to the directory above their "extension" directory`
        : "build the image with share/extension/<name>.control and the scripts beside it (CNPG's extension image layout)",
    );
  }

  // Modules: each `$libdir/<m>` must be in one of the image's dynamic_library_path directories.
  const moduleFiles = new Map<string, string>();
  for (const dir of paths.dynamicLibraryPath) {
    for (const f of listDir(path.join(root, dir))) {
      const m = f.replace(/\.so$/, '');
      if (!moduleFiles.has(m)) moduleFiles.set(m, path.posix.join(dir, f));
    }
  }
  for (const ext of extensions) {
    for (const m of ext.modules) {
      if (moduleFiles.has(m)) continue;
      problem(
        'error',
        'missing-module',
        ext.name,
        `loads the module "${m}" ($libdir/${m}), which is not in ${paths.dynamicLibraryPath.map((d) => `${d}/`).join(' or ')} of the image (CREATE EXTENSION fails: could not access file "$libdir/${m}")`,
        `add ${paths.dynamicLibraryPath[0]}/${m}.so to the image, or point dynamicLibraryPath at the directory that has it`,
      );
    }
  }

  // Libraries: DT_NEEDED of every module and every library on the LD paths, resolved like the dynamic
  // loader resolves a module postgres dlopen()s: RUNPATH ($ORIGIN inside the image), LD_LIBRARY_PATH, system.
  const onLdPath = new Map<string, string>();
  for (const dir of paths.ldLibraryPath)
    for (const f of sharedObjects(root, dir)) if (!onLdPath.has(f)) onLdPath.set(f, path.posix.join(dir, f));
  const assumed = new Set([...OPERAND_LIBRARIES, ...(options.assumeLibraries ?? [])]);
  const elsewhere = new Map<string, string>();
  for (const d of topLevelDirsWithLibraries(root)) {
    for (const f of sharedObjects(root, d)) if (!elsewhere.has(f)) elsewhere.set(f, path.posix.join(d, f));
  }
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
    if (options.machine !== undefined && info.machine !== options.machine) {
      problem(
        'error',
        'wrong-architecture',
        rel,
        `is built for ELF machine ${info.machine}, not ${options.machine}`,
        "use the image for the cluster nodes' architecture (--platform)",
      );
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
  for (const dir of paths.dynamicLibraryPath) for (const f of sharedObjects(root, dir)) scan(path.posix.join(dir, f));
  for (const rel of onLdPath.values()) scan(rel);
  const missingBy = new Map<string, string[]>();
  for (const lib of libraries) for (const n of lib.missing) missingBy.set(n, [...(missingBy.get(n) ?? []), lib.file]);
  for (const [lib, users] of missingBy) {
    const inImage = elsewhere.get(lib);
    if (inImage) {
      const dir = path.posix.dirname(inImage);
      problem(
        'error',
        'library-not-on-path',
        lib,
        `is needed by ${users.join(', ')} and is in the image at ${inImage}, but ${dir} is not in ld_library_path, so the loader will not find it (could not load library: ${lib}: cannot open shared object file)`,
        `mount the image with ldLibraryPath: ['${dir}']`,
      );
    } else {
      problem(
        'error',
        'missing-library',
        lib,
        `is needed by ${users.join(', ')}, and neither the image (on its ld_library_path${paths.ldLibraryPath.length ? `: ${paths.ldLibraryPath.join(', ')}` : ', which is empty'}) nor the operand image provides it`,
        `add ${lib} to the image (CNPG's images put such libraries in system/ and mount it with ldLibraryPath: ['system']), or, if your operand image has it, pass it as assumeLibraries (--assume-library ${lib})`,
      );
    }
  }

  // requires: other extensions of this image, of other mounted images, or of the operand image.
  const available = new Set([...extensions.map((e) => e.name), ...(options.availableExtensions ?? Object.keys(BASE_IMAGE_EXTENSIONS))]);
  for (const ext of extensions) {
    for (const r of ext.requires) {
      if (available.has(r)) continue;
      problem(
        'error',
        'requires-unavailable',
        ext.name,
        `requires "${r}", which neither this image nor the operand image provides (CREATE EXTENSION ${ext.name} fails: required extension "${r}" is not installed)`,
        `mount the image that provides ${r} too, or add it to this image`,
      );
    }
  }

  // env: CNPG expands ${image_root} to the mount point (pkg/utils/extensions SetEnvVars, ExpandEnvPlaceholders).
  for (const [name, value] of Object.entries(options.env ?? {})) {
    for (const m of value.matchAll(/\$\{image_root\}\/?([^:\s]*)/g)) {
      const rel = clean(m[1] || '.');
      if (rel === '..' || rel.startsWith('../') || fs.existsSync(path.join(root, rel))) continue;
      problem(
        'warning',
        'env-path-missing',
        name,
        `is set to ${JSON.stringify(value)}, but the image has no ${rel}: what reads ${name} will not find its files at run time`,
        `fix the value (the image has ${listDir(root).join(', ') || 'nothing'} at its root), or the image`,
      );
    }
  }

  return {
    paths,
    extensions: extensions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    libraries,
    topLevel: listDir(root),
    problems,
  };
}

/** Every entry below `root` (relative path, lstat), descending into real directories (never links) to `maxDepth`. */
function walkImage(root: string, maxDepth: number, visit: (rel: string, st: fs.Stats) => void): void {
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

function topLevelDirsWithLibraries(root: string): string[] {
  const out: string[] = [];
  walkImage(root, 3, (rel, st) => {
    if (st.isDirectory() && sharedObjects(root, rel).length) out.push(rel);
  });
  return out;
}

function findControlFiles(root: string): string[] {
  const out: string[] = [];
  walkImage(root, 6, (rel) => {
    if (rel.endsWith('.control')) out.push(rel);
  });
  return out;
}
