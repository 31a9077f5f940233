// The dynamic provider behind PostgresExtensions: this module's exports ARE the provider
// (`check`, `diff`, `create`, `update`, `read`, `delete`), and the package exports it as
// `cnpg-constructs/pulumi/provider`. When the package is installed, Pulumi's closure serializer finds
// this module in node_modules and stores only `require("cnpg-constructs/pulumi/provider")` in each
// resource's `__provider` (a few hundred bytes), which the dynamic-provider host resolves from the
// project directory. From source (this repository's tests) it serializes the module by value, so the
// rules for that still hold: `require('pg')` inside the functions that need it, only pure helpers
// captured (from ../core/sql, which imports nothing), no live objects at module level, no `#private`.
// Types come from `import type` only: the host must not load @pulumi/pulumi through this module.
import type * as pulumi from '@pulumi/pulumi';
import type { Client, ClientConfig } from 'pg';
import {
  type AvailableVersion,
  type CheckFailure,
  checkExtensionRequests,
  type ExtensionRequest,
  identifierProblem,
  type InstalledExtension,
  planExtensions,
} from '../core/sql';

/** How the provider reaches PostgreSQL. Pass it as a secret: it holds the password. */
export interface ConnectionInfo {
  /** Host name or address (a port-forward's 127.0.0.1, a NodePort, a LoadBalancer). */
  readonly host: string;
  /**
   * Port.
   * @default 5432
   */
  readonly port?: number;
  /** Role to connect as: it must be allowed to create the extensions (often a superuser; see docs/SECURITY.md). */
  readonly user: string;
  /** Its password. Never written to logs, errors or any output but the secret `connection`. */
  readonly password: string;
  /**
   * TLS: `disable`, `require` (encrypted, server not verified), `verify-ca`, `verify-full` (needs `sslRootCert`).
   * @default 'require' (CNPG always serves TLS)
   */
  readonly sslMode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  /**
   * PEM of the CA that signed the server certificate (CNPG: the `ca.crt` of the `<cluster>-ca` secret).
   * @default - none
   */
  readonly sslRootCert?: string;
}

/** Inputs of PostgresExtensions, as the provider sees them (plain values). */
export interface PostgresExtensionsInputs {
  readonly connection: ConnectionInfo;
  readonly database: string;
  readonly extensions: readonly ExtensionRequest[];
  readonly dropCascade?: boolean;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/** Outputs: the inputs plus what is installed and which extensions the resource manages. */
export interface PostgresExtensionsOutputs extends PostgresExtensionsInputs {
  readonly installed: InstalledExtension[];
  readonly managed: string[];
}

/** The sentinel Pulumi uses for values unknown during preview. */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const LOCK_KEY = 'cnpg-constructs:postgres-extensions';

function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** Whether any input (not the serialized provider, whose source holds the sentinel) is unknown. */
function hasUnknown(props: object): boolean {
  const { __provider: _p, ...rest } = props as Record<string, unknown>;
  return JSON.stringify(rest).includes(UNKNOWN);
}

function checkInputs(news: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  const c = news.connection as Record<string, unknown> | undefined;
  if (!isUnknown(c)) {
    if (typeof c !== 'object' || c === null) {
      out.push({ property: 'connection', reason: 'connection must be { host, port?, user, password, sslMode?, sslRootCert? }' });
    } else {
      if (!isUnknown(c.host) && (typeof c.host !== 'string' || c.host.length === 0)) out.push({ property: 'connection.host', reason: 'connection.host must be a host name or address' });
      if (c.port !== undefined && !isUnknown(c.port) && !(Number.isInteger(c.port) && (c.port as number) > 0 && (c.port as number) < 65536)) out.push({ property: 'connection.port', reason: `connection.port must be a port from 1 to 65535 (got ${JSON.stringify(c.port)})` });
      if (!isUnknown(c.user)) {
        const up = identifierProblem(c.user, 'connection.user');
        if (up) out.push({ property: 'connection.user', reason: up });
      }
      if (!isUnknown(c.password) && typeof c.password !== 'string') out.push({ property: 'connection.password', reason: 'connection.password must be a string (value not shown)' });
      if (c.sslMode !== undefined && !isUnknown(c.sslMode) && !['disable', 'require', 'verify-ca', 'verify-full'].includes(c.sslMode as string)) out.push({ property: 'connection.sslMode', reason: `connection.sslMode must be disable, require, verify-ca or verify-full (got ${JSON.stringify(c.sslMode)})` });
      if ((c.sslMode === 'verify-ca' || c.sslMode === 'verify-full') && c.sslRootCert === undefined) out.push({ property: 'connection.sslRootCert', reason: `sslMode ${c.sslMode} needs sslRootCert: the PEM of the CA (CNPG: ca.crt of the <cluster>-ca secret)` });
    }
  }
  if (!isUnknown(news.database)) {
    const dp = identifierProblem(news.database, 'database');
    if (dp) out.push({ property: 'database', reason: `${dp} (got ${JSON.stringify(news.database)})` });
  }
  out.push(...checkExtensionRequests(news.extensions, isUnknown));
  if (news.dropCascade !== undefined && !isUnknown(news.dropCascade) && typeof news.dropCascade !== 'boolean') out.push({ property: 'dropCascade', reason: 'dropCascade must be true or false' });
  for (const k of ['connectTimeoutMs', 'statementTimeoutMs']) {
    const v = news[k];
    if (v !== undefined && !isUnknown(v) && !(Number.isInteger(v) && (v as number) > 0)) out.push({ property: k, reason: `${k} must be a positive whole number of milliseconds` });
  }
  return out;
}

/** Removes the password from a message (belt and braces: no message we build contains it). */
function redact(message: string, password: string | undefined): string {
  return password && password.length > 0 ? message.split(password).join('********') : message;
}

function fail(message: string, password: string | undefined): never {
  throw new Error(redact(message, password));
}

function target(inputs: PostgresExtensionsInputs): string {
  return `${inputs.connection.host}:${inputs.connection.port ?? 5432}/${inputs.database}`;
}

function clientConfig(inputs: PostgresExtensionsInputs): ClientConfig {
  const c = inputs.connection;
  const mode = c.sslMode ?? 'require';
  let ssl: ClientConfig['ssl'] = false;
  if (mode === 'require') ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca') ssl = { rejectUnauthorized: true, ca: c.sslRootCert, checkServerIdentity: () => undefined };
  if (mode === 'verify-full') ssl = { rejectUnauthorized: true, ca: c.sslRootCert };
  return {
    host: c.host,
    port: c.port ?? 5432,
    user: c.user,
    password: c.password,
    database: inputs.database,
    ssl,
    connectionTimeoutMillis: inputs.connectTimeoutMs ?? 10_000,
    statement_timeout: inputs.statementTimeoutMs ?? 60_000,
    lock_timeout: inputs.statementTimeoutMs ?? 60_000,
    application_name: 'cnpg-constructs',
  };
}

async function connect(inputs: PostgresExtensionsInputs): Promise<Client> {
  const pg = require('pg') as typeof import('pg');
  const client = new pg.Client(clientConfig(inputs));
  client.on('error', () => undefined); // a dropped connection surfaces in the pending query instead
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    fail(`cannot connect to PostgreSQL at ${target(inputs)} as ${inputs.connection.user}: ${(e as Error).message}. Check that the server is reachable from where Pulumi runs (kubectl port-forward, a NodePort or a LoadBalancer) and the credentials`, inputs.connection.password);
  }
  return client;
}

