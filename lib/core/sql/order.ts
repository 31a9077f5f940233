/** Orders: extensions by their requirements, and the statements of a plan by what PostgreSQL needs first. */

/**
 * Stable dependency order: keeps the given order except where an item must move after one of the
 * list it requires. `moved` names the items that were listed before something they require; `cycle`
 * the items left (in the given order, at the end) because they require each other.
 */
export function stableDependencyOrder<T extends { name: string }>(
  items: readonly T[],
  requires: (name: string) => readonly string[],
): { ordered: T[]; moved: string[]; cycle: string[] } {
  // Lists of extensions are short: arrays and linear scans allocate less than sets and maps.
  const listed = items.map((it) => it.name);
  // Each item's requirements that are in the list, asked for once per item.
  const needs = listed.map((name) => requires(name).filter((r) => listed.includes(r)));
  const taken: boolean[] = listed.map(() => false);
  const done: string[] = [];
  const ordered: T[] = [];
  const moved: string[] = [];
  while (ordered.length < items.length) {
    // The first item not yet taken whose listed requirements are all done.
    let next = -1;
    for (let i = 0; i < items.length && next < 0; i++) {
      if (!taken[i] && allIn(needs[i], done)) next = i;
    }
    if (next < 0) {
      const rest = items.filter((_, i) => !taken[i]);
      return { ordered: [...ordered, ...rest], moved, cycle: rest.map((p) => p.name) };
    }
    // Everything skipped over is listed before something it requires.
    for (let i = 0; i < next; i++) if (!taken[i] && !moved.includes(listed[i])) moved.push(listed[i]);
    taken[next] = true;
    ordered.push(items[next]);
    done.push(listed[next]);
  }
  return { ordered, moved, cycle: [] };
}

function allIn(names: readonly string[], among: readonly string[]): boolean {
  for (const n of names) if (!among.includes(n)) return false;
  return true;
}

/** {@link stableDependencyOrder} that throws on a cycle. */
export function dependencyOrder<T extends { name: string }>(items: readonly T[], requires: (name: string) => readonly string[]): T[] {
  const { ordered, cycle } = stableDependencyOrder(items, requires);
  if (cycle.length > 0) throw new Error(`extensions require each other in a cycle: ${cycle.join(', ')}`);
  return ordered;
}

/** What a statement does to one extension. */
export type StepAction = 'drop' | 'update' | 'set-schema' | 'create';

/** What the ordering needs to know of each extension. @internal */
export interface StepFacts {
  /** Requirements (control file `requires`) of the installed version; none when not installed. */
  requiresNow(name: string): readonly string[];
  /** Requirements of the version it will have after the apply; none when it is dropped. */
  requiresAfter(name: string): readonly string[];
  /**
   * Requirements its create or update checks while it runs: those of every version the statement passes through
   * (for a create, of every version it may start from, see planExtensions); none when it neither is created nor
   * updated.
   */
  requiresDuring(name: string): readonly string[];
  /** Whether the installed version is relocatable (`pg_extension.extrelocatable`). */
  relocatableNow(name: string): boolean;
}

/** Without a reason to do otherwise: drops, then updates, schema moves, creates. */
const RANK: Record<StepAction, number> = { drop: 0, update: 1, 'set-schema': 2, create: 3 };

/**
 * Whether statement `a` must run before `b`, by what PostgreSQL 18 checks when it runs them
 * (src/backend/commands/extension.c):
 * - `CreateExtensionInternal` and `ApplyExtensionUpdates` refuse a version whose `requires` are not installed
 *   (`get_required_extension`), for every version the statement passes through: a create without an install script
 *   for its version installs a start version (`find_install_path`) and applies the updates from there, an update
 *   applies each version of its update path. A requirement of any of them is created before the statement that
 *   passes through it, whether that one creates or updates;
 * - `AlterExtensionNamespace` refuses to move an extension that an installed one lists in `no_relocate`, and a
 *   create or update script resolves `@extschema:<required>@` once: a requirement is moved (and updated) before
 *   what requires it is created or updated;
 * - an extension that is dropped goes before anything it requires changes (its objects depend on them:
 *   dependency.c `findDependentObjects`); a create or update that passes through a version requiring an extension
 *   that is dropped, or that stops requiring it, goes before that extension's drop (ApplyExtensionUpdates replaces
 *   the extension's dependencies on others with each new version's);
 * - `ALTER EXTENSION ... SET SCHEMA` needs the version installed at that moment to be relocatable: the move goes
 *   first when the installed version is, the update first otherwise.
 */
function before(a: { action: StepAction; extension: string }, b: { action: StepAction; extension: string }, f: StepFacts): boolean {
  const x = a.extension;
  const y = b.extension;
  if (x === y) {
    if (a.action === 'set-schema' && b.action === 'update') return f.relocatableNow(x);
    if (a.action === 'update' && b.action === 'set-schema') return !f.relocatableNow(x);
    return false;
  }
  switch (a.action) {
    case 'create':
      if (b.action === 'drop') return f.requiresDuring(x).includes(y) && !f.requiresAfter(x).includes(y);
      return (b.action === 'create' || b.action === 'update') && f.requiresDuring(y).includes(x);
    case 'update':
      if (b.action === 'drop') {
        return (f.requiresNow(x).includes(y) || f.requiresDuring(x).includes(y)) && !f.requiresAfter(x).includes(y);
      }
      return (b.action === 'create' || b.action === 'update') && f.requiresDuring(y).includes(x);
    case 'set-schema':
      return (b.action === 'create' || b.action === 'update') && f.requiresDuring(y).includes(x);
    case 'drop':
      return b.action !== 'create' && f.requiresNow(x).includes(y);
  }
}

/**
 * The statements in the order PostgreSQL needs (see {@link before}); where nothing forces an order: drops, updates,
 * schema moves, creates, each in the given order. `cycle` names the extensions whose statements must each come
 * before another (they are appended in that default order).
 * @internal
 */
export function orderSteps<T extends { action: StepAction; extension: string }>(
  steps: readonly T[],
  facts: StepFacts,
): { ordered: T[]; cycle: string[] } {
  const n = steps.length;
  const preds: number[][] = steps.map(() => []);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && before(steps[i], steps[j], facts)) preds[j].push(i);
  const done: boolean[] = steps.map(() => false);
  const ordered: T[] = [];
  const rank = (i: number) => RANK[steps[i].action] * n + i;
  while (ordered.length < n) {
    let next = -1;
    for (let i = 0; i < n; i++) {
      if (done[i] || !preds[i].every((p) => done[p])) continue;
      if (next < 0 || rank(i) < rank(next)) next = i;
    }
    if (next < 0) {
      const rest = steps.map((_, i) => i).filter((i) => !done[i]);
      rest.sort((a, b) => rank(a) - rank(b));
      return { ordered: [...ordered, ...rest.map((i) => steps[i])], cycle: [...new Set(rest.map((i) => steps[i].extension))] };
    }
    done[next] = true;
    ordered.push(steps[next]);
  }
  return { ordered, cycle: [] };
}
