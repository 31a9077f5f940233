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
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short names need no byte count.
  if (value.length * 3 > MAX_IDENTIFIER_BYTES && utf8Length(value) > MAX_IDENTIFIER_BYTES)
    return `${what} is ${utf8Length(value)} bytes; PostgreSQL would truncate it to ${MAX_IDENTIFIER_BYTES}`;
  return undefined;
}

/** Problems of an extension version (PostgreSQL: no "--", no leading/trailing "-", no "/" or "\\"). */
export function versionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'version must be a string';
  if (value.length === 0) return 'version must not be empty (leave it out for the default version)';
  if (value.includes('\u0000')) return 'version must not contain a NUL character';
  if (utf8Length(value) > MAX_IDENTIFIER_BYTES) return `version is ${utf8Length(value)} bytes; at most ${MAX_IDENTIFIER_BYTES}`;
  if (value.includes('--') || value.startsWith('-') || value.endsWith('-'))
    return 'version must not contain "--" or start or end with "-" (PostgreSQL rule)';
  if (/[/\\]/.test(value)) return 'version must not contain "/" or "\\" (PostgreSQL rule)';
  return undefined;
}

/**
 * Problems of an extension name: an identifier, and PostgreSQL's own rule for extension names
 * (`check_valid_extension_name` in src/backend/commands/extension.c: not empty, no "--", no leading or
 * trailing "-", no directory separator), so that what PostgreSQL refuses is refused at preview.
 */
export function extensionNameProblem(value: unknown): string | undefined {
  const p = identifierProblem(value, 'extension name');
  if (p) return p;
  const v = value as string;
  if (v.includes('--') || v.startsWith('-') || v.endsWith('-'))
    return 'extension name must not contain "--" or start or end with "-" (PostgreSQL rule)';
  if (/[/\\]/.test(v)) return 'extension name must not contain "/" or "\\" (PostgreSQL rule)';
  return undefined;
}

/**
 * SQL extensions CloudNativePG owns in every database: when any `<name>.*` parameter is set on the
 * cluster, the operator preloads the library and runs CREATE EXTENSION in every database; when none
 * is, the instance manager runs DROP EXTENSION on every start. Anything else that manages them fights
 * the operator. Source: cloudnative-pg v1.30.0 `pkg/postgres/configuration.go` (`ManagedExtensions`,
 * entries without `SkipCreateExtension`) and `internal/management/controller/instance_controller.go`
 * (`reconcileExtensions`). `auto_explain` and `pg_failover_slots` are managed the same way but are
 * modules only: there is no extension to create.
 */
export const CNPG_OWNED_EXTENSIONS: readonly string[] = ['pgaudit', 'pg_stat_statements'];

/** Why an extension CNPG owns cannot be managed elsewhere, with the fix. */
export function cnpgOwnedExtensionReason(name: string): string {
  return `extension "${name}" is managed by CloudNativePG itself: it creates it in every database when a "${name}.*" parameter is set on the cluster, and drops it on every instance start when none is. Fix: remove it from the list and set a ${name}.* parameter in the Cluster's postgresql.parameters (e.g. ${name === 'pgaudit' ? "pgaudit.log: 'ddl'" : "pg_stat_statements.track: 'all'"})`;
}

