// The dynamic provider behind PostgresExtensions: this module's exports ARE the provider
// (`check`, `diff`, `create`, `update`, `read`, `delete`), and the package exports it as
// `cnpg-constructs/pulumi/provider`. When the package is installed, Pulumi's closure serializer finds
// this module in node_modules and stores only `require("cnpg-constructs/pulumi/provider")` in each
// resource's `__provider` (a few hundred bytes), which the dynamic-provider host resolves from the
// project directory. From source (this repository's tests) it serializes the module by value, so the
// rules for that still hold: `require('pg')` inside the functions that need it, only pure helpers
// captured (from ../core/sql, which imports nothing), no live objects at module level, no `#private`.
// Types come from `import type` only: the host must not load @pulumi/pulumi through this module.
//
// Every operation uses one connection and a constant number of round trips after connecting, however
// many extensions there are: apply = (1) begin + lock + everything the plan needs, (2) every statement
// + the result + commit; read = one query. Only a failure costs more (a rollback, and a second pass in a
// rolled-back transaction to name the statement that failed).
import type * as pulumi from '@pulumi/pulumi';
import type { Client, ClientConfig } from 'pg';
import {
  type AvailableVersion,
  type CascadedDrop,
  type CheckFailure,
  checkExtensionRequests,
  type DependentObject,
  type ExtensionRequest,
  hasControlCharacters,
  IDENTITY_SQL,
  identifierProblem,
  type InstalledExtension,
  installedSql,
  createExtensionSql,
  freshCreateSql,
  NOT_FRESH_MESSAGE,
  type PlannedStep,
  liveStateSql,
  type Plan,
  planExtensions,
  STEP_SEPARATOR,
  unknownKeys,
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
   * TLS: `disable`, `require` (encrypted, server not verified), `verify-ca` (signed by `sslRootCert`),
   * `verify-full` (signed by `sslRootCert` and issued to `tlsServerName`, else to `host`).
   * @default - 'verify-full' when sslRootCert is set, else 'require' (CNPG always serves TLS)
   */
  readonly sslMode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  /**
   * PEM of the CA that signed the server certificate (CNPG: the `ca.crt` of the `<cluster>-ca` secret).
   * @default - none
   */
  readonly sslRootCert?: string;
  /**
   * The name the server certificate is checked against with `verify-full`, when `host` is not one of its
   * names: CNPG's certificates name `<cluster>-rw`, `<cluster>-rw.<namespace>`, `<cluster>-rw.<namespace>.svc`,
   * so `verify-full` through a port-forward on 127.0.0.1 needs `tlsServerName: '<cluster>-rw'`.
   * @default - host
   */
  readonly tlsServerName?: string;
}

/** Inputs of PostgresExtensions, as the provider sees them (plain values). */
export interface PostgresExtensionsInputs {
  readonly connection: ConnectionInfo;
  readonly database: string;
  readonly extensions: readonly ExtensionRequest[];
  readonly dropCascade?: boolean;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  readonly readinessTimeoutSeconds?: number;
}

/** Outputs: the inputs plus what is installed, what the resource manages and where it is. */
export interface PostgresExtensionsOutputs extends PostgresExtensionsInputs {
  readonly installed: InstalledExtension[];
  readonly managed: string[];
  /** `system_identifier` of the PostgreSQL cluster the extensions were applied on. */
  readonly serverId?: string;
  /** OID of the database they were applied in. */
  readonly databaseOid?: string;
  /** What the last apply's cascading drops removed besides the extensions. */
  readonly cascaded?: CascadedDrop[];
}

/** The sentinel Pulumi uses for values unknown during preview. */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** setTimeout's limit: a larger value fires at once (with a warning). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const TOP_LEVEL_KEYS = [
  'connection',
  'database',
  'extensions',
  'dropCascade',
  'connectTimeoutMs',
  'statementTimeoutMs',
  'readinessTimeoutSeconds',
];
const CONNECTION_KEYS = ['host', 'port', 'user', 'password', 'sslMode', 'sslRootCert', 'tlsServerName'];
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** Whether any input (not the serialized provider, whose source holds the sentinel) is unknown. */
function hasUnknown(props: object): boolean {
  const { __provider: _p, ...rest } = props as Record<string, unknown>;
  return JSON.stringify(rest).includes(UNKNOWN);
}

