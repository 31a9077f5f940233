/**
 * Pure SQL planning for managing the extensions of one database: validation, quoting,
 * dependency ordering and the statements to run. No I/O and no imports, so that the Pulumi
 * dynamic provider can capture these functions by value when it is serialized.
 */

/** One extension as asked for. */
export interface ExtensionRequest {
  /** SQL name (`CREATE EXTENSION <name>`). */
  readonly name: string;
  /** Version to create or update to; unset: the default version on create, never an update. */
  readonly version?: string;
  /** Schema; unset: `"$user", public` on create (as CNPG), never moved. */
  readonly schema?: string;
  /** Take over an extension that already exists but was not created by this resource. */
  readonly adopt?: boolean;
}

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

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** PostgreSQL truncates identifiers to NAMEDATALEN-1 = 63 bytes: such names are rejected, not truncated. */
export const MAX_IDENTIFIER_BYTES = 63;

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Problems of an identifier (extension, schema, database name); empty when fine. */
export function identifierProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (value.length === 0) return `${what} must not be empty`;
  if (value.includes('\u0000')) return `${what} must not contain a NUL character`;
  if (utf8Length(value) > MAX_IDENTIFIER_BYTES) return `${what} is ${utf8Length(value)} bytes; PostgreSQL would truncate it to ${MAX_IDENTIFIER_BYTES}`;
  return undefined;
}

/** Problems of an extension version (PostgreSQL: no "--", no leading/trailing "-", no "/" or "\\"). */
export function versionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'version must be a string';
  if (value.length === 0) return 'version must not be empty (leave it out for the default version)';
  if (value.includes('\u0000')) return 'version must not contain a NUL character';
  if (utf8Length(value) > MAX_IDENTIFIER_BYTES) return `version is ${utf8Length(value)} bytes; at most ${MAX_IDENTIFIER_BYTES}`;
  if (value.includes('--') || value.startsWith('-') || value.endsWith('-')) return 'version must not contain "--" or start or end with "-" (PostgreSQL rule)';
  if (/[/\\]/.test(value)) return 'version must not contain "/" or "\\" (PostgreSQL rule)';
  return undefined;
}

/** Quotes an identifier by PostgreSQL's rules: double quotes, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal by PostgreSQL's rules (E'' form when it holds a backslash, as libpq's PQescapeLiteral). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL character');
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** Validates the extension list of a request; returns Pulumi-style check failures. */
export function checkExtensionRequests(extensions: unknown, isUnknown: (v: unknown) => boolean = () => false): CheckFailure[] {
  if (isUnknown(extensions)) return [];
  if (!Array.isArray(extensions)) return [{ property: 'extensions', reason: 'extensions must be a list of { name, version?, schema? }' }];
  const out: CheckFailure[] = [];
  const seen = new Map<string, number>();
  extensions.forEach((e: unknown, i) => {
    const p = `extensions[${i}]`;
    if (isUnknown(e)) return;
    if (typeof e !== 'object' || e === null) {
      out.push({ property: p, reason: `${p} must be an object { name, version?, schema? }` });
      return;
    }
    const x = e as Record<string, unknown>;
    for (const k of Object.keys(x)) {
      if (!['name', 'version', 'schema', 'adopt'].includes(k)) out.push({ property: `${p}.${k}`, reason: `unknown property "${k}"; use name, version, schema, adopt` });
    }
    if (!isUnknown(x.name)) {
      const np = identifierProblem(x.name, 'extension name');
      if (np) out.push({ property: `${p}.name`, reason: `${np} (got ${JSON.stringify(x.name)})` });
      else {
        const first = seen.get(x.name as string);
        if (first !== undefined) out.push({ property: `${p}.name`, reason: `extension ${JSON.stringify(x.name)} is listed twice (also extensions[${first}]); list it once` });
        seen.set(x.name as string, i);
      }
    }
    if (x.version !== undefined && !isUnknown(x.version)) {
      const vp = versionProblem(x.version);
      if (vp) out.push({ property: `${p}.version`, reason: `${vp} (got ${JSON.stringify(x.version)})` });
    }
    if (x.schema !== undefined && !isUnknown(x.schema)) {
      const sp = identifierProblem(x.schema, 'schema');
      if (sp) out.push({ property: `${p}.schema`, reason: `${sp} (got ${JSON.stringify(x.schema)})` });
    }
    if (x.adopt !== undefined && !isUnknown(x.adopt) && typeof x.adopt !== 'boolean') out.push({ property: `${p}.adopt`, reason: 'adopt must be true or false' });
  });
  return out;
}

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

/** One statement of a plan. */
export interface PlannedStep {
  readonly action: 'create' | 'update' | 'set-schema' | 'drop';
  readonly extension: string;
  readonly sql: string;
}

export interface PlanInput {
  readonly desired: readonly ExtensionRequest[];
  /** Names this resource manages already (created or adopted earlier). */
  readonly managed: readonly string[];
  readonly installed: ReadonlyMap<string, InstalledExtension>;
  readonly available: readonly AvailableVersion[];
  /** `source -> target` pairs that have an update path, for the extensions to update. */
  readonly updatePaths: ReadonlyMap<string, ReadonlySet<string>>;
  readonly existingSchemas: ReadonlySet<string>;
  readonly dropCascade: boolean;
}

export interface Plan {
  readonly steps: readonly PlannedStep[];
  /** Everything wrong, found before anything runs. */
  readonly errors: readonly string[];
}

function listNames(xs: readonly string[]): string {
  return xs.length > 0 ? xs.join(', ') : 'none';
}

