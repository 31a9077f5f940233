// The rules of CNPG's pooler webhook that hold for props and for any YAML alike (cloudnative-pg v1.30.0
// `internal/webhook/v1/pooler_webhook.go`): used by the Pooler builder and by the admission rules.
import type { Problem } from '../errors';
import { isPlainObject } from '../runtime-types';
import { hasControlCharacters } from '../sql';
import { closestKey } from '../suggest';

/**
 * The PgBouncer parameters CNPG lets a Pooler set (cloudnative-pg v1.30.0 `internal/webhook/v1/pooler_webhook.go`,
 * `AllowedPgbouncerGenericConfigurationParameters`); the operator owns every other one.
 */
export const PGBOUNCER_PARAMETERS: readonly string[] = Object.freeze([
  'application_name_add_host',
  'auth_type',
  'autodb_idle_timeout',
  'cancel_wait_timeout',
  'client_idle_timeout',
  'client_login_timeout',
  'client_tls_ciphers',
  'client_tls_sslmode',
  'client_tls13_ciphers',
  'default_pool_size',
  'disable_pqexec',
  'dns_max_ttl',
  'dns_nxdomain_ttl',
  'idle_transaction_timeout',
  'ignore_startup_parameters',
  'listen_backlog',
  'log_connections',
  'log_disconnections',
  'log_pooler_errors',
  'log_stats',
  'max_client_conn',
  'max_db_connections',
  'max_packet_size',
  'max_prepared_statements',
  'max_user_connections',
  'min_pool_size',
  'pkt_buf',
  'query_timeout',
  'query_wait_timeout',
  'reserve_pool_size',
  'reserve_pool_timeout',
  'sbuf_loopcnt',
  'server_check_delay',
  'server_check_query',
  'server_connect_timeout',
  'server_fast_close',
  'server_idle_timeout',
  'server_lifetime',
  'server_login_retry',
  'server_reset_query',
  'server_reset_query_always',
  'server_round_robin',
  'server_tls_ciphers',
  'server_tls13_ciphers',
  'server_tls_protocols',
  'server_tls_sslmode',
  'stats_period',
  'suspend_timeout',
  'tcp_defer_accept',
  'tcp_socket_buffer',
  'tcp_keepalive',
  'tcp_keepcnt',
  'tcp_keepidle',
  'tcp_keepintvl',
  'tcp_user_timeout',
  'track_extra_parameters',
  'verbose',
]);
const ALLOWED: ReadonlySet<string> = new Set(PGBOUNCER_PARAMETERS);

/** Problems of PgBouncer parameters: names CNPG refuses (`validatePgbouncerGenericParameters`), values that break `pgbouncer.ini`. */
export function checkPgBouncerParameters(field: string, parameters: unknown): readonly Problem[] {
  if (!isPlainObject(parameters)) return [];
  let out: Problem[] | undefined;
  const add = (p: Problem) => {
    out ??= [];
    out.push(p);
  };
  for (const name in parameters) {
    const value = parameters[name];
    if (!ALLOWED.has(name))
      add({
        code: 'pooler-parameter-not-allowed',
        field: `${field}.${name}`,
        message: 'is not a PgBouncer parameter CNPG lets a Pooler set: the webhook refuses it as "Invalid or reserved parameter"',
        value: name,
        fix: `${closestKey(name, PGBOUNCER_PARAMETERS) ? `did you mean "${closestKey(name, PGBOUNCER_PARAMETERS)}"? ` : ''}the operator sets every parameter but those CNPG's connection_pooling.md lists (PGBOUNCER_PARAMETERS)`,
      });
    else if (typeof value === 'string' && hasControlCharacters(value))
      add({
        code: 'pooler-parameter-value-invalid',
        field: `${field}.${name}`,
        message:
          'contains a newline or control character: pgbouncer.ini is one parameter per line, so PgBouncer would read another setting (or fail to start)',
        value,
        fix: 'write the value on one line',
      });
  }
  return out ?? [];
}

/**
 * The authentication rule of `validatePgBouncer`: an auth query needs a secret to run it with (`authQuerySecret` or
 * `serverTLSSecret`), and such a secret needs the query.
 */
export function checkPoolerAuthentication(pgbouncer: {
  readonly authQuery?: unknown;
  readonly authQuerySecret?: unknown;
  readonly serverTLSSecret?: unknown;
}): readonly Problem[] {
  const hasSecret = Boolean(pgbouncer.authQuerySecret) || Boolean(pgbouncer.serverTLSSecret);
  if (hasSecret && !pgbouncer.authQuery)
    return [
      {
        code: 'pooler-auth-query-required',
        field: 'authQuery',
        message: 'is required with your own authQuerySecret or serverTLSSecret: CNPG then leaves authentication to you',
        value: undefined,
        fix: 'set authQuery (e.g. "SELECT usename, passwd FROM public.user_search($1)") or remove the secret for CNPG\'s built-in integration',
      },
    ];
  if (!hasSecret && pgbouncer.authQuery)
    return [
      {
        code: 'pooler-auth-secret-required',
        field: 'serverTLSSecret',
        message: 'or authQuerySecret is required with authQuery: the query runs as the user of that secret',
        value: undefined,
        fix: "set serverTLSSecret to the TLS secret of the auth user, or remove authQuery for CNPG's built-in integration",
      },
    ];
  return [];
}
