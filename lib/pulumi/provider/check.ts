/**
 * `check`: the inputs as PostgreSQL and the provider will take them, reported as Findings with stable codes and
 * sent in Pulumi's wire form (`{ property, reason }`); values unknown during preview are skipped.
 */
import type { Finding } from '../../core/findings';
import { DNS_HOST_NAME_PATTERN, DNS_SUBDOMAIN_MAX_LENGTH } from '../../core/names';
import { checkExtensionRequests, hasControlCharacters, identifierProblem } from '../../core/sql';
import { unknownKeyFindings } from '../../core/suggest';
import type { ConnectionInfo, PostgresExtensionsInputs } from './types';

/** A failure of `check`, as the dynamic-provider host sends it to the engine. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
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
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** Whether any input (not the serialized provider, whose source holds the sentinel) is unknown. */
export function hasUnknown(props: object): boolean {
  const { __provider: _p, ...rest } = props as Record<string, unknown>;
  return JSON.stringify(rest).includes(UNKNOWN);
}

export function known(v: unknown): boolean {
  return v !== undefined && !isUnknown(v);
}

/** A finding in Pulumi's wire form; the value is shown only when the finding carries one (never a password). */
export function checkFailureOf(f: Finding): CheckFailure {
  let got = '';
  if ('value' in f) {
    const text = f.value === undefined ? undefined : JSON.stringify(f.value);
    got = text === undefined ? ' (not set)' : ` (got ${text.length > 120 ? `${text.slice(0, 117)}...` : text})`;
  }
  return { property: f.field, reason: `${f.message}${got}. Fix: ${f.fix}` };
}

function checkConnection(c: Record<string, unknown>): Finding[] {
  const out: Finding[] = unknownKeyFindings('connection', c, CONNECTION_KEYS) ?? [];
  const field = (k: keyof ConnectionInfo) => `connection.${k}`;
  if (!isUnknown(c.host)) {
    if (typeof c.host !== 'string' || c.host.length === 0)
      out.push({
        code: 'connection-host-invalid',
        field: field('host'),
        message: 'must be a host name or address',
        value: c.host,
        fix: "set the address Pulumi reaches PostgreSQL at: a port-forward's 127.0.0.1, a NodePort or a LoadBalancer",
      });
    else if (hasControlCharacters(c.host) || /\s/.test(c.host))
      out.push({
        code: 'connection-host-control-characters',
        field: field('host'),
        message: 'must not contain spaces or control characters',
        value: c.host,
        fix: 'set the host name or address alone',
      });
  }
  if (known(c.port) && !(Number.isInteger(c.port) && (c.port as number) > 0 && (c.port as number) < 65536))
    out.push({
      code: 'connection-port-out-of-range',
      field: field('port'),
      message: 'must be a port from 1 to 65535',
      value: c.port,
      fix: 'set the port the server listens on, or leave it out for 5432 (CNPG)',
    });
  if (!isUnknown(c.user)) {
    const up = identifierProblem(c.user, 'the user');
    if (up)
      out.push({
        code: 'connection-user-invalid',
        field: field('user'),
        message: up,
        value: c.user,
        fix: 'set the role to connect as (CNPG: "postgres" from <cluster>-superuser, "app" from <cluster>-app)',
      });
  }
  if (!isUnknown(c.password) && typeof c.password !== 'string')
    out.push({
      code: 'connection-password-not-string',
      field: field('password'),
      message: 'must be a string (value not shown)',
      fix: 'pass the password as a string, e.g. from the <cluster>-superuser secret (cluster.connection() does)',
    });
  if (known(c.sslMode) && !SSL_MODES.includes(c.sslMode as string))
    out.push({
      code: 'connection-ssl-mode-invalid',
      field: field('sslMode'),
      message: 'must be disable, require, verify-ca or verify-full',
      value: c.sslMode,
      fix: 'use verify-full with sslRootCert (CNPG always serves TLS), or require',
    });
  if ((c.sslMode === 'verify-ca' || c.sslMode === 'verify-full') && c.sslRootCert === undefined)
    out.push({
      code: 'connection-ssl-root-cert-missing',
      field: field('sslRootCert'),
      message: `sslMode ${c.sslMode} needs sslRootCert`,
      fix: 'set sslRootCert to the PEM of the CA (CNPG: ca.crt of the <cluster>-ca secret)',
    });
  if (known(c.sslRootCert) && !(typeof c.sslRootCert === 'string' && PEM.test(c.sslRootCert)))
    out.push({
      code: 'connection-ssl-root-cert-not-pem',
      field: field('sslRootCert'),
      message: 'must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)',
      value: c.sslRootCert,
      fix: 'set it to the PEM text of the CA, e.g. ca.crt of the <cluster>-ca secret',
    });
  if (
    known(c.tlsServerName) &&
    !(
      typeof c.tlsServerName === 'string' &&
      c.tlsServerName.length <= DNS_SUBDOMAIN_MAX_LENGTH &&
      DNS_HOST_NAME_PATTERN.test(c.tlsServerName)
    )
  )
    out.push({
      code: 'connection-tls-server-name-invalid',
      field: field('tlsServerName'),
      message: 'must be a DNS name',
      value: c.tlsServerName,
      fix: 'use a name the server certificate is issued to, such as "angus-rw"',
    });
  if (c.tlsServerName !== undefined && c.sslMode !== undefined && c.sslMode !== 'verify-full' && !isUnknown(c.sslMode))
    out.push({
      code: 'connection-tls-server-name-unused',
      field: field('tlsServerName'),
      message: `is only checked with sslMode verify-full (sslMode is ${JSON.stringify(c.sslMode)})`,
      value: c.tlsServerName,
      fix: 'remove it, or use sslMode verify-full',
    });
  return out;
}

