// The role and database-object rules that say "PostgreSQL refuses it", against a real PostgreSQL 18: what the
// builders refuse, the server refuses; what they emit (a validUntil, a role's attributes), the server takes.
import { buildCluster, buildDatabase, CnpgValidationError, type ManagedRoleProps, type Problem } from '../../lib/core';
import { checkRole, roleToWire } from '../../lib/core/serving/roles';
import { quoteIdent, quoteLiteral } from '../../lib/core/sql';
import { type PgServer, startPostgres } from '../support/pg';

let pg: PgServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.destroy());

const base = { imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie', storage: { size: '1Gi' }, namespace: 'shop' };
const codes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CnpgValidationError) return e.problems.map((p: Problem) => p.code);
    throw e;
  }
  return [];
};
const refused = (sql: string) =>
  pg.query(sql).then(
    () => undefined,
    (e: Error) => e.message,
  );

/** CREATE ROLE as CNPG's instance manager writes it for a role's attributes (the subset these tests use). */
function createRole(r: Record<string, unknown>): string {
  const opts = [
    r.login ? 'LOGIN' : 'NOLOGIN',
    r.inherit === false ? 'NOINHERIT' : 'INHERIT',
    r.connectionLimit !== undefined ? `CONNECTION LIMIT ${r.connectionLimit}` : '',
    r.validUntil !== undefined ? `VALID UNTIL ${quoteLiteral(String(r.validUntil))}` : '',
  ];
  return `CREATE ROLE ${quoteIdent(String(r.name))} ${opts.filter(Boolean).join(' ')}`;
}

test("reserved names: PostgreSQL refuses pg_*; the builder refuses it (and CNPG's own) first", async () => {
  expect(await refused('CREATE ROLE pg_reporting')).toMatch(/role name "pg_reporting" is reserved/);
  expect(codes(() => buildCluster('c', 'db', { ...base, roles: [{ name: 'pg_reporting' }] }))).toEqual(['role-name-reserved']);
});

test('a role that is a member of itself: PostgreSQL refuses the GRANT CNPG would run', async () => {
  await pg.query('CREATE ROLE selfish');
  expect(await refused('GRANT selfish TO selfish')).toMatch(/is a member of role "selfish"|cannot be granted to itself|circular/);
  expect(checkRole('roles[0]', { name: 'selfish', inRoles: ['selfish'] }).map((p) => p.code)).toEqual(['role-member-of-itself']);
});

test('a connection limit below -1: PostgreSQL refuses it; -1 and 0 and up are taken', async () => {
  expect(await refused('CREATE ROLE limited CONNECTION LIMIT -2')).toMatch(/invalid connection limit/);
  for (const connectionLimit of [-1, 0, 25]) {
    const role: ManagedRoleProps = { name: `lim${connectionLimit + 1}`, login: true, connectionLimit };
    expect(checkRole('', role)).toEqual([]);
    await pg.query(createRole(roleToWire(role)));
  }
  expect(checkRole('', { name: 'x', connectionLimit: -2 }).map((p) => p.code)).toEqual(['role-connection-limit-invalid']);
});

test('validUntil as the builder emits it (RFC 3339, from a string or a Date) is a timestamp PostgreSQL takes', async () => {
  for (const [i, validUntil] of ['2027-01-01T00:00:00Z', '2027-01-01T02:00:00+02:00', new Date('2027-01-01T00:00:00Z')].entries()) {
    const role: ManagedRoleProps = { name: `expiring${i}`, login: true, validUntil };
    expect(checkRole('', role)).toEqual([]);
    await pg.query(createRole(roleToWire(role)));
    const [row] = await pg.query<{ until: string }>(
      `SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS until FROM pg_roles WHERE rolname = $1`,
      [role.name],
    );
    expect(row.until).toBe('2027-01-01T00:00:00');
  }
});

test('a Database owner no role creates: CREATE DATABASE ... OWNER fails (the admission rule says so before)', async () => {
  expect(await refused('CREATE DATABASE ghosts OWNER ghost')).toMatch(/role "ghost" does not exist/);
});

test('a server of a wrapper the database drops: PostgreSQL refuses the DROP while the server uses it', async () => {
  await pg.query('CREATE FOREIGN DATA WRAPPER dummy_fdw');
  await pg.query('CREATE SERVER legacy FOREIGN DATA WRAPPER dummy_fdw');
  expect(await refused('DROP FOREIGN DATA WRAPPER dummy_fdw')).toMatch(
    /cannot drop foreign-data wrapper dummy_fdw because other objects depend on it/,
  );
  const cluster = buildCluster('c', 'db', base);
  expect(
    codes(() =>
      buildDatabase('d', cluster, {
        name: 'app',
        owner: 'app',
        fdws: [{ name: 'dummy_fdw', ensure: 'absent' }],
        servers: [{ name: 'legacy', fdw: 'dummy_fdw' }],
      }),
    ),
  ).toEqual(['database-server-fdw-absent']);
});
