// What a real `pulumi up` against a CNPG cluster meets, on real PostgreSQL 18 through the real provider
// host: a server that comes up late, an image version that appears late, CNPG's certificates (issued to
// <cluster>-rw, reached through 127.0.0.1), a new address for the same server, another server behind an
// old address, cascades, locks, and the round trips each operation costs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { extensionsIn, freshDatabase, sqlExtension } from '../support/fixtures';
import { type PgServer, startPostgres } from '../support/pg';
import { hostFailure, type Props, ProviderHost, connectionTo } from '../support/provider-host';
import { makeCertificates } from '../support/tls';

jest.setTimeout(120_000);

let pg: PgServer;
let host: ProviderHost;
let connection: Props;
// CNPG's server certificates name the -rw service, never the address a port-forward uses.
const certs = makeCertificates('DNS:angus-rw,DNS:angus-rw.default,DNS:angus-rw.default.svc');

beforeAll(async () => {
  pg = await startPostgres({
    images: { cube: ['cube', 'earthdistance'], hstore: ['hstore'] },
    // An image whose files are put in place (or taken away) while an apply runs.
    customImages: { late: { 'share/extension/.keep': '' } },
    tls: { cert: certs.cert, key: certs.key },
    settings: { log_connections: 'on' },
  });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const inputs = (database: string, extensions: Props[], extra: Props = {}): Props => ({ connection, database, extensions, ...extra });
const lateDir = () => path.join(pg.dir, 'extensions', 'late', 'share', 'extension');
function mountLate(): void {
  for (const [rel, content] of Object.entries(sqlExtension('late')))
    fs.writeFileSync(path.join(pg.dir, 'extensions', 'late', rel), content);
}
function unmountLate(): void {
  for (const f of fs.readdirSync(lateDir())) if (f !== '.keep') fs.rmSync(path.join(lateDir(), f));
}
const failure = hostFailure;

describe('TLS with the certificates CNPG issues', () => {
  const tlsConnection = (extra: Props) => {
    const { sslMode: _default, ...rest } = connection;
    return { ...rest, sslRootCert: certs.ca, ...extra };
  };

  test('verify-full through 127.0.0.1 works with tlsServerName <cluster>-rw (the default mode once the CA is known)', async () => {
    const db = await freshDatabase(pg);
    const { outs } = await host.up({ ...inputs(db, [{ name: 'hstore' }]), connection: tlsConnection({ tlsServerName: 'angus-rw' }) });
    expect(outs.installed).toEqual([{ name: 'hstore', version: '1.8', schema: 'public' }]);
    expect(fs.readFileSync(pg.logFile, 'utf8')).toMatch(
      new RegExp(`connection authorized: user=postgres database=${db} application_name=cnpg-constructs SSL enabled`),
    );
  });

  test('without tlsServerName it fails, and the message says to set it', async () => {
    const err = await failure(host.up({ ...inputs('postgres', [{ name: 'hstore' }]), connection: tlsConnection({}) }));
    expect(err.message).toMatch(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/postgres as postgres: .*not in the cert's list.*set connection\.tlsServerName to a name it is issued to \(CNPG: "<cluster>-rw"\)/,
    );
  });

  test('a certificate from another CA fails, and the message names the CA setting', async () => {
    const err = await failure(
      host.up({
        ...inputs('postgres', [{ name: 'hstore' }]),
        connection: tlsConnection({ tlsServerName: 'angus-rw', sslRootCert: certs.otherCa }),
      }),
    );
    expect(err.message).toMatch(
      /the server certificate is not signed by the CA in connection\.sslRootCert \(CNPG: ca\.crt of the <cluster>-ca secret\)/,
    );
  });
});

describe('waiting, bounded, for what a rollout brings', () => {
  test('a server that comes up late: create waits and converges', async () => {
    const db = await freshDatabase(pg);
    pg.stop();
    const later = new Promise<void>((resolve) =>
      setTimeout(() => {
        pg.start();
        resolve();
      }, 3000),
    );
    const { outs } = await host.up(inputs(db, [{ name: 'cube' }], { readinessTimeoutSeconds: 60 }));
    await later;
    expect(outs.installed).toEqual([{ name: 'cube', version: '1.5', schema: 'public' }]);
  });

  test('an extension whose image is mounted a few seconds after the apply starts: create waits for it', async () => {
    const db = await freshDatabase(pg);
    unmountLate();
    setTimeout(mountLate, 2500);
    const started = Date.now();
    const { outs } = await host.up(inputs(db, [{ name: 'late', version: '1.1' }], { readinessTimeoutSeconds: 60 }));
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(outs.installed).toEqual([{ name: 'late', version: '1.1', schema: 'public' }]);
  });

  test('when the time is up it says what it last saw and that nothing was changed', async () => {
    const db = await freshDatabase(pg);
    const err = await failure(host.up(inputs(db, [{ name: 'cube' }, { name: 'nope', version: '2.0' }], { readinessTimeoutSeconds: 2 })));
    expect(err.message).toMatch(
      /^nothing was changed in database \w+ at 127\.0\.0\.1:\d+\/\w+: gave up after waiting 2s \(readinessTimeoutSeconds\)\. Last seen: extension "nope" is not available on the server/,
    );
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('an image unmounted before a version bump: the same pre-flight message as on create, nothing changed', async () => {
    const db = await freshDatabase(pg);
    mountLate();
    const { id, outs } = await host.up(inputs(db, [{ name: 'late', version: '1.0' }]));
    unmountLate();
    try {
      const news = (await host.check(outs, inputs(db, [{ name: 'late', version: '1.1' }], { readinessTimeoutSeconds: 0 }))).inputs;
      const err = await failure(host.update(id, outs, news));
      expect(err.message).toMatch(
        /Last seen: extension "late" cannot be updated to "1\.1": the server has no such version \(mount the image of that version first\)/,
      );
    } finally {
      mountLate();
    }
    expect(await extensionsIn(pg, db)).toEqual({ late: '1.0@public' });
  });
});

describe('a changed address is not a changed identity', () => {
  test('the same server behind a new address is an update that drops nothing', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }, { name: 'earthdistance' }]));
    expect(outs.serverId).toMatch(/^\d+$/);
    const moved = (
      await host.check(outs, {
        ...inputs(db, [{ name: 'cube' }, { name: 'earthdistance' }]),
        connection: { ...connection, host: 'localhost' },
      })
    ).inputs;
    expect(await host.diff(id, outs, moved)).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
    const after = await host.update(id, outs, moved);
    expect(after.installed).toEqual(outs.installed);
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public', earthdistance: '1.2@public' });
  });

  test('another server behind the address: update and delete refuse, and neither server is touched', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'hstore' }]));
    const other = await startPostgres({ images: { hstore: ['hstore'] } });
    try {
      await other.query(`CREATE DATABASE ${db}`);
      await other.query('CREATE EXTENSION hstore', [], db);
      const elsewhere = { ...connection, port: other.port, password: other.password };
      const news = (await host.check(outs, { ...inputs(db, [{ name: 'hstore' }, { name: 'cube' }]), connection: elsewhere })).inputs;
      const err = await failure(host.update(id, outs, news));
      expect(err.message).toMatch(
        /is another PostgreSQL cluster \(system_identifier \d+, expected \d+\) than the one this resource manages: nothing was changed there/,
      );
      const del = await failure(host.delete(id, { ...outs, connection: elsewhere }));
      expect(del.message).toMatch(/another PostgreSQL cluster/);
      expect(await extensionsIn(other, db)).toEqual({ hstore: '1.8@public' });
      expect(await extensionsIn(pg, db)).toEqual({ hstore: '1.8@public' });
    } finally {
      other.destroy();
    }
  });
});

