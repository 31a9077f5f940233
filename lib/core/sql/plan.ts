/**
 * The plan of an apply: the statements that bring a database's extensions from what is installed to what is asked
 * for, in the order PostgreSQL needs, or every reason they can't, found before anything runs.
 */
import { type DependentObject, dropGuardSql } from './dependents';
import { dependencyOrder, orderSteps, type StepAction, stableDependencyOrder } from './order';
import { createExtensionSql } from './queries';
import { quoteIdent, quoteLiteral } from './quote';
import type { ExtensionRequest } from './requests';

/** An extension as installed (`pg_extension`). */
export interface InstalledExtension {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
}

/** A row of `pg_available_extension_versions`. */
export interface AvailableVersion {
  readonly name: string;
  readonly version: string;
  readonly requires: readonly string[];
  readonly relocatable: boolean;
  readonly schema: string | null;
  /** Whether this is the control file's `default_version`. */
  readonly isDefault?: boolean;
}

/** One statement of a plan. */
export interface PlannedStep {
  readonly action: StepAction;
  readonly extension: string;
  readonly sql: string;
  /** A statement that runs right before `sql` and raises when it must not run (see `dropGuardSql`). */
  readonly guard?: string;
}

export interface PlanInput {
  readonly desired: readonly ExtensionRequest[];
  /** Names this resource manages already (created or adopted earlier). */
  readonly managed: readonly string[];
  readonly installed: ReadonlyMap<string, InstalledExtension>;
  readonly available: readonly AvailableVersion[];
  /**
   * Update paths by extension, keyed `source->target`: the versions of the path PostgreSQL takes, source first
   * (`pg_extension_update_paths`). For an extension to update, the paths from its installed version; for one to
   * create, the paths to the version asked for (else the default one), when another of its versions has
   * requirements that version lacks (see `liveStateSql`).
   */
  readonly updatePaths: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly existingSchemas: ReadonlySet<string>;
  readonly dropCascade: boolean;
  /** What goes with the extensions that may be dropped (see `dependentsSql`). */
  readonly dependents?: readonly DependentObject[];
}

export interface Plan {
  readonly steps: readonly PlannedStep[];
  /** Everything wrong, found before anything runs. */
  readonly errors: readonly string[];
  /**
   * The errors that waiting may cure: an extension or version that is not (yet) on the server, as
   * while an image is being mounted or the pods restart. Every other error is final.
   */
  readonly unavailable: readonly string[];
}

function listNames(xs: readonly string[]): string {
  return xs.length > 0 ? xs.join(', ') : 'none';
}

function quotedList(xs: readonly string[]): string {
  return xs.map((n) => `"${n}"`).join(', ');
}

/**
 * The statements that bring a database from `installed` to `desired`, or every reason they can't:
 * unavailable extensions or versions (listing what is available), missing update paths, extensions that
 * exist but are not managed (unless adopted), missing schemas and requirements, moves no version allows, and
 * drops that would take more than the user asked for.
 */
