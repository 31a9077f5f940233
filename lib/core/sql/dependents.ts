/**
 * What a `DROP EXTENSION` takes with it, read the way PostgreSQL 18 finds it
 * (src/backend/catalog/dependency.c, `findDependentObjects` and `reportDependentObjects`), so that nothing the user
 * did not ask for goes: not even what `RESTRICT` lets go silently.
 */
import { dollarQuote, quoteLiteral, textArray } from './quote';

/**
 * An object that goes with an extension that is dropped: `pg_describe_object` text, and the extension's name when
 * the object is itself an extension (one that requires the dropped one, or one of whose members depends on it).
 */
export interface DependentObject {
  /** The extension being dropped that it goes with. */
  readonly root: string;
  /** `pg_describe_object`, e.g. `column location of table places`, `function f()`. */
  readonly object: string;
  /** The extension this object is, when it is one. */
  readonly extension: string | null;
}

/** Objects a drop removed besides the extension and its own parts. */
export interface CascadedDrop {
  readonly extension: string;
  readonly objects: readonly string[];
}

const EXT = "'pg_catalog.pg_extension'::pg_catalog.regclass";

/**
 * Every object a `DROP EXTENSION <root> CASCADE` of each of `roots` removes, besides the extension itself and its
 * parts, as rows `root, object, extension` (see {@link DependentObject}).
 *
 * What goes is what `findDependentObjects` visits: from the extension, every object with a `pg_depend` row on it
 * (or on one of its sub-objects, for a whole object) whatever the dependency type: `n` normal, `a` auto, `i`
 * internal, `e` extension membership, `x` auto-extension (`ALTER ... DEPENDS ON EXTENSION`), `P`/`S` partition;
 * and, for an object that is an internal part (`i`) or a member (`e`) of another, that owner too (the "reverse"
 * case: a view whose rule uses a function of the extension goes whole; an extension one of whose members uses it
 * goes whole).
 *
 * What is listed: the objects PostgreSQL reports with "drop cascades to" (reached by normal dependencies only, or
 * as an owner), and the objects reached through `x`, which PostgreSQL counts as automatic and drops silently even
 * under RESTRICT (`reportDependentObjects`), though they are the user's own: a function, trigger, index or
 * materialized view marked `DEPENDS ON EXTENSION`. Not listed: the parts that go with what they belong to, reached
 * through `a`, `i`, `e`, `P` or `S` (the extension's members and their parts, a column's index, a view's rule and
 * row type, a table's TOAST table), and a column when its whole table goes.
 * @internal
 */
export function dependentsSql(roots: readonly string[]): string {
  // One recursive reference (PostgreSQL allows no more): dependents and owners come from one LATERAL union.
  return (
    `WITH RECURSIVE roots AS (SELECT oid, extname FROM pg_catalog.pg_extension WHERE extname = ANY(${textArray(roots)})), ` +
    `r(classid, objid, objsubid, root, part) AS (SELECT ${EXT}::oid, roots.oid, 0, roots.extname::text, false FROM roots UNION ` +
    'SELECT x.classid, x.objid, x.objsubid, r.root, x.part FROM r CROSS JOIN LATERAL (' +
    "SELECT d.classid, d.objid, d.objsubid, d.deptype IN ('a', 'i', 'e', 'P', 'S') AS part FROM pg_catalog.pg_depend d " +
    'WHERE d.refclassid = r.classid AND d.refobjid = r.objid AND (r.objsubid = 0 OR d.refobjsubid = r.objsubid) ' +
    'AND NOT (d.classid = r.classid AND d.objid = r.objid AND r.objsubid = 0) UNION ALL ' +
    'SELECT d.refclassid, d.refobjid, d.refobjsubid, false FROM pg_catalog.pg_depend d ' +
    "WHERE d.classid = r.classid AND d.objid = r.objid AND (r.objsubid = 0 OR d.objsubid = r.objsubid) AND d.deptype IN ('i', 'e') " +
    'AND NOT (d.refclassid = r.classid AND d.refobjid = r.objid AND r.objsubid = 0)) x) ' +
    'SELECT o.root, pg_catalog.pg_describe_object(o.classid, o.objid, o.objsubid) AS object, ' +
    `CASE WHEN o.classid = ${EXT} THEN (SELECT e.extname FROM pg_catalog.pg_extension e WHERE e.oid = o.objid)::text END AS extension ` +
    'FROM (SELECT DISTINCT classid, objid, objsubid, root FROM r) o ' +
    'WHERE NOT EXISTS (SELECT 1 FROM r p WHERE p.part AND p.classid = o.classid AND p.objid = o.objid AND p.objsubid = o.objsubid) ' +
    `AND NOT (o.classid = ${EXT} AND o.objid IN (SELECT oid FROM roots)) ` +
    'AND NOT (o.objsubid <> 0 AND EXISTS (SELECT 1 FROM r w WHERE w.classid = o.classid AND w.objid = o.objid AND w.objsubid = 0)) ' +
    'ORDER BY 1, 2'
  );
}

