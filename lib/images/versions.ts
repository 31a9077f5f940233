// Extension versions as PostgreSQL 18 finds them in a script directory (src/backend/commands/extension.c):
// get_ext_ver_list (install scripts `<name>--<v>.sql`, update scripts `<name>--<from>--<to>.sql`, a third "--"
// ignored), find_update_path (Dijkstra over update scripts, ties to the predecessor first in strcmp order),
// find_install_path (CREATE EXTENSION of a version without an install script: the shortest update path from an
// installable version, not through another installable version, ties to the start version last in strcmp order).

/** The install and update scripts of one extension. */
export interface ScriptSet {
  /** Versions with an install script `<name>--<v>.sql`, in {@link compareVersions} order. */
  readonly installScripts: readonly string[];
  /** Update scripts `<name>--<from>--<to>.sql`. */
  readonly updates: readonly { readonly from: string; readonly to: string }[];
}

/** The scripts of extension `name` among `files` (file names of its script directory): get_ext_ver_list. */
export function scriptsOf(name: string, files: readonly string[]): ScriptSet {
  const prefix = `${name}--`;
  const installScripts: string[] = [];
  const updates: { from: string; to: string }[] = [];
  for (const f of files) {
    if (!f.startsWith(prefix) || !f.endsWith('.sql')) continue;
    const rest = f.slice(prefix.length, -'.sql'.length);
    const sep = rest.indexOf('--');
    if (sep < 0) installScripts.push(rest);
    else {
      const to = rest.slice(sep + 2);
      if (!to.includes('--')) updates.push({ from: rest.slice(0, sep), to });
    }
  }
  return { installScripts: [...new Set(installScripts)].sort(compareVersions), updates };
}

const strcmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * find_update_path: the versions passed through from `from` to `to` (not including `from`), shortest first, or
 * undefined. With `rejectIndirect`, paths through installable versions are not taken (find_install_path).
 */
export function updatePath(s: ScriptSet, from: string, to: string, rejectIndirect = false): string[] | undefined {
  if (from === to) return undefined;
  const installable = new Set(s.installScripts);
  const previous = new Map<string, string>();
  const dist = new Map<string, number>([[from, 0]]);
  let frontier = [from];
  while (frontier.length) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const u of s.updates) {
        if (u.from !== v || (rejectIndirect && installable.has(u.to))) continue;
        const d = (dist.get(v) as number) + 1;
        const known = dist.get(u.to);
        if (known === undefined) {
          dist.set(u.to, d);
          previous.set(u.to, v);
          next.push(u.to);
        } else if (known === d && strcmp(v, previous.get(u.to) as string) < 0) previous.set(u.to, v);
      }
    }
    if (dist.has(to)) break;
    frontier = next;
  }
  if (!dist.has(to)) return undefined;
  const chain = [to];
  while (previous.get(chain[0]) !== from) chain.unshift(previous.get(chain[0]) as string);
  return chain;
}

/** How CREATE EXTENSION installs `version`: the install script it runs, then the updates (find_install_path). */
export interface InstallPlan {
  readonly start: string;
  /** Versions updated through after the install script, `version` last; empty when it has an install script. */
  readonly path: readonly string[];
}

/** find_install_path for `version`, or undefined when no install script reaches it. */
export function installPlan(s: ScriptSet, version: string): InstallPlan | undefined {
  if (s.installScripts.includes(version)) return { start: version, path: [] };
  let best: InstallPlan | undefined;
  for (const start of s.installScripts) {
    const p = updatePath(s, start, version, true);
    if (!p) continue;
    if (!best || p.length < best.path.length || (p.length === best.path.length && strcmp(best.start, start) < 0)) best = { start, path: p };
  }
  return best;
}

/** Every version CREATE EXTENSION ... VERSION can install, in {@link compareVersions} order. */
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

/** The script files a plan runs, in order. */
export function planScripts(name: string, plan: InstallPlan): string[] {
  const files = [`${name}--${plan.start}.sql`];
  let from = plan.start;
  for (const v of plan.path) {
    files.push(`${name}--${from}--${v}.sql`);
    from = v;
  }
  return files;
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
