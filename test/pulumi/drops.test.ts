// Nothing the user did not ask for is dropped: through the real provider host against real PostgreSQL 18, with the
// server itself as the oracle of what a DROP EXTENSION takes (its own report, asked for in a transaction that is
// rolled back: NOTICE "drop cascades to" and DEBUG2 "drop auto-cascades to", src/backend/catalog/dependency.c
// reportDependentObjects). The objects are those of PostgreSQL's test_extdepend (src/test/modules/test_extensions).
import type { Client } from 'pg';
import { CASCADED_SQL, dropGuardSql } from '../../lib/core/sql';
import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { extensionsIn, freshDatabase } from '../support/fixtures';
import { type PgServer, startPostgres } from '../support/pg';
import { hostFailure, type Props, ProviderHost, connectionTo } from '../support/provider-host';
import { DEPEND, imageOf, SCHEMAS, VERSIONS } from './extension-fixtures';

let pg: PgServer;
let host: ProviderHost;
let connection: Props;

beforeAll(async () => {
  pg = await startPostgres({
    images: { cube: ['cube', 'earthdistance'], hstore: ['hstore'] },
    customImages: { depend: imageOf(DEPEND), versions: imageOf({ ...SCHEMAS, ...VERSIONS }) },
  });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const inputs = (database: string, extensions: Props[], extra: Props = {}): Props => ({ connection, database, extensions, ...extra });

/**
 * What PostgreSQL reports for `DROP EXTENSION <ext> CASCADE` on the database as it is (in a transaction rolled back):
 * the objects it names in its NOTICE, and those it drops "automatically" (DEBUG2), which RESTRICT lets go too.
 */
async function serverReport(db: string, ext: string): Promise<{ cascades: string[]; autoCascades: string[] }> {
  const c = await pg.client(db);
  const cascades: string[] = [];
  const autoCascades: string[] = [];
  c.on('notice', (n: { message?: string; detail?: string }) => {
    const auto = /^drop auto-cascades to (.*)$/.exec(n.message ?? '');
    if (auto) autoCascades.push(auto[1]);
    for (const line of [n.message ?? '', ...(n.detail ?? '').split('\n')]) {
      const m = /^drop cascades to (.*)$/.exec(line);
      if (m && !/^\d+ other objects?$/.test(m[1])) cascades.push(m[1]);
    }
  });
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL client_min_messages = debug2');
    await c.query(`DROP EXTENSION ${ext} CASCADE`);
  } finally {
    await c.query('ROLLBACK');
    await c.end();
  }
  return { cascades, autoCascades };
}

/** The objects marked `DEPENDS ON EXTENSION <ext>` (pg_depend deptype 'x'), as pg_describe_object names them. */
async function marked(db: string, ext: string): Promise<string[]> {
  const rows = await pg.query<{ d: string }>(
    "SELECT pg_describe_object(classid, objid, objsubid) AS d FROM pg_depend WHERE deptype = 'x' AND refclassid = 'pg_extension'::regclass " +
      'AND refobjid = (SELECT oid FROM pg_extension WHERE extname = $1)',
    [ext],
    db,
  );
  return rows.map((r) => r.d);
}

/**
 * What must be reported as going with `ext`: what PostgreSQL names as cascading, and what it drops silently though
 * the user marked it (DEPENDS ON EXTENSION).
 */
async function expectedCascade(db: string, ext: string): Promise<string[]> {
  const { cascades, autoCascades } = await serverReport(db, ext);
  const x = await marked(db, ext);
  return [...new Set([...cascades, ...autoCascades.filter((o) => x.includes(o))])].sort();
}

/** Every object pg_depend knows in the database, as pg_describe_object names it. */
async function objectsIn(db: string): Promise<Set<string>> {
  const rows = await pg.query<{ d: string }>(
    'SELECT DISTINCT pg_describe_object(classid, objid, objsubid) AS d FROM pg_depend WHERE classid <> 0',
    [],
    db,
  );
  return new Set(rows.map((r) => r.d));
}

/** test_extdepend's objects: a table with rows, and a function, trigger, materialized view and index marked DEPENDS ON EXTENSION. */
const EXTDEPEND = `
  CREATE SCHEMA dep_s;
  CREATE TABLE dep_s.a (a1 int);
  INSERT INTO dep_s.a SELECT generate_series(1, 5);
  CREATE FUNCTION dep_s.b() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a1 := NEW.a1 + 42; RETURN NEW; END; $$;
  ALTER FUNCTION dep_s.b() DEPENDS ON EXTENSION cx_dep;
  CREATE TRIGGER c BEFORE INSERT ON dep_s.a FOR EACH ROW EXECUTE FUNCTION dep_s.b();
  ALTER TRIGGER c ON dep_s.a DEPENDS ON EXTENSION cx_dep;
  CREATE MATERIALIZED VIEW dep_s.d AS SELECT * FROM dep_s.a;
  ALTER MATERIALIZED VIEW dep_s.d DEPENDS ON EXTENSION cx_dep;
  CREATE INDEX e ON dep_s.a (a1);
  ALTER INDEX dep_s.e DEPENDS ON EXTENSION cx_dep;`;

const EXTDEPEND_OBJECTS = ['function dep_s.b()', 'index dep_s.e', 'materialized view dep_s.d', 'trigger c on table dep_s.a'];

async function extdependIntact(db: string): Promise<void> {
  expect(await pg.query('SELECT count(*)::int AS n FROM dep_s.d', [], db)).toEqual([{ n: 5 }]);
  expect(await pg.query('SELECT count(*)::int AS n FROM dep_s.a', [], db)).toEqual([{ n: 5 }]);
  const left = await pg.query<{ n: number }>(
    "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'c') + (SELECT count(*) FROM pg_class WHERE relname IN ('d', 'e') AND relnamespace = 'dep_s'::regnamespace) " +
      "+ (SELECT count(*) FROM pg_proc WHERE proname = 'b' AND pronamespace = 'dep_s'::regnamespace) AS n",
    [],
    db,
  );
  expect(left).toEqual([{ n: '4' }]);
}

describe('objects marked DEPENDS ON EXTENSION (test_extdepend), which RESTRICT drops silently', () => {
  test('without dropCascade the drop is refused, naming each of them, and the data stays', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_dep' }]));
    await pg.query(EXTDEPEND, [], db);
    // The server itself would let every one of them go with a plain DROP EXTENSION (RESTRICT):
    expect((await serverReport(db, 'cx_dep')).cascades).toEqual([]);
    expect((await marked(db, 'cx_dep')).sort()).toEqual(EXTDEPEND_OBJECTS);

    const err = await hostFailure(host.change(id, outs, inputs(db, [])));
    expect(err.message).toMatch(
      /^nothing was changed in database \w+ at [^:]+:\d+\/\w+:\n {2}- extension "cx_dep" cannot be dropped: objects depend on it:/,
    );
    for (const o of EXTDEPEND_OBJECTS) expect(err.message).toContain(`\n      ${o}\n`);
    expect(err.message).toContain('set dropCascade: true to drop them with it');
    expect(await extensionsIn(pg, db)).toEqual({ cx_dep: '1.0@public' });
    await extdependIntact(db);
  });

  test('with dropCascade they go, and cascaded is exactly what the server drops', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_dep' }]));
    await pg.query(`${EXTDEPEND}; CREATE VIEW dep_s.over_d AS SELECT a1 FROM dep_s.d`, [], db);
    const expected = await expectedCascade(db, 'cx_dep');
    // The view over the materialized view is one PostgreSQL names; the four marked ones it does not.
    expect(expected).toEqual([...EXTDEPEND_OBJECTS, 'view dep_s.over_d'].sort());
    const before = await objectsIn(db);

    const after = await host.change(id, outs, inputs(db, [], { dropCascade: true }));
    expect(after.cascaded).toEqual([{ extension: 'cx_dep', objects: expected }]);
    const left = await objectsIn(db);
    for (const o of expected) expect({ o, gone: before.has(o) && !left.has(o) }).toEqual({ o, gone: true });
    expect(await pg.query('SELECT count(*)::int AS n FROM dep_s.a', [], db)).toEqual([{ n: 5 }]); // the table stays
    expect(await extensionsIn(pg, db)).toEqual({});
  });
});

