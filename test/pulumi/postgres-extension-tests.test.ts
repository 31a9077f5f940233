// The cases of PostgreSQL's own extension tests (src/test/modules/test_extensions/sql/test_extensions.sql), with our
// own fixture extensions modelled on theirs, run through the real provider host against real PostgreSQL 18: the
// provider either does what PostgreSQL does, or refuses before anything runs, and every error PostgreSQL raises
// reaches the user with its DETAIL and HINT. (test_extdepend's cases are in drops.test.ts.)
import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { extensionsIn, freshDatabase } from '../support/fixtures';
import { type PgServer, startPostgres } from '../support/pg';
import { hostFailure, type Props, ProviderHost, connectionTo } from '../support/provider-host';
import { CHAIN, imageOf, RESTRICTED, SCHEMAS, SCRIPTS } from './extension-fixtures';

let pg: PgServer;
let host: ProviderHost;
let connection: Props;

beforeAll(async () => {
  pg = await startPostgres({
    customImages: { chain: imageOf(CHAIN), restricted: imageOf(RESTRICTED), scripts: imageOf(SCRIPTS), schemas: imageOf(SCHEMAS) },
  });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const inputs = (database: string, extensions: Props[], extra: Props = {}): Props => ({
  connection,
  database,
  extensions,
  readinessTimeoutSeconds: 0,
  ...extra,
});

describe('requirements (test_ext1..5, test_ext_cyclic1/2)', () => {
  test('a chain is created in dependency order in a schema named with a dollar sign, and dropped dependents first', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE SCHEMA "has$dollar"', [], db);
    const chain = ['cx_chain1', 'cx_chain2', 'cx_chain3', 'cx_chain4', 'cx_chain5'];
    const { id, outs } = await host.up(
      inputs(
        db,
        chain.map((name) => ({ name, schema: 'has$dollar' })),
      ),
    );
    expect(outs.managed).toEqual(chain);
    expect(await extensionsIn(pg, db)).toEqual(Object.fromEntries(chain.map((n) => [n, '1.0@has$dollar'])));
    expect(await pg.query('SELECT "has$dollar".cx_chain1_fn() AS f', [], db)).toEqual([{ f: 'cx_chain1_fn' }]);
    await host.change(id, outs, inputs(db, []));
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('what is required but not listed is not created implicitly (no CASCADE)', async () => {
    const db = await freshDatabase(pg);
    const err = await hostFailure(host.up(inputs(db, [{ name: 'cx_chain1' }])));
    expect(err.message).toContain(
      'extension "cx_chain1" requires "cx_chain2", which is neither installed nor in the list; add { name: "cx_chain2" }',
    );
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('extensions that require each other are refused before anything runs', async () => {
    const db = await freshDatabase(pg);
    const err = await hostFailure(host.up(inputs(db, [{ name: 'cx_cyclic1' }, { name: 'cx_cyclic2' }])));
    expect(err.message).toContain('extensions require each other in a cycle: cx_cyclic1, cx_cyclic2');
    expect(await extensionsIn(pg, db)).toEqual({});
  });
});

describe('what a control file restricts (test_ext6, superuser, trusted)', () => {
  test('a fixed schema: created there (PostgreSQL creates the schema), dropped and created again; another schema is refused', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_fixed' }]));
    expect(await extensionsIn(pg, db)).toEqual({ cx_fixed: '1.0@cx_fixed_schema' });
    const dropped = await host.change(id, outs, inputs(db, []));
    await host.change(id, dropped, inputs(db, [{ name: 'cx_fixed', schema: 'cx_fixed_schema' }]));
    expect(await extensionsIn(pg, db)).toEqual({ cx_fixed: '1.0@cx_fixed_schema' });

    const other = await freshDatabase(pg);
    const err = await hostFailure(host.up(inputs(other, [{ name: 'cx_fixed', schema: 'public' }])));
    expect(err.message).toContain(
      `extension "cx_fixed" must be installed in schema "cx_fixed_schema" (its control file says schema = 'cx_fixed_schema')`,
    );
    expect(await extensionsIn(pg, other)).toEqual({});
  });

  test('as a role that is not a superuser: PostgreSQL says why, with its HINT, and nothing changes', async () => {
    const db = await freshDatabase(pg);
    await pg.query("DROP ROLE IF EXISTS cx_app; CREATE ROLE cx_app LOGIN PASSWORD 'cx-app-pw'");
    await pg.query(`ALTER DATABASE ${db} OWNER TO cx_app; REVOKE CREATE ON DATABASE ${db} FROM PUBLIC`);
    const app = { ...connection, user: 'cx_app', password: 'cx-app-pw' };

    const su = await hostFailure(host.up({ ...inputs(db, [{ name: 'cx_superuser' }]), connection: app }));
    expect(su.message).toMatch(
      /^CREATE EXTENSION "cx_superuser" failed in database \w+: permission denied to create extension "cx_superuser"\n {2}HINT: Must be superuser to create this extension\.\nThe transaction was rolled back: nothing was changed$/,
    );

    // A trusted extension needs CREATE on the database: the owner has it, a plain role does not.
    await pg.query("DROP ROLE IF EXISTS cx_plain; CREATE ROLE cx_plain LOGIN PASSWORD 'cx-plain-pw'");
    const plain = await hostFailure(
      host.up({ ...inputs(db, [{ name: 'cx_trusted' }]), connection: { ...app, user: 'cx_plain', password: 'cx-plain-pw' } }),
    );
    expect(plain.message).toContain(
      'permission denied to create extension "cx_trusted"\n  HINT: Must have CREATE privilege on current database to create this extension.',
    );
    expect(await extensionsIn(pg, db)).toEqual({});

    const { outs } = await host.up({ ...inputs(db, [{ name: 'cx_trusted' }]), connection: app });
    expect(outs.installed).toEqual([{ name: 'cx_trusted', version: '1.0', schema: 'public' }]);
  });
});

describe('scripts that meet what is there (test_ext7, test_ext8, test_ext_cor, test_ext_cine, test_ext_extschema)', () => {
  test('an update whose script drops a member table', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_tables', version: '1.0' }]));
    const after = await host.change(id, outs, inputs(db, [{ name: 'cx_tables', version: '2.0' }]));
    expect(after.installed).toEqual([{ name: 'cx_tables', version: '2.0', schema: 'public' }]);
    expect(await pg.query("SELECT relname FROM pg_class WHERE relname LIKE 'cx_tables_%' AND relkind = 'r' ORDER BY 1", [], db)).toEqual([
      { relname: 'cx_tables_two' },
    ]);
  });

  test('temporary objects in the script: created, dropped and created again', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_temp' }]));
    const dropped = await host.change(id, outs, inputs(db, []));
    const again = await host.change(id, dropped, inputs(db, [{ name: 'cx_temp' }]));
    expect(again.installed).toEqual([{ name: 'cx_temp', version: '1.0', schema: 'public' }]);
  });

  test.each([
    [
      'cx_cor',
      "CREATE FUNCTION cx_cor_func() RETURNS text LANGUAGE sql AS $$ SELECT 'mine'::text $$",
      'function cx_cor_func() is not a member of extension "cx_cor"\n  DETAIL: An extension is not allowed to replace an object that it does not own.',
      "SELECT cx_cor_func() = 'mine' AS kept",
    ],
    [
      'cx_cine',
      'CREATE TABLE cx_cine_table (mine int); INSERT INTO cx_cine_table VALUES (7)',
      'table cx_cine_table is not a member of extension "cx_cine"\n  DETAIL: An extension may only use CREATE ... IF NOT EXISTS to skip object creation if the conflicting object is one that it already owns.',
      'SELECT mine = 7 AS kept FROM cx_cine_table',
    ],
  ])('%s over an object the user owns: refused with PostgreSQL DETAIL, the object kept', async (name, setup, said, kept) => {
    const db = await freshDatabase(pg);
    await pg.query(setup, [], db);
    const err = await hostFailure(host.up(inputs(db, [{ name }])));
    expect(err.message).toContain(
      `CREATE EXTENSION "${name}" failed in database ${db}: ${said}\nThe transaction was rolled back: nothing was changed`,
    );
    expect(await pg.query(kept, [], db)).toEqual([{ kept: true }]);
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('@extschema@: a schema name PostgreSQL cannot substitute into the script is refused by it; one with a space works', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE SCHEMA "has$dollar"; CREATE SCHEMA "has space"', [], db);
    const err = await hostFailure(host.up(inputs(db, [{ name: 'cx_extschema', schema: 'has$dollar' }])));
    expect(err.message).toContain('invalid character in extension "cx_extschema" schema: must not contain any of');
    expect(await extensionsIn(pg, db)).toEqual({});
    await host.up(inputs(db, [{ name: 'cx_extschema', schema: 'has space' }]));
    expect(await extensionsIn(pg, db)).toEqual({ cx_extschema: '1.0@has space' });
  });
});

describe('schemas (test_ext_set_schema, test_ext_req_schema1..3)', () => {
  test('SET SCHEMA carries the table, its constraint, a function with an SQL-standard body and the types', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE SCHEMA s1; CREATE SCHEMA s2', [], db);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_move', schema: 's1' }]));
    await pg.query("INSERT INTO s1.cx_move_table VALUES (1, 2, 'moved')", [], db);
    await host.change(id, outs, inputs(db, [{ name: 'cx_move', schema: 's2' }]));
    expect(await extensionsIn(pg, db)).toEqual({ cx_move: '1.0@s2' });
    expect(await pg.query("SELECT s2.cx_move_func(1) AS f, '[a,b)'::s2.cx_move_range IS NOT NULL AS r", [], db)).toEqual([
      { f: 'moved', r: true },
    ]);
  });

  test('an extension that pins another (no_relocate): the move is refused with PostgreSQL DETAIL; without it, drop and move in one apply', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE SCHEMA s1; CREATE SCHEMA s2', [], db);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cx_base', schema: 's1' }, { name: 'cx_follow' }, { name: 'cx_pin' }]));
    const err = await hostFailure(
      host.change(id, outs, inputs(db, [{ name: 'cx_base', schema: 's2' }, { name: 'cx_follow' }, { name: 'cx_pin' }])),
    );
    expect(err.message).toContain(
      'ALTER EXTENSION "cx_base" SET SCHEMA "s2" failed in database ' +
        `${db}: cannot SET SCHEMA of extension "cx_base" because other extensions prevent it\n  DETAIL: Extension "cx_pin" requests no relocation of extension "cx_base".`,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cx_base: '1.0@s1', cx_follow: '1.0@public', cx_pin: '1.0@public' });

    await host.change(id, outs, inputs(db, [{ name: 'cx_base', schema: 's2' }, { name: 'cx_follow' }]));
    expect(await extensionsIn(pg, db)).toEqual({ cx_base: '1.0@s2', cx_follow: '1.0@public' });
    expect(await pg.query('SELECT cx_follow_fn() AS f', [], db)).toEqual([{ f: 'base follow' }]);
  });
});
