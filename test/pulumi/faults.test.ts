// Faults on real PostgreSQL 18 through the real provider host: after each, the database is either as
// before or as desired, never in between, and running again converges. The password never leaks.
import * as fs from 'node:fs';
import { postgresExtensionsOptions, postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { extensionsIn, freshDatabase, sqlExtension } from '../support/fixtures';
import { type PgServer, startPostgres } from '../support/pg';
import { type HostError, hostFailure, type Props, ProviderHost, connectionTo } from '../support/provider-host';
import { makeCertificates } from '../support/tls';

let pg: PgServer;
let host: ProviderHost;
let connection: Props;
const certs = makeCertificates();
const seen: string[] = []; // every error message and output the tests saw: searched for the password

beforeAll(async () => {
  pg = await startPostgres({
    images: { hstore: ['hstore'] },
    customImages: {
      slow: {
        'share/extension/slow.control': "default_version = '1.0'\nrelocatable = true\n",
        'share/extension/slow--1.0.sql': 'SELECT pg_sleep(3);\nCREATE FUNCTION slow_done() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n',
      },
      quick: sqlExtension('quick'),
    },
    tls: { cert: certs.cert, key: certs.key },
    // 127.0.0.2 is also served, but the certificate only names 127.0.0.1 and localhost.
    settings: { listen_addresses: "'127.0.0.1,127.0.0.2'", log_connections: 'on' },
  });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

const inputs = (database: string, extensions: Props[], extra: Props = {}): Props => ({ connection, database, extensions, ...extra });
const record = <T>(x: T): T => {
  seen.push(typeof x === 'string' ? x : JSON.stringify(x));
  return x;
};
async function failure(p: Promise<unknown>): Promise<HostError> {
  const e = await hostFailure(p);
  record(e.message);
  return e;
}

test('the server stopped in the middle of an apply: nothing half-applied, and running again converges', async () => {
  const db = await freshDatabase(pg);
  const apply = host.create(inputs(db, [{ name: 'quick' }, { name: 'slow' }]));
  await new Promise((r) => setTimeout(r, 1000)); // quick is created, slow's script is sleeping
  pg.stop('immediate');
  const err = await failure(apply);
  expect(err.message).toMatch(/terminat|Connection terminated|ECONNRESET|server closed|shutdown/i);
  pg.start();
  expect(await extensionsIn(pg, db)).toEqual({}); // not even quick: one transaction
  const { outs } = await host.create(inputs(db, [{ name: 'quick' }, { name: 'slow' }]));
  record(outs);
  expect(await extensionsIn(pg, db)).toEqual({ quick: '1.1@public', slow: '1.0@public' });
});

test('connection refused is retried until readinessTimeoutSeconds, then a clear error naming the target and what it last saw', async () => {
  const started = Date.now();
  const err = await failure(
    host.create({ ...inputs('app', [{ name: 'hstore' }], { readinessTimeoutSeconds: 2 }), connection: { ...connection, port: 1 } }),
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  expect(err.message).toMatch(
    /^nothing was changed in database app at 127\.0\.0\.1:1\/app: gave up after waiting 2s \(readinessTimeoutSeconds\)\. Last seen: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/app as postgres: .*ECONNREFUSED.*reachable from where Pulumi runs/,
  );
});

test('a wrong password is a clear error that does not show it', async () => {
  const err = await failure(
    host.create({ ...inputs('app', [{ name: 'hstore' }]), connection: { ...connection, password: `${pg.password}-wrong` } }),
  );
  expect(err.message).toMatch(/password authentication failed for user "postgres"/);
  expect(err.message).not.toContain(`${pg.password}-wrong`);
});

test('a statement timeout rolls back; a longer timeout converges', async () => {
  const db = await freshDatabase(pg);
  const err = await failure(host.create(inputs(db, [{ name: 'quick' }, { name: 'slow' }], { statementTimeoutMs: 500 })));
  expect(err.message).toMatch(
    /CREATE EXTENSION "slow" failed in database .*: canceling statement due to statement timeout.*rolled back: nothing was changed/s,
  );
  expect(await extensionsIn(pg, db)).toEqual({});
  await host.create(inputs(db, [{ name: 'quick' }, { name: 'slow' }], { statementTimeoutMs: 10_000 }));
  expect(await extensionsIn(pg, db)).toEqual({ quick: '1.1@public', slow: '1.0@public' });
});

test('two applies on one database at once: the advisory lock serializes them, the second fails clearly', async () => {
  const db = await freshDatabase(pg);
  const results = await Promise.allSettled([host.create(inputs(db, [{ name: 'slow' }])), host.create(inputs(db, [{ name: 'slow' }]))]);
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(ok).toHaveLength(1);
  expect(failed).toHaveLength(1);
  record(failed[0].reason.message);
  expect(failed[0].reason.message).toMatch(/"slow" already exists \(version 1.0, schema public\) but this resource did not create it/);
  expect(await extensionsIn(pg, db)).toEqual({ slow: '1.0@public' });
});

describe('TLS', () => {
  test("sslMode 'verify-full' with the CA works", async () => {
    const db = await freshDatabase(pg);
    const { outs } = await host.create({
      ...inputs(db, [{ name: 'hstore' }]),
      connection: { ...connection, sslMode: 'verify-full', sslRootCert: certs.ca },
    });
    record(outs);
    expect(outs.installed).toEqual([{ name: 'hstore', version: '1.8', schema: 'public' }]);
    const log = fs.readFileSync(pg.logFile, 'utf8');
    expect(log).toMatch(
      new RegExp(
        `connection authorized: user=postgres database=${db} application_name=cnpg-constructs SSL enabled \\(protocol=TLSv1\\.[23]`,
      ),
    );
  });

  test("'verify-full' with another CA fails clearly", async () => {
    const err = await failure(
      host.create({
        ...inputs('postgres', [{ name: 'hstore' }]),
        connection: { ...connection, sslMode: 'verify-full', sslRootCert: certs.otherCa },
      }),
    );
    expect(err.message).toMatch(/cannot connect to PostgreSQL .*(self[- ]signed|unable to verify|certificate)/i);
  });

  test("'verify-full' against a name the certificate does not cover fails", async () => {
    const err = await failure(
      host.create({
        ...inputs('postgres', [{ name: 'hstore' }]),
        connection: { ...connection, host: '127.0.0.2', sslMode: 'verify-full', sslRootCert: certs.ca },
      }),
    );
    expect(err.message).toMatch(
      /cannot connect to PostgreSQL at 127\.0\.0\.2:\d+\/postgres as postgres: .*IP: 127\.0\.0\.2 is not in the cert's list/,
    );
  });
});

describe('secrets', () => {
  test('the password is in no error, output (but connection), host log, server log or serialized provider', async () => {
    const db = await freshDatabase(pg);
    const { id, outs } = await host.create(inputs(db, [{ name: 'hstore' }]));
    const refreshed = await host.read(id, outs);
    const { connection: c1, ...otherOuts } = outs;
    const { connection: c2, ...otherRead } = refreshed.props;
    expect((c1 as Props).password).toBe(pg.password);
    expect((c2 as Props).password).toBe(pg.password);
    for (const [what, text] of [
      ['outputs other than connection', JSON.stringify([otherOuts, otherRead])],
      ['errors and outputs seen by the tests', seen.join('\n')],
      ['provider host log', host.stderr()],
      ['PostgreSQL server log', fs.readFileSync(pg.logFile, 'utf8')],
      ['serialized provider', host.providerText],
    ] as const) {
      expect({ what, leaks: text.includes(pg.password) }).toEqual({ what, leaks: false });
    }
    expect(seen.length).toBeGreaterThan(5);
  });

  test('the resource marks connection as a secret output', () => {
    expect(postgresExtensionsOptions({ protect: true })).toEqual(
      expect.objectContaining({ protect: true, additionalSecretOutputs: ['connection'] }),
    );
    expect(postgresExtensionsOptions().additionalSecretOutputs).toEqual(['connection']);
  });
});
