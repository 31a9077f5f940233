/**
 * The SQL texts of an apply and a read: each a multi-statement simple query (one round trip), built from quoted
 * literals because simple queries take no parameters.
 */
import { dependentsSql } from './dependents';
import type { ExtensionRequest } from './requests';
import { quoteIdent, quoteLiteral, textArray } from './quote';

/** Key of the transaction-scoped advisory lock (advisory locks are per database) every apply takes. */
export const APPLY_LOCK_KEY = 'cnpg-constructs:postgres-extensions';

/** Separates the statements of the one query that applies a plan (tests split the server log on it). */
export const STEP_SEPARATOR = '\n/* cnpg-constructs: next statement */\n';

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
 * default) version, each requirement of that version, and of every version from which an update path leads to it
 * (the create may start from one of them: see {@link otherVersionsRequire}), is installed or earlier in the list,
 * each requested schema exists and is the one the control file fixes, if it fixes one. When all hold, the plan would be exactly these `CREATE EXTENSION`s in this order (the plan keeps an order
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
  // pg_available_extension_versions reads every control file on the server each time a query names it: the guard
  // reads it once (av) and uses that copy for the versions asked for and for the others (50 extensions over a 5 ms
  // link: about 6 ms less per create).
  const available = `SELECT v.name, v.version, v.requires, v.schema FROM pg_catalog.pg_available_extension_versions v WHERE v.name = ANY(${textArray(names)})`;
  const target =
    'SELECT w.name, w.i, v.version, v.requires, w.schema AS wanted, v.schema::text AS fixed FROM w JOIN av v ON v.name = w.name AND v.version = ' +
    "coalesce(NULLIF(w.version, ''), (SELECT a.default_version FROM pg_catalog.pg_available_extensions a WHERE a.name = w.name))";
  // A requirement that is neither installed nor earlier in the list.
  const notBefore =
    'r.req NOT IN (SELECT extname FROM pg_catalog.pg_extension) AND NOT EXISTS (SELECT 1 FROM w AS e WHERE e.name = r.req::text AND e.i < t.i)';
  const notFresh = [
    `EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ANY(${textArray(names)}))`,
    `(SELECT count(*) FROM t) < ${names.length}`,
    `EXISTS (SELECT 1 FROM t CROSS JOIN LATERAL unnest(coalesce(t.requires, '{}'::name[])) r(req) WHERE ${notBefore})`,
    `EXISTS (SELECT 1 FROM t JOIN av o ON ${otherVersionsRequire('o', 't.name', 't.version', 't.requires')} ` +
      `CROSS JOIN LATERAL unnest(o.requires) r(req) WHERE ${notBefore} AND EXISTS (SELECT 1 FROM pg_catalog.pg_extension_update_paths(t.name) p ` +
      'WHERE p.source = o.version AND p.target = t.version AND p.path IS NOT NULL))',
    "EXISTS (SELECT 1 FROM w WHERE w.schema <> '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = w.schema))",
    "EXISTS (SELECT 1 FROM t WHERE t.wanted <> '' AND t.fixed IS NOT NULL AND t.wanted <> t.fixed)",
  ].join(' OR ');
  return [
    ...applyPrelude(statementTimeoutMs),
    IDENTITY_SQL,
    `DO $guard$ BEGIN IF (WITH w AS (${wanted}), av AS MATERIALIZED (${available}), t AS (${target}) SELECT ${notFresh}) THEN RAISE EXCEPTION '${NOT_FRESH_MESSAGE}'; END IF; END $guard$`,
    ...desired.map(createExtensionSql),
    installedSql(names),
    'COMMIT',
  ].join(`;${STEP_SEPARATOR}`);
}

/**
 * The condition on a row `o` of `pg_available_extension_versions`: another version of extension `name` than
 * `version` (whose requirements are `requires`), requiring an extension that `version` does not. A create of
 * `version` may pass through such a version: without an install script of its own, CREATE EXTENSION installs a
 * start version and applies the updates from there (extension.c `CreateExtensionInternal`, `find_install_path`),
 * checking the requirements of each (`get_required_extension`); which versions have an install script is not in the
 * catalogs. Only then does a create need the update paths to its version.
 */
function otherVersionsRequire(o: string, name: string, version: string, requires: string): string {
  return (
    `${o}.name = ${name} AND ${o}.version <> ${version} AND ${o}.requires IS NOT NULL ` +
    `AND NOT (${o}.requires <@ coalesce(${requires}, '{}'::name[]))`
  );
}

/**
 * Everything an apply needs to plan, as one multi-statement simple query (one round trip): begin, take
 * the lock, then identity, installed, available, schemas, update paths (of `desired`: from the installed version of
 * those to update; to the version asked for of those to create that another version's requirements concern, see
 * {@link otherVersionsRequire}), and what depends on the extensions that may be dropped (`droppable`). Results come
 * back in that order (see the provider).
 */
export function liveStateSql(
  desired: readonly Pick<ExtensionRequest, 'name' | 'version'>[],
  droppable: readonly string[],
  statementTimeoutMs: number,
): string {
  const wanted = `SELECT * FROM unnest(${textArray(desired.map((d) => d.name))}, ${textArray(desired.map((d) => d.version ?? ''))}) AS w(name, version)`;
  return [
    ...applyPrelude(statementTimeoutMs),
    IDENTITY_SQL,
    installedSql(),
    "SELECT v.name, v.version, coalesce(v.requires, '{}'::name[])::text[] AS requires, v.relocatable, v.schema::text AS schema, " +
      '(a.default_version = v.version) AS "isDefault" FROM pg_catalog.pg_available_extension_versions v JOIN pg_catalog.pg_available_extensions a ON a.name = v.name',
    'SELECT nspname FROM pg_catalog.pg_namespace',
    // OFFSET 0 keeps the filter below the function call: pg_extension_update_paths fails for an extension
    // whose control file is gone (an unmounted image), and such an extension is reported by the plan instead.
    `WITH w AS (${wanted}), e AS (SELECT w.name, x.extversion AS installed, coalesce(NULLIF(w.version, ''), a.default_version) AS target ` +
      'FROM w JOIN pg_catalog.pg_available_extensions a ON a.name = w.name LEFT JOIN pg_catalog.pg_extension x ON x.extname = w.name ' +
      "WHERE CASE WHEN x.extversion IS NOT NULL THEN w.version NOT IN ('', x.extversion) ELSE EXISTS (SELECT 1 FROM pg_catalog.pg_available_extension_versions t " +
      "JOIN pg_catalog.pg_available_extension_versions o ON o.name = t.name WHERE t.name = w.name AND t.version = coalesce(NULLIF(w.version, ''), a.default_version) " +
      `AND ${otherVersionsRequire('o', 't.name', 't.version', 't.requires')}) END OFFSET 0) ` +
      'SELECT e.name, p.source, p.target, p.path FROM e CROSS JOIN LATERAL pg_catalog.pg_extension_update_paths(e.name) p ' +
      'WHERE p.path IS NOT NULL AND CASE WHEN e.installed IS NOT NULL THEN p.source = e.installed ELSE p.target = e.target END',
    dependentsSql(droppable),
  ].join(';\n');
}
