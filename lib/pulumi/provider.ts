/**
 * The dynamic provider of `PostgresExtensions` (the resource of `cnpg-constructs/pulumi`): Pulumi's
 * `check`, `diff`, `create`, `update`, `read` and `delete` over one PostgreSQL database.
 *
 * @module cnpg-constructs/pulumi/provider
 */
// The dynamic provider behind PostgresExtensions: this module's exports ARE the provider
// (`check`, `diff`, `create`, `update`, `read`, `delete`), and the package exports it as
// `cnpg-constructs/pulumi/provider`. When the package is installed, Pulumi's closure serializer finds
// this module in node_modules and stores only `require("cnpg-constructs/pulumi/provider")` in each
// resource's `__provider` (a few hundred bytes), which the dynamic-provider host resolves from the
// project directory. From source (this repository's tests) it serializes the module by value, so the
// rules for that hold here and in every module under ./provider: `require('pg')` inside the functions that
// need it, only pure modules imported (../core/sql and ../core/suggest import nothing impure), no live
// objects at module level, no `#private`. Types come from `import type` only: the host must not load
// @pulumi/pulumi through this module.
//
// One job per module: ./provider/check (inputs, as Findings), ./provider/connect (TLS, retries),
// ./provider/state (identity and live state, round trip 1), ./provider/apply (plan and statements, round
// trip 2), ./provider/errors (messages). Every operation uses one connection and a constant number of round
// trips after connecting, however many extensions there are: apply = (1) begin + lock + everything the plan
// needs, (2) every statement + the result + commit; read = one query. Only a failure costs more (a rollback,
// and a second pass in a rolled-back transaction to name the statement that failed).
import type * as pulumi from '@pulumi/pulumi';
import type { Client } from 'pg';
import { IDENTITY_SQL, type InstalledExtension, installedSql } from '../core/sql';
import { apply } from './provider/apply';
import { checkFailureOf, checkInputs, hasUnknown, known, normalize } from './provider/check';
import { connect } from './provider/connect';
import { fail, isMissingDatabase, type PgError, pgSaid, target } from './provider/errors';
import { checkIdentity, type Identity, installedMap, type Rows } from './provider/state';
import type { PostgresExtensionsInputs, PostgresExtensionsOutputs } from './provider/types';

export type { ConnectionInfo, PostgresExtensionsInputs, PostgresExtensionsOutputs } from './provider/types';
export type { ExtensionRequest } from '../core/sql';

/**
 * Validates the inputs (unknown keys, names PostgreSQL refuses, the connection) and returns them normalized; every
 * problem is a failure naming its property. Values unknown during preview are checked when they are known.
 */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const findings = checkInputs(news);
  if (findings.length > 0) return { inputs: news, failures: findings.map(checkFailureOf) };
  return { inputs: hasUnknown(news) ? news : { ...normalize(news as unknown as PostgresExtensionsInputs), __provider: news.__provider } };
}

/**
 * Only another database is a replacement (created there first, then removed from the old one). A new
 * address, port, user, password or TLS setting is an update: the update checks that the same server and
 * database are behind it before it changes anything.
 */
export async function diff(
  _id: string,
  olds: PostgresExtensionsOutputs,
  news: PostgresExtensionsInputs,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (known(news.database) && typeof news.database === 'string' && olds.database !== news.database) replaces.push('database');
  if (hasUnknown(news)) return { changes: true, replaces, deleteBeforeReplace: false };
  const n = normalize(news);
  const installed = new Map((olds.installed ?? []).map((i) => [i.name, i]));
  const drift = n.extensions.some((d) => {
    const i = installed.get(d.name);
    return !i || (d.version !== undefined && d.version !== i.version) || (d.schema !== undefined && d.schema !== i.schema);
  });
  const removed = (olds.managed ?? []).some((m) => !n.extensions.some((d) => d.name === m));
  const o = normalize(olds);
  const settings =
    JSON.stringify([o.extensions, o.dropCascade, o.connectTimeoutMs, o.statementTimeoutMs, o.readinessTimeoutSeconds, o.connection]) !==
    JSON.stringify([n.extensions, n.dropCascade, n.connectTimeoutMs, n.statementTimeoutMs, n.readinessTimeoutSeconds, n.connection]);
  return { changes: replaces.length > 0 || drift || removed || settings, replaces, deleteBeforeReplace: false };
}

/** Connects, waits (bounded) for the server and the extensions' versions, and applies the list in one transaction. */
export async function create(inputs: PostgresExtensionsInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await apply(normalize(inputs), []);
  return { id: target(inputs), outs };
}

/**
 * Applies the new list in one transaction: creates, updates, moves and drops what differs from what the resource
 * manages, after checking that the same server and database answer at the address.
 */
export async function update(
  _id: string,
  olds: PostgresExtensionsOutputs,
  news: PostgresExtensionsInputs,
): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await apply(normalize(news), olds.managed ?? [], olds) };
}

/** Refresh: what of the managed extensions is installed, in one query. A dropped database means the resource is gone. */
export async function read(id: string, props?: PostgresExtensionsOutputs): Promise<pulumi.dynamic.ReadResult> {
  if (!props?.connection) return { id, props: props ?? {} };
  let client: Client;
  try {
    client = await connect(props, undefined);
  } catch (e) {
    if (isMissingDatabase(e)) return { id: '', props: {} };
    throw e;
  }
  try {
    const managed = props.managed ?? [];
    let results: Rows;
    try {
      results = (await client.query(`${IDENTITY_SQL};\n${installedSql(managed)}`)) as unknown as Rows;
    } catch (e) {
      fail(`cannot read the extensions of ${target(props)}: ${pgSaid(e as PgError, 'Nothing was changed')}`);
    }
    const [identity, rows] = results;
    checkIdentity(props, identity.rows[0] as unknown as Identity, props);
    const byName = installedMap(rows.rows);
    return { id, props: { ...props, installed: managed.filter((m) => byName.has(m)).map((m) => byName.get(m) as InstalledExtension) } };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops what the resource manages (never more), on the server and database it was applied on. */
async function remove(_id: string, props: PostgresExtensionsOutputs): Promise<void> {
  try {
    await apply({ ...normalize(props), extensions: [], readinessTimeoutSeconds: 0 }, props.managed ?? [], props);
  } catch (e) {
    // The database itself is gone: so are its extensions.
    if (isMissingDatabase(e)) return;
    throw e;
  }
}

/** `delete` is a reserved word for a function name, not for an export name. */
export { remove as delete };