/** Everything wrong with the inputs of PostgresExtensions. */
export function checkInputs(news: Record<string, unknown>): Finding[] {
  const { __provider: _p, ...inputs } = news;
  const out: Finding[] = unknownKeyFindings('', inputs, TOP_LEVEL_KEYS) ?? [];
  const c = news.connection;
  if (!isUnknown(c)) {
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      // No value: a connection string would show the password.
      out.push({
        code: 'connection-not-an-object',
        field: 'connection',
        message: 'must be an object (value not shown)',
        fix: 'write { host, port?, user, password, sslMode?, sslRootCert?, tlsServerName? }, e.g. cluster.connection({ host, port })',
      });
    else out.push(...checkConnection(c as Record<string, unknown>));
  }
  if (!isUnknown(news.database)) {
    const dp = identifierProblem(news.database, 'database');
    if (dp)
      out.push({
        code: 'provider-database-invalid',
        field: 'database',
        message: dp,
        value: news.database,
        fix: 'set the name of the database whose extensions this resource manages',
      });
  }
  out.push(...checkExtensionRequests(news.extensions, isUnknown));
  if (known(news.dropCascade) && typeof news.dropCascade !== 'boolean')
    out.push({
      code: 'provider-drop-cascade-not-boolean',
      field: 'dropCascade',
      message: 'must be true or false',
      value: news.dropCascade,
      fix: 'set dropCascade: true to drop what depends on a removed extension with it, or leave it out',
    });
  for (const k of ['connectTimeoutMs', 'statementTimeoutMs']) {
    const v = news[k];
    if (known(v) && !(Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMEOUT_MS))
      out.push({
        code: 'provider-timeout-out-of-range',
        field: k,
        message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
        value: v,
        fix: `set ${k} from 1 to ${MAX_TIMEOUT_MS} (2^31-1 ms, the longest timer Node.js keeps), or leave it out`,
      });
  }
  const r = news.readinessTimeoutSeconds;
  if (known(r) && !(Number.isInteger(r) && (r as number) >= 0 && (r as number) * 1000 <= MAX_TIMEOUT_MS))
    out.push({
      code: 'provider-readiness-timeout-out-of-range',
      field: 'readinessTimeoutSeconds',
      message: `must be a whole number of seconds from 0 to ${Math.floor(MAX_TIMEOUT_MS / 1000)}`,
      value: r,
      fix: 'set how long an apply waits for the server, the database and the extension versions, or leave it out for 600',
    });
  return out;
}

/** The inputs with defaults applied and unknown keys dropped, as they are stored. */
export function normalize(inputs: PostgresExtensionsInputs): PostgresExtensionsInputs {
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