/**
 * The statements that bring a database from `installed` to `desired`, or every reason they can't:
 * unavailable extensions or versions (listing what is available), missing update paths, extensions that
 * exist but are not managed (unless adopted), missing schemas and dependencies, non-relocatable moves.
 */
export function planExtensions(input: PlanInput): Plan {
  const errors: string[] = [];
  const steps: PlannedStep[] = [];
  const byName = new Map<string, AvailableVersion[]>();
  for (const a of input.available) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  const desiredNames = new Set(input.desired.map((d) => d.name));
  const managed = new Set(input.managed);
  const availableNames = [...byName.keys()].sort();

  const targetRow = (d: ExtensionRequest): AvailableVersion | undefined => {
    const rows = byName.get(d.name) ?? [];
    const inst = input.installed.get(d.name);
    const v = d.version ?? inst?.version;
    return v === undefined ? rows.find((r) => r.version === defaultVersionOf(rows)) ?? rows[0] : rows.find((r) => r.version === v);
  };
  const requiresOf = (name: string): readonly string[] => {
    const d = input.desired.find((x) => x.name === name);
    return d ? (targetRow(d)?.requires ?? []) : [];
  };

  for (const d of input.desired) {
    const rows = byName.get(d.name) ?? [];
    const inst = input.installed.get(d.name);
    if (!inst) {
      if (rows.length === 0) {
        errors.push(`extension "${d.name}" is not available on the server (no control file on extension_control_path: is the image that provides it mounted?). Available: ${listNames(availableNames)}`);
        continue;
      }
      if (d.version !== undefined && !rows.some((r) => r.version === d.version)) {
        errors.push(`extension "${d.name}" has no version "${d.version}" on the server. Available versions: ${listNames(rows.map((r) => r.version))}`);
        continue;
      }
      if (d.schema !== undefined && !input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first (e.g. Database.spec.schemas)`);
      }
      const row = targetRow(d);
      for (const r of row?.requires ?? []) {
        if (!desiredNames.has(r) && !input.installed.has(r)) {
          errors.push(`extension "${d.name}" requires "${r}", which is neither installed nor in the list; add { name: "${r}" } (this provider never creates extensions implicitly)`);
        }
      }
      steps.push({
        action: 'create',
        extension: d.name,
        sql: `CREATE EXTENSION ${quoteIdent(d.name)}${d.schema !== undefined ? ` SCHEMA ${quoteIdent(d.schema)}` : ''}${d.version !== undefined ? ` VERSION ${quoteLiteral(d.version)}` : ''}`,
      });
      continue;
    }
    if (!managed.has(d.name) && !d.adopt) {
      errors.push(`extension "${d.name}" already exists (version ${inst.version}, schema ${inst.schema}) but this resource did not create it; set adopt: true on it to manage it, or remove it from the list`);
      continue;
    }
    if (d.version !== undefined && d.version !== inst.version) {
      if (!rows.some((r) => r.version === d.version)) {
        errors.push(`extension "${d.name}" cannot be updated to "${d.version}": the server has no such version (mount the image of that version first). Available versions: ${listNames(rows.map((r) => r.version))}`);
      } else if (!input.updatePaths.get(d.name)?.has(`${inst.version}->${d.version}`)) {
        errors.push(`extension "${d.name}" has no update path from "${inst.version}" to "${d.version}" (downgrades and skipped scripts are not possible). Reachable from ${inst.version}: ${listNames([...(input.updatePaths.get(d.name) ?? [])].filter((p) => p.startsWith(`${inst.version}->`)).map((p) => p.split('->')[1]))}`);
      } else {
        steps.push({ action: 'update', extension: d.name, sql: `ALTER EXTENSION ${quoteIdent(d.name)} UPDATE TO ${quoteLiteral(d.version)}` });
      }
    }
    if (d.schema !== undefined && d.schema !== inst.schema) {
      const row = rows.find((r) => r.version === inst.version);
      if (!input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first`);
      } else if (row && !row.relocatable) {
        errors.push(`extension "${d.name}" is not relocatable: it cannot move from schema "${inst.schema}" to "${d.schema}" (drop and re-create it instead)`);
      } else {
        steps.push({ action: 'set-schema', extension: d.name, sql: `ALTER EXTENSION ${quoteIdent(d.name)} SET SCHEMA ${quoteIdent(d.schema)}` });
      }
    }
  }

  // Creates in dependency order; updates and moves after creates, in list order.
  let ordered: PlannedStep[] = [];
  try {
    const creates = steps.filter((s) => s.action === 'create');
    const sorted = dependencyOrder(creates.map((s) => ({ name: s.extension, s })), requiresOf).map((x) => x.s);
    ordered = [...sorted, ...steps.filter((s) => s.action !== 'create')];
  } catch (e) {
    errors.push((e as Error).message);
  }

  // Drops: managed, no longer desired, still installed; dependents first.
  const toDrop = [...managed].filter((n) => !desiredNames.has(n) && input.installed.has(n));
  const dropOrder = dependencyOrder(
    toDrop.map((name) => ({ name })),
    (n) => byName.get(n)?.find((r) => r.version === input.installed.get(n)?.version)?.requires ?? [],
  ).reverse();
  for (const { name } of dropOrder) {
    ordered.push({ action: 'drop', extension: name, sql: `DROP EXTENSION ${quoteIdent(name)} ${input.dropCascade ? 'CASCADE' : 'RESTRICT'}` });
  }
  return { steps: errors.length > 0 ? [] : ordered, errors };
}

function defaultVersionOf(rows: readonly AvailableVersion[]): string | undefined {
  return rows.find((r) => r.isDefault)?.version;
}