export function planExtensions(input: PlanInput): Plan {
  const errors: string[] = [];
  const unavailable: string[] = [];
  const waitFor = (message: string) => {
    errors.push(message);
    unavailable.push(message);
  };
  const steps: PlannedStep[] = [];
  const byName = new Map<string, AvailableVersion[]>();
  for (const a of input.available) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const desiredNames = new Set(input.desired.map((d) => d.name));
  const managed = new Set(input.managed);
  const availableNames = [...byName.keys()].sort();
  const rowOf = (name: string, version: string | undefined) => byName.get(name)?.find((r) => r.version === version);

  const targetRow = (d: ExtensionRequest): AvailableVersion | undefined => {
    const rows = byName.get(d.name) ?? [];
    const v = d.version ?? input.installed.get(d.name)?.version;
    return v === undefined ? (rows.find((r) => r.isDefault) ?? rows[0]) : rows.find((r) => r.version === v);
  };
  const desiredByName = new Map(input.desired.map((d) => [d.name, d]));
  const requiresOf = (name: string, versions: readonly string[]) => [...new Set(versions.flatMap((v) => rowOf(name, v)?.requires ?? []))];
  /**
   * The versions a create or update of `name` passes through, each checked for its `requires`
   * (extension.c `get_required_extension`). An update (`ExecAlterExtensionStmt`, `identify_update_path`) applies
   * each version after the installed one on its update path. A create runs the install script of its version, or,
   * when there is none, installs the start version `find_install_path` picks and applies the updates from there
   * (`CreateExtensionInternal`). Which versions have an install script is not in the catalogs, so for a create these
   * are its version and every version from which an update path leads to it: the start version and the path are
   * among them.
   */
  const passesThrough = (name: string): readonly string[] => {
    const d = desiredByName.get(name);
    const inst = input.installed.get(name);
    if (!d) return [];
    if (inst) {
      if (d.version === undefined || d.version === inst.version) return [];
      return (input.updatePaths.get(name)?.get(`${inst.version}->${d.version}`) ?? [inst.version, d.version]).slice(1);
    }
    const target = targetRow(d)?.version;
    if (target === undefined) return [];
    const versions = [target];
    for (const path of input.updatePaths.get(name)?.values() ?? []) if (path[path.length - 1] === target) versions.push(...path);
    return [...new Set(versions)];
  };
  const during = new Map<string, readonly string[]>();
  const facts = {
    requiresNow: (name: string) => rowOf(name, input.installed.get(name)?.version)?.requires ?? [],
    requiresAfter: (name: string) => {
      const d = desiredByName.get(name);
      return d ? (targetRow(d)?.requires ?? []) : [];
    },
    requiresDuring: (name: string) => {
      let r = during.get(name);
      if (r === undefined) {
        r = requiresOf(name, passesThrough(name));
        during.set(name, r);
      }
      return r;
    },
    relocatableNow: (name: string) => rowOf(name, input.installed.get(name)?.version)?.relocatable ?? false,
  };
  const missing = (r: string) => !desiredNames.has(r) && !input.installed.has(r);
  const never = '(this provider never creates extensions implicitly)';
  // A create's own version is the one it surely checks (the others it may start from are not known for sure).
  const missingRequirements = (d: ExtensionRequest, what: string) => {
    for (const r of targetRow(d)?.requires ?? []) {
      if (missing(r)) errors.push(`${what} requires "${r}", which is neither installed nor in the list; add { name: "${r}" } ${never}`);
    }
  };
  // An update checks every version of its path.
  const missingOnUpdatePath = (d: ExtensionRequest & { version: string }, from: string) => {
    const path = input.updatePaths.get(d.name)?.get(`${from}->${d.version}`) ?? [from, d.version];
    const reported = new Set<string>();
    for (const v of path.slice(1)) {
      for (const r of rowOf(d.name, v)?.requires ?? []) {
        if (!missing(r) || reported.has(r)) continue;
        reported.add(r);
        const what =
          v === d.version
            ? `version "${v}" of extension "${d.name}"`
            : `version "${v}" of extension "${d.name}", on its update path ${path.join(' -> ')},`;
        errors.push(`${what} requires "${r}", which is neither installed nor in the list; add { name: "${r}" } ${never}`);
      }
    }
  };

  for (const d of input.desired) {
    const rows = byName.get(d.name) ?? [];
    const inst = input.installed.get(d.name);
    if (!inst) {
      if (rows.length === 0) {
        waitFor(
          `extension "${d.name}" is not available on the server (no control file on extension_control_path: is the image that provides it mounted?). Available: ${listNames(availableNames)}`,
        );
        continue;
      }
      if (d.version !== undefined && !rows.some((r) => r.version === d.version)) {
        waitFor(
          `extension "${d.name}" has no version "${d.version}" on the server. Available versions: ${listNames(rows.map((r) => r.version))}`,
        );
        continue;
      }
      const row = targetRow(d);
      // PostgreSQL 18 extension.c, CreateExtensionInternal: a control file's `schema` is the only schema allowed,
      // and PostgreSQL creates it when it does not exist.
      if (row?.schema && d.schema !== undefined && d.schema !== row.schema) {
        errors.push(
          `extension "${d.name}" must be installed in schema "${row.schema}" (its control file says schema = '${row.schema}'); leave schema out or set it to "${row.schema}"`,
        );
      } else if (d.schema !== undefined && d.schema !== row?.schema && !input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first (e.g. Database.spec.schemas)`);
      }
      missingRequirements(d, `extension "${d.name}"`);
      steps.push({ action: 'create', extension: d.name, sql: createExtensionSql(d) });
      continue;
    }
    if (!managed.has(d.name) && !d.adopt) {
      errors.push(
        `extension "${d.name}" already exists (version ${inst.version}, schema ${inst.schema}) but this resource did not create it; set adopt: true on it to manage it, or remove it from the list`,
      );
      continue;
    }
    let updating = false;
    if (d.version !== undefined && d.version !== inst.version) {
      if (!rows.some((r) => r.version === d.version)) {
        waitFor(
          `extension "${d.name}" cannot be updated to "${d.version}": the server has no such version (mount the image of that version first). Available versions: ${listNames(rows.map((r) => r.version))}`,
        );
      } else if (!input.updatePaths.get(d.name)?.has(`${inst.version}->${d.version}`)) {
        errors.push(
          `extension "${d.name}" has no update path from "${inst.version}" to "${d.version}" (downgrades and skipped scripts are not possible). Reachable from ${inst.version}: ${listNames([...(input.updatePaths.get(d.name)?.values() ?? [])].filter((p) => p[0] === inst.version).map((p) => p[p.length - 1]))}`,
        );
      } else {
        // ApplyExtensionUpdates: each version's `requires` must be installed (get_required_extension).
        missingOnUpdatePath({ ...d, version: d.version }, inst.version);
        updating = true;
        steps.push({
          action: 'update',
          extension: d.name,
          sql: `ALTER EXTENSION ${quoteIdent(d.name)} UPDATE TO ${quoteLiteral(d.version)}`,
        });
      }
    }
    if (d.schema !== undefined && d.schema !== inst.schema) {
      // AlterExtensionNamespace: the version installed when the move runs must be relocatable (the move runs
      // before the update when the installed version is, after it otherwise: see orderSteps).
      const movable = facts.relocatableNow(d.name) || (updating && (targetRow(d)?.relocatable ?? false));
      if (!input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first`);
      } else if (rowOf(d.name, inst.version) && !movable) {
        errors.push(
          `extension "${d.name}" is not relocatable: it cannot move from schema "${inst.schema}" to "${d.schema}" (drop and re-create it instead)`,
        );
      } else {
        steps.push({
          action: 'set-schema',
          extension: d.name,
          sql: `ALTER EXTENSION ${quoteIdent(d.name)} SET SCHEMA ${quoteIdent(d.schema)}`,
        });
      }
    }
  }

  // Drops: managed, no longer desired, still installed, dependents first. Nothing a listed extension needs,
  // nothing this resource does not manage, and nothing else unless dropCascade says so.
  let toDrop = [...managed].filter((n) => !desiredNames.has(n) && input.installed.has(n));
  try {
    toDrop = dependencyOrder(
      toDrop.map((name) => ({ name })),
      facts.requiresNow,
    )
      .reverse()
      .map((x) => x.name);
  } catch {
    // Installed extensions that require each other: PostgreSQL resolves that drop itself.
  }
  const dropping = new Set(toDrop);
  const claimed = new Set<string>();
  const updated = new Set(steps.filter((s) => s.action === 'update').map((s) => s.extension));
  for (const name of toDrop) {
    const deps = (input.dependents ?? []).filter((d) => d.root === name);
    const neededBy = new Set<string>();
    for (const d of input.desired) if (facts.requiresAfter(d.name).includes(name)) neededBy.add(d.name);
    const foreign: string[] = [];
    for (const dep of deps) {
      const ext = dep.extension;
      if (ext === null || dropping.has(ext)) continue;
      // An extension updated to a version that no longer requires this one releases it in the update, which runs
      // first: whether its objects still use this one's is checked right before the drop (dropGuardSql).
      if (desiredNames.has(ext)) {
        if (!(updated.has(ext) && !facts.requiresAfter(ext).includes(name))) neededBy.add(ext);
      } else if (!foreign.includes(ext)) foreign.push(ext);
    }
    if (neededBy.size > 0) {
      errors.push(
        `extension "${name}" cannot be dropped: ${quotedList([...neededBy])}, still in the list, need${neededBy.size === 1 ? 's' : ''} it. Keep "${name}" in the list, or remove ${neededBy.size === 1 ? 'that one' : 'those'} too`,
      );
      continue;
    }
    if (foreign.length > 0) {
      errors.push(
        `extension "${name}" cannot be dropped: that would also drop extension${foreign.length > 1 ? 's' : ''} ${quotedList(foreign)}, which this resource does not manage. Drop ${foreign.length > 1 ? 'them' : 'it'} first, or add ${foreign.length > 1 ? 'them' : 'it'} to the list`,
      );
      continue;
    }
    // An object reached from several of the extensions goes with the first of them that is dropped.
    const extra = deps.filter((d) => d.extension === null && !claimed.has(d.object)).map((d) => d.object);
    for (const o of extra) claimed.add(o);
    if (extra.length > 0 && !input.dropCascade) {
      errors.push(
        `extension "${name}" cannot be dropped: objects depend on it:\n      ${extra.join('\n      ')}\n    drop them first, or set dropCascade: true to drop them with it`,
      );
    }
  }
  for (const name of toDrop) {
    steps.push({
      action: 'drop',
      extension: name,
      sql: `DROP EXTENSION ${quoteIdent(name)} ${input.dropCascade ? 'CASCADE' : 'RESTRICT'}`,
      guard: dropGuardSql(name, toDrop, input.dropCascade),
    });
  }

  // Extensions to create that require each other cannot be created one by one (PostgreSQL would need CASCADE).
  const { cycle } = stableDependencyOrder(
    steps.filter((s) => s.action === 'create').map((s) => ({ name: s.extension })),
    facts.requiresAfter,
  );
  if (cycle.length > 0) errors.push(`extensions require each other in a cycle: ${cycle.join(', ')}`);
  const { ordered } = orderSteps(steps, facts);
  return { steps: errors.length > 0 ? [] : ordered, errors, unavailable };
}