/** The transaction-local setting in which the drops of an apply record what they took (read by {@link CASCADED_SQL}). @internal */
export const CASCADED_SETTING = 'cnpg_constructs.cascaded';

/**
 * Runs right before `DROP EXTENSION <root>`, in the same transaction, on the state as it is then (after the
 * statements before it): raises (SQLSTATE 2BP01, naming each object in DETAIL) when the drop would take an
 * extension that is not one of `dropping` (one still wanted, or one this resource does not manage), or, without
 * `cascade`, any object at all, including those RESTRICT would let go silently. Otherwise it records the objects
 * that go in {@link CASCADED_SETTING}, so that the apply reports exactly what went.
 * @internal
 */
export function dropGuardSql(root: string, dropping: readonly string[], cascade: boolean): string {
  const forbidden = `d.extension IS NOT NULL AND d.extension <> ALL(${textArray(dropping)})${cascade ? '' : ' OR d.extension IS NULL'}`;
  const message = quoteLiteral(
    cascade
      ? `extension "${root}" cannot be dropped: that would also drop extensions that are still in the list or that this resource does not manage`
      : `extension "${root}" cannot be dropped: objects depend on it`,
  );
  const hint = quoteLiteral(
    cascade
      ? 'remove them from the list too, or drop them first: an extension that is still wanted or not managed here is never dropped'
      : 'drop them first, or set dropCascade: true to drop them with it',
  );
  const body =
    ' DECLARE forbidden text; gone jsonb; BEGIN ' +
    `SELECT string_agg(d.object, E'\\n' ORDER BY d.object) FILTER (WHERE ${forbidden}), ` +
    'jsonb_agg(d.object ORDER BY d.object) FILTER (WHERE d.extension IS NULL) ' +
    `INTO forbidden, gone FROM (${dependentsSql([root])}) d; ` +
    `IF forbidden IS NOT NULL THEN RAISE EXCEPTION USING ERRCODE = 'dependent_objects_still_exist', MESSAGE = ${message}, DETAIL = forbidden, HINT = ${hint}; END IF; ` +
    `IF gone IS NOT NULL THEN PERFORM pg_catalog.set_config(${quoteLiteral(CASCADED_SETTING)}, ` +
    `(coalesce(NULLIF(pg_catalog.current_setting(${quoteLiteral(CASCADED_SETTING)}, true), ''), '[]')::jsonb || ` +
    `jsonb_build_array(jsonb_build_object('extension', ${quoteLiteral(root)}, 'objects', gone)))::text, true); END IF; END `;
  return `DO ${dollarQuote(body)}`;
}

/** What the drops of this transaction took, as JSON text ({@link CascadedDrop}[]), or null when nothing. @internal */
export const CASCADED_SQL = `SELECT NULLIF(pg_catalog.current_setting(${quoteLiteral(CASCADED_SETTING)}, true), '') AS cascaded`;
