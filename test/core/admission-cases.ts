// The agreement table: cases derived from CloudNativePG v1.30.0's webhook code and unit tests (each cites the
// test it follows, `internal/webhook/v1/<kind>_webhook_test.go:<line>`), with our own inputs: a complete object as
// the API server receives it, and CNPG's verdict for it. The verdict is the whole admission's (the CRD schema, the
// schema defaults, CNPG's defaulting webhook, then its validating webhook), so where a unit test calls one
// validation function on an object the defaulting webhook would have changed, `note` says what CNPG really answers.
import type { KubeObject } from '../../lib/core';

export type Verdict = 'accept' | 'refuse' | 'warn';

export interface AgreementCase {
  readonly cite: string;
  readonly what: string;
  readonly object: KubeObject;
  /** The object before the change, for update rules. */
  readonly previous?: KubeObject;
  readonly cnpg: Verdict;
  /** The field of the refusal (or the warning), a path in the object. */
  readonly field?: string;
  /** Where CNPG's verdict for the object differs from the unit test's function, or CNPG names the field otherwise. */
  readonly note?: string;
}

export const IMG = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const T = 'internal/webhook/v1/cluster_webhook_test.go';

type Spec = Record<string, unknown>;

/** A Cluster CNPG accepts, with `spec` merged over it (top-level keys replaced). */
export function cluster(spec: Spec = {}, metadata: Spec = {}): KubeObject {
  // Through JSON: a key set to undefined is a key the YAML does not have.
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: 'db', ...metadata },
      spec: { instances: 1, imageName: IMG, storage: { size: '1Gi' }, ...spec },
    }),
  );
}

const params = (parameters: Record<string, string>, more: Spec = {}): Spec => ({ postgresql: { parameters, ...more } });

function c(
  line: number,
  what: string,
  cnpg: Verdict,
  object: KubeObject,
  field?: string,
  note?: string,
  previous?: KubeObject,
): AgreementCase {
  return { cite: `${T}:${line}`, what, object, cnpg, field, note, previous };
}

const TOKEN = Buffer.from(
  JSON.stringify({
    latestCheckpointTimelineID: '3',
    redoWalFile: 'this-wal-file',
    databaseSystemIdentifier: '231231212',
    latestCheckpointREDOLocation: '33322232',
    timeOfLatestCheckpoint: "we don't know",
    operatorVersion: 'version info',
  }),
).toString('base64');
const EXT = (name: string, more: Spec = {}) => ({
  name,
  image: { reference: `r.io/${name.toLowerCase().replaceAll('_', '-')}:1-18-trixie` },
  ...more,
});
const withExtensions = (...extensions: unknown[]) => ({ postgresql: { extensions } });
const ENV_DEFAULTING =
  'CNPG\'s defaulting webhook (api/v1/cluster_defaults.go, defaultInitDB / defaultRecovery / defaultPgBaseBackup) fills in database "app" and owner = database first, so the validating webhook never sees this half-set pair';

