// What an unpacked extension image holds, checked against how CNPG mounts it. CNPG (v1.30.0) mounts each
// image at /extensions/<name> (postgres.ExtensionsBaseDirectory) and:
// - prepends `$system` and appends /extensions/<name>/<dir> for each `extension_control_path` entry
//   (default ["share"]) to the extension_control_path GUC: pkg/postgres/configuration.go,
//   getRuntimeExtensionControlPath / setExtensionControlPath;
// - does the same for `dynamic_library_path` (default ["lib"], after `$libdir`): getDynamicLibraryPath;
// - appends /extensions/<name>/<dir> for each `ld_library_path` and `bin_path` entry (no default) to the postgres
//   process's LD_LIBRARY_PATH and PATH: pkg/utils/extensions/extensions.go CollectLibraryPaths /
//   CollectBinPaths, pkg/management/postgres/instance.go buildPostgresEnv;
// - sets each `env` entry with ${image_root} expanded (pkg/postgres/environment.go ExpandEnvPlaceholders).
// PostgreSQL 18 then reads the image as inspect-extensions.ts, modules.ts and versions.ts describe.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asWarning, type Finding } from '../core/findings';
import { expandEnvValue } from '../core/extension-image-checks';
import { versionProblem } from '../core/sql';
import { type ExtensionContext, type ImageExtension, listDir, moduleProblem, readExtensions, resolveModule } from './inspect-extensions';
import { checkLibraries, type ImageLibrary, walkImage } from './inspect-libraries';
import { builtInOperand, type OperandProvides } from './operand';
import { installPlan, planScripts, scriptsOf, updatePath } from './versions';

export type { ExtensionScript, ImageExtension, LoadedModule, SecondaryControl } from './inspect-extensions';
export type { ImageLibrary } from './inspect-libraries';

/** How the image is (or will be) mounted: the fields of `spec.postgresql.extensions[]` that name directories. */
export interface MountPaths {
  /** @default ['share'] (CNPG's default) */
  readonly extensionControlPath?: readonly string[];
  /** @default ['lib'] (CNPG's default) */
  readonly dynamicLibraryPath?: readonly string[];
  /** @default [] (CNPG's default: nothing is added to LD_LIBRARY_PATH) */
  readonly ldLibraryPath?: readonly string[];
  /** @default [] (CNPG's default: nothing is added to PATH) */
  readonly binPath?: readonly string[];
}

/** What the inspection knew of the operand image. */
export interface OperandSummary {
  readonly source: 'image' | 'built-in';
  readonly reference?: string;
  readonly digest?: string;
  readonly distro?: string;
  readonly libraries: number;
}

/** What an unpacked image holds, read the way CNPG mounts it and PostgreSQL 18 reads it. */
export interface ImageInspection {
  readonly paths: Required<MountPaths>;
  /** Where the image is mounted: `/extensions/<name>`. */
  readonly mountRoot: string;
  readonly extensions: readonly ImageExtension[];
  /** Shared objects under the library and LD paths. */
  readonly libraries: readonly ImageLibrary[];
  /** Top-level directories of the image. */
  readonly topLevel: readonly string[];
  readonly operand: OperandSummary;
  /** What is wrong or doubtful, each with its stable code (`missing-module`, `control-syntax`, ...). */
  readonly findings: readonly Finding[];
}

