/**
 * PostgreSQL parameters CloudNativePG controls (`pkg/postgres/configuration.go`, v1.30.0).
 * The admission webhook rejects them in `spec.postgresql.parameters`.
 */

/** Parameters CNPG refuses outright. */
export const BLOCKED_PARAMETERS: readonly string[] = [
  'allow_system_table_mods', 'archive_cleanup_command', 'bonjour', 'bonjour_name', 'config_file', 'data_directory',
  'data_sync_retry', 'event_source', 'external_pid_file', 'hba_file', 'hot_standby', 'ident_file', 'jit_provider',
  'listen_addresses', 'log_destination', 'log_directory', 'log_file_mode', 'log_filename', 'log_rotation_age',
  'log_rotation_size', 'log_truncate_on_rotation', 'logging_collector', 'promote_trigger_file', 'recovery_end_command',
  'recovery_min_apply_delay', 'restart_after_crash', 'stats_temp_directory', 'syslog_facility', 'syslog_ident',
  'syslog_sequence_numbers', 'syslog_split_messages', 'unix_socket_directories', 'unix_socket_group',
  'unix_socket_permissions',
];

/** Parameters CNPG sets itself. */
export const FIXED_PARAMETERS: readonly string[] = [
  'archive_command', 'archive_mode', 'cluster_name', 'pg_failover_slots.primary_dsn', 'pg_failover_slots.standby_slot_names',
  'port', 'primary_conninfo', 'primary_slot_name', 'recovery_target', 'recovery_target_action',
  'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time',
  'recovery_target_timeline', 'recovery_target_xid', 'restore_command', 'shared_preload_libraries', 'ssl', 'ssl_ca_file',
  'ssl_cert_file', 'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve', 'ssl_key_file', 'ssl_passphrase_command',
  'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers', 'synchronized_standby_slots',
  'synchronous_standby_names', 'temp_tablespaces',
];

/** Where to set a fixed parameter instead, when CNPG has a field for it. */
export const PARAMETER_FIX: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'list the libraries in postgresql.sharedPreloadLibraries (CNPG merges them into shared_preload_libraries); images from the catalog add theirs automatically',
  synchronous_standby_names: 'use the Cluster field postgresql.synchronous',
  temp_tablespaces: 'declare tablespaces with the Cluster field tablespaces (temporary: true)',
  port: 'CNPG always listens on 5432; expose another port with a Service',
  ssl: 'CNPG always enables TLS; manage certificates with the Cluster field certificates',
};

/** CNPG's pattern for parameter names. */
export const PARAMETER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
