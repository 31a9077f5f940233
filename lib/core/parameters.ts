/**
 * PostgreSQL parameters CloudNativePG controls: `FixedConfigurationParameters` in cloudnative-pg v1.30.0
 * `pkg/postgres/configuration.go` (split here by CNPG's own "blocked"/"fixed" labels, for the messages).
 * The admission webhook (`validateConfiguration` in `internal/webhook/v1/cluster_webhook.go`) refuses such a
 * parameter unless its value equals the one CNPG's own configuration holds at admission: see
 * {@link cnpgAdmissionValue}.
 */
import { cnpg } from './plan/cite';
import type { Citation } from './plan/types';

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

const CONFIGURATION_GO = 'pkg/postgres/configuration.go';
/** Constants of configuration.go that GlobalDefaultSettings names instead of a literal. */
const SCRATCH_DATA_DIRECTORY = cnpg(CONFIGURATION_GO, 172, 'ScratchDataDirectory = "/controller"');
const LOG_PATH = cnpg(CONFIGURATION_GO, 250, 'LogPath = ScratchDataDirectory + "/log"');
const LOG_FILE_NAME = cnpg(CONFIGURATION_GO, 255, 'LogFileName = "postgres"');
const PARAMETER_WAL_LOG_HINTS = cnpg(CONFIGURATION_GO, 55, 'ParameterWalLogHints = "wal_log_hints"');
const SHARED_PRELOAD_LIBRARIES = cnpg(CONFIGURATION_GO, 268, 'SharedPreloadLibraries = "shared_preload_libraries"');

/**
 * One entry of `GlobalDefaultSettings`: the parameter, its value, its line in `CnpgConfigurationSettings`
 * (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`), and, where that line names a Go constant instead of
 * a literal key or value, the constant and the lines that define it.
 */
type DefaultEntry = readonly [
  name: string,
  value: string,
  line: number,
  upstream?: { readonly key?: string; readonly value?: string; readonly constants: readonly Citation[] },
];

const GLOBAL_DEFAULTS: readonly DefaultEntry[] = [
  ['archive_timeout', '5min', 562],
  ['dynamic_shared_memory_type', 'posix', 563],
  ['full_page_writes', 'on', 564],
  ['logging_collector', 'on', 565],
  ['log_destination', 'csvlog', 566],
  ['log_directory', '/controller/log', 567, { value: 'LogPath', constants: [LOG_PATH, SCRATCH_DATA_DIRECTORY] }],
  ['log_filename', 'postgres', 568, { value: 'LogFileName', constants: [LOG_FILE_NAME] }],
  ['log_rotation_age', '0', 569],
  ['log_rotation_size', '0', 570],
  ['log_truncate_on_rotation', 'false', 571],
  ['max_parallel_workers', '32', 572],
  ['max_worker_processes', '32', 573],
  ['max_replication_slots', '32', 574],
  ['shared_memory_type', 'mmap', 575],
  ['ssl_max_protocol_version', 'TLSv1.3', 576],
  ['ssl_min_protocol_version', 'TLSv1.3', 577],
  ['wal_keep_size', '512MB', 578],
  ['wal_level', 'logical', 579],
  ['wal_log_hints', 'on', 580, { key: 'ParameterWalLogHints', constants: [PARAMETER_WAL_LOG_HINTS] }],
  ['wal_sender_timeout', '5s', 581],
  ['wal_receiver_timeout', '5s', 582],
  // CNPG's workaround for a restart-only parameter without an explicit default in postgresql.conf.
  ['shared_preload_libraries', '', 586, { key: 'SharedPreloadLibraries', constants: [SHARED_PRELOAD_LIBRARIES] }],
];

/**
 * `CnpgConfigurationSettings.GlobalDefaultSettings` (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`): what
 * CNPG's configuration holds before the user's parameters (`setDefaultConfigurations` starts from it), and so what
 * its webhooks compare against and what the plan takes for a parameter the user does not set (a live Cluster
 * shows them in `spec.postgresql.parameters`, a synthesized one does not: both mean the same). v1.30.0 has no
 * version-specific `DefaultSettings`.
 */
export const GLOBAL_DEFAULT_SETTINGS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(GLOBAL_DEFAULTS.map(([name, value]) => [name, value])),
);

/**
 * The lines of cloudnative-pg v1.30.0 each of {@link GLOBAL_DEFAULT_SETTINGS} comes from: its key and its value on
 * the line of `GlobalDefaultSettings`, then the constants that line names.
 */
export const GLOBAL_DEFAULT_SETTINGS_SOURCES: Readonly<Record<string, readonly Citation[]>> = Object.freeze(
  Object.fromEntries(
    GLOBAL_DEFAULTS.map(([name, value, line, upstream]) => [
      name,
      Object.freeze([
        cnpg(CONFIGURATION_GO, line, `${upstream?.key ?? JSON.stringify(name)}:`),
        cnpg(CONFIGURATION_GO, line, upstream?.value ?? JSON.stringify(value)),
        ...(upstream?.constants ?? []),
      ]),
    ]),
  ),
);

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