describe('drops never take what is still wanted', () => {
  test('dropCascade never drops an extension that is still listed, nor the data of its types', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }, { name: 'earthdistance' }]));
    await pg.query('CREATE TABLE places (id int, location earth); INSERT INTO places VALUES (1, ll_to_earth(0, 0))', [], db);
    const news = (await host.check(outs, inputs(db, [{ name: 'earthdistance' }], { dropCascade: true }))).inputs;
    const err = await failure(host.update(id, outs, news));
    expect(err.message).toMatch(
      /extension "cube" cannot be dropped: "earthdistance", still in the list, needs it\. Keep "cube" in the list/,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public', earthdistance: '1.2@public' });
    expect(await pg.query('SELECT id FROM places WHERE location IS NOT NULL', [], db)).toEqual([{ id: 1 }]);
  });

  test('a drop that would take an extension this resource does not manage is refused, cascade or not', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }]));
    await pg.query('CREATE EXTENSION earthdistance', [], db); // someone else's
    const news = (await host.check(outs, inputs(db, [], { dropCascade: true }))).inputs;
    const err = await failure(host.update(id, outs, news));
    expect(err.message).toMatch(
      /extension "cube" cannot be dropped: that would also drop extension "earthdistance", which this resource does not manage/,
    );
    expect(await extensionsIn(pg, db)).toEqual({ cube: '1.5@public', earthdistance: '1.2@public' });
  });
});

