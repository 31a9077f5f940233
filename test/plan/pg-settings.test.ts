// The parameter contexts the plan decides restart-or-reload from are PostgreSQL 18's own: the committed table is
// what a real server reports (re-captured here), and what the plan says a change does is what the server does.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { planChanges } from '../../lib/core';
import { PG_SETTINGS } from '../../lib/core/plan/pg-settings';
import { type PgServer, startPostgres } from '../support/pg';
import { cluster } from './support';

let pg: PgServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.destroy());

test('the capture script, run as maintainers run it, finds the committed table up to date', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'capture-pg-settings.js'), '--check'], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/matches the server/);
  expect(r.status).toBe(0);
});

test('every parameter of a real PostgreSQL 18 is in the table with its context, type, unit and default, and nothing else is', async () => {
  const rows = await pg.query<{ name: string; context: string; vartype: string; unit: string | null; boot_val: string | null }>(
    'SELECT name, context, vartype, unit, boot_val FROM pg_catalog.pg_settings ORDER BY name',
  );
  const live = Object.fromEntries(rows.map((r) => [r.name, [r.context, r.vartype, r.unit ?? '', r.boot_val ?? '']]));
  // unix_socket_directories' built-in default is where this build puts sockets; the table has the capture's.
  delete live.unix_socket_directories;
  const table: Record<string, unknown> = { ...PG_SETTINGS };
  delete table.unix_socket_directories;
  expect(table).toEqual(live);
});

// What the plan says a change of a parameter needs, against what the server reports after ALTER SYSTEM + reload.
const SAMPLE: [string, string][] = [
  ['shared_buffers', '256MB'],
  ['max_connections', '150'],
  ['max_locks_per_transaction', '128'],
  ['wal_compression', 'pglz'],
  ['max_wal_senders', '20'],
  ['checkpoint_timeout', '15min'],
  ['work_mem', '64MB'],
  ['log_min_duration_statement', '250ms'],
  ['log_disconnections', 'on'],
  ['max_wal_size', '4GB'],
  ['autovacuum_naptime', '30s'],
];

test.each(SAMPLE)('%s = %s: the plan says restart exactly when the server reports pending_restart', async (name, value) => {
  const plan = planChanges(
    [cluster()],
    [
      cluster({
        postgresql: {
          parameters: { [name]: value },
          extensions: (cluster().spec as never as { postgresql: { extensions: unknown } }).postgresql.extensions,
        },
      }),
    ],
  );
  const change = plan.objects[0].changes.find((c) => c.field.endsWith(`.parameters.${name}`));
  const c = await pg.client();
  try {
    await c.query(`ALTER SYSTEM SET ${name} = '${value}'`);
    await c.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));
    const [row] = (await c.query('SELECT pending_restart FROM pg_catalog.pg_settings WHERE name = $1', [name])).rows;
    // The server's "before" is its default, as the plan's is (the cluster sets no value for it).
    const changed = change !== undefined;
    if (changed) expect(change?.effect).toBe(row.pending_restart ? 'restart' : 'reload');
    else expect(row.pending_restart).toBe(false);
  } finally {
    await c.query(`ALTER SYSTEM RESET ${name}`);
    await c.query('SELECT pg_reload_conf()');
    await c.end();
  }
});

test('the same value in other units is no change for the plan, and no pending restart for the server', async () => {
  const spec = (v: string) => cluster({ postgresql: { parameters: { shared_buffers: v } } });
  expect(planChanges([spec('16384')], [spec('128MB')]).objects[0].changes).toEqual([]);
  const c = await pg.client();
  try {
    const [{ setting }] = (await c.query("SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_buffers'")).rows;
    expect(setting).toBe('16384');
    await c.query("ALTER SYSTEM SET shared_buffers = '128MB'");
    await c.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));
    const [row] = (await c.query("SELECT pending_restart FROM pg_catalog.pg_settings WHERE name = 'shared_buffers'")).rows;
    expect(row.pending_restart).toBe(false);
  } finally {
    await c.query('ALTER SYSTEM RESET shared_buffers');
    await c.query('SELECT pg_reload_conf()');
    await c.end();
  }
});