/** Options of {@link inspectImageDir}. */
export interface InspectOptions extends MountPaths {
  /**
   * CNPG extension name the image is mounted as (at /extensions/<name>).
   * @default 'extension'
   */
  readonly name?: string;
  /**
   * Where the image is mounted in the postgres container, for paths a control file or script gives as absolute.
   * @default `/extensions/<name>` (CNPG's postgres.ExtensionsBaseDirectory)
   */
  readonly mountRoot?: string;
  /**
   * Environment the image is mounted with (`env`, CNPG 1.29+): each `${image_root}/<path>` in a value must exist in
   * the image (PostGIS' `PROJ_DATA=${image_root}/share/proj`), or the extension fails at run time, not at mount.
   * @default - none checked
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * SQL extensions other mounted images provide, for `requires` (the operand's are added).
   * @default []
   */
  readonly availableExtensions?: readonly string[];
  /**
   * Shared libraries to assume present besides the operand's.
   * @default []
   */
  readonly assumeLibraries?: readonly string[];
  /**
   * What the operand image provides (measured with `measureOperand`).
   * @default the built-in lists for trixie
   */
  readonly operand?: OperandProvides;
  /**
   * ELF machine the modules must be built for (e_machine: 62 x86-64, 183 AArch64).
   * @default - not checked
   */
  readonly machine?: number;
}

const DEFAULT_CONTROL = ['share'];
const DEFAULT_LIBRARY = ['lib'];

