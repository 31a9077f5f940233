/** Connecting: TLS as libpq's sslmode values mean it, and bounded retries while the server or database comes up. */
import type { PeerCertificate } from 'node:tls';
import type { Client, ClientConfig } from 'pg';
import { fail, type PgError, pgSaid, target } from './errors';
import type { ConnectionInfo, PostgresExtensionsInputs } from './types';

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
          checkServerIdentity: (_host: string, cert: PeerCertificate) => tls.checkServerIdentity(name, cert),
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

const CA_ERRORS = [
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
];
/** Worth another attempt: the server or its network is not there yet (57P03: starting up; 53300: too many connections). */
const TRANSIENT = [
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

/** What to do about a failed connection attempt: retry (the server may come up), and a hint for the message. */
function classifyConnectError(e: PgError, inputs: PostgresExtensionsInputs): { retry: boolean; missingDatabase: boolean; hint: string } {
  const c = inputs.connection;
  const final = (hint: string) => ({ retry: false, missingDatabase: false, hint });
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return final(
      `the server certificate is not issued to ${c.tlsServerName ?? c.host}: set connection.tlsServerName to a name it is issued to (CNPG: "<cluster>-rw")`,
    );
  if (e.code && CA_ERRORS.includes(e.code))
    return final('the server certificate is not signed by the CA in connection.sslRootCert (CNPG: ca.crt of the <cluster>-ca secret)');
  if (e.code === '3D000') return { retry: true, missingDatabase: true, hint: `database ${inputs.database} does not exist (yet)` };
  if (e.code === '28P01' || e.code === '28000') return final('check the user and password');
  if ((e.code && TRANSIENT.includes(e.code)) || /timeout|terminated/i.test(e.message))
    return {
      retry: true,
      missingDatabase: false,
      hint: 'check that the server is reachable from where Pulumi runs (kubectl port-forward, a NodePort or a LoadBalancer)',
    };
  return final('check the connection settings');
}

/** Why an apply waits: what it last saw, for the message when it gives up. */
export interface Waiting {
  readonly deadline: number;
  readonly seconds: number;
  lastSeen: string;
  /** Whether what it last saw was a missing database. */
  missingDatabase: boolean;
  attempt: number;
}

export function waiting(inputs: PostgresExtensionsInputs): Waiting {
  const seconds = inputs.readinessTimeoutSeconds ?? 600;
  return { deadline: Date.now() + seconds * 1000, seconds, lastSeen: '', missingDatabase: false, attempt: 0 };
}

/** Waits before the next attempt when time is left; false when the time is up. */
export async function pause(w: Waiting): Promise<boolean> {
  const left = w.deadline - Date.now();
  if (left <= 0) return false;
  w.attempt++;
  await new Promise((r) => setTimeout(r, Math.min(left, Math.min(5000, 250 * 2 ** Math.min(w.attempt, 5)))));
  return true;
}

export function gaveUp(w: Waiting, inputs: PostgresExtensionsInputs): never {
  return fail(
    `nothing was changed in database ${inputs.database} at ${target(inputs)}: gave up after waiting ${w.seconds}s (readinessTimeoutSeconds). Last seen: ${w.lastSeen}`,
    w.missingDatabase,
  );
}

/** A connected client, retrying (bounded by readinessTimeoutSeconds) while the server or database is not there yet. */
export async function connect(inputs: PostgresExtensionsInputs, w: Waiting | undefined): Promise<Client> {
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
      const seen = `cannot connect to PostgreSQL at ${target(inputs)} as ${inputs.connection.user}: ${pgSaid(e, hint)}`;
      if (!retry || w === undefined) fail(seen, missingDatabase);
      w.missingDatabase = missingDatabase;
      w.lastSeen = seen;
      if (!(await pause(w))) gaveUp(w, inputs);
    }
  }
}