function known(v: unknown): boolean {
  return v !== undefined && !isUnknown(v);
}

function checkConnection(c: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = unknownKeys(c, CONNECTION_KEYS, 'connection');
  if (!isUnknown(c.host)) {
    if (typeof c.host !== 'string' || c.host.length === 0)
      out.push({ property: 'connection.host', reason: 'connection.host must be a host name or address' });
    else if (hasControlCharacters(c.host) || /\s/.test(c.host))
      out.push({
        property: 'connection.host',
        reason: `connection.host must not contain spaces or control characters (got ${JSON.stringify(c.host)})`,
      });
  }
  if (known(c.port) && !(Number.isInteger(c.port) && (c.port as number) > 0 && (c.port as number) < 65536)) {
    out.push({ property: 'connection.port', reason: `connection.port must be a port from 1 to 65535 (got ${JSON.stringify(c.port)})` });
  }
  if (!isUnknown(c.user)) {
    const up = identifierProblem(c.user, 'connection.user');
    if (up) out.push({ property: 'connection.user', reason: up });
  }
  if (!isUnknown(c.password) && typeof c.password !== 'string')
    out.push({ property: 'connection.password', reason: 'connection.password must be a string (value not shown)' });
  if (known(c.sslMode) && !SSL_MODES.includes(c.sslMode as string)) {
    out.push({
      property: 'connection.sslMode',
      reason: `connection.sslMode must be disable, require, verify-ca or verify-full (got ${JSON.stringify(c.sslMode)})`,
    });
  }
  if ((c.sslMode === 'verify-ca' || c.sslMode === 'verify-full') && c.sslRootCert === undefined) {
    out.push({
      property: 'connection.sslRootCert',
      reason: `sslMode ${c.sslMode} needs sslRootCert: the PEM of the CA (CNPG: ca.crt of the <cluster>-ca secret)`,
    });
  }
  if (
    known(c.sslRootCert) &&
    !(typeof c.sslRootCert === 'string' && /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(c.sslRootCert))
  ) {
    out.push({
      property: 'connection.sslRootCert',
      reason: 'connection.sslRootCert must be a PEM certificate (-----BEGIN CERTIFICATE----- ...), e.g. ca.crt of the <cluster>-ca secret',
    });
  }
  if (known(c.tlsServerName) && !(typeof c.tlsServerName === 'string' && DNS_NAME.test(c.tlsServerName))) {
    out.push({
      property: 'connection.tlsServerName',
      reason: `connection.tlsServerName must be a DNS name such as "angus-rw" (got ${JSON.stringify(c.tlsServerName)})`,
    });
  }
  if (c.tlsServerName !== undefined && c.sslMode !== undefined && c.sslMode !== 'verify-full' && !isUnknown(c.sslMode)) {
    out.push({
      property: 'connection.tlsServerName',
      reason: `tlsServerName is only checked with sslMode verify-full (sslMode is ${JSON.stringify(c.sslMode)}); remove it or use verify-full`,
    });
  }
  return out;
}

function checkInputs(news: Record<string, unknown>): CheckFailure[] {
  const { __provider: _p, ...inputs } = news;
  const out: CheckFailure[] = unknownKeys(inputs, TOP_LEVEL_KEYS);
  const c = news.connection;
  if (!isUnknown(c)) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      out.push({
        property: 'connection',
        reason: 'connection must be { host, port?, user, password, sslMode?, sslRootCert?, tlsServerName? }',
      });
    } else {
      out.push(...checkConnection(c as Record<string, unknown>));
    }
  }
  if (!isUnknown(news.database)) {
    const dp = identifierProblem(news.database, 'database');
    if (dp) out.push({ property: 'database', reason: `${dp} (got ${JSON.stringify(news.database)})` });
  }
  out.push(...checkExtensionRequests(news.extensions, isUnknown));
  if (known(news.dropCascade) && typeof news.dropCascade !== 'boolean')
    out.push({ property: 'dropCascade', reason: 'dropCascade must be true or false' });
  for (const k of ['connectTimeoutMs', 'statementTimeoutMs']) {
    const v = news[k];
    if (known(v) && !(Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMEOUT_MS)) {
      out.push({
        property: k,
        reason: `${k} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (got ${JSON.stringify(v)})`,
      });
    }
  }
  const r = news.readinessTimeoutSeconds;
  if (known(r) && !(Number.isInteger(r) && (r as number) >= 0 && (r as number) * 1000 <= MAX_TIMEOUT_MS)) {
    out.push({
      property: 'readinessTimeoutSeconds',
      reason: `readinessTimeoutSeconds must be a whole number of seconds from 0 to ${Math.floor(MAX_TIMEOUT_MS / 1000)} (got ${JSON.stringify(r)})`,
    });
  }
  return out;
}

