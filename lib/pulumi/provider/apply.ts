/**
 * An apply: the database brought to the inputs in one transaction under an advisory lock, in two round trips (one
 * for a create on a database that has none of the extensions yet), or nothing changed and a message saying why.
 */
import type { Client } from 'pg';
import {
  CASCADED_SQL,
  type CascadedDrop,
  createExtensionSql,
  freshCreateSql,
  type InstalledExtension,
  installedSql,
  NOT_FRESH_MESSAGE,
  type Plan,
  type PlannedStep,
  planExtensions,
  STEP_SEPARATOR,
} from '../../core/sql';
import { normalize } from './check';
import { connect, gaveUp, pause, waiting } from './connect';
import { fail, type PgError, pgSaid, target } from './errors';
import { checkIdentity, type Identity, installedMap, type LiveState, liveState, lockTimeout, type Rows } from './state';
import type { PostgresExtensionsInputs, PostgresExtensionsOutputs } from './types';

/**
 * A create in one round trip (see freshCreateSql): the common case of `pulumi up` on a new database, where
 * planning from the live state would only confirm that every extension is to be created, in the given order.
 * Undefined when its guard found the database otherwise (nothing ran; the failed transaction is left for the next
 * message to roll back): the caller then plans from the live state. A statement that fails after the guard passed
 * is reported as the plan's statements are (the same message), a lock wait that timed out as such.
 */
async function freshCreate(client: Client, inputs: PostgresExtensionsInputs): Promise<PostgresExtensionsOutputs | undefined> {
  // Values are written into a dollar-quoted guard: none may contain a dollar sign (then: the usual path).
  const values = inputs.extensions.flatMap((e) => [e.name, e.version ?? '', e.schema ?? '']);
  if (inputs.extensions.length === 0 || values.some((v) => v.includes('$'))) return undefined;
  let results: Rows;
  try {
    results = (await client.query(freshCreateSql(inputs.extensions, inputs.statementTimeoutMs ?? 60_000))) as unknown as Rows;
  } catch (err) {
    const e = err as PgError;
    if (e.code === 'P0001' && e.message === NOT_FRESH_MESSAGE) return undefined;
    await client.query('ROLLBACK').catch(() => undefined);
    if (e.code === '55P03') lockTimeout(inputs);
    const steps = inputs.extensions.map((d) => ({ action: 'create' as const, extension: d.name, sql: createExtensionSql(d) }));
    return applyFailed(client, inputs, steps, e);
  }
  const after = installedMap(results[results.length - 2].rows);
  return {
    ...normalize(inputs),
    installed: inputs.extensions.filter((e) => after.has(e.name)).map((e) => after.get(e.name) as InstalledExtension),
    managed: inputs.extensions.map((e) => e.name),
    ...(results[5].rows[0] as unknown as Identity),
    cascaded: [],
  };
}

/**
 * Round trip 2: every statement (each drop after its guard), the managed extensions as installed, what the drops
 * took, and the commit, in one query.
 */
async function execute(
  client: Client,
  inputs: PostgresExtensionsInputs,
  plan: Plan,
  live: LiveState,
): Promise<{ installed: InstalledExtension[]; cascaded: CascadedDrop[] }> {
  const names = inputs.extensions.map((e) => e.name);
  if (plan.steps.length === 0) {
    await client.query('COMMIT');
    return { installed: names.filter((n) => live.installed.has(n)).map((n) => live.installed.get(n) as InstalledExtension), cascaded: [] };
  }
  const statements = plan.steps.flatMap((s) => (s.guard ? [s.guard, s.sql] : [s.sql]));
  const text = [...statements, installedSql(names), CASCADED_SQL, 'COMMIT'].join(`;${STEP_SEPARATOR}`);
  try {
    const results = (await client.query(text)) as unknown as Rows;
    const after = installedMap(results[results.length - 3].rows);
    const cascaded = results[results.length - 2].rows[0]?.cascaded as string | null | undefined;
    return {
      installed: names.filter((n) => after.has(n)).map((n) => after.get(n) as InstalledExtension),
      cascaded: cascaded ? (JSON.parse(cascaded) as CascadedDrop[]) : [],
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    return applyFailed(client, inputs, plan.steps, err as PgError);
  }
}

/** Names the statement that failed (when the server said why) and fails with what it said; nothing was changed. */
async function applyFailed(client: Client, inputs: PostgresExtensionsInputs, steps: readonly PlannedStep[], e: PgError): Promise<never> {
  const step = e.code ? await failingStep(client, steps, e) : undefined;
  fail(
    `${step ?? 'applying the plan'} failed in database ${inputs.database}: ${pgSaid(e, 'The transaction was rolled back: nothing was changed')}`,
  );
}

/**
 * Which statement failed: the steps again, one by one (a drop after its guard), in a transaction that is rolled
 * back whatever happens (the failure path only; the success path never pays for it).
 */
async function failingStep(client: Client, steps: readonly PlannedStep[], original: PgError): Promise<string | undefined> {
  try {
    await client.query(`BEGIN; SET LOCAL search_path TO "$user", public`);
    for (const s of steps) {
      try {
        if (s.guard) await client.query(s.guard);
        await client.query(s.sql);
      } catch (e) {
        return (e as PgError).code === original.code ? s.sql : undefined;
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Brings the database to `inputs` in one transaction under an advisory lock: pre-flight checks first
 * (nothing runs when any fails), then the statements; any failure rolls everything back. While the
 * server, the database or a requested extension version is not there yet, waits (bounded by
 * readinessTimeoutSeconds) and then says what it last saw.
 */
export async function apply(
  inputs: PostgresExtensionsInputs,
  managed: readonly string[],
  expected?: Partial<Identity>,
): Promise<PostgresExtensionsOutputs> {
  const w = waiting(inputs);
  const client = await connect(inputs, w);
  try {
    // A create on a database that has none of the extensions yet: one round trip (see freshCreate).
    let rollbackFirst = false;
    if (managed.length === 0 && expected === undefined) {
      const done = await freshCreate(client, inputs);
      if (done) return done;
      rollbackFirst = true;
    }
    for (;;) {
      const live = await liveState(client, inputs, managed, rollbackFirst);
      rollbackFirst = false;
      checkIdentity(expected, live.identity, inputs);
      const plan = planExtensions({
        desired: inputs.extensions,
        managed,
        installed: live.installed,
        available: live.available,
        updatePaths: live.updatePaths,
        existingSchemas: live.schemas,
        dropCascade: inputs.dropCascade ?? false,
        dependents: live.dependents,
      });
      if (plan.errors.length > 0) {
        await client.query('ROLLBACK').catch(() => undefined);
        const message = `nothing was changed in database ${inputs.database} at ${target(inputs)}:\n  - ${plan.errors.join('\n  - ')}`;
        if (plan.errors.length > plan.unavailable.length) fail(message);
        // Only what waiting may cure (an image being mounted, pods restarting): poll on this connection.
        w.lastSeen = plan.unavailable.join('; ');
        w.missingDatabase = false;
        if (!(await pause(w))) gaveUp(w, inputs);
        continue;
      }
      const { installed, cascaded } = await execute(client, inputs, plan, live);
      return { ...normalize(inputs), installed, managed: inputs.extensions.map((e) => e.name), ...live.identity, cascaded };
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
