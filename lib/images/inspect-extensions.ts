// The SQL extensions of an unpacked image as PostgreSQL 18 finds them once CNPG mounts it
// (src/backend/commands/extension.c): control files `<dir>/extension/<name>.control` per extension_control_path
// entry (get_extension_control_directories, find_extension_control_filename), the script directory
// (get_extension_script_directory: the control file's directory, or `directory` taken as absolute or relative to
// the entry), secondary control files `<name>--<version>.control` beside the scripts
// (get_extension_aux_control_filename), and the shared objects each script loads (modules.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import { type ControlFile, ControlFileError, controlFromEntries, type IncludeReader, parseConfigEntries } from './control';
import { type ModuleReference, moduleLookup, moduleReferences } from './modules';
import type { OperandProvides } from './operand';
import { compareVersions, type InstallPlan, installableVersions, installPlan, planScripts, scriptsOf } from './versions';

/** A shared object one script loads, and where PostgreSQL finds it once the image is mounted. */
export interface LoadedModule extends ModuleReference {
  /** Where it is found: a path in the image (`lib/vector.so`), or `$libdir/<file>` (the operand's). */
  readonly found?: string;
  /** The rule it breaks, when it does (`missing-module`, `load-libdir`, `module-libdir-nested`, ...). */
  readonly code?: string;
}

/** An install or update script of an extension, and the modules it loads. */
export interface ExtensionScript {
  /** File name in the script directory. */
  readonly file: string;
  readonly loads: readonly LoadedModule[];
}

/** A secondary control file `<name>--<version>.control`, read over the primary one for that version. */
export interface SecondaryControl {
  readonly version: string;
  readonly file: string;
  /** Why PostgreSQL refuses it, when it does. */
  readonly error?: string;
  readonly requires?: readonly string[];
  readonly modulePathname?: string;
}

/** An extension of an image, as its control file and scripts describe it. */
export interface ImageExtension {
  readonly name: string;
  /** The control file, relative to the image root. */
  readonly controlFile: string;
  /** The script directory, relative to the image root (undefined when it is outside the image). */
  readonly scriptDirectory?: string;
  readonly defaultVersion?: string;
  /** Every version CREATE EXTENSION can install from the scripts, oldest first. */
  readonly versions: readonly string[];
  readonly installScripts: readonly string[];
  readonly updates: readonly { readonly from: string; readonly to: string }[];
  /** How CREATE EXTENSION without VERSION installs the default version (find_install_path). */
  readonly defaultInstall?: InstallPlan;
  readonly requires: readonly string[];
  readonly modulePathname?: string;
  /** Every module the scripts load (as written, without a leading `$libdir/` and `.so`). */
  readonly modules: readonly string[];
  readonly scripts: readonly ExtensionScript[];
  readonly secondaryControlFiles: readonly SecondaryControl[];
  readonly relocatable: boolean;
  readonly schema?: string;
  readonly trusted: boolean;
  readonly superuser: boolean;
  readonly comment?: string;
}

/** Where the image is and how it is mounted. */
export interface ExtensionContext {
  /** The unpacked image. */
  readonly root: string;
  /** Where the image is mounted in the postgres container: CNPG's `/extensions/<name>`. */
  readonly mountRoot: string;
  readonly controlDirs: readonly string[];
  readonly dynamicDirs: readonly string[];
  readonly operand: OperandProvides;
}

export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return !fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A path as mounted (`/extensions/<name>/x`) inside the image, relative to its root; undefined when outside. */
export function inImage(ctx: ExtensionContext, mounted: string): string | undefined {
  const rel = path.posix.relative(ctx.mountRoot, path.posix.normalize(mounted));
  return rel === '' ? '.' : rel.startsWith('..') || path.posix.isAbsolute(rel) ? undefined : rel;
}

