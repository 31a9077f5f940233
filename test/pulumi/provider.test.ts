// PostgresExtensions through the real Pulumi dynamic-provider host, against real PostgreSQL 18
// with extension images emulated as directories on extension_control_path / dynamic_library_path.
import { FINDING_CODE_PATTERN } from '../../lib/core/findings';
import { checkFailureOf, checkInputs } from '../../lib/pulumi/provider/check';
import type { PgServer } from '../support/pg';
import { extensionsIn, freshDatabase, startProviderFixture } from '../support/fixtures';
import { HostError, type Props, type ProviderHost } from '../support/provider-host';

let pg: PgServer;
let host: ProviderHost;
let connection: Record<string, unknown>;

beforeAll(async () => {
  ({ pg, host, connection } = await startProviderFixture());
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const inputs = (database: string, extensions: Props[], extra: Props = {}): Props => ({ connection, database, extensions, ...extra });

describe('check', () => {
  test('reports each bad property with the reason', async () => {
    const r = await host.check(
      {},
      {
        connection: { ...connection, port: 70000, sslMode: 'verify-full' },
        database: 'd'.repeat(64),
        extensions: [
          { name: '' },
          { name: 'cube', version: '1--2' },
          { name: 'cube' },
          { name: 'hstore', schema: 's'.repeat(64) },
          { name: 'x', colour: 'red' },
        ],
        dropCascade: 'yes',
      },
    );
    const byProp = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    expect(byProp['connection.port']).toMatch(/port from 1 to 65535 \(got 70000\)/);
    expect(byProp['connection.sslRootCert']).toMatch(/verify-full needs sslRootCert/);
    expect(byProp.database).toMatch(/64 bytes; PostgreSQL would truncate it to 63/);
    expect(byProp['extensions[0].name']).toMatch(/must not be empty/);
    expect(byProp['extensions[1].version']).toMatch(/must not contain "--"/);
    expect(byProp['extensions[2].name']).toMatch(/listed twice \(also extensions\[1\]\)/);
    expect(byProp['extensions[3].schema']).toMatch(/64 bytes/);
    expect(byProp['extensions[4].colour']).toMatch(/is not a known option \(got "colour"\)/);
    expect(byProp.dropCascade).toMatch(/true or false/);
  });

  test('each failure the host sends is a Finding with the stable code of its rule, in the wire form { property, reason }', async () => {
    const bad = {
      connection: {
        host: 'db\nevil',
        port: 0,
        user: '',
        password: 7,
        sslMode: 'verify-ca',
        sslRootCert: 'ca.crt',
        tlsServerName: '-x-',
        colour: 1,
      },
      database: '',
      extensions: [{ name: 'a--b' }, { name: 'pgaudit' }, { name: 'cube', version: '-1', schema: '', adopt: 'yes' }, { name: 'cube' }, 7],
      dropCascade: 1,
      statementTimeoutMs: 0,
      readinessTimeoutSeconds: -1,
      dropcascade: true,
    };
    const findings = checkInputs(bad);
    expect(findings.map((f) => [f.field, f.code])).toEqual([
      ['dropcascade', 'unknown-key'],
      ['connection.colour', 'unknown-key'],
      ['connection.host', 'connection-host-control-characters'],
      ['connection.port', 'connection-port-out-of-range'],
      ['connection.user', 'connection-user-invalid'],
      ['connection.password', 'connection-password-not-string'],
      ['connection.sslRootCert', 'connection-ssl-root-cert-not-pem'],
      ['connection.tlsServerName', 'connection-tls-server-name-invalid'],
      ['connection.tlsServerName', 'connection-tls-server-name-unused'],
      ['database', 'provider-database-invalid'],
      ['extensions[0].name', 'sql-extension-name-invalid'],
      ['extensions[1].name', 'extension-managed-by-cnpg'],
      ['extensions[2].version', 'extension-version-invalid'],
      ['extensions[2].schema', 'extension-schema-invalid'],
      ['extensions[2].adopt', 'extension-adopt-not-boolean'],
      ['extensions[3].name', 'extension-duplicate'],
      ['extensions[4]', 'extension-not-an-object'],
      ['dropCascade', 'provider-drop-cascade-not-boolean'],
      ['statementTimeoutMs', 'provider-timeout-out-of-range'],
      ['readinessTimeoutSeconds', 'provider-readiness-timeout-out-of-range'],
    ]);
    expect(findings.every((f) => FINDING_CODE_PATTERN.test(f.code) && f.message && f.fix)).toBe(true);
    // The password is never shown, whatever its type.
    expect(findings.find((f) => f.field === 'connection.password')).not.toHaveProperty('value');
    expect((await host.check({}, bad)).failures).toEqual(findings.map(checkFailureOf));
  });

  test('skips values unknown during preview', async () => {
    const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    const r = await host.check({}, { connection: unknown, database: unknown, extensions: [{ name: unknown, version: unknown }] });
    expect(r.failures).toEqual([]);
  });
});

describe('create, diff, update, read, delete', () => {
  test('creates a dependent pair from an image in dependency order, whatever the list order', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'earthdistance' }, { name: 'cube', version: '1.5' }]));
    expect(id).toBe(`127.0.0.1:${pg.port}/${db}`);
    expect(outs.installed).toEqual([
      { name: 'earthdistance', version: '1.2', schema: 'public' },
      { name: 'cube', version: '1.5', schema: 'public' },
    ]);
    expect(outs.managed).toEqual(['earthdistance', 'cube']);
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public', earthdistance: '1.2@public' });
    // The earthdistance functions really work: the .so came from the "image" directory.
    expect(await pg.query('SELECT round(earth_distance(ll_to_earth(0,0), ll_to_earth(0,1))) AS d', [], db)).toEqual([{ d: 111320 }]);
  });

  test('a second diff with the same inputs is a no-op; a new version is an in-place update', async () => {
    const db = await freshDatabase(pg);
    const first = await host.up(inputs(db, [{ name: 'hstore', version: '1.7' }]));
    const same = await host.check(first.outs, inputs(db, [{ name: 'hstore', version: '1.7' }]));
    expect(await host.diff(first.id, first.outs, same.inputs)).toEqual({ changes: 'none', replaces: [], deleteBeforeReplace: false });

    const bumped = (await host.check(first.outs, inputs(db, [{ name: 'hstore', version: '1.8' }]))).inputs;
    expect(await host.diff(first.id, first.outs, bumped)).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
    const outs = await host.update(first.id, first.outs, bumped);
    expect(outs.installed).toEqual([{ name: 'hstore', version: '1.8', schema: 'public' }]);
    expect(await extensionsIn(pg, db)).toEqual({ hstore: '1.8@public' });
  });

  test('a version without an update path fails clearly and changes nothing', async () => {
    const db = await freshDatabase(pg);
    const first = await host.up(inputs(db, [{ name: 'hstore', version: '1.8' }]));
    await expect(host.change(first.id, first.outs, inputs(db, [{ name: 'hstore', version: '1.4' }]))).rejects.toThrow(
      /hstore" has no update path from "1.8" to "1.4".*Reachable from 1.8: none/s,
    );
    expect(await extensionsIn(pg, db)).toEqual({ hstore: '1.8@public' });
  });

  test('a schema change moves the extension', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE SCHEMA ext', [], db);
    const first = await host.up(inputs(db, [{ name: 'cube' }]));
    const outs = await host.change(first.id, first.outs, inputs(db, [{ name: 'cube', schema: 'ext' }]));
    expect(outs.installed).toEqual([{ name: 'cube', version: '1.5', schema: 'ext' }]);
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@ext' });
  });

  test('read sees a manual DROP (drift), diff wants it back and update re-creates it', async () => {
    const db = await freshDatabase(pg);
    const first = await host.up(inputs(db, [{ name: 'cube' }, { name: 'hstore' }]));
    await pg.query('DROP EXTENSION hstore', [], db);
    const refreshed = await host.read(first.id, first.outs);
    expect(refreshed.id).toBe(first.id);
    expect(refreshed.props.installed).toEqual([{ name: 'cube', version: '1.5', schema: 'public' }]);
    const news = (await host.check(refreshed.props, inputs(db, [{ name: 'cube' }, { name: 'hstore' }]))).inputs;
    expect((await host.diff(first.id, refreshed.props, news)).changes).toBe('some');
    const outs = await host.update(first.id, refreshed.props, news);
    expect((outs.installed as Props[]).map((i) => i.name)).toEqual(['cube', 'hstore']);
  });

  test('an extension no image provides fails, listing what is available', async () => {
    const db = await freshDatabase(pg);
    const news = (
      await host.check({}, inputs(db, [{ name: 'cube' }, { name: 'vector', version: '0.8.1' }], { readinessTimeoutSeconds: 0 }))
    ).inputs;
    const err = (await host.create(news).catch((e: HostError) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.message).toMatch(
      /^nothing was changed in database t\w+ at 127\.0\.0\.1:\d+\/t\w+: gave up after waiting 0s \(readinessTimeoutSeconds\)\. Last seen: /,
    );
    expect(err.message).toMatch(
      /extension "vector" is not available on the server \(no control file on extension_control_path: is the image that provides it mounted\?\)\. Available: .*\bboom\b.*\bcube\b.*\bearthdistance\b.*\bhstore\b/,
    );
    expect(await extensionsIn(pg, db)).toEqual({}); // cube was not created either
  });

  test('a version the image does not have fails, listing its versions', async () => {
    const db = await freshDatabase(pg);
    await expect(host.up(inputs(db, [{ name: 'cube', version: '9.9' }], { readinessTimeoutSeconds: 0 }))).rejects.toThrow(
      /extension "cube" has no version "9.9" on the server\. Available versions: .*1\.5/,
    );
  });

  test('a failure in the middle rolls everything back', async () => {
    const db = await freshDatabase(pg);
    const first = await host.up(inputs(db, [{ name: 'hstore', version: '1.7' }]));
    // hstore is updated and cube created before boom's install script fails.
    const err = await host
      .change(first.id, first.outs, inputs(db, [{ name: 'hstore', version: '1.8' }, { name: 'cube' }, { name: 'boom' }]))
      .catch((e: Error) => e);
    expect(err.message).toMatch(
      /CREATE EXTENSION "boom" failed in database .*: boom: the install script failed on purpose.*rolled back: nothing was changed/s,
    );
    expect(await extensionsIn(pg, db)).toEqual({ hstore: '1.7@public' });
  });

  test('an existing extension that is not ours is an error unless adopted', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE EXTENSION hstore', [], db);
    await expect(host.up(inputs(db, [{ name: 'hstore' }]))).rejects.toThrow(
      /"hstore" already exists \(version 1.8, schema public\) but this resource did not create it; set adopt: true/,
    );
    const { outs } = await host.up(inputs(db, [{ name: 'hstore', adopt: true }]));
    expect(outs.managed).toEqual(['hstore']);
  });

  test('removing an extension with dependents fails before anything runs, naming them; dropCascade drops them and says what went', async () => {
    const db = await freshDatabase(pg);
    const first = await host.up(inputs(db, [{ name: 'hstore' }, { name: 'cube' }]));
    await pg.query('CREATE TABLE prefs (id int, data hstore)', [], db);
    const err = await host.change(first.id, first.outs, inputs(db, [{ name: 'cube' }])).catch((e: Error) => e);
    expect(err.message).toMatch(
      /nothing was changed in database .*extension "hstore" cannot be dropped: objects depend on it:\s+column data of table prefs\s+drop them first, or set dropCascade: true/s,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public', hstore: '1.8@public' });
    const outs = await host.change(first.id, first.outs, inputs(db, [{ name: 'cube' }], { dropCascade: true }));
    expect(outs.managed).toEqual(['cube']);
    expect(outs.cascaded).toEqual([{ extension: 'hstore', objects: ['column data of table prefs'] }]);
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public' });
    expect(await pg.query('SELECT id FROM prefs', [], db)).toEqual([]); // the table stays; only the column went
  });

  test('a dependency neither listed nor installed is an error (nothing is created implicitly)', async () => {
    const db = await freshDatabase(pg);
    await expect(host.up(inputs(db, [{ name: 'earthdistance' }]))).rejects.toThrow(
      /"earthdistance" requires "cube", which is neither installed nor in the list; add \{ name: "cube" \}/,
    );
  });

  test('only another database is a replacement (created first); a new address, password or TLS setting is an update', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }]));
    const other = (await host.check(outs, inputs('otherdb', [{ name: 'cube' }]))).inputs;
    expect(await host.diff(id, outs, other)).toEqual({ changes: 'some', replaces: ['database'], deleteBeforeReplace: false });
    for (const connectionChange of [
      { host: 'localhost' },
      { port: 6543 },
      { password: 'rotated' },
      { sslMode: 'require' },
      { user: 'admin' },
    ]) {
      const news = (await host.check(outs, { ...inputs(db, [{ name: 'cube' }]), connection: { ...connection, ...connectionChange } }))
        .inputs;
      expect(await host.diff(id, outs, news)).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
    }
  });

  test('delete drops what the resource manages and nothing else', async () => {
    const db = await freshDatabase(pg);
    await pg.query('CREATE EXTENSION pg_trgm', [], db);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }, { name: 'earthdistance' }]));
    await host.delete(id, outs);
    expect(await extensionsIn(pg, db)).toEqual({ pg_trgm: '1.6@public' });
  });
});
