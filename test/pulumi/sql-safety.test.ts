// Hostile extension, schema and version strings through the real provider host against real
// PostgreSQL 18: either check rejects them clearly, or exactly the intended statement runs. Proof:
// a sentinel table that must survive, and the server's own statement log (log_statement = all),
// compared with the quoting of the pg driver (an implementation independent of ours).
import * as fs from 'node:fs';
import fc from 'fast-check';
import { Client } from 'pg';
import { dollarQuote, NOT_FRESH_MESSAGE, quoteIdent, quoteLiteral, STEP_SEPARATOR } from '../../lib/core/sql';
import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { type PgServer, startPostgres } from '../support/pg';
import { type Props, ProviderHost, connectionTo } from '../support/provider-host';

let pg: PgServer;
let host: ProviderHost;
let connection: Props;
const DB = 'hostile';
const pgEscape = new Client(); // only for its escapeIdentifier / escapeLiteral

const HOSTILE = [
  "'; DROP TABLE sentinel; --",
  '"; DROP TABLE sentinel; --',
  'x"; DROP TABLE sentinel; SELECT "',
  "x'); DROP TABLE sentinel; --",
  '\\',
  "\\'; DROP TABLE sentinel; --",
  '$$; DROP TABLE sentinel; $$',
  'Robert"); DROP TABLE sentinel;--',
  'ünïcødé-schéma',
  '🐘🐘🐘',
  'a'.repeat(63),
  'a'.repeat(64),
  'é'.repeat(32), // 64 bytes
  'é'.repeat(31), // 62 bytes
  '',
  ' ',
  'has\nnewline',
  'public',
  'pg_catalog',
  'nul\u0000byte',
];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 70 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.stringMatching(/^[a-z'";\\$ -]{1,20}$/),
);

beforeAll(async () => {
  pg = await startPostgres({ images: { hstore: ['hstore'] } });
  host = await ProviderHost.start(postgresExtensionsProvider);
  connection = connectionTo(pg);
  await pg.query(`CREATE DATABASE ${DB}`);
  await pg.query('CREATE TABLE sentinel (id int); INSERT INTO sentinel VALUES (42)', [], DB);
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

/**
 * The statements the server ran since `offset` of its log, and the new offset. One logged query may hold several
 * statements: the provider sends a plan as one query (one round trip). A query whose guard raised (the one-round-trip
 * create, when the database is not fresh) ran only up to its guard: the statements after it are not counted.
 */
function statementsSince(offset: number): { statements: string[]; offset: number } {
  const log = fs.readFileSync(pg.logFile, 'utf8');
  const slice = log.slice(offset);
  const statements: string[] = [];
  // Log entries start with the timestamp of log_line_prefix; continuation lines are indented with a tab.
  const entries = slice.split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  let last: string[] | undefined;
  for (const entry of entries) {
    const statement = /LOG: {2}statement: ([\s\S]*)$/.exec(entry);
    if (statement) {
      last = statement[1].replace(/\n\t/g, '\n').replace(/\n$/, '').split(`;${STEP_SEPARATOR}`);
      statements.push(...last);
    } else if (last && entry.includes(`ERROR:  ${NOT_FRESH_MESSAGE}`)) {
      const guard = last.findIndex((x) => x.startsWith('DO $guard$'));
      statements.splice(statements.length - (last.length - guard - 1));
      last = undefined;
    }
  }
  return { statements, offset: log.length };
}
const ddl = (xs: string[]) => xs.filter((s) => /^\s*(CREATE|DROP|ALTER|GRANT|REVOKE|TRUNCATE|DELETE|INSERT|UPDATE)\b/i.test(s));

async function sentinelIntact(): Promise<void> {
  expect(await pg.query('SELECT id FROM sentinel', [], DB)).toEqual([{ id: 42 }]);
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
const invalidIdentifier = (s: string) => s.length === 0 || s.includes('\u0000') || utf8(s) > 63;

test("our quoting equals the pg driver's for every string", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => !s.includes('\u0000')),
      (s) => {
        expect(quoteIdent(s)).toBe(pgEscape.escapeIdentifier(s));
        expect(quoteLiteral(s)).toBe(pgEscape.escapeLiteral(s).trim());
      },
    ),
    { numRuns: 500 },
  );
});