interface LiveState {
  installed: Map<string, InstalledExtension>;
  available: AvailableVersion[];
  schemas: Set<string>;
}

/** Everything the plan needs, in one round trip (three statements in one simple query). */
async function liveState(client: Client): Promise<LiveState> {
  const results = (await client.query(
    `SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace;
     SELECT v.name, v.version, coalesce(v.requires, '{}'::name[])::text[] AS requires, v.relocatable, v.schema::text AS schema, (a.default_version = v.version) AS "isDefault"
       FROM pg_catalog.pg_available_extension_versions v JOIN pg_catalog.pg_available_extensions a ON a.name = v.name;
     SELECT nspname FROM pg_catalog.pg_namespace;`,
  )) as unknown as { rows: Record<string, unknown>[] }[];
  const [ext, avail, ns] = results;
  return {
    installed: new Map(ext.rows.map((r) => [r.name as string, { name: r.name as string, version: r.version as string, schema: r.schema as string }])),
    available: avail.rows.map((r) => ({ name: r.name as string, version: r.version as string, requires: r.requires as string[], relocatable: r.relocatable as boolean, schema: r.schema as string | null, isDefault: r.isDefault as boolean })),
    schemas: new Set(ns.rows.map((r) => r.nspname as string)),
  };
}

function normalize(inputs: PostgresExtensionsInputs): PostgresExtensionsInputs {
  return {
    connection: inputs.connection,
    database: inputs.database,
    extensions: (inputs.extensions ?? []).map((e) => ({
      name: e.name,
      ...(e.version !== undefined ? { version: e.version } : {}),
      ...(e.schema !== undefined ? { schema: e.schema } : {}),
      ...(e.adopt !== undefined ? { adopt: e.adopt } : {}),
    })),
    dropCascade: inputs.dropCascade ?? false,
    ...(inputs.connectTimeoutMs !== undefined ? { connectTimeoutMs: inputs.connectTimeoutMs } : {}),
    ...(inputs.statementTimeoutMs !== undefined ? { statementTimeoutMs: inputs.statementTimeoutMs } : {}),
  };
}

/**
 * Brings the database to `desired` in one transaction under an advisory lock: pre-flight checks
 * first (nothing runs when any fails), then the statements; any failure rolls everything back.
 */