/** Whether a string holds a control character (a newline included): such values fit no config line or host name. */
export function hasControlCharacters(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  return /[\u0000-\u001f\u007f]/.test(s);
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

/** Edit distance (case-insensitive), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The allowed key closest to `key`, when it is close enough to be a likely typo. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const a of allowed) {
    const d = editDistance(key, a);
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** One failure per key of `obj` that is not in `allowed`, naming the closest valid key. */
export function unknownKeys(obj: object, allowed: readonly string[], prefix?: string): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    const near = closestKey(k, allowed);
    const property = prefix ? `${prefix}.${k}` : k;
    out.push({ property, reason: `unknown property "${k}"${near ? `: did you mean "${near}"?` : ''} Valid: ${allowed.join(', ')}` });
  }
  return out;
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
    out.push(...unknownKeys(x, ['name', 'version', 'schema', 'adopt'], p));
    if (!isUnknown(x.name)) {
      const np = extensionNameProblem(x.name);
      if (np) out.push({ property: `${p}.name`, reason: `${np} (got ${JSON.stringify(x.name)})` });
      else if (CNPG_OWNED_EXTENSIONS.includes(x.name as string))
        out.push({ property: `${p}.name`, reason: cnpgOwnedExtensionReason(x.name as string) });
      else {
        const first = seen.get(x.name as string);
        if (first !== undefined)
          out.push({
            property: `${p}.name`,
            reason: `extension ${JSON.stringify(x.name)} is listed twice (also extensions[${first}]); list it once`,
          });
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
    if (x.adopt !== undefined && !isUnknown(x.adopt) && typeof x.adopt !== 'boolean')
      out.push({ property: `${p}.adopt`, reason: 'adopt must be true or false' });
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

/**
 * An object that would go with an extension that is dropped (from `pg_depend`, followed recursively):
 * `pg_describe_object` text, the extension it is (if one) or belongs to (if a member of one).
 */
export interface DependentObject {
  /** The extension being dropped that it depends on. */
  readonly root: string;
  /** `pg_describe_object`, e.g. `column location of table places`. */
  readonly object: string;
  /** The extension this object is, when it is one. */
  readonly extension: string | null;
  /** The extension this object is a member of, when it is one. */
  readonly memberOf: string | null;
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
  /** What depends on the extensions that may be dropped (see {@link dependentsSql}). */
  readonly dependents?: readonly DependentObject[];
}

/** Objects a DROP EXTENSION ... CASCADE removes besides the extension. */
export interface CascadedDrop {
  readonly extension: string;
  readonly objects: readonly string[];
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
  /** What each cascading drop removes besides the extension (only with dropCascade). */
  readonly cascaded: readonly CascadedDrop[];
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
  const unavailable: string[] = [];
  const cascaded: CascadedDrop[] = [];
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

  const targetRow = (d: ExtensionRequest): AvailableVersion | undefined => {
    const rows = byName.get(d.name) ?? [];
    const inst = input.installed.get(d.name);
    const v = d.version ?? inst?.version;
    return v === undefined ? (rows.find((r) => r.version === defaultVersionOf(rows)) ?? rows[0]) : rows.find((r) => r.version === v);
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
      if (d.schema !== undefined && !input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first (e.g. Database.spec.schemas)`);
      }
      const row = targetRow(d);
      for (const r of row?.requires ?? []) {
        if (!desiredNames.has(r) && !input.installed.has(r)) {
          errors.push(
            `extension "${d.name}" requires "${r}", which is neither installed nor in the list; add { name: "${r}" } (this provider never creates extensions implicitly)`,
          );
        }
      }
      steps.push({
        action: 'create',
        extension: d.name,
        sql: createExtensionSql(d),
      });
      continue;
    }
    if (!managed.has(d.name) && !d.adopt) {
      errors.push(
        `extension "${d.name}" already exists (version ${inst.version}, schema ${inst.schema}) but this resource did not create it; set adopt: true on it to manage it, or remove it from the list`,
      );
      continue;
    }
    if (d.version !== undefined && d.version !== inst.version) {
      if (!rows.some((r) => r.version === d.version)) {
        waitFor(
          `extension "${d.name}" cannot be updated to "${d.version}": the server has no such version (mount the image of that version first). Available versions: ${listNames(rows.map((r) => r.version))}`,
        );
      } else if (!input.updatePaths.get(d.name)?.has(`${inst.version}->${d.version}`)) {
        errors.push(
          `extension "${d.name}" has no update path from "${inst.version}" to "${d.version}" (downgrades and skipped scripts are not possible). Reachable from ${inst.version}: ${listNames([...(input.updatePaths.get(d.name) ?? [])].filter((p) => p.startsWith(`${inst.version}->`)).map((p) => p.split('->')[1]))}`,
        );
      } else {
        steps.push({
          action: 'update',
          extension: d.name,
          sql: `ALTER EXTENSION ${quoteIdent(d.name)} UPDATE TO ${quoteLiteral(d.version)}`,
        });
      }
    }
    if (d.schema !== undefined && d.schema !== inst.schema) {
      const row = rows.find((r) => r.version === inst.version);
      if (!input.existingSchemas.has(d.schema)) {
        errors.push(`schema "${d.schema}" for extension "${d.name}" does not exist; create it first`);
      } else if (row && !row.relocatable) {
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

  // Creates in dependency order; updates and moves after creates, in list order.
  let ordered: PlannedStep[] = [];
  try {
    const creates = steps.filter((s) => s.action === 'create');
    const sorted = dependencyOrder(
      creates.map((s) => ({ name: s.extension, s })),
      requiresOf,
    ).map((x) => x.s);
    ordered = [...sorted, ...steps.filter((s) => s.action !== 'create')];
  } catch (e) {
    errors.push((e as Error).message);
  }

  // Drops: managed, no longer desired, still installed; dependents first. Nothing a listed extension
  // needs, nothing this resource does not manage, and nothing else unless dropCascade says so.
  const toDrop = [...managed].filter((n) => !desiredNames.has(n) && input.installed.has(n));
  const dropping = new Set(toDrop);
  const owner = (d: DependentObject) => d.extension ?? d.memberOf;
  for (const name of toDrop) {
    const deps = (input.dependents ?? []).filter((d) => d.root === name && owner(d) !== name);
    const neededBy = new Set<string>(deps.map(owner).filter((o): o is string => o !== null && desiredNames.has(o)));
    for (const d of input.desired) if ((targetRow(d)?.requires ?? []).includes(name)) neededBy.add(d.name);
    if (neededBy.size > 0) {
      errors.push(
        `extension "${name}" cannot be dropped: ${[...neededBy].map((n) => `"${n}"`).join(', ')}, still in the list, need${neededBy.size === 1 ? 's' : ''} it. Keep "${name}" in the list, or remove ${neededBy.size === 1 ? 'that one' : 'those'} too`,
      );
      continue;
    }
    const foreign = [...new Set(deps.map(owner).filter((o): o is string => o !== null && !dropping.has(o)))];
    if (foreign.length > 0) {
      errors.push(
        `extension "${name}" cannot be dropped: that would also drop extension${foreign.length > 1 ? 's' : ''} ${foreign.map((n) => `"${n}"`).join(', ')}, which this resource does not manage. Drop ${foreign.length > 1 ? 'them' : 'it'} first, or add ${foreign.length > 1 ? 'them' : 'it'} to the list`,
      );
      continue;
    }
    const extra = deps.filter((d) => owner(d) === null).map((d) => d.object);
    if (extra.length === 0) continue;
    if (!input.dropCascade) {
      errors.push(
        `extension "${name}" cannot be dropped: objects depend on it:\n      ${extra.join('\n      ')}\n    drop them first, or set dropCascade: true to drop them with it`,
      );
    } else {
      cascaded.push({ extension: name, objects: extra });
    }
  }
  const dropOrder = dependencyOrder(
    toDrop.map((name) => ({ name })),
    (n) => byName.get(n)?.find((r) => r.version === input.installed.get(n)?.version)?.requires ?? [],
  ).reverse();
  for (const { name } of dropOrder) {
    ordered.push({
      action: 'drop',
      extension: name,
      sql: `DROP EXTENSION ${quoteIdent(name)} ${input.dropCascade ? 'CASCADE' : 'RESTRICT'}`,
    });
  }
  return { steps: errors.length > 0 ? [] : ordered, errors, unavailable, cascaded: errors.length > 0 ? [] : cascaded };
}

function defaultVersionOf(rows: readonly AvailableVersion[]): string | undefined {
  return rows.find((r) => r.isDefault)?.version;
}

/** `ARRAY['a','b']::text[]`, quoted as literals (for multi-statement simple queries, which take no parameters). */
export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

/** Key of the transaction-scoped advisory lock (advisory locks are per database) every apply takes. */
export const APPLY_LOCK_KEY = 'cnpg-constructs:postgres-extensions';

/** The installed extensions, optionally only some, as `name, version, schema`. */
export function installedSql(names?: readonly string[]): string {
  return (
    'SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_catalog.pg_extension e ' +
    `JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace${names ? ` WHERE e.extname = ANY(${textArray(names)})` : ''}`
  );
}

/** Which server and database this is: the cluster's `system_identifier` and the database's OID. */
export const IDENTITY_SQL =
  'SELECT s.system_identifier::text AS "serverId", d.oid::int8::text AS "databaseOid" FROM pg_catalog.pg_control_system() s, ' +
  'pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()';

/** `CREATE EXTENSION` of one request, as every plan writes it. */
export function createExtensionSql(d: ExtensionRequest): string {
  return `CREATE EXTENSION ${quoteIdent(d.name)}${d.schema !== undefined ? ` SCHEMA ${quoteIdent(d.schema)}` : ''}${d.version !== undefined ? ` VERSION ${quoteLiteral(d.version)}` : ''}`;
}

/** How every apply starts: a transaction, the advisory lock, the timeouts, and CNPG's search_path. */
function applyPrelude(statementTimeoutMs: number): string[] {
  return [
    'BEGIN',
    // The wait for the lock is bounded by lock_timeout alone (same value), so that it reports as a lock wait.
    'SET LOCAL statement_timeout = 0',
    `SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(${quoteLiteral(APPLY_LOCK_KEY)}))`,
    `SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`,
    `SET LOCAL search_path TO "$user", public`,
  ];
}

/** The error a one-round-trip create raises when the database is not as fresh as it assumed. */
export const NOT_FRESH_MESSAGE = 'cnpg-constructs: not a fresh create';

/**
 * A create in one round trip. Its guard checks in the database, before any statement runs, what the plan would
 * check from the live state: none of `desired` is installed yet, each is available at the requested (else
 * default) version, each requirement of that version is installed or earlier in the list, each requested schema
 * exists. When all hold, the plan would be exactly these `CREATE EXTENSION`s in this order (the plan keeps an order
 * that already satisfies the requirements), so they run here, then the managed extensions are read back and the
 * transaction commits. When any does not hold, the guard raises {@link NOT_FRESH_MESSAGE} and nothing has run: the
 * provider rolls back and plans from the live state as usual (adoption, reordering, the pre-flight messages).
 * Results: 5 prelude, identity, guard, one per extension, installed, commit.
 */
export function freshCreateSql(desired: readonly ExtensionRequest[], statementTimeoutMs: number): string {
  const names = desired.map((d) => d.name);
  const wanted =
    `SELECT * FROM unnest(${textArray(names)}, ${textArray(desired.map((d) => d.version ?? ''))}, ${textArray(desired.map((d) => d.schema ?? ''))}) ` +
    'WITH ORDINALITY AS w(name, version, schema, i)';
  const target =
    'SELECT w.name, w.i, v.requires FROM w JOIN pg_catalog.pg_available_extension_versions v ON v.name = w.name AND v.version = ' +
    "coalesce(NULLIF(w.version, ''), (SELECT a.default_version FROM pg_catalog.pg_available_extensions a WHERE a.name = w.name))";
  const notFresh = [
    `EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ANY(${textArray(names)}))`,
    `(SELECT count(*) FROM t) < ${names.length}`,
    "EXISTS (SELECT 1 FROM t CROSS JOIN LATERAL unnest(coalesce(t.requires, '{}'::name[])) r(req) WHERE r.req NOT IN (SELECT extname FROM pg_catalog.pg_extension) " +
      'AND NOT EXISTS (SELECT 1 FROM w AS e WHERE e.name = r.req::text AND e.i < t.i))',
    "EXISTS (SELECT 1 FROM w WHERE w.schema <> '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = w.schema))",
  ].join(' OR ');
  return [
    ...applyPrelude(statementTimeoutMs),
    IDENTITY_SQL,
    `DO $guard$ BEGIN IF (WITH w AS (${wanted}), t AS (${target}) SELECT ${notFresh}) THEN RAISE EXCEPTION '${NOT_FRESH_MESSAGE}'; END IF; END $guard$`,
    ...desired.map(createExtensionSql),
    installedSql(names),
    'COMMIT',
  ].join(`;${STEP_SEPARATOR}`);
}

/**
 * Everything an apply needs to plan, as one multi-statement simple query (one round trip): begin, take
 * the lock, then identity, installed, available, schemas, update paths (of `updatable`), and what depends on
 * the extensions that may be dropped (`droppable`). Results come back in that order (see the provider).
 */
export function liveStateSql(updatable: readonly string[], droppable: readonly string[], statementTimeoutMs: number): string {
  return [
    ...applyPrelude(statementTimeoutMs),
    IDENTITY_SQL,
    installedSql(),
    "SELECT v.name, v.version, coalesce(v.requires, '{}'::name[])::text[] AS requires, v.relocatable, v.schema::text AS schema, " +
      '(a.default_version = v.version) AS "isDefault" FROM pg_catalog.pg_available_extension_versions v JOIN pg_catalog.pg_available_extensions a ON a.name = v.name',
    'SELECT nspname FROM pg_catalog.pg_namespace',
    // OFFSET 0 keeps the filter below the function call: pg_extension_update_paths fails for an extension
    // whose control file is gone (an unmounted image), and such an extension is reported by the plan instead.
    'SELECT e.extname AS name, p.source, p.target FROM (SELECT extname, extversion FROM pg_catalog.pg_extension ' +
      `WHERE extname = ANY(${textArray(updatable)}) AND extname IN (SELECT name FROM pg_catalog.pg_available_extensions) OFFSET 0) e ` +
      'CROSS JOIN LATERAL pg_catalog.pg_extension_update_paths(e.extname) p WHERE p.source = e.extversion AND p.path IS NOT NULL',
    dependentsSql(droppable),
  ].join(';\n');
}

/**
 * What a DROP EXTENSION ... CASCADE of each of `roots` would remove besides the extension itself: the
 * objects that depend on it, or on one of its parts, through a normal dependency (`pg_depend.deptype =
 * 'n'`, what RESTRICT refuses), followed recursively. Parts (members of an extension, objects with an auto
 * or internal dependency on something that goes anyway, such as a domain's constraints or an operator
 * family's entries) are not listed: they go with what they belong to. Each row says which extension it
 * is, or is a member of, when it is one.
 */
export function dependentsSql(roots: readonly string[]): string {
  const ext = "'pg_catalog.pg_extension'::pg_catalog.regclass";
  return (
    `WITH RECURSIVE roots AS (SELECT oid, extname FROM pg_catalog.pg_extension WHERE extname = ANY(${textArray(roots)})), ` +
    `objs(classid, objid, objsubid, root, via) AS (SELECT ${ext}::oid, r.oid, 0, r.extname, 'r'::"char" FROM roots r UNION ` +
    'SELECT d.classid, d.objid, d.objsubid, o.root, d.deptype FROM pg_catalog.pg_depend d JOIN objs o ON d.refclassid = o.classid AND d.refobjid = o.objid ' +
    "AND (o.objsubid = 0 OR d.refobjsubid = o.objsubid) WHERE d.deptype <> 'p') " +
    'SELECT DISTINCT o.root, pg_catalog.pg_describe_object(o.classid, o.objid, o.objsubid) AS object, ' +
    `CASE WHEN o.classid = ${ext} THEN (SELECT x.extname FROM pg_catalog.pg_extension x WHERE x.oid = o.objid)::text END AS extension, ` +
    '(SELECT x.extname FROM pg_catalog.pg_depend m JOIN pg_catalog.pg_extension x ON x.oid = m.refobjid WHERE m.classid = o.classid AND m.objid = o.objid ' +
    `AND m.refclassid = ${ext} AND m.deptype = 'e' LIMIT 1)::text AS "memberOf" ` +
    "FROM objs o WHERE o.via = 'n' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend p JOIN objs q ON p.refclassid = q.classid AND p.refobjid = q.objid " +
    "AND q.root = o.root WHERE p.classid = o.classid AND p.objid = o.objid AND p.objsubid = o.objsubid AND p.deptype IN ('a', 'i', 'e', 'x')) ORDER BY 1, 2"
  );
}

/** Separates the statements of the one query that applies a plan (tests split the server log on it). */
export const STEP_SEPARATOR = '\n/* cnpg-constructs: next statement */\n';