/** An error whose message names what was tried; it never holds the password (no message here is built from it). */
/**
 * `missingDatabase`: the database was not there (PostgreSQL 3D000), so refresh and delete can tell "gone" from
 * any other failure without reading the message.
 */
function fail(message: string, missingDatabase = false): never {
  throw Object.assign(new Error(message), { missingDatabase });
}

function isMissingDatabase(e: unknown): boolean {
  return (e as { missingDatabase?: boolean }).missingDatabase === true;
}

function target(inputs: PostgresExtensionsInputs): string {
  return `${inputs.connection.host}:${inputs.connection.port ?? 5432}/${inputs.database}`;
}

function sslModeOf(c: ConnectionInfo): NonNullable<ConnectionInfo['sslMode']> {
  return c.sslMode ?? (c.sslRootCert ? 'verify-full' : 'require');
}

function clientConfig(inputs: PostgresExtensionsInputs): ClientConfig {
  const c = inputs.connection;
  const mode = sslModeOf(c);
  let ssl: ClientConfig['ssl'] = false;
  if (mode === 'require') ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca') ssl = { rejectUnauthorized: true, ca: c.sslRootCert, checkServerIdentity: () => undefined };
  if (mode === 'verify-full') {
    const tls = require('node:tls') as typeof import('node:tls');
    const name = c.tlsServerName;
    ssl = name
      ? {
          rejectUnauthorized: true,
          ca: c.sslRootCert,
          ...(require('node:net').isIP(name) ? {} : { servername: name }),
          checkServerIdentity: (_host: string, cert: import('node:tls').PeerCertificate) => tls.checkServerIdentity(name, cert),
        }
      : { rejectUnauthorized: true, ca: c.sslRootCert };
  }
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

type PgError = Error & { code?: string; detail?: string; hint?: string };

const CA_ERRORS = [
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
];

/** What to do about a failed connection attempt: retry (the server may come up), and a hint for the message. */
function classifyConnectError(e: PgError, inputs: PostgresExtensionsInputs): { retry: boolean; missingDatabase: boolean; hint: string } {
  const c = inputs.connection;
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      retry: false,
      missingDatabase: false,
      hint: `the server certificate is not issued to ${c.tlsServerName ?? c.host}: set connection.tlsServerName to a name it is issued to (CNPG: "<cluster>-rw")`,
    };
  }
  if (e.code && CA_ERRORS.includes(e.code)) {
    return {
      retry: false,
      missingDatabase: false,
      hint: 'the server certificate is not signed by the CA in connection.sslRootCert (CNPG: ca.crt of the <cluster>-ca secret)',
    };
  }
  if (e.code === '3D000') return { retry: true, missingDatabase: true, hint: `database ${inputs.database} does not exist (yet)` };
  if (e.code === '28P01' || e.code === '28000') return { retry: false, missingDatabase: false, hint: 'check the user and password' };
  const transient = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
    'ENOTFOUND',
    'EPIPE',
    '57P03',
    '53300',
  ];
  if ((e.code && transient.includes(e.code)) || /timeout|terminated/i.test(e.message)) {
    return {
      retry: true,
      missingDatabase: false,
      hint: 'check that the server is reachable from where Pulumi runs (kubectl port-forward, a NodePort or a LoadBalancer)',
    };
  }
  return { retry: false, missingDatabase: false, hint: 'check the connection settings' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why an apply waits: what it last saw, for the message when it gives up. */
interface Waiting {
  readonly deadline: number;
  readonly seconds: number;
  lastSeen: string;
  /** Whether what it last saw was a missing database. */
  missingDatabase: boolean;
  attempt: number;
}

function waiting(inputs: PostgresExtensionsInputs): Waiting {
  const seconds = inputs.readinessTimeoutSeconds ?? 600;
  return { deadline: Date.now() + seconds * 1000, seconds, lastSeen: '', missingDatabase: false, attempt: 0 };
}

/** Waits before the next attempt when time is left; false when the time is up. */
async function pause(w: Waiting): Promise<boolean> {
  const left = w.deadline - Date.now();
  if (left <= 0) return false;
  w.attempt++;
  await sleep(Math.min(left, Math.min(5000, 250 * 2 ** Math.min(w.attempt, 5))));
  return true;
}

function gaveUp(w: Waiting, inputs: PostgresExtensionsInputs): never {
  return fail(
    `nothing was changed in database ${inputs.database} at ${target(inputs)}: gave up after waiting ${w.seconds}s (readinessTimeoutSeconds). Last seen: ${w.lastSeen}`,
    w.missingDatabase,
  );
}

/** A connected client, retrying (bounded by readinessTimeoutSeconds) while the server or database is not there yet. */
async function connect(inputs: PostgresExtensionsInputs, w: Waiting | undefined): Promise<Client> {
  const pg = require('pg') as typeof import('pg');
  for (;;) {
    const client = new pg.Client(clientConfig(inputs));
    client.on('error', () => undefined); // a dropped connection surfaces in the pending query instead
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      const e = err as PgError;
      const { retry, missingDatabase, hint } = classifyConnectError(e, inputs);
      const seen = `cannot connect to PostgreSQL at ${target(inputs)} as ${inputs.connection.user}: ${e.message}; ${hint}`;
      if (!retry || w === undefined) fail(seen, missingDatabase);
      w.missingDatabase = missingDatabase;
      w.lastSeen = seen;
      if (!(await pause(w))) gaveUp(w, inputs);
    }
  }
}