/** A path of the mount spec as CNPG joins it (filepath.Join cleans "/lib", "./lib/" to "lib"). */
function clean(p: string): string {
  return path.posix.normalize(`/${p}`).slice(1) || '.';
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function context(root: string, paths: Required<MountPaths>, options: InspectOptions): ExtensionContext {
  return {
    root,
    mountRoot: options.mountRoot ?? `/extensions/${options.name ?? 'extension'}`,
    controlDirs: paths.extensionControlPath,
    dynamicDirs: paths.dynamicLibraryPath,
    operand: options.operand ?? builtInOperand(),
  };
}

/** Inspects an unpacked image at `root`. */
export function inspectImageDir(root: string, options: InspectOptions = {}): ImageInspection {
  const paths: Required<MountPaths> = {
    extensionControlPath: (options.extensionControlPath?.length ? options.extensionControlPath : DEFAULT_CONTROL).map(clean),
    dynamicLibraryPath: (options.dynamicLibraryPath?.length ? options.dynamicLibraryPath : DEFAULT_LIBRARY).map(clean),
    ldLibraryPath: (options.ldLibraryPath ?? []).map(clean),
    binPath: (options.binPath ?? []).map(clean),
  };
  const ctx = context(root, paths, options);
  const findings: Finding[] = [];

  // Only paths the user gave: CNPG's defaults (share, lib) may be absent (a pure-SQL image has no lib/).
  const given: Record<string, readonly string[]> = {
    extensionControlPath: options.extensionControlPath?.length ? paths.extensionControlPath : [],
    dynamicLibraryPath: options.dynamicLibraryPath?.length ? paths.dynamicLibraryPath : [],
    ldLibraryPath: paths.ldLibraryPath,
    binPath: paths.binPath,
  };
  for (const [field, dirs] of Object.entries(given)) {
    for (const d of dirs) {
      if (!isDir(path.join(root, d))) {
        findings.push({
          code: 'missing-path',
          field: d,
          message: `${field} names "${d}", which the image does not have`,
          fix: `remove it from ${field}, or fix the image`,
        });
      }
    }
  }

  const read = readExtensions(ctx);
  findings.push(...read.findings);
  const extensions = read.extensions;
  if (extensions.length === 0 && !read.findings.some((f) => f.code.startsWith('control-'))) findings.push(...layoutFindings(root, paths));

  for (const e of extensions) {
    if (ctx.operand.extensions.has(e.name)) {
      findings.push({
        severity: 'warning',
        code: 'extension-shadowed',
        field: e.controlFile,
        message: `the operand image has its own ${e.name}.control in $system, which comes first on extension_control_path: PostgreSQL uses the operand's ${e.name}, never this image's`,
        fix: `rename the extension, or drop it from the image and use the operand's`,
      });
    }
    if (!e.defaultVersion) {
      findings.push({
        severity: 'warning',
        code: 'no-default-version',
        field: e.controlFile,
        message: `has no default_version: CREATE EXTENSION ${e.name} without VERSION fails (version to install must be specified); a Database that names a version is fine`,
        fix: 'set default_version in the control file, or give the version in every Database',
      });
    } else if (versionProblem(e.defaultVersion)) {
      findings.push({
        code: 'default-version-invalid',
        field: e.controlFile,
        message: `default_version ${JSON.stringify(e.defaultVersion)}: ${versionProblem(e.defaultVersion)} (invalid extension version name)`,
        fix: 'use a version name PostgreSQL accepts',
      });
    } else if (!e.defaultInstall && e.scriptDirectory !== undefined) {
      findings.push({
        code: 'default-version-not-installable',
        field: e.name,
        message: `default_version ${e.defaultVersion} has no install script and no update path from one (the image has ${e.installScripts.map((v) => `${e.name}--${v}.sql`).join(', ') || 'no install script'})`,
        fix: `add ${e.name}--${e.defaultVersion}.sql or an update script that reaches it`,
      });
    }
  }

  const libs = checkLibraries({
    root,
    dynamicDirs: paths.dynamicLibraryPath,
    ldDirs: paths.ldLibraryPath,
    operand: ctx.operand,
    assumeLibraries: options.assumeLibraries ?? [],
    machine: options.machine,
  });
  findings.push(...libs.findings);
  findings.push(...requiresFindings(extensions, new Set([...(options.availableExtensions ?? []), ...ctx.operand.extensions])));
  findings.push(...envFindings(root, options.env ?? {}, ctx.mountRoot));

  return {
    paths,
    mountRoot: ctx.mountRoot,
    extensions: [...extensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    libraries: libs.libraries,
    topLevel: listDir(root),
    operand: {
      source: ctx.operand.source,
      reference: ctx.operand.reference,
      digest: ctx.operand.digest,
      distro: ctx.operand.distro,
      libraries: ctx.operand.libraries.size,
    },
    findings,
  };
}

/** No control file where PostgreSQL looks: fine for a module-only image (wal2json), wrong when they are elsewhere. */
function layoutFindings(root: string, paths: Required<MountPaths>): Finding[] {
  const found: string[] = [];
  walkImage(root, 6, (rel) => {
    if (rel.endsWith('.control')) found.push(rel);
  });
  const where = paths.extensionControlPath.map((d) => `${d}/extension/`).join(' or ');
  if (found.length) {
    return [
      {
        code: 'control-files-misplaced',
        field: paths.extensionControlPath.map((d) => `${d}/extension`).join(', '),
        message: `the image has no control file in ${where}: CNPG adds /extensions/<name>/${paths.extensionControlPath[0]} to extension_control_path, and PostgreSQL looks for <dir>/extension/<name>.control; control files are at ${found.slice(0, 3).join(', ')}`,
        fix: 'move them to share/extension/ in the image, or set extensionControlPath to the directory above their "extension" directory',
      },
    ];
  }
  const hasModules = paths.dynamicLibraryPath.some((d) => listDir(path.join(root, d)).some((f) => f.endsWith('.so')));
  if (hasModules) return [];
  return [
    {
      severity: 'warning',
      code: 'no-control-files',
      field: paths.extensionControlPath.map((d) => `${d}/extension`).join(', '),
      message: `the image has neither a control file in ${where} nor a module in ${paths.dynamicLibraryPath.map((d) => `${d}/`).join(' or ')}: it gives PostgreSQL nothing`,
      fix: "build the image with share/extension/<name>.control and the scripts beside it, and lib/ for modules (CNPG's extension image layout)",
    },
  ];
}

/** `requires` that nothing provides, and requirements in a cycle (neither can be created before the other). */
function requiresFindings(extensions: readonly ImageExtension[], elsewhere: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const mine = new Map(extensions.map((e) => [e.name, e]));
  for (const ext of extensions) {
    for (const r of ext.requires) {
      if (mine.has(r) || elsewhere.has(r)) continue;
      out.push({
        code: 'requires-unavailable',
        field: ext.name,
        message: `requires "${r}", which neither this image nor the operand image provides (CREATE EXTENSION ${ext.name} fails: required extension "${r}" is not installed)`,
        fix: `mount the image that provides ${r} too, or add it to this image`,
      });
    }
  }
  for (const cycle of requireCycles(extensions)) {
    out.push({
      code: 'requires-cycle',
      field: cycle[0],
      message: `requires itself through ${[...cycle, cycle[0]].join(' -> ')}: none of them can be created (CNPG creates extensions without CASCADE: required extension is not installed; with CASCADE PostgreSQL reports a cyclic dependency)`,
      fix: `remove one of the requires in the control files of ${cycle.join(', ')}`,
    });
  }
  return out;
}

/** The cycles of `requires` among the image's extensions (strongly connected components with an edge). */
export function requireCycles(extensions: readonly { name: string; requires: readonly string[] }[]): string[][] {
  const req = new Map(extensions.map((e) => [e.name, e.requires.filter((r) => extensions.some((x) => x.name === r))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of req.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (req.get(v) ?? []).includes(v)) out.push(scc.reverse());
    }
  };
  for (const e of extensions) if (!index.has(e.name)) visit(e.name);
  return out;
}

// env: each `${image_root}/<path>` CNPG expands (pkg/postgres/environment.go ExpandEnvPlaceholders; `$${...}`
// stays literal) must exist in the image.
function envFindings(root: string, env: Readonly<Record<string, string>>, mount: string): Finding[] {
  const out: Finding[] = [];
  for (const [variable, value] of Object.entries(env)) {
    const expanded = expandEnvValue(value, mount);
    for (const piece of expanded.split(':')) {
      const rel = path.posix.relative(mount, path.posix.normalize(piece.trim()));
      if (!piece.startsWith(mount) || rel.startsWith('..') || fs.existsSync(path.join(root, rel || '.'))) continue;
      out.push(
        asWarning({
          code: 'env-path-missing',
          field: variable,
          message: `is set to ${JSON.stringify(value)}, but the image has no ${rel}: what reads ${variable} will not find its files at run time`,
          fix: `fix the value (the image has ${listDir(root).join(', ') || 'nothing'} at its root), or the image`,
        }),
      );
    }
  }
  return out;
}

// What a statement would do on a server with the image mounted: the verdicts the PostgreSQL oracle tests compare
// with a real server. Each returns undefined when PostgreSQL would succeed, else the finding that says why not.

function controlError(ins: ImageInspection, name: string): Finding | undefined {
  return ins.findings.find(
    (f) => f.severity !== 'warning' && f.code.startsWith('control-') && f.field.endsWith(`/extension/${name}.control`),
  );
}

/** Why `SELECT * FROM pg_available_extensions` fails on a server with the image mounted, if it does. @internal */
export function listingVerdict(ins: ImageInspection): Finding | undefined {
  return ins.findings.find((f) => f.severity !== 'warning' && f.code.startsWith('control-') && f.code !== 'control-secondary-invalid');
}

/** Why `LOAD '<name>'` fails with the image mounted, if it does. @internal */
export function loadVerdict(root: string, ins: ImageInspection, name: string, operand?: OperandProvides): Finding | undefined {
  const ctx = context(root, ins.paths, { operand, mountRoot: ins.mountRoot });
  const m = resolveModule(ctx, { name, via: 'load' });
  if (!m.code || m.code === 'module-absolute-path') return undefined;
  return { code: m.code, field: name, ...moduleProblem(ctx, m) };
}

/**
 * Why `CREATE EXTENSION <name> [VERSION <version>] CASCADE` fails with the image mounted, if it does (requirements
 * from the image are created first, as CASCADE does). @internal
 */
export function createVerdict(
  ins: ImageInspection,
  name: string,
  version?: string,
  elsewhere: ReadonlySet<string> = new Set(),
  parents: readonly string[] = [],
): Finding | undefined {
  const ext = ins.extensions.find((e) => e.name === name);
  if (elsewhere.has(name)) return undefined;
  if (!ext)
    return (
      controlError(ins, name) ?? { code: 'extension-unavailable', field: name, message: `extension "${name}" is not available`, fix: '' }
    );
  const v = version ?? ext.defaultVersion;
  if (v === undefined) return ins.findings.find((f) => f.code === 'no-default-version' && f.field === ext.controlFile);
  if (versionProblem(v)) return { code: 'default-version-invalid', field: name, message: versionProblem(v) as string, fix: '' };
  if (ext.scriptDirectory === undefined)
    return { code: 'directory-outside-image', field: name, message: 'scripts outside the image', fix: '' };
  const dirMissing = ins.findings.find((f) => f.code === 'script-directory-missing' && f.field === ext.controlFile);
  if (dirMissing) return dirMissing;
  const scripts = scriptsOf(
    name,
    ext.scripts.map((s) => s.file),
  );
  const plan = installPlan(scripts, v);
  if (!plan)
    return {
      code: 'default-version-not-installable',
      field: name,
      message: `no installation script nor update path for version "${v}"`,
      fix: '',
    };
  return planVerdict(ins, ext, [plan.start, ...plan.path], planScripts(name, plan), elsewhere, [...parents, name]);
}

/** Why `ALTER EXTENSION <name> UPDATE TO <to>` from `from` fails, if it does (undefined also when `from` cannot be installed). @internal */
export function updateVerdict(
  ins: ImageInspection,
  name: string,
  from: string,
  to: string,
  elsewhere: ReadonlySet<string> = new Set(),
): Finding | undefined {
  const ext = ins.extensions.find((e) => e.name === name);
  if (!ext || createVerdict(ins, name, from, elsewhere)) return undefined;
  const scripts = scriptsOf(
    name,
    ext.scripts.map((s) => s.file),
  );
  const p = updatePath(scripts, from, to);
  if (!p) return { code: 'no-update-path', field: name, message: `no update path from version "${from}" to version "${to}"`, fix: '' };
  const files: string[] = [];
  let prev = from;
  for (const x of p) {
    files.push(`${name}--${prev}--${x}.sql`);
    prev = x;
  }
  return planVerdict(ins, ext, p, files, elsewhere, [name]);
}

function planVerdict(
  ins: ImageInspection,
  ext: ImageExtension,
  versions: readonly string[],
  files: readonly string[],
  elsewhere: ReadonlySet<string>,
  parents: readonly string[],
): Finding | undefined {
  for (const v of versions) {
    const sec = ext.secondaryControlFiles.find((s) => s.version === v);
    if (sec?.error) return ins.findings.find((f) => f.code === 'control-secondary-invalid' && f.field === sec.file);
    // The requirements of every version on the plan (CreateExtensionInternal, then ApplyExtensionUpdates).
    for (const r of sec?.requires ?? ext.requires) {
      if (parents.includes(r))
        return {
          code: 'requires-cycle',
          field: ext.name,
          message: `cyclic dependency detected between extensions "${r}" and "${ext.name}"`,
          fix: '',
        };
      if (elsewhere.has(r)) continue;
      if (ins.extensions.some((e) => e.name === r)) {
        const inner = createVerdict(ins, r, undefined, elsewhere, parents);
        if (inner) return inner;
        continue;
      }
      const missing = ins.findings.find(
        (f) => f.code === 'requires-unavailable' && f.field === ext.name && f.message.startsWith(`requires "${r}"`),
      );
      if (missing) return missing;
    }
  }
  for (const file of files) {
    const s = ext.scripts.find((x) => x.file === file);
    const bad = s?.loads.find((m) => m.code && m.code !== 'module-absolute-path' && m.code !== 'module-outside-image');
    if (bad) return { code: bad.code as string, field: `${ext.scriptDirectory}/${file}`, message: bad.name, fix: '' };
  }
  return undefined;
}