async function apply(inputs: PostgresExtensionsInputs, managed: readonly string[]): Promise<PostgresExtensionsOutputs> {
  const pw = inputs.connection.password;
  const client = await connect(inputs);
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext($1))', [LOCK_KEY]);
      await client.query(`SET LOCAL search_path TO "$user", public`);
      const live = await liveState(client);
      const updatePaths = new Map<string, Set<string>>();
      for (const d of inputs.extensions) {
        const inst = live.installed.get(d.name);
        if (inst && d.version !== undefined && d.version !== inst.version) {
          const r = await client.query('SELECT source, target FROM pg_catalog.pg_extension_update_paths($1) WHERE path IS NOT NULL AND source = $2', [d.name, inst.version]);
          updatePaths.set(d.name, new Set(r.rows.map((x: { source: string; target: string }) => `${x.source}->${x.target}`)));
        }
      }
      const plan = planExtensions({
        desired: inputs.extensions,
        managed,
        installed: live.installed,
        available: live.available,
        updatePaths,
        existingSchemas: live.schemas,
        dropCascade: inputs.dropCascade ?? false,
      });
      if (plan.errors.length > 0) {
        fail(`nothing was changed in database ${inputs.database} at ${target(inputs)}:\n  - ${plan.errors.join('\n  - ')}`, pw);
      }
      for (const step of plan.steps) {
        try {
          await client.query(step.sql);
        } catch (e) {
          const err = e as Error & { code?: string; detail?: string; hint?: string };
          const dependents = err.code === '2BP01' && err.detail ? `\n  objects that depend on it:\n    ${err.detail.split('\n').join('\n    ')}\n  drop them first, or set dropCascade: true to drop them with it` : err.detail ? ` (${err.detail})` : '';
          fail(`${step.sql} failed in database ${inputs.database}: ${err.message}${dependents}. The transaction was rolled back: nothing was changed`, pw);
        }
      }
      const names = inputs.extensions.map((e) => e.name);
      const after = await client.query(
        'SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY($1::text[])',
        [names],
      );
      await client.query('COMMIT');
      const byName = new Map(after.rows.map((r: InstalledExtension) => [r.name, r]));
      return { ...normalize(inputs), installed: names.filter((n) => byName.has(n)).map((n) => byName.get(n) as InstalledExtension), managed: names };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sameConnectionTarget(a: ConnectionInfo, b: ConnectionInfo): boolean {
  return a.host === b.host && (a.port ?? 5432) === (b.port ?? 5432);
}

// The provider's methods, as this module's exports (see the top of the file).

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const failures = checkInputs(news);
  if (failures.length > 0) return { inputs: news, failures };
  return { inputs: hasUnknown(news) ? news : { ...normalize(news as unknown as PostgresExtensionsInputs), __provider: news.__provider } };
}

export async function diff(_id: string, olds: PostgresExtensionsOutputs, news: PostgresExtensionsInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (hasUnknown(news)) return { changes: true, replaces, deleteBeforeReplace: true };
  const n = normalize(news);
  if (!sameConnectionTarget(olds.connection, n.connection)) replaces.push('connection');
  if (olds.database !== n.database) replaces.push('database');
  const installed = new Map((olds.installed ?? []).map((i) => [i.name, i]));
  const drift = n.extensions.some((d) => {
    const i = installed.get(d.name);
    return !i || (d.version !== undefined && d.version !== i.version) || (d.schema !== undefined && d.schema !== i.schema);
  });
  const removed = (olds.managed ?? []).some((m) => !n.extensions.some((d) => d.name === m));
  const o = normalize(olds);
  const settings = JSON.stringify([o.extensions, o.dropCascade, o.connectTimeoutMs, o.statementTimeoutMs, o.connection]) !== JSON.stringify([n.extensions, n.dropCascade, n.connectTimeoutMs, n.statementTimeoutMs, n.connection]);
  return { changes: replaces.length > 0 || drift || removed || settings, replaces, deleteBeforeReplace: true };
}

export async function create(inputs: PostgresExtensionsInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await apply(normalize(inputs), []);
  return { id: target(inputs), outs };
}

export async function update(_id: string, olds: PostgresExtensionsOutputs, news: PostgresExtensionsInputs): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await apply(normalize(news), olds.managed ?? []) };
}

export async function read(id: string, props?: PostgresExtensionsOutputs): Promise<pulumi.dynamic.ReadResult> {
  if (!props?.connection) return { id, props: props ?? {} };
  const client = await connect(props);
  try {
    const managed = props.managed ?? [];
    // One round trip, however many extensions are managed.
    const r = await client.query(
      'SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ANY($1::text[])',
      [managed],
    );
    const byName = new Map(r.rows.map((x: InstalledExtension) => [x.name, x]));
    return { id, props: { ...props, installed: managed.filter((m) => byName.has(m)).map((m) => byName.get(m) as InstalledExtension) } };
  } catch (e) {
    fail(`cannot read the extensions of ${target(props)}: ${(e as Error).message}`, props.connection.password);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function remove(_id: string, props: PostgresExtensionsOutputs): Promise<void> {
  try {
    await apply({ ...normalize(props), extensions: [] }, props.managed ?? []);
  } catch (e) {
    // The database itself is gone: so are its extensions.
    if ((e as Error).message.includes(`database "${props.database}" does not exist`)) return;
    throw e;
  }
}

/** Exported for tests: the pure input validation of `check`. */
export const _checkInputs = checkInputs;

/** `delete` is a reserved word for a function name, not for an export name. */
export { remove as delete };
