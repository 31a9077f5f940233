// Databases: the statements CNPG's instance manager runs on the primary for a Database object (cloudnative-pg
// v1.30.0 internal/management/controller/database_controller.go, database_controller_sql.go, database_objects.go).
// Each schema, extension, foreign-data wrapper and server of the list is reconciled by its `ensure`: present
// creates or alters it, absent drops it; an entry taken out of the list is left alone.
import type { KubeObject } from '../operator-manifest';
import { quoteIdent, quoteLiteral } from '../sql';
import { cnpg } from './cite';
import { deepEqual, isObject } from './diff';
import type { Citation, PlanChange, SqlStatement } from './types';

type Spec = Record<string, unknown>;
const F = 'internal/management/controller/database_controller_sql.go';

const C = {
  createDb: cnpg(F, 90, 'fmt.Fprintf(&sqlCreateDatabase, "CREATE DATABASE %s ", pgx.Identifier{obj.Spec.Name}.Sanitize())'),
  dropDb: cnpg(F, 233, 'query := fmt.Sprintf("DROP DATABASE IF EXISTS %s", pgx.Identifier{obj.Spec.Name}.Sanitize())'),
  owner: cnpg(F, 200, '"ALTER DATABASE %s OWNER TO %s",'),
  limit: cnpg(F, 174, '"ALTER DATABASE %s WITH CONNECTION LIMIT %v",'),
  allow: cnpg(F, 161, '"ALTER DATABASE %s WITH ALLOW_CONNECTIONS %v",'),
  template: cnpg(F, 187, '"ALTER DATABASE %s WITH IS_TEMPLATE %v",'),
  tablespace: cnpg(F, 213, '"ALTER DATABASE %s SET TABLESPACE %s",'),
  createExt: cnpg(F, 271, 'fmt.Fprintf(&sqlCreateExtension, "CREATE EXTENSION %s ", pgx.Identifier{ext.Name}.Sanitize())'),
  dropExt: cnpg(F, 316, 'query := fmt.Sprintf("DROP EXTENSION IF EXISTS %s", pgx.Identifier{ext.Name}.Sanitize())'),
  extSchema: cnpg(F, 332, '"ALTER EXTENSION %s SET SCHEMA %v",'),
  extUpdate: cnpg(F, 347, '"ALTER EXTENSION %s UPDATE TO %v",'),
  verifyPath: cnpg('docs/src/imagevolume_extensions.md', 677, '  the currently installed version and the target version.'),
  extVersionSet: cnpg(F, 344, 'if len(spec.Version) > 0 && spec.Version != info.Version {'),
  createSchema: cnpg(F, 388, 'fmt.Fprintf(&sqlCreateExtension, "CREATE SCHEMA %s ", pgx.Identifier{schema.Name}.Sanitize())'),
  schemaOwner: cnpg(F, 407, '"ALTER SCHEMA %s OWNER TO %v",'),
  dropSchema: cnpg(F, 424, 'query := fmt.Sprintf("DROP SCHEMA IF EXISTS %s", pgx.Identifier{schema.Name}.Sanitize())'),
  createFdw: cnpg(F, 610, 'fmt.Fprintf(&sqlCreateFDW, "CREATE FOREIGN DATA WRAPPER %s ", pgx.Identifier{fdw.Name}.Sanitize())'),
  fdwOwner: cnpg(F, 714, '"ALTER FOREIGN DATA WRAPPER %s OWNER TO %v",'),
  dropFdw: cnpg(F, 750, 'query := fmt.Sprintf("DROP FOREIGN DATA WRAPPER IF EXISTS %s", pgx.Identifier{fdw.Name}.Sanitize())'),
  createServer: cnpg(F, 799, 'fmt.Fprintf(&sqlCreateServer, "CREATE SERVER %s FOREIGN DATA WRAPPER %s ",'),
  serverOptions: cnpg(F, 830, '"ALTER SERVER %s OPTIONS (%s)", pgx.Identifier{server.Name}.Sanitize(),'),
  dropServer: cnpg(F, 852, 'query := fmt.Sprintf("DROP SERVER IF EXISTS %s", pgx.Identifier{server.Name}.Sanitize())'),
  ensureAbsent: cnpg('internal/management/controller/database_objects.go', 96, 'case exists && ensureOption == apiv1.EnsureAbsent:'),
  ensurePresent: cnpg('internal/management/controller/database_objects.go', 87, 'case !exists && ensureOption == apiv1.EnsurePresent:'),
  onPrimary: cnpg(
    'internal/management/controller/database_controller.go',
    168,
    'if cluster.Status.CurrentPrimary != r.instance.GetPodName() {',
  ),
  retry: cnpg('internal/management/controller/database_controller.go', 93, 'const databaseReconciliationInterval = 30 * time.Second'),
  reclaim: cnpg('internal/management/controller/database_controller.go', 216, 'if db.Spec.ReclaimPolicy != apiv1.DatabaseReclaimDelete {'),
  dbAbsent: cnpg('internal/management/controller/database_controller.go', 299, 'if obj.Spec.Ensure == apiv1.EnsureAbsent {'),
};