describe('what the server names as cascading', () => {
  test('a column of the type (with its index) and a view using a function: refused, then dropped and reported as the server reports them', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'hstore' }, { name: 'cube' }]));
    await pg.query(
      `CREATE TABLE prefs (id int, data hstore); INSERT INTO prefs VALUES (1, 'a=>1');
       CREATE INDEX prefs_data ON prefs USING gist (data);
       CREATE VIEW pref_keys AS SELECT id, akeys(data) AS k FROM prefs;
       CREATE TABLE kept (id int, note text); CREATE INDEX kept_note ON kept (note)`,
      [],
      db,
    );
    const expected = await expectedCascade(db, 'hstore');
    expect(expected).toEqual(['column data of table prefs', 'view pref_keys']);
    const err = await hostFailure(host.change(id, outs, inputs(db, [{ name: 'cube' }])));
    for (const o of expected) expect(err.message).toContain(o);
    expect(await pg.query('SELECT id FROM pref_keys', [], db)).toEqual([{ id: 1 }]);

    const after = await host.change(id, outs, inputs(db, [{ name: 'cube' }], { dropCascade: true }));
    expect(after.cascaded).toEqual([{ extension: 'hstore', objects: expected }]);
    expect(await pg.query("SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('prefs_data', 'pref_keys')", [], db)).toEqual([
      { n: 0 },
    ]);
    expect(await pg.query('SELECT id FROM prefs', [], db)).toEqual([{ id: 1 }]);
    expect(await pg.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'kept_note'", [], db)).toEqual([{ n: 1 }]);
  });

  test('two extensions dropped together: what goes with both is reported once, with the one dropped first', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }, { name: 'earthdistance' }]));
    await pg.query(
      'CREATE TABLE places (id int, location earth, box cube); INSERT INTO places VALUES (1, ll_to_earth(0, 0), cube(1))',
      [],
      db,
    );
    const fromEarth = await expectedCascade(db, 'earthdistance');
    expect(fromEarth).toEqual(['column location of table places']);
    const after = await host.change(id, outs, inputs(db, [], { dropCascade: true }));
    expect(after.cascaded).toEqual([
      { extension: 'earthdistance', objects: ['column location of table places'] },
      { extension: 'cube', objects: ['column box of table places'] },
    ]);
    expect(await pg.query('SELECT id FROM places', [], db)).toEqual([{ id: 1 }]);
  });
});