export const CLUSTER_CASES: readonly AgreementCase[] = [
  // bootstrap methods
  c(53, 'no bootstrap section', 'accept', cluster()),
  c(59, 'initdb', 'accept', cluster({ bootstrap: { initdb: {} } })),
  c(71, 'recovery from a backup', 'accept', cluster({ bootstrap: { recovery: { backup: { name: 'b' } } } })),
  c(83, 'two bootstrap methods', 'refuse', cluster({ bootstrap: { initdb: {}, recovery: { backup: { name: 'b' } } } }), '.spec.bootstrap'),
  // certificates
  c(109, 'server TLS and CA secrets', 'accept', cluster({ certificates: { serverCASecret: 'ca', serverTLSSecret: 'tls' } })),
  c(
    122,
    'server TLS secret without its CA',
    'refuse',
    cluster({ certificates: { serverTLSSecret: 'tls' } }),
    '.spec.certificates.serverCASecret',
  ),
  c(
    134,
    'server TLS secret with alt DNS names',
    'refuse',
    cluster({ certificates: { serverCASecret: 'ca', serverTLSSecret: 'tls', serverAltDNSNames: ['x'] } }),
    '.spec.certificates.serverAltDNSNames',
  ),
  // initdb
  c(161, 'initdb database without owner', 'accept', cluster({ bootstrap: { initdb: { database: 'app' } } }), undefined, ENV_DEFAULTING),
  c(176, 'initdb owner without database', 'accept', cluster({ bootstrap: { initdb: { owner: 'app' } } }), undefined, ENV_DEFAULTING),
  c(191, 'initdb database and owner', 'accept', cluster({ bootstrap: { initdb: { database: 'app', owner: 'app' } } })),
  c(
    207,
    'postInitApplicationSQLRefs secret without key',
    'refuse',
    cluster({ bootstrap: { initdb: { postInitApplicationSQLRefs: { secretRefs: [{ name: 's', key: '' }] } } } }),
    '.spec.bootstrap.initdb.postInitApplicationSQLRefs.secretRefs',
  ),
  c(
    253,
    'postInitApplicationSQLRefs configMap without key',
    'refuse',
    cluster({ bootstrap: { initdb: { postInitApplicationSQLRefs: { configMapRefs: [{ name: 'm', key: '' }] } } } }),
    '.spec.bootstrap.initdb.postInitApplicationSQLRefs.configMapRefs',
  ),
  c(
    299,
    'postInitApplicationSQLRefs complete',
    'accept',
    cluster({
      bootstrap: {
        initdb: { postInitApplicationSQLRefs: { secretRefs: [{ name: 's', key: 'k' }], configMapRefs: [{ name: 'm', key: 'k' }] } },
      },
    }),
  ),
  c(337, 'no superuser secret', 'accept', cluster()),
  c(
    347,
    'superuser secret with an empty name',
    'refuse',
    cluster({ superuserSecret: { name: '' } }),
    '.spec.superuserSecret.name',
    'CNPG names it spec.superusersecret.name',
  ),
  // image pull policy and image name
  c(367, 'imagePullPolicy not a policy', 'refuse', cluster({ imagePullPolicy: 'wrong' }), '.spec.imagePullPolicy'),
  c(378, 'imagePullPolicy Always', 'accept', cluster({ imagePullPolicy: 'Always' })),
  c(396, 'no imageName: CNPG fills in its default image', 'accept', cluster({ imageName: undefined })),
  c(405, "the 'latest' tag", 'refuse', cluster({ imageName: 'postgres:latest' }), '.spec.imageName'),
  c(405, 'no tag at all is the latest tag', 'refuse', cluster({ imageName: 'ghcr.io/cloudnative-pg/postgresql' }), '.spec.imageName'),
  c(414, 'an alpha tag', 'accept', cluster({ imageName: 'postgres:15alpha1' })),
  c(423, 'a beta tag', 'accept', cluster({ imageName: 'postgres:15beta1' })),
  c(432, 'a release candidate tag', 'accept', cluster({ imageName: 'postgres:15rc1' })),
  c(
    441,
    'only a digest',
    'refuse',
    cluster({ imageName: 'postgres@sha256:cff94de382ca538861622bbe84cfe03f44f307a9846a5c5eda672cf4dc692866' }),
    '.spec.imageName',
  ),
  c(450, 'a version tag', 'accept', cluster({ imageName: 'postgres:16.4' })),
  c(459, 'a version tag with a suffix', 'accept', cluster({ imageName: 'postgres:14.4-1' })),
  c(
    468,
    'a version tag and a digest',
    'accept',
    cluster({ imageName: 'postgres:16.4@sha256:cff94de382ca538861622bbe84cfe03f44f307a9846a5c5eda672cf4dc692866' }),
  ),
  c(477, 'a tag that is no version', 'refuse', cluster({ imageName: 'postgres:test_12' }), '.spec.imageName'),
  c(1057, 'a major below 13', 'refuse', cluster({ imageName: 'postgres:12' }), '.spec.imageName'),
  c(
    1057,
    'a catalog major below 13',
    'refuse',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', major: 12 } }),
    '.spec.imageCatalogRef.major',
  ),
  // parameter names and fixed parameters
  c(
    517,
    'parameter names, dotted and with $',
    'accept',
    cluster(params({ work_mem: '16MB', 'auto_explain.log_min_duration': '100ms', some$ext$1: 'value' })),
  ),
  c(
    554,
    'a parameter name with a comment and a newline',
    'refuse',
    cluster(params({ '#\narchive_command': '/bin/evil' })),
    '.spec.postgresql.parameters.#\narchive_command',
  ),
  c(
    555,
    'a parameter name with a newline injection',
    'refuse',
    cluster(params({ 'archive_command\nrestart_after = 0': '/bin/evil' })),
    '.spec.postgresql.parameters.archive_command\nrestart_after = 0',
  ),
  c(
    556,
    'a parameter name with a carriage return',
    'refuse',
    cluster(params({ 'archive_command\rrestart_after = 0': 'x' })),
    '.spec.postgresql.parameters.archive_command\rrestart_after = 0',
  ),
  c(
    580,
    'a parameter name with a trailing newline',
    'refuse',
    cluster(params({ 'archive_command\n': 'x' })),
    '.spec.postgresql.parameters.archive_command\n',
  ),
  c(582, 'a parameter name with "="', 'refuse', cluster(params({ 'work_mem=128MB': 'x' })), '.spec.postgresql.parameters.work_mem=128MB'),
  c(
    583,
    'a parameter name with leading whitespace',
    'refuse',
    cluster(params({ ' work_mem': 'x' })),
    '.spec.postgresql.parameters. work_mem',
  ),
  c(584, 'a parameter name with a space', 'refuse', cluster(params({ 'work mem': 'x' })), '.spec.postgresql.parameters.work mem'),
  c(585, 'a parameter name with "#"', 'refuse', cluster(params({ 'work#mem': 'x' })), '.spec.postgresql.parameters.work#mem'),
  c(586, 'an empty parameter name', 'refuse', cluster(params({ '': 'x' })), '.spec.postgresql.parameters.'),
  c(
    517,
    'a fixed parameter at another value than CNPG sets',
    'refuse',
    cluster(params({ port: '5433' })),
    '.spec.postgresql.parameters.port',
  ),
  c(517, 'a blocked parameter at CNPG own value', 'accept', cluster(params({ logging_collector: 'on' }))),
  c(
    517,
    'a blocked parameter at another value',
    'refuse',
    cluster(params({ log_destination: 'stderr' })),
    '.spec.postgresql.parameters.log_destination',
  ),
  c(
    517,
    'archive_mode off: replaced by the defaulting webhook, then accepted',
    'accept',
    cluster(params({ archive_mode: 'off' })),
    undefined,
    'Cluster.Default overwrites archive_mode before validation; the library warns',
  ),
  // WAL sizes
  c(589, 'min_wal_size 80MB, max_wal_size 1024', 'accept', cluster(params({ min_wal_size: '80MB', max_wal_size: '1024' }))),
  c(
    589,
    'min 1500, max 2 GB, WAL volume 3Gi',
    'accept',
    cluster({ ...params({ min_wal_size: '1500', max_wal_size: '2 GB' }), walStorage: { size: '3Gi' } }),
  ),
  c(
    589,
    'min 1.5GB, max 2000, WAL volume 2Gi',
    'accept',
    cluster({ ...params({ min_wal_size: '1.5GB', max_wal_size: '2000' }), walStorage: { size: '2Gi' } }),
  ),
  c(
    685,
    'min_wal_size above max_wal_size',
    'refuse',
    cluster(params({ min_wal_size: '1500', max_wal_size: '1GB' })),
    '.spec.postgresql.parameters.min_wal_size',
  ),
  c(
    685,
    'min_wal_size not a PostgreSQL size ("2G")',
    'refuse',
    cluster({ ...params({ min_wal_size: '2G', max_wal_size: '1GB' }), walStorage: { size: '2Gi' } }),
    '.spec.postgresql.parameters.min_wal_size',
  ),
  c(
    720,
    'max_wal_size above the WAL volume',
    'refuse',
    cluster({ ...params({ max_wal_size: '2GB' }), walStorage: { size: '1G' } }),
    '.spec.postgresql.parameters.max_wal_size',
  ),
  c(
    757,
    'min_wal_size above the WAL volume and max_wal_size',
    'refuse',
    cluster({ ...params({ min_wal_size: '3GB', max_wal_size: '1GB' }), walStorage: { size: '2Gi' } }),
    '.spec.postgresql.parameters.min_wal_size',
  ),
  c(
    777,
    'min_wal_size not a size',
    'refuse',
    cluster(params({ min_wal_size: 'xxx', max_wal_size: '1GB' })),
    '.spec.postgresql.parameters.min_wal_size',
  ),
  c(
    777,
    'max_wal_size with a lower-case b',
    'refuse',
    cluster({ ...params({ min_wal_size: '80', max_wal_size: '1Gb' }), walStorage: { size: '2Gi' } }),
    '.spec.postgresql.parameters.max_wal_size',
  ),
  c(812, 'defaults are not compared with a small WAL volume', 'accept', cluster({ walStorage: { size: '100Mi' } })),
  c(
    812,
    'min_wal_size above the default max_wal_size',
    'refuse',
    cluster({ ...params({ min_wal_size: '1.5GB' }), walStorage: { size: '2Gi' } }),
    '.spec.postgresql.parameters.min_wal_size',
  ),
  c(
    812,
    'max_wal_size below the default min_wal_size ("70M" is no size)',
    'refuse',
    cluster({ ...params({ max_wal_size: '70M' }), walStorage: { size: '2Gi' } }),
    '.spec.postgresql.parameters.max_wal_size',
  ),
  c(
    860,
    'shared_buffers not a size',
    'refuse',
    cluster(params({ shared_buffers: 'invalid' })),
    '.spec.postgresql.parameters.shared_buffers',
  ),
  c(860, 'shared_buffers "1G" (no B)', 'refuse', cluster(params({ shared_buffers: '1G' })), '.spec.postgresql.parameters.shared_buffers'),
  c(860, 'shared_buffers "1 GB"', 'accept', cluster(params({ shared_buffers: '1 GB' }))),
  // wal_level
  c(
    874,
    'wal_level minimal with WAL archiving on',
    'refuse',
    cluster(params({ wal_level: 'minimal', max_wal_senders: '0' })),
    '.spec.postgresql.parameters.wal_level',
  ),
  c(896, 'wal_level replica', 'accept', cluster(params({ wal_level: 'replica' }))),
  c(917, 'wal_level logical', 'accept', cluster(params({ wal_level: 'logical' }))),
  c(
    938,
    'wal_level minimal with 2 instances',
    'refuse',
    cluster(
      { instances: 2, ...params({ wal_level: 'minimal', max_wal_senders: '0' }) },
      { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } },
    ),
    '.spec.postgresql.parameters.wal_level',
  ),
  c(954, 'wal_level replica with 2 instances', 'accept', cluster({ instances: 2, ...params({ wal_level: 'replica' }) })),
  c(982, 'an unknown wal_level', 'refuse', cluster(params({ wal_level: 'test' })), '.spec.postgresql.parameters.wal_level'),
  c(
    999,
    'wal_level minimal on a replica cluster',
    'refuse',
    cluster(
      {
        ...params({ wal_level: 'minimal', max_wal_senders: '0' }),
        replica: { enabled: true, source: 'src' },
        bootstrap: { pg_basebackup: { source: 'src' } },
        externalClusters: [{ name: 'src', connectionParameters: { host: 'x' } }],
      },
      { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } },
    ),
    '.spec.postgresql.parameters.wal_level',
  ),
  c(
    1018,
    'wal_level minimal, one instance, archiving off',
    'accept',
    cluster(params({ wal_level: 'minimal', max_wal_senders: '0' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
  ),
  c(
    1038,
    'wal_level minimal without max_wal_senders 0',
    'refuse',
    cluster(params({ wal_level: 'minimal' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
    '.spec.postgresql.parameters.max_wal_senders',
  ),
  c(
    1074,
    'wal_level changed to minimal on an existing cluster',
    'refuse',
    cluster(params({ wal_level: 'minimal', max_wal_senders: '0' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
    '.spec.postgresql.parameters.wal_level',
    undefined,
    cluster(params({ max_wal_senders: '0' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
  ),
  c(
    1111,
    'wal_level kept at minimal on an existing cluster',
    'accept',
    cluster(params({ wal_level: 'minimal', max_wal_senders: '0', shared_buffers: '512MB' }), {
      annotations: { 'cnpg.io/skipWalArchiving': 'enabled' },
    }),
    undefined,
    undefined,
    cluster(params({ wal_level: 'minimal', max_wal_senders: '0' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
  ),
  c(
    1150,
    'image and parameters changed together with switchover',
    'refuse',
    cluster({ imageName: 'postgres:16.5', primaryUpdateMethod: 'switchover', ...params({ shared_buffers: '4GB' }) }),
    '.spec.imageName',
    undefined,
    cluster({ imageName: 'postgres:16.4' }),
  ),
  c(
    1150,
    'image and parameters changed together with restart',
    'accept',
    cluster({ imageName: 'postgres:16.5', ...params({ shared_buffers: '4GB' }) }),
    undefined,
    undefined,
    cluster({ imageName: 'postgres:16.4' }),
  ),
  // wal_log_hints
  c(1171, 'wal_log_hints not a boolean', 'refuse', cluster(params({ wal_log_hints: 'foo' })), '.spec.postgresql.parameters.wal_log_hints'),
  c(
    1185,
    'wal_log_hints off, one instance',
    'accept',
    cluster(params({ wal_log_hints: 'off' }), { annotations: { 'cnpg.io/skipWalArchiving': 'enabled' } }),
  ),
  c(
    1204,
    'wal_log_hints off, three instances',
    'refuse',
    cluster({ instances: 3, ...params({ wal_log_hints: 'off' }) }),
    '.spec.postgresql.parameters.wal_log_hints',
  ),
  c(1242, 'wal_log_hints "true", three instances', 'accept', cluster({ instances: 3, ...params({ wal_log_hints: 'true' }) })),
  c(
    1242,
    'hot_standby_feedback not a boolean',
    'refuse',
    cluster(params({ hot_standby_feedback: 'maybe' })),
    '.spec.postgresql.parameters.hot_standby_feedback',
  ),
  c(
    1242,
    'sync_replication_slots not a boolean',
    'refuse',
    cluster(params({ sync_replication_slots: 'sometimes' })),
    '.spec.postgresql.parameters.sync_replication_slots',
  ),
  // image changes (update)
  c(1289, 'a major downgrade', 'refuse', cluster({ imageName: 'postgres:16.0' }), '.spec.imageName', undefined, {
    ...cluster({ imageName: 'postgres:17.0' }),
    status: { pgDataImageInfo: { image: 'postgres:17.0', majorVersion: 17 } },
  }),
  c(1310, 'a minor downgrade', 'accept', cluster({ imageName: 'postgres:17.0' }), undefined, undefined, {
    ...cluster({ imageName: 'postgres:17.1' }),
    status: { pgDataImageInfo: { image: 'postgres:17.1', majorVersion: 17 } },
  }),
  c(
    1332,
    'a catalog major downgrade',
    'refuse',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', major: 15 } }),
    '.spec.imageCatalogRef.major',
    undefined,
    { ...cluster(), status: { pgDataImageInfo: { image: 'x', majorVersion: 16 } } },
  ),
  c(
    1366,
    'from imageName to a catalog of the same major',
    'accept',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', major: 16 } }),
    undefined,
    undefined,
    { ...cluster({ imageName: 'postgres:16.1' }), status: { pgDataImageInfo: { image: 'postgres:16.1', majorVersion: 16 } } },
  ),
  c(
    1418,
    'from the default image to a lower catalog major',
    'refuse',
    cluster({ imageName: undefined, imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', major: 16 } }),
    '.spec.imageCatalogRef.major',
    undefined,
    { ...cluster({ imageName: undefined }), status: { pgDataImageInfo: { majorVersion: 18 } } },
  ),
  c(1519, 'from a catalog to the lower default image', 'refuse', cluster({ imageName: undefined }), '.spec.imageName', undefined, {
    ...cluster(),
    status: { pgDataImageInfo: { majorVersion: 19 } },
  }),
  c(1289, 'a major upgrade to 15', 'refuse', cluster({ imageName: 'postgres:15.1' }), '.spec.imageName', undefined, {
    ...cluster({ imageName: 'postgres:14.1' }),
    status: { pgDataImageInfo: { majorVersion: 14 } },
  }),
  c(1289, 'a major upgrade to 18', 'accept', cluster(), undefined, undefined, {
    ...cluster({ imageName: 'postgres:17.1' }),
    status: { pgDataImageInfo: { majorVersion: 17 } },
  }),
  // recovery targets
  c(
    1584,
    'two recovery targets',
    'refuse',
    cluster({
      bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetLSN: '1/1', targetTime: '2021-09-01 10:22:47.000000+06' } } },
    }),
    '.spec.bootstrap.recovery.recoveryTarget',
  ),
  c(
    1606,
    'targetName with backupID',
    'accept',
    cluster({
      bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: '20220616T031500', targetName: 'restore_point_1' } } },
    }),
  ),
  c(
    1629,
    'targetXID without backupID',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetXID: '1234' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget',
  ),
  c(
    1718,
    'an LSN that does not fit 64 bits',
    'refuse',
    cluster({
      bootstrap: {
        recovery: {
          backup: { name: 'b' },
          recoveryTarget: { targetLSN: '28734982739847293874823974928738423/987429837498273498723984723' },
        },
      },
    }),
    '.spec.bootstrap.recovery.recoveryTarget.targetLSN',
    'CNPG names it spec.bootstrap.recovery.recoveryTarget',
  ),
  c(1740, 'a valid LSN', 'accept', cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetLSN: '1/1' } } } })),
  c(
    1779,
    "targetTLI 'latest'",
    'accept',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetTLI: 'latest' } } } }),
  ),
  c(1794, 'targetTLI 23', 'accept', cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetTLI: '23' } } } })),
  c(
    1809,
    'targetTLI 0',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetTLI: '0' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetTLI',
  ),
  c(
    1839,
    'targetTLI text',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetTLI: "I don't remember" } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetTLI',
  ),
  c(
    1875,
    'targetXID not a number',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetXID: 'not-a-number' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetXID',
  ),
  c(
    1887,
    'the largest 32-bit targetXID',
    'accept',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetXID: '4294967295' } } } }),
  ),
  c(
    1891,
    'a targetXID above 2^32-1',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetXID: '4294967296' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetXID',
  ),
  c(
    1916,
    'a targetName with a newline',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetName: 'line1\nline2' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetName',
  ),
  c(
    1932,
    'a 64-byte targetName',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetName: 'a'.repeat(64) } } } }),
    '.spec.bootstrap.recovery.recoveryTarget.targetName',
  ),
  c(
    1928,
    'a 63-byte targetName',
    'accept',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { backupID: 'x', targetName: 'a'.repeat(63) } } } }),
  ),
  // primary update strategy, sync replicas, lease
  c(1954, 'supervised with three instances', 'accept', cluster({ instances: 3, primaryUpdateStrategy: 'supervised' })),
  c(1964, 'supervised with one instance', 'refuse', cluster({ primaryUpdateStrategy: 'supervised' }), '.spec.primaryUpdateStrategy'),
  c(
    1984,
    'another strategy (the CRD enum refuses it first)',
    'refuse',
    cluster({ instances: 3, primaryUpdateStrategy: 'maybe' }),
    '.spec.primaryUpdateStrategy',
  ),
  c(
    2002,
    'legacy and new synchronous configuration',
    'refuse',
    cluster({ instances: 3, minSyncReplicas: 1, maxSyncReplicas: 2, postgresql: { synchronous: { method: 'any', number: 2 } } }),
    '.spec.postgresql.synchronous',
  ),
  c(2030, 'maxSyncReplicas equal to instances', 'refuse', cluster({ instances: 3, maxSyncReplicas: 3 }), '.spec.maxSyncReplicas'),
  c(2050, 'maxSyncReplicas 0', 'accept', cluster({ instances: 3, maxSyncReplicas: 0 })),
  c(2060, 'maxSyncReplicas below instances', 'accept', cluster({ instances: 3, maxSyncReplicas: 2 })),
  c(
    2060,
    'minSyncReplicas above maxSyncReplicas',
    'refuse',
    cluster({ instances: 3, minSyncReplicas: 2, maxSyncReplicas: 1 }),
    '.spec.minSyncReplicas',
  ),
  c(2084, 'the default lease timings', 'accept', cluster({ primaryLease: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10 } })),
  c(
    2096,
    'lease duration not above the renew deadline',
    'refuse',
    cluster({ primaryLease: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 } }),
    '.spec.primaryLease.leaseDurationSeconds',
  ),
  c(
    2108,
    'renew deadline 20 against the default lease duration',
    'refuse',
    cluster({ primaryLease: { renewDeadlineSeconds: 20 } }),
    '.spec.primaryLease.leaseDurationSeconds',
  ),
  c(
    2142,
    'renew deadline below 1.2 retry periods',
    'refuse',
    cluster({ primaryLease: { leaseDurationSeconds: 15, renewDeadlineSeconds: 11, retryPeriodSeconds: 10 } }),
    '.spec.primaryLease.renewDeadlineSeconds',
  ),
  c(
    2157,
    'renew deadline above 1.2 retry periods',
    'accept',
    cluster({ primaryLease: { leaseDurationSeconds: 15, renewDeadlineSeconds: 13, retryPeriodSeconds: 10 } }),
  ),
  c(
    2205,
    'more synchronous replicas than instances and names',
    'refuse',
    cluster({ instances: 2, postgresql: { synchronous: { method: 'any', number: 5, standbyNamesPost: ['a'], standbyNamesPre: ['b'] } } }),
    '.spec.postgresql.synchronous',
  ),
  c(
    2244,
    'fewer synchronous replicas than instances and names',
    'accept',
    cluster({ instances: 2, postgresql: { synchronous: { method: 'any', number: 2, standbyNamesPost: ['a'], standbyNamesPre: ['b'] } } }),
  ),
  // storage
  c(
    2268,
    'storage shrinks',
    'refuse',
    cluster({ storage: { size: '512M' } }),
    '.spec.storage',
    undefined,
    cluster({ storage: { size: '1G' } }),
  ),
  c(2304, 'storage grows', 'accept', cluster({ storage: { size: '10G' } }), undefined, undefined, cluster({ storage: { size: '8G' } })),
  c(4298, 'no storage size nor pvcTemplate request', 'refuse', cluster({ storage: {} }), '.spec.storage.size'),
  c(
    4318,
    'a pvcTemplate storage request instead of a size',
    'accept',
    cluster({ storage: { pvcTemplate: { resources: { requests: { storage: '1Gi' } } } } }),
  ),
  c(5166, 'a size that is no quantity', 'refuse', cluster({ storage: { size: '10Gibberish' } }), '.spec.storage.size'),
  // names
  c(2331, 'a name with a dot', 'refuse', cluster({}, { name: 'test.one' }), '.metadata.name'),
  c(2340, 'a name of 81 characters', 'refuse', cluster({}, { name: 'abcdefghi'.repeat(9) }), '.metadata.name'),
  c(2357, 'a name of 36 characters', 'accept', cluster({}, { name: 'abcdefghi'.repeat(4) })),
  c(2369, 'a name starting with a digit', 'refuse', cluster({}, { name: '4b96d026-a956-47eb-bae8-a99b840805c3' }), '.metadata.name'),
  c(2378, 'a name of 56 characters', 'refuse', cluster({}, { name: `${'toomuchlong'.repeat(4)}-after4times` }), '.metadata.name'),
  c(2378, 'a name of 50 characters', 'accept', cluster({}, { name: `a${'b'.repeat(49)}` })),
];

export { c, EXT, params, TOKEN, withExtensions };