/** What a Database plan needs to know about its cluster in the same plan. */
export interface DatabaseContext {
  /** The Database's cluster (`Cluster/namespace/name`) rolls in this plan, and why (its first rolling change). */
  readonly clusterRolls?: string;
}

interface Built {
  readonly changes: PlanChange[];
  readonly statements: SqlStatement[];
}

const present = (e: Spec | undefined) => e !== undefined && e.ensure !== 'absent';
function byName(v: unknown): Map<string, Spec> {
  return new Map((Array.isArray(v) ? v.filter(isObject) : []).map((e) => [String(e.name), e]));
}
function options(v: unknown): string {
  const opts = Array.isArray(v) ? v.filter(isObject) : [];
  return opts.length
    ? ` OPTIONS (${opts.map((o) => `${quoteIdent(String(o.name))} ${quoteLiteral(String(o.value ?? ''))}`).join(', ')})`
    : '';
}

/** CREATE DATABASE as createDatabase writes it. */
function createDatabaseSql(s: Spec): string {
  const parts = [`CREATE DATABASE ${quoteIdent(String(s.name))}`];
  const opt = (key: string, sql: string, quote = true) => {
    if (s[key] !== undefined && s[key] !== '') parts.push(`${sql} ${quote ? quoteIdent(String(s[key])) : String(s[key])}`);
  };
  opt('owner', 'OWNER');
  opt('template', 'TEMPLATE');
  opt('tablespace', 'TABLESPACE');
  opt('allowConnections', 'ALLOW_CONNECTIONS', false);
  opt('connectionLimit', 'CONNECTION LIMIT', false);
  opt('isTemplate', 'IS_TEMPLATE', false);
  opt('encoding', 'ENCODING');
  opt('locale', 'LOCALE');
  opt('localeProvider', 'LOCALE_PROVIDER');
  return parts.join(' ');
}