describe('partitions (pg_depend P and S)', () => {
  test("a partitioned table's column of the type: the column of each partition goes too, and is reported as the server reports it", async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'hstore' }]));
    await pg.query(
      `CREATE TABLE part (i int, h hstore) PARTITION BY RANGE (i);
       CREATE TABLE part_1 PARTITION OF part FOR VALUES FROM (1) TO (2); CREATE TABLE part_2 PARTITION OF part FOR VALUES FROM (2) TO (3);
       CREATE INDEX part_h ON part USING gist (h); INSERT INTO part VALUES (1, 'a=>1'), (2, 'b=>2')`,
      [],
      db,
    );
    const expected = await expectedCascade(db, 'hstore');
    expect(expected).toEqual(['column h of table part', 'column h of table part_1', 'column h of table part_2']);
    const after = await host.change(id, outs, inputs(db, [], { dropCascade: true }));
    expect(after.cascaded).toEqual([{ extension: 'hstore', objects: expected }]);
    expect(await pg.query('SELECT i FROM part ORDER BY i', [], db)).toEqual([{ i: 1 }, { i: 2 }]);
  });

  test("a partition's index marked DEPENDS ON EXTENSION: refused, naming it; with dropCascade PostgreSQL itself refuses, and its HINT is passed on", async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_dep' }]));
    await pg.query(
      `CREATE TABLE part (i int) PARTITION BY RANGE (i); CREATE TABLE part_1 PARTITION OF part FOR VALUES FROM (1) TO (2);
       CREATE INDEX part_i ON part (i); ALTER INDEX part_1_i_idx DEPENDS ON EXTENSION cx_dep`,
      [],
      db,
    );
    const refused = await hostFailure(host.change(id, outs, inputs(db, [])));
    expect(refused.message).toContain('extension "cx_dep" cannot be dropped: objects depend on it:\n      index part_1_i_idx\n');
    const err = await hostFailure(host.change(id, outs, inputs(db, [], { dropCascade: true })));
    expect(err.message).toContain(
      'DROP EXTENSION "cx_dep" CASCADE failed in database ' +
        `${db}: cannot drop index part_1_i_idx because index part_i requires it\n  HINT: You can drop index part_i instead.`,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cx_dep: '1.0@public' });
  });
});