function includeReader(ctx: ExtensionContext): IncludeReader {
  const abs = (p: string) => {
    const rel = inImage(ctx, p);
    return rel === undefined ? undefined : path.join(ctx.root, rel);
  };
  return {
    readFile: (p) => {
      const a = abs(p);
      try {
        return a && fs.statSync(a).isFile() ? fs.readFileSync(a, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      const a = abs(p);
      try {
        return a && fs.statSync(a).isDirectory() ? fs.readdirSync(a) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads a control file as PostgreSQL does (includes relative to it); `base` for a secondary one. */
function readControl(ctx: ExtensionContext, rel: string, base?: ControlFile): ControlFile {
  const mounted = path.posix.join(ctx.mountRoot, rel);
  const text = fs.readFileSync(path.join(ctx.root, rel), 'utf8');
  try {
    return controlFromEntries(parseConfigEntries(text, mounted, includeReader(ctx)), base);
  } catch (e) {
    // Name files as the image has them, not as mounted.
    if (e instanceof ControlFileError)
      throw new ControlFileError(e.code, inImage(ctx, e.file) ?? e.file, e.message.split(ctx.mountRoot + '/').join(''), e.line);
    throw e;
  }
}

/** Resolves one module reference as dfmgr.c would with the image mounted. */
export function resolveModule(ctx: ExtensionContext, ref: ModuleReference): LoadedModule {
  const look = moduleLookup(ref);
  const inDirs = (file: string) => {
    for (const d of ctx.dynamicDirs) if (isFile(path.join(ctx.root, d, file))) return path.posix.join(d, file);
    return undefined;
  };
  const search = (name: string): string | undefined => {
    for (const file of [name, `${name}.so`]) {
      if (ctx.operand.modules.has(file)) return `$libdir/${file}`;
      const found = inDirs(file);
      if (found) return found;
    }
    return undefined;
  };
  if (look.kind === 'search') {
    const found = search(look.name);
    return found ? { ...ref, found } : { ...ref, code: 'missing-module' };
  }
  if (look.kind === 'libdir') {
    for (const file of [look.rest, `${look.rest}.so`]) if (ctx.operand.modules.has(file)) return { ...ref, found: `$libdir/${file}` };
    if (!look.rest.includes('/') && search(look.rest)) return { ...ref, code: 'load-libdir' };
    return { ...ref, code: look.rest.includes('/') ? 'module-libdir-nested' : 'missing-module' };
  }
  // A relative path with "/" is relative to the data directory (the server's working directory).
  if (!path.posix.isAbsolute(look.path)) return { ...ref, code: 'module-path-relative' };
  const rel = inImage(ctx, look.path);
  if (rel !== undefined) {
    for (const file of [rel, `${rel}.so`])
      if (isFile(path.join(ctx.root, file))) return { ...ref, found: file, code: 'module-absolute-path' };
    return { ...ref, code: 'missing-module' };
  }
  const inPkglib = path.posix.relative(ctx.operand.pkglibDir, look.path);
  if (!inPkglib.startsWith('..') && !inPkglib.includes('/')) {
    for (const file of [inPkglib, `${inPkglib}.so`]) if (ctx.operand.modules.has(file)) return { ...ref, found: `$libdir/${file}` };
    return { ...ref, code: 'missing-module' };
  }
  return { ...ref, code: 'module-outside-image' };
}

/** Codes of {@link resolveModule} that are warnings: the module is found, or cannot be checked. */
export const MODULE_WARNINGS: ReadonlySet<string> = new Set(['module-absolute-path', 'module-outside-image']);

/** What a module problem means and how to fix it. */
export function moduleProblem(ctx: ExtensionContext, m: LoadedModule): { message: string; fix: string } {
  const dirs = ctx.dynamicDirs.map((d) => `${d}/`).join(' or ');
  const bare = path.posix.basename(m.name).replace(/\.so$/, '');
  const stmt = m.via === 'load' ? `LOAD '${m.name}'` : `a C function AS '${m.name}'`;
  switch (m.code) {
    case 'load-libdir':
      return {
        message: `${stmt}: LOAD does not search dynamic_library_path for "$libdir/..." (dfmgr.c load_file); $libdir is the operand's ${ctx.operand.pkglibDir}, and the module is in the image (could not access file "${m.name}")`,
        fix: `write LOAD '${bare}' (a bare name is searched on dynamic_library_path, which CNPG extends with the image's ${ctx.dynamicDirs[0] ?? 'lib'}/)`,
      };
    case 'module-libdir-nested':
      return {
        message: `${stmt}: PostgreSQL searches dynamic_library_path only for a simple name; "$libdir/" followed by a subdirectory is a path in the operand's ${ctx.operand.pkglibDir} (could not access file "${m.name}")`,
        fix: `put ${path.posix.basename(m.name)}.so directly in ${dirs || 'lib/'} and load it as '${bare}', or add its directory to dynamicLibraryPath`,
      };
    case 'module-path-relative':
      return {
        message: `${stmt}: a name with "/" that is not absolute is a path relative to the data directory, not to the image`,
        fix: `load it by its bare name '${bare}' from ${dirs || 'lib/'}`,
      };
    case 'module-absolute-path':
      return {
        message: `${stmt}: an absolute path works only while CNPG mounts the image at ${ctx.mountRoot}; a major upgrade mounts the new images under another directory (postgres.UpgradeTargetExtensionsBaseDirectory)`,
        fix: `load it by its bare name '${bare}' (searched on dynamic_library_path)`,
      };
    case 'module-outside-image':
      return {
        message: `${stmt}: the path is neither in the image as mounted (${ctx.mountRoot}) nor in the operand's ${ctx.operand.pkglibDir}: it cannot be checked`,
        fix: `ship the module in the image and load it by its bare name '${bare}'`,
      };
    default:
      return {
        message: `${stmt}: neither the operand's $libdir nor ${dirs || 'the image'} has ${bare} or ${bare}.so (could not access file "${m.name}": No such file or directory)`,
        fix:
          m.name === 'MODULE_PATHNAME'
            ? 'set module_pathname in the control file'
            : `add ${ctx.dynamicDirs[0] ?? 'lib'}/${bare}.so to the image, or point dynamicLibraryPath at the directory that has it`,
      };
  }
}

/** The SQL extensions of the image, with the findings about them. */
export function readExtensions(ctx: ExtensionContext): { extensions: ImageExtension[]; findings: Finding[] } {
  const extensions: ImageExtension[] = [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const dir of ctx.controlDirs) {
    const extDir = path.posix.join(dir, 'extension');
    for (const f of listDir(path.join(ctx.root, extDir))) {
      // pg_available_extensions: `<name>.control`, secondary ones (with "--") skipped, the first of a name wins.
      if (!f.endsWith('.control') || f.includes('--')) continue;
      const name = f.slice(0, -'.control'.length);
      if (seen.has(name)) continue;
      seen.add(name);
      const controlFile = path.posix.join(extDir, f);
      const shadowed = ctx.operand.extensions.has(name);
      let control: ControlFile;
      try {
        control = readControl(ctx, controlFile);
      } catch (e) {
        if (!(e instanceof ControlFileError)) throw e;
        findings.push({
          severity: shadowed ? 'warning' : 'error',
          code: e.code,
          field: e.file,
          message: `${e.message}: CREATE EXTENSION ${name} fails${shadowed ? '' : ', and so does every query of pg_available_extensions on the server (every database, and CNPG itself), as long as this file is on extension_control_path'}`,
          fix:
            e.code === 'control-unknown-key' ? 'remove the key (PostgreSQL knows no other)' : 'fix the control file as PostgreSQL reads it',
        });
        continue;
      }
      extensions.push(readExtension(ctx, name, dir, controlFile, control, findings));
    }
  }
  return { extensions, findings };
}

function readExtension(
  ctx: ExtensionContext,
  name: string,
  dir: string,
  controlFile: string,
  control: ControlFile,
  findings: Finding[],
): ImageExtension {
  const add = (f: Finding) => findings.push(f);
  let scriptDirectory: string | undefined = path.posix.join(dir, 'extension');
  if (control.directory !== undefined) {
    if (path.posix.isAbsolute(control.directory)) {
      scriptDirectory = inImage(ctx, control.directory);
      add({
        severity: scriptDirectory === undefined ? 'error' : 'warning',
        code: scriptDirectory === undefined ? 'directory-outside-image' : 'directory-absolute',
        field: controlFile,
        message: `directory = '${control.directory}' is absolute: ${scriptDirectory === undefined ? `it is outside the image as mounted at ${ctx.mountRoot}, so PostgreSQL looks for ${name}'s scripts in the operand container` : `it holds while CNPG mounts the image at ${ctx.mountRoot}, and breaks when a major upgrade mounts the new images under another directory`}`,
        fix: `make it relative to ${dir}/ (directory = '${scriptDirectory ? path.posix.relative(dir, scriptDirectory) : 'extension'}')`,
      });
    } else scriptDirectory = inImage(ctx, path.posix.join(ctx.mountRoot, dir, control.directory));
  }
  const exists = scriptDirectory !== undefined && fs.existsSync(path.join(ctx.root, scriptDirectory));
  if (scriptDirectory !== undefined && !exists) {
    add({
      code: 'script-directory-missing',
      field: controlFile,
      message: `the script directory ${scriptDirectory} does not exist: CREATE EXTENSION ${name} fails (could not open directory)`,
      fix: control.directory ? 'fix directory in the control file' : `put ${name}'s scripts beside its control file`,
    });
  }
  const files = exists ? listDir(path.join(ctx.root, scriptDirectory as string)) : [];
  const scripts = scriptsOf(name, files);
  const versions = installableVersions(scripts);
  // Secondary control files, read over the primary one (read_extension_aux_control_file).
  const secondaryControlFiles: SecondaryControl[] = [];
  const controls = new Map<string, ControlFile>();
  for (const f of files) {
    const m = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}--(.+)\\.control$`).exec(f);
    if (!m) continue;
    const rel = path.posix.join(scriptDirectory as string, f);
    try {
      const c = readControl(ctx, rel, control);
      controls.set(m[1], c);
      secondaryControlFiles.push({ version: m[1], file: rel, requires: c.requires, modulePathname: c.module_pathname });
    } catch (e) {
      if (!(e instanceof ControlFileError)) throw e;
      secondaryControlFiles.push({ version: m[1], file: rel, error: e.message });
      add({
        code: 'control-secondary-invalid',
        field: rel,
        message: `${e.message}: CREATE EXTENSION ${name} VERSION '${m[1]}' (and updates to it) fail, and so does pg_available_extension_versions`,
        fix: 'fix the secondary control file as PostgreSQL reads it, or remove it',
      });
    }
  }
  const controlFor = (version: string) => controls.get(version) ?? control;
  const scriptList: ExtensionScript[] = [];
  for (const f of files) {
    if (!f.startsWith(`${name}--`) || !f.endsWith('.sql')) continue;
    const parts = f.slice(name.length + 2, -4).split('--');
    if (parts.length > 2) continue;
    const target = parts[parts.length - 1];
    const text = fs.readFileSync(path.join(ctx.root, scriptDirectory as string, f), 'utf8');
    const loads = moduleReferences(text, controlFor(target).module_pathname).map((r) => resolveModule(ctx, r));
    scriptList.push({ file: f, loads });
  }
  const defaultInstall = control.default_version ? installPlan(scripts, control.default_version) : undefined;
  const onDefault = new Set(defaultInstall ? planScripts(name, defaultInstall) : []);
  for (const s of scriptList) {
    for (const m of s.loads) {
      if (!m.code) continue;
      const p = moduleProblem(ctx, m);
      const warning = MODULE_WARNINGS.has(m.code) || !onDefault.has(s.file);
      add({
        severity: warning ? 'warning' : 'error',
        code: m.code,
        field: path.posix.join(scriptDirectory as string, s.file),
        message: `${p.message}; ${onDefault.has(s.file) ? `CREATE EXTENSION ${name} runs this script` : `CREATE EXTENSION ${name} VERSION ... or ALTER EXTENSION ${name} UPDATE through this script ${MODULE_WARNINGS.has(m.code) ? 'runs it' : 'fails'}`}`,
        fix: p.fix,
      });
    }
  }
  const modules = [
    ...new Set(scriptList.flatMap((s) => s.loads.map((m) => m.name.replace(/^\$libdir\//, '').replace(/\.so$/, '')))),
  ].sort();
  return {
    name,
    controlFile,
    scriptDirectory,
    defaultVersion: control.default_version,
    versions,
    installScripts: scripts.installScripts,
    updates: [...scripts.updates].sort((a, b) => compareVersions(a.from, b.from) || compareVersions(a.to, b.to)),
    defaultInstall,
    requires: control.requires,
    modulePathname: control.module_pathname,
    modules,
    scripts: scriptList,
    secondaryControlFiles,
    relocatable: control.relocatable,
    schema: control.schema,
    trusted: control.trusted,
    superuser: control.superuser,
    comment: control.comment,
  };
}