interface Identity {
  readonly serverId: string;
  readonly databaseOid: string;
}

interface LiveState {
  identity: Identity;
  installed: Map<string, InstalledExtension>;
  available: AvailableVersion[];
  schemas: Set<string>;
  updatePaths: Map<string, Set<string>>;
  dependents: DependentObject[];
}

type Rows = { rows: Record<string, unknown>[] }[];

function installedMap(rows: Record<string, unknown>[]): Map<string, InstalledExtension> {
  return new Map(rows.map((r) => [r.name as string, { name: r.name as string, version: r.version as string, schema: r.schema as string }]));
}

/** Round trip 1: begin, lock, and everything the plan needs (see liveStateSql). */
async function liveState(
  client: Client,
  inputs: PostgresExtensionsInputs,
  managed: readonly string[],
  rollbackFirst = false,
): Promise<LiveState> {
  const desired = new Set(inputs.extensions.map((e) => e.name));
  const updatable = inputs.extensions.filter((e) => e.version !== undefined).map((e) => e.name);
  const droppable = managed.filter((m) => !desired.has(m));
  let results: Rows;
  try {
    // After a create that could not take the one-round-trip path, its failed transaction ends in the same message.
    const sql = liveStateSql(updatable, droppable, inputs.statementTimeoutMs ?? 60_000);
    results = (await client.query(rollbackFirst ? `ROLLBACK;\n${sql}` : sql)) as unknown as Rows;
    if (rollbackFirst) results = results.slice(1);
  } catch (err) {
    const e = err as PgError;
    await client.query('ROLLBACK').catch(() => undefined);
    if (e.code === '55P03') lockTimeout(inputs);
    fail(`cannot read the extensions of ${target(inputs)}: ${e.message}. Nothing was changed`);
  }
  const [, , , , , identity, installed, available, schemas, paths, dependents] = results;
  const updatePaths = new Map<string, Set<string>>();
  for (const r of paths.rows) {
    const set = updatePaths.get(r.name as string) ?? new Set<string>();
    set.add(`${r.source}->${r.target}`);
    updatePaths.set(r.name as string, set);
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

function lockTimeout(inputs: PostgresExtensionsInputs): never {
  fail(
    `another apply holds the lock on database ${inputs.database} at ${target(inputs)} (waited statementTimeoutMs = ${inputs.statementTimeoutMs ?? 60_000} ms): nothing was changed. Run again when it is done`,
  );
}

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

/** Refuses to act on another server or database than the one the resource was applied on. */
function checkIdentity(expected: Partial<Identity> | undefined, live: Identity, inputs: PostgresExtensionsInputs): void {
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
    ...(inputs.readinessTimeoutSeconds !== undefined ? { readinessTimeoutSeconds: inputs.readinessTimeoutSeconds } : {}),
  };
}

/** Round trip 2: every statement, the result and the commit, in one query. Returns the managed extensions as installed. */
async function execute(client: Client, inputs: PostgresExtensionsInputs, plan: Plan, live: LiveState): Promise<InstalledExtension[]> {
  const names = inputs.extensions.map((e) => e.name);
  if (plan.steps.length === 0) {
    await client.query('COMMIT');
    return names.filter((n) => live.installed.has(n)).map((n) => live.installed.get(n) as InstalledExtension);
  }
  const text = [...plan.steps.map((s) => s.sql), installedSql(names), 'COMMIT'].join(`;${STEP_SEPARATOR}`);
  try {
    const results = (await client.query(text)) as unknown as Rows;
    const after = installedMap(results[results.length - 2].rows);
    return names.filter((n) => after.has(n)).map((n) => after.get(n) as InstalledExtension);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    return applyFailed(client, inputs, plan.steps, err as PgError);
  }
}

/** Names the statement that failed (when the server said why) and fails with what it said; nothing was changed. */
async function applyFailed(client: Client, inputs: PostgresExtensionsInputs, steps: readonly PlannedStep[], e: PgError): Promise<never> {
  const step = e.code ? await failingStep(client, steps, e) : undefined;
  const dependents =
    e.code === '2BP01' && e.detail
      ? `\n  objects that depend on it:\n    ${e.detail.split('\n').join('\n    ')}\n  drop them first, or set dropCascade: true to drop them with it`
      : e.detail
        ? ` (${e.detail})`
        : '';
  fail(
    `${step ?? 'applying the plan'} failed in database ${inputs.database}: ${e.message}${dependents}. The transaction was rolled back: nothing was changed`,
  );
}

/**
 * Which statement failed: the steps again, one by one, in a transaction that is rolled back whatever
 * happens (the failure path only; the success path never pays for it).
 */
async function failingStep(client: Client, steps: readonly PlannedStep[], original: PgError): Promise<string | undefined> {
  try {
    await client.query(`BEGIN; SET LOCAL search_path TO "$user", public`);
    for (const s of steps) {
      try {
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
async function apply(
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
      const installed = await execute(client, inputs, plan, live);
      return {
        ...normalize(inputs),
        installed,
        managed: inputs.extensions.map((e) => e.name),
        ...live.identity,
        cascaded: [...plan.cascaded],
      };
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The provider's methods, as this module's exports (see the top of the file).

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const failures = checkInputs(news);
  if (failures.length > 0) return { inputs: news, failures };
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

export async function create(inputs: PostgresExtensionsInputs): Promise<pulumi.dynamic.CreateResult> {
  const outs = await apply(normalize(inputs), []);
  return { id: target(inputs), outs };
}

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
    const [identity, rows] = (await client.query(`${IDENTITY_SQL};\n${installedSql(managed)}`)) as unknown as Rows;
    checkIdentity(props, identity.rows[0] as unknown as Identity, props);
    const byName = installedMap(rows.rows);
    return { id, props: { ...props, installed: managed.filter((m) => byName.has(m)).map((m) => byName.get(m) as InstalledExtension) } };
  } catch (e) {
    fail(`cannot read the extensions of ${target(props)}: ${(e as Error).message}`);
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

/** Exported for tests: the pure input validation of `check`. */
export const _checkInputs = checkInputs;

/** `delete` is a reserved word for a function name, not for an export name. */
export { remove as delete };