describe('extensions that would go with it', () => {
  test('one whose objects use it without saying so in requires: refused, with or without dropCascade, when not managed here', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_dep' }]));
    await pg.query('CREATE EXTENSION cx_dep_user', [], db); // someone else's
    expect(await expectedCascade(db, 'cx_dep')).toEqual(['extension cx_dep_user']);
    for (const dropCascade of [false, true]) {
      const err = await hostFailure(host.change(id, outs, inputs(db, [], { dropCascade })));
      expect(err.message).toContain(
        'extension "cx_dep" cannot be dropped: that would also drop extension "cx_dep_user", which this resource does not manage',
      );
    }
    expect(await extensionsIn(pg, db)).toEqual({ cx_dep: '1.0@public', cx_dep_user: '1.0@public' });
  });

  test('one still in the list: refused; both removed: both dropped, nothing else reported', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_dep' }, { name: 'cx_dep_user' }]));
    const err = await hostFailure(host.change(id, outs, inputs(db, [{ name: 'cx_dep_user' }], { dropCascade: true })));
    expect(err.message).toContain('extension "cx_dep" cannot be dropped: "cx_dep_user", still in the list, needs it');
    const after = await host.change(id, outs, inputs(db, []));
    expect(after.cascaded).toEqual([]);
    expect(await extensionsIn(pg, db)).toEqual({});
  });
});

describe('the guard before each DROP EXTENSION, on the state as it is when the drop runs', () => {
  async function inTransaction(db: string, fn: (c: Client) => Promise<void>): Promise<void> {
    const c = await pg.client(db);
    try {
      await c.query('BEGIN');
      await fn(c);
    } finally {
      await c.query('ROLLBACK');
      await c.end();
    }
  }

  test('refuses what RESTRICT would let go, naming it in DETAIL; with cascade it records exactly what goes', async () => {
    const db = await freshDatabase(pg);
    await pg.query(`CREATE EXTENSION cx_dep; ${EXTDEPEND}`, [], db);
    await inTransaction(db, async (c) => {
      const e = (await c.query(dropGuardSql('cx_dep', ['cx_dep'], false)).catch((x) => x)) as {
        code?: string;
        detail?: string;
        hint?: string;
      };
      expect(e.code).toBe('2BP01');
      expect(e.detail?.split('\n')).toEqual(EXTDEPEND_OBJECTS);
      expect(e.hint).toContain('dropCascade: true');
    });
    const expected = await expectedCascade(db, 'cx_dep');
    await inTransaction(db, async (c) => {
      await c.query(dropGuardSql('cx_dep', ['cx_dep'], true));
      await c.query('DROP EXTENSION cx_dep CASCADE');
      const [{ cascaded }] = (await c.query(CASCADED_SQL)).rows;
      expect(JSON.parse(cascaded)).toEqual([{ extension: 'cx_dep', objects: expected }]);
    });
  });

  test('an update that says it no longer needs an extension, but whose objects still use it: refused when the drop comes, nothing changed', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_old' }, { name: 'cx_swapbad' }]));
    // cx_swapbad 2.0 requires cx_base instead of cx_old, but its update script leaves cx_swapbad_fn() on cx_old_fn().
    const err = await hostFailure(
      host.change(id, outs, inputs(db, [{ name: 'cx_base' }, { name: 'cx_swapbad', version: '2.0' }], { readinessTimeoutSeconds: 0 })),
    );
    expect(err.message).toMatch(
      /DROP EXTENSION "cx_old" RESTRICT failed in database \w+: extension "cx_old" cannot be dropped: objects depend on it\n {2}DETAIL: extension cx_swapbad\n {2}HINT: drop them first.*\nThe transaction was rolled back: nothing was changed/,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cx_old: '1.0@public', cx_swapbad: '1.0@public' });
  });
});
