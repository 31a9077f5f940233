/**
 * PostgreSQL parameters CloudNativePG controls: `FixedConfigurationParameters` in cloudnative-pg v1.30.0
 * `pkg/postgres/configuration.go` (split here by CNPG's own "blocked"/"fixed" labels, for the messages).
 * The admission webhook (`validateConfiguration` in `internal/webhook/v1/cluster_webhook.go`) refuses such a
 * parameter unless its value equals the one CNPG's own configuration holds at admission: see
 * {@link cnpgAdmissionValue}.
 */

/** Parameters CNPG refuses outright. */
export const BLOCKED_PARAMETERS: readonly string[] = [
  'allow_system_table_mods',
  'archive_cleanup_command',
  'bonjour',
  'bonjour_name',
  'config_file',
  'data_directory',
  'data_sync_retry',
  'event_source',
  'external_pid_file',
  'hba_file',
  'hot_standby',
  'ident_file',
  'jit_provider',
  'listen_addresses',
  'log_destination',
  'log_directory',
  'log_file_mode',
  'log_filename',
  'log_rotation_age',
  'log_rotation_size',
  'log_truncate_on_rotation',
  'logging_collector',
  'promote_trigger_file',
  'recovery_end_command',
  'recovery_min_apply_delay',
  'restart_after_crash',
  'stats_temp_directory',
  'syslog_facility',
  'syslog_ident',
  'syslog_sequence_numbers',
  'syslog_split_messages',
  'unix_socket_directories',
  'unix_socket_group',
  'unix_socket_permissions',
];

/** Parameters CNPG sets itself. */
export const FIXED_PARAMETERS: readonly string[] = [
  'archive_command',
  'archive_mode',
  'cluster_name',
  'pg_failover_slots.primary_dsn',
  'pg_failover_slots.standby_slot_names',
  'port',
  'primary_conninfo',
  'primary_slot_name',
  'recovery_target',
  'recovery_target_action',
  'recovery_target_inclusive',
  'recovery_target_lsn',
  'recovery_target_name',
  'recovery_target_time',
  'recovery_target_timeline',
  'recovery_target_xid',
  'restore_command',
  'shared_preload_libraries',
  'ssl',
  'ssl_ca_file',
  'ssl_cert_file',
  'ssl_crl_file',
  'ssl_dh_params_file',
  'ssl_ecdh_curve',
  'ssl_key_file',
  'ssl_passphrase_command',
  'ssl_passphrase_command_supports_reload',
  'ssl_prefer_server_ciphers',
  'synchronized_standby_slots',
  'synchronous_standby_names',
  'temp_tablespaces',
];

/** Where to set a fixed parameter instead, when CNPG has a field for it. */
export const PARAMETER_FIX: Readonly<Record<string, string>> = {
  shared_preload_libraries:
    'list the libraries in postgresql.sharedPreloadLibraries (CNPG merges them into shared_preload_libraries); images from the catalog add theirs automatically',
  synchronous_standby_names: 'use the Cluster field postgresql.synchronous',
  temp_tablespaces: 'declare tablespaces with the Cluster field tablespaces (temporary: true)',
  port: 'CNPG always listens on 5432; expose another port with a Service',
  ssl: 'CNPG always enables TLS; manage certificates with the Cluster field certificates',
};

/** CNPG's pattern for parameter names. */
export const PARAMETER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/**
 * The value CNPG's webhook compares a fixed parameter against, or undefined when its configuration holds none
 * at admission time (then every value is refused). The webhook builds the configuration with
 * `CreatePostgresqlConfiguration` without mandatory settings, so what it holds for fixed parameters is
 * `GlobalDefaultSettings` (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`: `logging_collector: on`,
 * `log_destination: csvlog`, the log directory and file name, ...) plus `archive_mode` (`on`, or `off` with the
 * `cnpg.io/skipWalArchiving: enabled` annotation). Parameters CNPG writes only later, into the instance's
 * configuration (`port`, `listen_addresses`, `ssl`, `archive_command`, ...), are never there.
 */
export function cnpgAdmissionValue(key: string, walArchivingDisabled: boolean): string | undefined {
  if (key === 'archive_mode') return walArchivingDisabled ? 'off' : 'on';
  return Object.hasOwn(FIXED_DEFAULTS_AT_ADMISSION, key) ? FIXED_DEFAULTS_AT_ADMISSION[key] : undefined;
}

/**
 * `CnpgConfigurationSettings.GlobalDefaultSettings` (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`): what
 * CNPG's configuration holds before the user's parameters, and so what its webhooks compare against.
 */
export const GLOBAL_DEFAULT_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  archive_timeout: '5min',
  dynamic_shared_memory_type: 'posix',
  full_page_writes: 'on',
  logging_collector: 'on',
  log_destination: 'csvlog',
  log_directory: '/controller/log',
  log_filename: 'postgres',
  log_rotation_age: '0',
  log_rotation_size: '0',
  log_truncate_on_rotation: 'false',
  max_parallel_workers: '32',
  max_worker_processes: '32',
  max_replication_slots: '32',
  shared_memory_type: 'mmap',
  ssl_max_protocol_version: 'TLSv1.3',
  ssl_min_protocol_version: 'TLSv1.3',
  wal_keep_size: '512MB',
  wal_level: 'logical',
  wal_log_hints: 'on',
  wal_sender_timeout: '5s',
  wal_receiver_timeout: '5s',
  shared_preload_libraries: '',
});

/** Every fixed or blocked parameter (`FixedConfigurationParameters`). */
export const FIXED_PARAMETER_SET: ReadonlySet<string> = new Set([...BLOCKED_PARAMETERS, ...FIXED_PARAMETERS]);

/** The fixed parameters among CNPG's `GlobalDefaultSettings` (v1.30.0), with their values. */
const FIXED_DEFAULTS_AT_ADMISSION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(GLOBAL_DEFAULT_SETTINGS).filter(([k]) => FIXED_PARAMETER_SET.has(k)),
);

/** The annotation that turns WAL archiving off (`pkg/utils/labels_annotations.go`: `SkipWalArchiving`). */
export const SKIP_WAL_ARCHIVING_ANNOTATION = 'cnpg.io/skipWalArchiving';

/** The `wal_level` values CNPG knows (`WalLevelValue` in `pkg/postgres/configuration.go`). */
export const WAL_LEVELS: readonly string[] = ['logical', 'replica', 'minimal'];