/** The statements for the lists (schemas, extensions, fdws, servers) from `before` (undefined: a new database) to `after`. */
function listStatements(db: string, a: Spec, b: Spec, ctx: DatabaseContext, out: Built): void {
  const when = ctx.clusterRolls
    ? `on the primary once the rollout of the cluster (${ctx.clusterRolls}) has mounted the image there; until then it fails and CNPG retries every 30 s`
    : 'on the primary, at the next reconciliation';
  const stmt = (s: SqlStatement, change: Omit<PlanChange, 'effect'> & { effect?: PlanChange['effect'] }) => {
    out.statements.push(s);
    out.changes.push({ effect: 'reconfigure', ...change, cite: [...change.cite, C.onPrimary] });
  };
  const leftAlone = (kind: string, name: string, field: string, cite: Citation[], drop: string) =>
    out.changes.push({
      code: `${kind}-left-installed`,
      field,
      effect: 'none',
      warning: true,
      why: `${name} is no longer listed, and CNPG does nothing for an entry that is not there: it stays in ${db}`,
      fix: `to remove it, keep the entry with ensure: absent (CNPG then runs ${drop})`,
      cite,
    });
  const lists: [string, string][] = [
    ['schemas', 'schema'],
    ['extensions', 'extension'],
    ['fdws', 'fdw'],
    ['servers', 'server'],
  ];
  for (const [key, kind] of lists) {
    const old = byName(a[key]);
    const now = byName(b[key]);
    for (const [name, e] of now) {
      const o = old.get(name);
      const field = `.spec.${key}[${JSON.stringify(name)}]`;
      const q = quoteIdent(name);
      if (present(e) && !present(o)) {
        const sql =
          kind === 'extension'
            ? `CREATE EXTENSION ${q}${e.version ? ` VERSION ${quoteIdent(String(e.version))}` : ''}${e.schema ? ` SCHEMA ${quoteIdent(String(e.schema))}` : ''}`
            : kind === 'schema'
              ? `CREATE SCHEMA ${q}${e.owner ? ` AUTHORIZATION ${quoteIdent(String(e.owner))}` : ''}`
              : kind === 'fdw'
                ? `CREATE FOREIGN DATA WRAPPER ${q}${e.handler ? ` HANDLER ${quoteIdent(String(e.handler))}` : ''}${e.validator ? ` VALIDATOR ${quoteIdent(String(e.validator))}` : ''}${options(e.options)}`
                : `CREATE SERVER ${q} FOREIGN DATA WRAPPER ${quoteIdent(String(e.fdw))}${options(e.options)}`;
        const cite =
          kind === 'extension' ? C.createExt : kind === 'schema' ? C.createSchema : kind === 'fdw' ? C.createFdw : C.createServer;
        stmt(
          { sql, kind: kind as SqlStatement['kind'], name, action: 'create', when: kind === 'extension' ? when : undefined },
          {
            code: `${kind}-create`,
            field,
            after: e,
            why: `CNPG runs ${sql} in ${db} (never CASCADE: what it requires must be created first)`,
            cite: [cite, C.ensurePresent],
          },
        );
        continue;
      }
      if (!present(e) && present(o)) {
        const sql =
          kind === 'extension'
            ? `DROP EXTENSION IF EXISTS ${q}`
            : kind === 'schema'
              ? `DROP SCHEMA IF EXISTS ${q}`
              : kind === 'fdw'
                ? `DROP FOREIGN DATA WRAPPER IF EXISTS ${q}`
                : `DROP SERVER IF EXISTS ${q}`;
        const cite = kind === 'extension' ? C.dropExt : kind === 'schema' ? C.dropSchema : kind === 'fdw' ? C.dropFdw : C.dropServer;
        stmt(
          { sql, kind: kind as SqlStatement['kind'], name, action: 'drop' },
          {
            code: `${kind}-drop`,
            field,
            before: o,
            after: e,
            warning: true,
            why: `CNPG runs ${sql} in ${db}: without CASCADE, it fails while objects depend on it; when it succeeds, what it held is gone`,
            fix: 'check what depends on it first (\\dx+, pg_depend)',
            cite: [cite, C.ensureAbsent],
          },
        );
        continue;
      }
      if (!present(e) || !o || deepEqual(o, e)) continue;
      if (kind === 'extension') {
        if (e.schema && e.schema !== o.schema) {
          const sql = `ALTER EXTENSION ${q} SET SCHEMA ${quoteIdent(String(e.schema))}`;
          stmt(
            { sql, kind: 'extension', name, action: 'alter' },
            {
              code: 'extension-set-schema',
              field: `${field}.schema`,
              before: o.schema,
              after: e.schema,
              why: `CNPG runs ${sql}`,
              cite: [C.extSchema],
            },
          );
        }
        if (e.version && e.version !== o.version) {
          const sql = `ALTER EXTENSION ${q} UPDATE TO ${quoteIdent(String(e.version))}`;
          stmt(
            {
              sql,
              kind: 'extension',
              name,
              action: 'update',
              when,
              check: {
                status: 'not-checked',
                extension: name,
                from: o.version === undefined ? undefined : String(o.version),
                to: String(e.version),
                reason:
                  'the image was not read (the plan alone is offline; `cnpg-constructs plan` and checkUpdatePaths() read it from the registry)',
              },
            },
            {
              code: 'extension-update',
              field: `${field}.version`,
              before: o.version,
              after: e.version,
              why: `CNPG runs ${sql} ${when}; it needs an update path from ${o.version ?? 'the installed version'} to ${e.version} in the image's scripts`,
              cite: [C.extUpdate, C.retry, C.verifyPath],
            },
          );
        } else if (!e.version && o.version) {
          out.changes.push({
            code: 'extension-version-unset',
            field: `${field}.version`,
            before: o.version,
            effect: 'none',
            warning: true,
            why: 'without a version CNPG never updates the extension (it runs ALTER EXTENSION ... UPDATE TO only for an explicit version that differs): it stays at the installed one, whatever the image offers',
            fix: 'set the version you want',
            cite: [C.extVersionSet],
          });
        }
        continue;
      }
      const alterSql =
        kind === 'schema'
          ? `ALTER SCHEMA ${q} OWNER TO ${quoteIdent(String(e.owner ?? ''))}`
          : kind === 'fdw'
            ? `ALTER FOREIGN DATA WRAPPER ${q} ...`
            : `ALTER SERVER ${q} OPTIONS (...)`;
      stmt(
        { sql: alterSql, kind: kind as SqlStatement['kind'], name, action: 'alter' },
        {
          code: `${kind}-alter`,
          field,
          before: o,
          after: e,
          why: `CNPG alters the ${kind} in ${db} (owner, handler, validator, options, usage grants); nothing restarts`,
          cite: [kind === 'schema' ? C.schemaOwner : kind === 'fdw' ? C.fdwOwner : C.serverOptions],
        },
      );
    }
    for (const [name, o] of old) {
      if (now.has(name) || !present(o)) continue;
      const cite = kind === 'extension' ? C.dropExt : kind === 'schema' ? C.dropSchema : kind === 'fdw' ? C.dropFdw : C.dropServer;
      leftAlone(
        kind,
        name,
        `.spec.${key}[${JSON.stringify(name)}]`,
        [C.ensureAbsent, cite],
        `DROP ${kind === 'fdw' ? 'FOREIGN DATA WRAPPER' : kind.toUpperCase()} IF EXISTS ${quoteIdent(name)}`,
      );
    }
  }
}

