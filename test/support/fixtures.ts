import { postgresExtensionsProvider } from '../../lib/pulumi/postgres-extensions';
import { type PgServer, startPostgres } from './pg';
import { ProviderHost } from './provider-host';

/** A pure-SQL extension image: `<name>` 1.0 and 1.1 with an update script. */
export function sqlExtension(
  name: string,
  opts: { requires?: string[]; body10?: string; body11?: string; relocatable?: boolean } = {},
): Record<string, string> {
  return {
    [`share/extension/${name}.control`]: `default_version = '1.1'\nrelocatable = ${opts.relocatable ?? true}\n${opts.requires ? `requires = '${opts.requires.join(',')}'\n` : ''}`,
    [`share/extension/${name}--1.0.sql`]:
      opts.body10 ?? `CREATE FUNCTION ${name}_version() RETURNS text LANGUAGE sql AS $$ SELECT '1.0' $$;\n`,
    [`share/extension/${name}--1.1.sql`]:
      opts.body11 ?? `CREATE FUNCTION ${name}_version() RETURNS text LANGUAGE sql AS $$ SELECT '1.1' $$;\n`,
    [`share/extension/${name}--1.0--1.1.sql`]: `CREATE OR REPLACE FUNCTION ${name}_version() RETURNS text LANGUAGE sql AS $$ SELECT '1.1' $$;\n`,
  };
}

/**
 * The server most provider tests use: "images" cube (cube + earthdistance, a dependent pair) and
 * hstore (many versions with update scripts), and a hand-made image "boom" whose script fails.
 */
export async function startProviderFixture(): Promise<{ pg: PgServer; host: ProviderHost; connection: Record<string, unknown> }> {
  const pg = await startPostgres({
    images: { cube: ['cube', 'earthdistance'], hstore: ['hstore'] },
    customImages: {
      boom: sqlExtension('boom', { body11: `DO $$ BEGIN RAISE EXCEPTION 'boom: the install script failed on purpose'; END $$;\n` }),
    },
  });
  const host = await ProviderHost.start(postgresExtensionsProvider);
  const connection = { host: pg.host, port: pg.port, user: pg.user, password: pg.password, sslMode: 'disable' };
  return { pg, host, connection };
}

let dbCounter = 0;
/** A fresh database on the server, for one test. */
export async function freshDatabase(pg: PgServer): Promise<string> {
  const name = `t${process.pid}_${++dbCounter}`;
  await pg.query(`CREATE DATABASE ${name}`);
  return name;
}

export async function extensionsIn(pg: PgServer, db: string): Promise<Record<string, string>> {
  const rows = await pg.query<{ extname: string; extversion: string; nspname: string }>(
    "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1",
    [],
    db,
  );
  return Object.fromEntries(rows.map((r) => [r.extname, `${r.extversion}@${r.nspname}`]));
}