test('a dollar-quoted body (the drop guard) comes back from the server exactly as written, whatever it holds', async () => {
  const c = await pg.client(DB);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(hostile, fc.constantFrom('$cnpg$', '$cnpg', 'x$cnpg1$y$cnpg$', '$cnpg$$cnpg1$$cnpg2$'))
          .filter((s) => !s.includes('\u0000')),
        async (body) => {
          const { rows } = await c.query(`SELECT ${dollarQuote(body)} AS body`);
          expect(rows).toEqual([{ body }]);
        },
      ),
      { numRuns: 200 },
    );
  } finally {
    await c.end();
  }
});

test('hostile schema names: rejected by check, or exactly CREATE EXTENSION "hstore" SCHEMA <quoted> runs', async () => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(hostile, async (schema) => {
      const checked = await host.check({}, { connection, database: DB, extensions: [{ name: 'hstore', schema }] });
      if (invalidIdentifier(schema)) {
        expect(checked.failures).toEqual([expect.objectContaining({ property: 'extensions[0].schema' })]);
        return;
      }
      expect(checked.failures).toEqual([]);
      const exists = (await pg.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema], DB)).length > 0;
      if (!exists) await pg.query(`CREATE SCHEMA ${pgEscape.escapeIdentifier(schema)}`, [], DB);
      try {
        let { offset } = statementsSince(0);
        const { id, outs } = await host.create(checked.inputs);
        const created = statementsSince(offset);
        offset = created.offset;
        expect(ddl(created.statements)).toEqual([`CREATE EXTENSION "hstore" SCHEMA ${pgEscape.escapeIdentifier(schema)}`]);
        expect(outs.installed).toEqual([{ name: 'hstore', version: '1.8', schema }]);
        await host.delete(id, outs);
        expect(ddl(statementsSince(offset).statements)).toEqual(['DROP EXTENSION "hstore" RESTRICT']);
        await sentinelIntact();
        ran++;
      } finally {
        await pg.query('DROP EXTENSION IF EXISTS hstore', [], DB);
        if (!exists) await pg.query(`DROP SCHEMA IF EXISTS ${pgEscape.escapeIdentifier(schema)}`, [], DB);
      }
    }),
    { numRuns: 40, examples: HOSTILE.map((h) => [h] as [string]) },
  );
  expect(ran).toBeGreaterThan(10);
});

test('hostile extension names: rejected by check, or a clear "not available" error with nothing run', async () => {
  await fc.assert(
    fc.asyncProperty(hostile, async (name) => {
      const checked = await host.check({}, { connection, database: DB, extensions: [{ name }], readinessTimeoutSeconds: 0 });
      if (invalidIdentifier(name)) {
        expect(checked.failures.map((f) => f.property)).toEqual(['extensions[0].name']);
        expect(checked.failures[0].reason).toMatch(
          /extension name (must not be empty|must not contain a NUL|is \d+ bytes; PostgreSQL would truncate it to 63)/,
        );
        return;
      }
      const { offset } = statementsSince(0);
      const err = await host.create(checked.inputs).then(
        () => undefined,
        (e: Error) => e,
      );
      if (name === 'hstore') return; // a real extension: created (covered elsewhere)
      expect(err?.message).toContain(`extension "${name}" is not available on the server`);
      expect(ddl(statementsSince(offset).statements)).toEqual([]);
      await sentinelIntact();
    }),
    { numRuns: 60, examples: HOSTILE.map((h) => [h] as [string]) },
  );
});

test('hostile versions: rejected by check, or a clear "no version" error with nothing run', async () => {
  await fc.assert(
    fc.asyncProperty(hostile, async (version) => {
      const checked = await host.check(
        {},
        { connection, database: DB, extensions: [{ name: 'hstore', version }], readinessTimeoutSeconds: 0 },
      );
      const bad =
        version.length === 0 ||
        version.includes('\u0000') ||
        utf8(version) > 63 ||
        version.includes('--') ||
        version.startsWith('-') ||
        version.endsWith('-') ||
        /[/\\]/.test(version);
      if (bad) {
        expect(checked.failures.map((f) => f.property)).toEqual(['extensions[0].version']);
        return;
      }
      if (['1.4', '1.5', '1.6', '1.7', '1.8'].includes(version)) return; // a real version (created elsewhere)
      const { offset } = statementsSince(0);
      const err = await host.create(checked.inputs).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toContain(
        `extension "hstore" has no version "${version}" on the server. Available versions: 1.4, 1.5, 1.6, 1.7, 1.8`,
      );
      expect(ddl(statementsSince(offset).statements)).toEqual([]);
      await sentinelIntact();
    }),
    { numRuns: 60, examples: HOSTILE.map((h) => [h] as [string]) },
  );
});