/** The changes and statements of a Database from `before` to `after` (either may be absent: created, deleted). */
export function databaseChanges(before: KubeObject | undefined, after: KubeObject | undefined, ctx: DatabaseContext = {}): Built {
  const out: Built = { changes: [], statements: [] };
  const a = (before?.spec ?? {}) as Spec;
  const b = (after?.spec ?? {}) as Spec;
  const db = quoteIdent(String(b.name ?? a.name));
  if (!after) {
    const deletes = a.databaseReclaimPolicy === 'delete' && a.ensure !== 'absent';
    if (deletes) out.statements.push({ sql: `DROP DATABASE IF EXISTS ${db}`, kind: 'database', name: String(a.name), action: 'drop' });
    out.changes.push({
      code: deletes ? 'database-dropped' : 'database-retained',
      field: '.spec.databaseReclaimPolicy',
      before: a.databaseReclaimPolicy ?? 'retain',
      effect: deletes ? 'reconfigure' : 'none',
      warning: true,
      why: deletes
        ? `the Database object is deleted with databaseReclaimPolicy: delete: CNPG runs DROP DATABASE IF EXISTS ${db}, and its data is gone`
        : `the Database object is deleted, but databaseReclaimPolicy is retain: the database ${db} stays in the cluster, no longer managed`,
      cite: [C.reclaim, C.dropDb],
    });
    return out;
  }
  if (b.ensure === 'absent') {
    if (before === undefined || a.ensure !== 'absent') {
      out.statements.push({ sql: `DROP DATABASE IF EXISTS ${db}`, kind: 'database', name: String(b.name), action: 'drop' });
      out.changes.push({
        code: 'database-drop',
        field: '.spec.ensure',
        before: a.ensure,
        after: 'absent',
        effect: 'reconfigure',
        warning: true,
        why: `ensure: absent: CNPG runs DROP DATABASE IF EXISTS ${db}, and its data is gone`,
        cite: [C.dbAbsent, C.dropDb],
      });
    }
    return out;
  }
  if (!before || a.ensure === 'absent') {
    const sql = createDatabaseSql(b);
    out.statements.push({ sql, kind: 'database', name: String(b.name), action: 'create' });
    out.changes.push({
      code: 'database-create',
      field: '.spec',
      after: b.name,
      effect: 'reconfigure',
      why: `CNPG runs ${sql} on the primary (nothing if it exists)`,
      cite: [C.createDb, C.onPrimary],
    });
  } else {
    const alters: [string, string, Citation][] = [
      ['owner', `ALTER DATABASE ${db} OWNER TO ${quoteIdent(String(b.owner ?? ''))}`, C.owner],
      ['connectionLimit', `ALTER DATABASE ${db} WITH CONNECTION LIMIT ${b.connectionLimit}`, C.limit],
      ['allowConnections', `ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS ${b.allowConnections}`, C.allow],
      ['isTemplate', `ALTER DATABASE ${db} WITH IS_TEMPLATE ${b.isTemplate}`, C.template],
      ['tablespace', `ALTER DATABASE ${db} SET TABLESPACE ${quoteIdent(String(b.tablespace ?? ''))}`, C.tablespace],
    ];
    for (const [key, sql, cite] of alters) {
      if (deepEqual(a[key], b[key]) || b[key] === undefined) continue;
      out.statements.push({ sql, kind: 'database', name: String(b.name), action: 'alter' });
      out.changes.push({
        code: `database-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        field: `.spec.${key}`,
        before: a[key],
        after: b[key],
        effect: 'reconfigure',
        why: `CNPG runs ${sql}${key === 'tablespace' ? ' (it moves every table: the database is locked meanwhile, and nobody may be connected to it)' : ''}`,
        ...(key === 'tablespace' ? { warning: true } : {}),
        cite: [cite, C.onPrimary],
      });
    }
    if (a.databaseReclaimPolicy !== b.databaseReclaimPolicy)
      out.changes.push({
        code: 'database-reclaim-policy',
        field: '.spec.databaseReclaimPolicy',
        before: a.databaseReclaimPolicy,
        after: b.databaseReclaimPolicy,
        effect: 'reconfigure',
        why: `decides what deleting the Database object does later (delete drops the database, retain keeps it)`,
        cite: [C.reclaim],
      });
  }
  listStatements(db, before && a.ensure !== 'absent' ? a : {}, b, ctx, out);
  return out;
}
