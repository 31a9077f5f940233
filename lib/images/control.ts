// Extension control files and scripts, read the way PostgreSQL 18 reads them (src/backend/commands/
// extension.c: parse_extension_control_file, get_ext_ver_list, find_install_path): control files are
// `<dir>/extension/<name>.control` for each directory of extension_control_path; scripts are
// `<name>--<version>.sql` (install) and `<name>--<from>--<to>.sql` (update) in the control file's directory
// (or its `directory` key); a version is installable when it has an install script or an update path from one.

/** The keys of a control file this library reads (PostgreSQL docs, "Packaging Related Objects into an Extension"). */
export interface ControlFile {
  readonly default_version?: string;
  readonly comment?: string;
  readonly encoding?: string;
  readonly module_pathname?: string;
  readonly requires?: readonly string[];
  readonly no_relocate?: readonly string[];
  readonly relocatable?: boolean;
  readonly schema?: string;
  readonly superuser?: boolean;
  readonly trusted?: boolean;
  readonly directory?: string;
  /** Keys PostgreSQL does not know (it refuses the control file: "unrecognized parameter"). */
  readonly unknown: readonly string[];
}

const BOOLEAN_KEYS = new Set(['relocatable', 'superuser', 'trusted']);
const LIST_KEYS = new Set(['requires', 'no_relocate']);
const STRING_KEYS = new Set(['default_version', 'comment', 'encoding', 'module_pathname', 'schema', 'directory']);

/** PostgreSQL's boolean spellings (parse_bool). */
function parseBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['on', 'true', 'yes', '1', 't', 'y'].includes(s)) return true;
  if (['off', 'false', 'no', '0', 'f', 'n'].includes(s)) return false;
  return undefined;
}

/** Parses a control file (GUC-file syntax: `name = value`, `'quoted'` with `''`, `#` comments). Throws on bad syntax. */
export function parseControlFile(text: string): ControlFile {
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  const re = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*('(?:[^'\\]|''|\\.)*'|[^\s#']+)\s*(?:#.*)?$/;
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*(#.*)?$/.test(line)) return;
    const m = re.exec(line);
    if (!m) throw new Error(`line ${i + 1}: syntax error near ${JSON.stringify(line.trim().slice(0, 60))}`);
    const key = m[1];
    const raw = m[2];
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1') : raw;
    if (BOOLEAN_KEYS.has(key)) {
      const b = parseBool(value);
      if (b === undefined) throw new Error(`line ${i + 1}: parameter "${key}" requires a Boolean value`);
      out[key] = b;
    } else if (LIST_KEYS.has(key)) {
      out[key] = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (STRING_KEYS.has(key)) out[key] = value;
    else unknown.push(key);
  });
  return { ...(out as Omit<ControlFile, 'unknown'>), unknown };
}

export interface ScriptSet {
  /** Versions with an install script `<name>--<v>.sql`. */
  readonly installScripts: readonly string[];
  /** Update scripts `<name>--<from>--<to>.sql`. */
  readonly updates: readonly { readonly from: string; readonly to: string }[];
}

/** The scripts of extension `name` among `files` (file names of its script directory). */
export function scriptsOf(name: string, files: readonly string[]): ScriptSet {
  const prefix = `${name}--`;
  const installScripts: string[] = [];
  const updates: { from: string; to: string }[] = [];
  for (const f of files) {
    if (!f.startsWith(prefix) || !f.endsWith('.sql')) continue;
    const parts = f.slice(prefix.length, -4).split('--');
    if (parts.length === 1 && parts[0]) installScripts.push(parts[0]);
    else if (parts.length === 2 && parts[0] && parts[1]) updates.push({ from: parts[0], to: parts[1] });
  }
  return { installScripts: installScripts.sort(compareVersions), updates };
}

/** Every version `CREATE EXTENSION ... VERSION v` can reach: install scripts, then update paths from them. */
export function installableVersions(s: ScriptSet): string[] {
  const seen = new Set(s.installScripts);
  const queue = [...s.installScripts];
  while (queue.length) {
    const v = queue.shift() as string;
    for (const u of s.updates) {
      if (u.from === v && !seen.has(u.to)) {
        seen.add(u.to);
        queue.push(u.to);
      }
    }
  }
  return [...seen].sort(compareVersions);
}

/** The shortest chain of updates from `from` to `to` (what ALTER EXTENSION ... UPDATE TO runs), or undefined. */
export function updatePath(s: ScriptSet, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const v = queue.shift() as string;
    if (v === to) {
      const chain = [to];
      while (chain[0] !== from) chain.unshift(prev.get(chain[0]) as string);
      return chain;
    }
    for (const u of s.updates) {
      if (u.from === v && !seen.has(u.to)) {
        seen.add(u.to);
        prev.set(u.to, v);
        queue.push(u.to);
      }
    }
  }
  return undefined;
}

/** Orders version strings by their numeric parts, then text (for display; PostgreSQL versions are opaque). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-_]/);
  const pb = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Module names a script or control value loads: `$libdir/<name>` (PostgreSQL strips `.so`). */
export function modulesReferenced(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\$libdir\/([A-Za-z0-9_.+-]+)/g)) out.add(m[1].replace(/\.so$/, ''));
  return [...out];
}
