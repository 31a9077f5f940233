/** The live state of a database: which server and database answer, and everything a plan needs (round trip 1). */
import type { Client } from 'pg';
import { type AvailableVersion, type DependentObject, type InstalledExtension, liveStateSql } from '../../core/sql';
import { fail, type PgError, pgSaid, target } from './errors';
import type { PostgresExtensionsInputs } from './types';

/** Which PostgreSQL cluster and database the resource acts on. */
export interface Identity {
  readonly serverId: string;
  readonly databaseOid: string;
}

export interface LiveState {
  identity: Identity;
  installed: Map<string, InstalledExtension>;
  available: AvailableVersion[];
  schemas: Set<string>;
  updatePaths: Map<string, Map<string, string[]>>;
  dependents: DependentObject[];
}

/** The results of a multi-statement query, one per statement. */
export type Rows = { rows: Record<string, unknown>[] }[];

export function installedMap(rows: Record<string, unknown>[]): Map<string, InstalledExtension> {
  return new Map(rows.map((r) => [r.name as string, { name: r.name as string, version: r.version as string, schema: r.schema as string }]));
}

export function lockTimeout(inputs: PostgresExtensionsInputs): never {
  fail(
    `another apply holds the lock on database ${inputs.database} at ${target(inputs)} (waited statementTimeoutMs = ${inputs.statementTimeoutMs ?? 60_000} ms): nothing was changed. Run again when it is done`,
  );
}

/** Round trip 1: begin, lock, and everything the plan needs (see liveStateSql). */
export async function liveState(
  client: Client,
  inputs: PostgresExtensionsInputs,
  managed: readonly string[],
  rollbackFirst = false,
): Promise<LiveState> {
  const desired = new Set(inputs.extensions.map((e) => e.name));
  const droppable = managed.filter((m) => !desired.has(m));
  let results: Rows;
  try {
    // After a create that could not take the one-round-trip path, its failed transaction ends in the same message.
    const sql = liveStateSql(inputs.extensions, droppable, inputs.statementTimeoutMs ?? 60_000);
    results = (await client.query(rollbackFirst ? `ROLLBACK;\n${sql}` : sql)) as unknown as Rows;
    if (rollbackFirst) results = results.slice(1);
  } catch (err) {
    const e = err as PgError;
    await client.query('ROLLBACK').catch(() => undefined);
    if (e.code === '55P03') lockTimeout(inputs);
    fail(`cannot read the extensions of ${target(inputs)}: ${pgSaid(e, 'Nothing was changed')}`);
  }
  const [, , , , , identity, installed, available, schemas, paths, dependents] = results;
  // A path reads `source--v2--target`: version names never hold "--" (extension.c check_valid_version_name).
  const updatePaths = new Map<string, Map<string, string[]>>();
  for (const r of paths.rows) {
    const byPair = updatePaths.get(r.name as string) ?? new Map<string, string[]>();
    byPair.set(`${r.source}->${r.target}`, (r.path as string).split('--'));
    updatePaths.set(r.name as string, byPair);
  }
  return {
    identity: identity.rows[0] as unknown as Identity,
    installed: installedMap(installed.rows),
    available: available.rows.map((r) => ({
      name: r.name as string,
      version: r.version as string,
      requires: r.requires as string[],
      relocatable: r.relocatable as boolean,
      schema: r.schema as string | null,
      isDefault: r.isDefault as boolean,
    })),
    schemas: new Set(schemas.rows.map((r) => r.nspname as string)),
    updatePaths,
    dependents: dependents.rows as unknown as DependentObject[],
  };
}

/** Refuses to act on another server or database than the one the resource was applied on. */
export function checkIdentity(expected: Partial<Identity> | undefined, live: Identity, inputs: PostgresExtensionsInputs): void {
  if (!expected?.serverId || !expected.databaseOid) return;
  if (expected.serverId !== live.serverId || expected.databaseOid !== live.databaseOid) {
    const what =
      expected.serverId !== live.serverId
        ? `another PostgreSQL cluster (system_identifier ${live.serverId}, expected ${expected.serverId})`
        : `another database (OID ${live.databaseOid}, expected ${expected.databaseOid})`;
    fail(
      `${target(inputs)} is ${what} than the one this resource manages: nothing was changed there. A new address may point at the same server, never at another one. If the database really moved, replace the resource (pulumi up --replace) so that its extensions are created there`,
    );
  }
}