describe('errors with context', () => {
  test('a lock held by another apply past the timeout: says so, nothing changed', async () => {
    const db = await freshDatabase(pg);
    const holder = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: db });
    await holder.connect();
    try {
      await holder.query("BEGIN; SELECT pg_advisory_xact_lock(hashtext('cnpg-constructs:postgres-extensions'))");
      const err = await failure(host.up(inputs(db, [{ name: 'cube' }], { statementTimeoutMs: 800 })));
      expect(err.message).toBe(
        `another apply holds the lock on database ${db} at 127.0.0.1:${pg.port}/${db} (waited statementTimeoutMs = 800 ms): nothing was changed. Run again when it is done`,
      );
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('refresh of a database that was dropped reports the resource gone', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.up(inputs(db, [{ name: 'cube' }]));
    await pg.query(`DROP DATABASE ${db}`);
    expect(await host.read(id, outs)).toEqual({ id: '', props: {} });
    await host.delete(id, outs); // and deleting it is a no-op, not an error
  });

  test.each([['e'], ['postgres'], ['public']])('a password of %j never garbles a message', async (password) => {
    const user = `u_${password}`;
    await pg.query(`DROP ROLE IF EXISTS ${user}; CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${password}'`);
    const db = await freshDatabase(pg);
    const err = await failure(
      host.up({ ...inputs(db, [{ name: 'nope' }], { readinessTimeoutSeconds: 0 }), connection: { ...connection, user, password } }),
    );
    expect(err.message).toContain(`nothing was changed in database ${db} at 127.0.0.1:${pg.port}/${db}: gave up after waiting 0s`);
    expect(err.message).toContain('extension "nope" is not available on the server');
    expect(err.message).toContain('pltclu, postgres_fdw, refint');
  });
});

describe('round trips: a constant number per operation, whatever the number of extensions', () => {
  const CONTRIB = [
    'btree_gin',
    'btree_gist',
    'citext',
    'fuzzystrmatch',
    'intarray',
    'isn',
    'lo',
    'ltree',
    'pg_trgm',
    'pgcrypto',
    'seg',
    'tablefunc',
    'tcn',
    'tsm_system_rows',
    'tsm_system_time',
    'unaccent',
    'uuid-ossp',
    'dict_int',
    'dict_xsyn',
    'bloom',
  ];

  /** The queries the server received for `db` while `fn` ran (one log line per simple query: one round trip each). */
  async function queriesDuring(db: string, fn: () => Promise<unknown>): Promise<number> {
    const before = fs.readFileSync(pg.logFile, 'utf8').length;
    await fn();
    const log = fs.readFileSync(pg.logFile, 'utf8').slice(before);
    return log.split('\n').filter((l) => l.includes(` ${db} LOG:  statement: `)).length;
  }

  test.each([1, 20])('%i extension(s): create 1, update 2, read 1, delete 2', async (n) => {
    const db = await freshDatabase(pg);
    const names = CONTRIB.slice(0, n);
    let created: { id: string; outs: Props } = { id: '', outs: {} };
    const news = (
      await host.check(
        {},
        inputs(
          db,
          names.map((name) => ({ name })),
        ),
      )
    ).inputs;
    expect(await queriesDuring(db, async () => (created = await host.create(news)))).toBe(1);
    expect(created.outs.installed).toHaveLength(n);
    expect(created.outs).toMatchObject({
      serverId: expect.stringMatching(/^\d+$/),
      databaseOid: expect.stringMatching(/^\d+$/),
      managed: names,
    });
    const fewer = (
      await host.check(
        created.outs,
        inputs(
          db,
          names.slice(0, Math.ceil(n / 2)).map((name) => ({ name })),
        ),
      )
    ).inputs;
    let updated: Props = {};
    expect(await queriesDuring(db, async () => (updated = await host.update(created.id, created.outs, fewer)))).toBe(2);
    expect(await queriesDuring(db, () => host.read(created.id, updated))).toBe(1);
    expect(await queriesDuring(db, () => host.delete(created.id, updated))).toBe(2);
    expect(await extensionsIn(pg, db)).toEqual({});
  });

  test('a create the one-round-trip path cannot do (a list out of dependency order, an extension to adopt) is planned as usual, in 3 round trips, with the same result', async () => {
    const outOfOrder = await freshDatabase(pg);
    const reversed = (await host.check({}, inputs(outOfOrder, [{ name: 'earthdistance' }, { name: 'cube' }]))).inputs;
    let created: { id: string; outs: Props } = { id: '', outs: {} };
    expect(await queriesDuring(outOfOrder, async () => (created = await host.create(reversed)))).toBe(3);
    expect(Object.keys(await extensionsIn(pg, outOfOrder)).sort()).toEqual(['cube', 'earthdistance']);
    expect(created.outs.managed).toEqual(['earthdistance', 'cube']);

    const adopting = await freshDatabase(pg);
    await pg.query('CREATE EXTENSION citext', [], adopting);
    const adopt = (await host.check({}, inputs(adopting, [{ name: 'citext', adopt: true }, { name: 'isn' }]))).inputs;
    expect(await queriesDuring(adopting, () => host.create(adopt))).toBe(3);
    expect(Object.keys(await extensionsIn(pg, adopting)).sort()).toEqual(['citext', 'isn']);

    // Without adopt, the guard hands over to the plan, which refuses as without the guard: nothing created.
    const refusing = await freshDatabase(pg);
    await pg.query('CREATE EXTENSION citext', [], refusing);
    const refuse = (await host.check({}, inputs(refusing, [{ name: 'isn' }, { name: 'citext' }]))).inputs;
    await expect(host.create(refuse)).rejects.toThrow(/extension "citext" already exists .* set adopt: true/);
    expect(Object.keys(await extensionsIn(pg, refusing))).toEqual(['citext']);
  });
});
