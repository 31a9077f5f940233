// The agreement table, continued: more Cluster cases, the other kinds, and the cases the library does not model.
import type { KubeObject } from '../../lib/core';
import { type AgreementCase, c, cluster, EXT, params, TOKEN, type Verdict, withExtensions } from './admission-cases';

const src = { externalClusters: [{ name: 'src', connectionParameters: { host: 'x' } }] };
const replicaOf = (replica: Record<string, unknown>, bootstrap: Record<string, unknown> = { pg_basebackup: { source: 'src' } }) => ({
  replica: { source: 'src', ...replica },
  bootstrap,
  ...src,
});
const snap = (kind: string, group = 'snapshot.storage.k8s.io') => ({ apiGroup: group, kind, name: 'pgdata' });

export const MORE_CLUSTER_CASES: readonly AgreementCase[] = [
  // external clusters
  c(
    2408,
    'two external clusters with one name',
    'refuse',
    cluster({
      externalClusters: [
        { name: 'one', connectionParameters: { dbname: 'postgres' } },
        { name: 'one', connectionParameters: { dbname: 'postgres' } },
      ],
    }),
    '.spec.externalClusters',
  ),
  c(
    2430,
    'two external clusters',
    'accept',
    cluster({
      externalClusters: [
        { name: 'one', connectionParameters: { dbname: 'postgres' } },
        { name: 'two', connectionParameters: { dbname: 'postgres' } },
      ],
    }),
  ),
  c(
    2459,
    'an external cluster with no way to reach it',
    'refuse',
    cluster({ externalClusters: [{ name: 'one' }] }),
    '.spec.externalClusters[0]',
  ),
  c(
    2492,
    'an external cluster name with ".."',
    'refuse',
    cluster({ externalClusters: [{ name: '../pwned', connectionParameters: { dbname: 'postgres' } }] }),
    '.spec.externalClusters[0].name',
  ),
  c(
    2498,
    'an sslCert secret name with ".."',
    'refuse',
    cluster({
      externalClusters: [{ name: 'one', connectionParameters: { dbname: 'postgres' }, sslCert: { name: '../pwned', key: 'tls.crt' } }],
    }),
    '.spec.externalClusters[0].sslCert.name',
  ),
  c(
    2504,
    'an sslCert key with ".."',
    'refuse',
    cluster({
      externalClusters: [{ name: 'one', connectionParameters: { dbname: 'postgres' }, sslCert: { name: 'cert', key: '../pwned' } }],
    }),
    '.spec.externalClusters[0].sslCert.key',
  ),
  c(
    2512,
    'a password selector with ".." (never a path)',
    'accept',
    cluster({
      externalClusters: [{ name: 'one', connectionParameters: { dbname: 'postgres' }, password: { name: '../pwned', key: '../pwned' } }],
    }),
  ),
  // pg_basebackup and recovery sources
  c(
    2561,
    'pg_basebackup database without owner',
    'accept',
    cluster({ bootstrap: { pg_basebackup: { source: 'src', database: 'app' } }, ...src }),
    undefined,
    'the defaulting webhook sets owner = database',
  ),
  c(
    2617,
    'pg_basebackup from an unknown source',
    'refuse',
    cluster({ bootstrap: { pg_basebackup: { source: 'test' } } }),
    '.spec.bootstrap.pg_basebackup.source',
  ),
  c(
    2638,
    'recovery database without owner',
    'accept',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, database: 'app' } } }),
    undefined,
    'the defaulting webhook sets owner = database',
  ),
  c(
    2684,
    'recovery source with a plugin',
    'accept',
    cluster({
      bootstrap: { recovery: { source: 'test' } },
      // serverName given: without it the plugin reads this cluster's server, which the backup rules refuse.
      externalClusters: [{ name: 'test', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { serverName: 'test' } } }],
    }),
  ),
  c(
    2726,
    'recovery source not among the external clusters',
    'refuse',
    cluster({ bootstrap: { recovery: { source: 'test' } }, externalClusters: [{ name: 'other', connectionParameters: { host: 'x' } }] }),
    '.spec.bootstrap.recovery.source',
  ),
  c(
    2745,
    'recovery source with nothing to recover from',
    'refuse',
    cluster({ bootstrap: { recovery: { source: 'test' } }, externalClusters: [{ name: 'test' }] }),
    '.spec.bootstrap.recovery.source',
  ),
  // tolerations and anti-affinity
  c(2771, 'a toleration', 'accept', cluster({ affinity: { tolerations: [{ key: 'test', operator: 'Exists', effect: 'NoSchedule' }] } })),
  c(
    2789,
    'a toleration with an empty key and Equal',
    'refuse',
    cluster({ affinity: { tolerations: [{ key: '', operator: 'Equal', effect: 'NoSchedule' }] } }),
    '.spec.affinity.tolerations[0].operator',
    'CNPG names it spec.affinity.toleration[0].operator',
  ),
  c(
    2789,
    'tolerationSeconds without NoExecute',
    'refuse',
    cluster({ affinity: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] } }),
    '.spec.affinity.tolerations[0].effect',
  ),
  c(
    2836,
    "podAntiAffinityType 'required' with anti-affinity off",
    'accept',
    cluster({ affinity: { enablePodAntiAffinity: false, podAntiAffinityType: 'required' } }),
  ),
  c(
    2874,
    'podAntiAffinityType not a type',
    'refuse',
    cluster({ affinity: { enablePodAntiAffinity: false, podAntiAffinityType: 'error' } }),
    '.spec.affinity.podAntiAffinityType',
  ),
  // unix ids (update)
  c(2979, 'postgresGID changed', 'refuse', cluster({ postgresGID: 53 }), '.spec.postgresGID', undefined, cluster({ postgresGID: 26 })),
  c(
    2993,
    'postgresGID set where the old one was the default UID... and GID',
    'refuse',
    cluster({ postgresGID: 74 }),
    '.spec.postgresGID',
    undefined,
    cluster({ postgresUID: 26 }),
  ),
  c(
    3007,
    'ids unchanged',
    'accept',
    cluster({ postgresUID: 74, postgresGID: 76 }),
    undefined,
    undefined,
    cluster({ postgresUID: 74, postgresGID: 76 }),
  ),
  // promotion token
  c(
    3030,
    'a promotion token that is not base64',
    'refuse',
    cluster(replicaOf({ enabled: false, promotionToken: 'this-is-a-wrong-token' }, { initdb: {} })),
    '.spec.replica.promotionToken',
    'CNPG names it spec.replicaCluster.token',
  ),
  c(
    3053,
    'a promotion token of "{}"',
    'refuse',
    cluster(replicaOf({ enabled: false, promotionToken: Buffer.from('{}').toString('base64') }, { initdb: {} })),
    '.spec.replica.promotionToken',
  ),
  c(3076, 'a complete promotion token', 'accept', cluster(replicaOf({ enabled: false, promotionToken: TOKEN }, { initdb: {} }))),
  c(
    3110,
    'a promotion token on a replica cluster',
    'refuse',
    cluster(replicaOf({ enabled: true, promotionToken: TOKEN })),
    '.spec.replica.promotionToken',
  ),
  c(
    3136,
    'a promotion token on a replica cluster (primary is another)',
    'refuse',
    cluster({ ...replicaOf({ primary: 'src', promotionToken: TOKEN }) }, { name: 'test2' }),
    '.spec.replica.promotionToken',
  ),
  c(
    3192,
    'a promotion token with minApplyDelay',
    'refuse',
    cluster({
      ...replicaOf({ primary: 'c', self: 'c', promotionToken: TOKEN, minApplyDelay: '1h' }, { initdb: {} }),
      externalClusters: [
        { name: 'src', connectionParameters: { host: 'x' } },
        { name: 'c', connectionParameters: { host: 'y' } },
      ],
    }),
    '.spec.replica.minApplyDelay',
  ),
  // replica mode
  c(
    3290,
    'replica mode switched during a transition',
    'refuse',
    {
      ...cluster(replicaOf({ enabled: false }, { initdb: {} }), { resourceVersion: '1' }),
      status: { switchReplicaClusterStatus: { inProgress: true } },
    },
    '.spec.replica.enabled',
    undefined,
    { ...cluster(replicaOf({ enabled: true }, { initdb: {} })), status: { switchReplicaClusterStatus: { inProgress: true } } },
  ),
  c(3347, 'a replica cluster bootstrapped by pg_basebackup', 'accept', cluster(replicaOf({ enabled: true }))),
  c(3368, 'a replica cluster bootstrapped by recovery', 'accept', cluster(replicaOf({ enabled: true }, { recovery: { source: 'src' } }))),
  c(
    3389,
    'replica enabled and primary together',
    'refuse',
    cluster(replicaOf({ enabled: true, primary: 'toast' })),
    '.spec.replica.enabled',
  ),
  c(3407, 'replica with primary and no enabled', 'accept', cluster(replicaOf({ primary: 'src' }), { name: 'test-2' })),
  c(
    3431,
    'the primary of a distributed topology',
    'accept',
    cluster(
      {
        ...replicaOf({ primary: 'test' }, { initdb: {} }),
        externalClusters: [
          { name: 'src', connectionParameters: { host: 'x' } },
          { name: 'test', connectionParameters: { host: 'y' } },
        ],
      },
      { name: 'test' },
    ),
  ),
  c(
    3462,
    'replica source not among the external clusters',
    'refuse',
    cluster({ replica: { enabled: true, source: 'test' }, bootstrap: { pg_basebackup: { source: 'src' } }, ...src }),
    '.spec.replica.source',
    'CNPG names it spec.replicaCluster.primaryServerName',
  ),
  c(3481, 'replica primary not among the external clusters', 'refuse', cluster(replicaOf({ primary: 'test2' })), '.spec.replica.primary'),
  c(
    3503,
    'replica self not among the external clusters',
    'refuse',
    cluster(replicaOf({ self: 'test2', primary: 'src' })),
    '.spec.replica.self',
  ),
  // imports
  c(
    3625,
    'microservice import with roles',
    'refuse',
    cluster({
      bootstrap: { initdb: { import: { type: 'microservice', databases: ['foo'], roles: ['bar'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
    '.spec.bootstrap.initdb.import.roles',
  ),
  c(
    3646,
    'microservice import of two databases',
    'refuse',
    cluster({
      bootstrap: { initdb: { import: { type: 'microservice', databases: ['foo', 'bar'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
    '.spec.bootstrap.initdb.import.databases',
  ),
  c(
    3666,
    'microservice import with a wildcard',
    'refuse',
    cluster({
      bootstrap: { initdb: { import: { type: 'microservice', databases: ['*foo'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
    '.spec.bootstrap.initdb.import.databases[0]',
  ),
  c(
    3686,
    'microservice import of one database',
    'accept',
    cluster({
      bootstrap: { initdb: { import: { type: 'microservice', databases: ['foo'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
  ),
  c(
    3706,
    'monolith import of no database',
    'refuse',
    cluster({ bootstrap: { initdb: { import: { type: 'monolith', databases: [], source: { externalCluster: 'src' } } } }, ...src }),
    '.spec.bootstrap.initdb.import.databases',
  ),
  c(
    3726,
    'monolith import with postImportApplicationSQL',
    'refuse',
    cluster({
      bootstrap: {
        initdb: {
          import: { type: 'monolith', databases: ['foo'], postImportApplicationSQL: ['select 1'], source: { externalCluster: 'src' } },
        },
      },
      ...src,
    }),
    '.spec.bootstrap.initdb.import.postImportApplicationSQL',
  ),
  c(
    3747,
    'monolith import mixing "*" and names',
    'refuse',
    cluster({
      bootstrap: { initdb: { import: { type: 'monolith', databases: ['bar', '*'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
    '.spec.bootstrap.initdb.import.databases',
  ),
  c(
    3806,
    'monolith import of everything',
    'accept',
    cluster({
      bootstrap: { initdb: { import: { type: 'monolith', databases: ['*'], roles: ['*'], source: { externalCluster: 'src' } } } },
      ...src,
    }),
  ),
  // replication slots
  c(
    3914,
    'the slot prefix changed while HA slots are on',
    'refuse',
    cluster({ replicationSlots: { highAvailability: { enabled: true, slotPrefix: '_toast_' } } }),
    '.spec.replicationSlots.highAvailability.slotPrefix',
    undefined,
    cluster({ replicationSlots: { highAvailability: { enabled: true, slotPrefix: '_test_' } } }),
  ),
  c(
    3933,
    'the replicationSlots section removed (CNPG defaults it back)',
    'refuse',
    cluster(),
    '.spec.replicationSlots.highAvailability.slotPrefix',
    'the defaulting webhook restores the section with the _cnpg_ prefix, so what CNPG refuses is the prefix change',
    cluster({ replicationSlots: { highAvailability: { enabled: true, slotPrefix: '_test_' } } }),
  ),
  c(
    3998,
    'HA slots turned off',
    'accept',
    cluster({ replicationSlots: { highAvailability: { enabled: false, slotPrefix: '_test_' } } }),
    undefined,
    undefined,
    cluster({ replicationSlots: { highAvailability: { enabled: true, slotPrefix: '_test_' } } }),
  ),
  c(
    4017,
    'an exclude pattern that is no regular expression',
    'refuse',
    cluster({ replicationSlots: { synchronizeReplicas: { enabled: true, excludePatterns: ['([a-zA-Z]+'] } } }),
    '.spec.replicationSlots.synchronizeReplicas.excludePatterns',
  ),
  c(
    4033,
    'a valid exclude pattern',
    'accept',
    cluster({ replicationSlots: { synchronizeReplicas: { enabled: true, excludePatterns: ['validpattern'] } } }),
  ),
  c(
    4163,
    'synchronizeLogicalDecoding on PostgreSQL 16 without pg_failover_slots',
    'refuse',
    cluster({ imageName: 'postgres:16', replicationSlots: { highAvailability: { synchronizeLogicalDecoding: true } } }),
    '.spec.replicationSlots.highAvailability.synchronizeLogicalDecoding',
  ),
  c(
    4179,
    'synchronizeLogicalDecoding without hot_standby_feedback',
    'refuse',
    cluster({
      imageName: 'postgres:17',
      replicationSlots: { highAvailability: { synchronizeLogicalDecoding: true } },
      ...params({ sync_replication_slots: 'on', hot_standby_feedback: 'off' }),
    }),
    '.spec.postgresql.parameters.hot_standby_feedback',
  ),
  c(
    4202,
    'synchronizeLogicalDecoding without sync_replication_slots',
    'refuse',
    cluster({
      imageName: 'postgres:17',
      replicationSlots: { highAvailability: { synchronizeLogicalDecoding: true } },
      ...params({ hot_standby_feedback: 'on', sync_replication_slots: 'off' }),
    }),
    '.spec.postgresql.parameters.sync_replication_slots',
  ),
  c(
    4225,
    'synchronizeLogicalDecoding with both',
    'accept',
    cluster({
      imageName: 'postgres:17',
      replicationSlots: { highAvailability: { synchronizeLogicalDecoding: true } },
      ...params({ hot_standby_feedback: 'on', sync_replication_slots: 'on' }),
    }),
  ),
  // env, ephemeral volumes, roles
  c(4255, 'an environment variable', 'accept', cluster({ env: [{ name: 'TZ', value: 'Europe/Rome' }] })),
  c(
    4270,
    'a reserved environment variable',
    'refuse',
    cluster({
      env: [
        { name: 'TZ', value: 'Europe/Rome' },
        { name: 'PGDATA', value: '/tmp' },
      ],
    }),
    '.spec.env[1].name',
    'CNPG names it spec.postgresql.env[1].name',
  ),
  c(
    4382,
    'ephemeralVolumeSource and a temporaryData limit',
    'refuse',
    cluster({
      ephemeralVolumeSource: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } },
      ephemeralVolumesSizeLimit: { temporaryData: '1Gi' },
    }),
    '.spec.ephemeralVolumeSource',
  ),
  c(
    4369,
    'ephemeralVolumeSource and a shm limit',
    'accept',
    cluster({
      ephemeralVolumeSource: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } },
      ephemeralVolumesSizeLimit: { shm: '1Gi' },
    }),
  ),
  c(4409, 'a managed role', 'accept', cluster({ managed: { roles: [{ name: 'non-conflicting' }] } })),
  c(
    4424,
    'a connection limit of -3',
    'refuse',
    cluster({ managed: { roles: [{ name: 'x', connectionLimit: -3 }] } }),
    '.spec.managed.roles',
  ),
  c(4440, 'a reserved role', 'refuse', cluster({ managed: { roles: [{ name: 'postgres' }] } }), '.spec.managed.roles'),
  c(
    4471,
    'a role declared twice',
    'refuse',
    cluster({ managed: { roles: [{ name: 'my_test' }, { name: 'my_test', superuser: true }] } }),
    '.spec.managed.roles',
  ),
  c(
    4492,
    'a role that sets and disables its password',
    'refuse',
    cluster({ managed: { roles: [{ name: 'my_test', disablePassword: true, passwordSecret: { name: 'pw' } }] } }),
    '.spec.managed.roles',
  ),
  // pg_failover_slots
  c(
    4528,
    'pg_failover_slots with hot_standby_feedback "foo"',
    'refuse',
    cluster(params({ hot_standby_feedback: 'foo', 'pg_failover_slots.synchronize_slot_names': 'my_slot' })),
    '.spec.postgresql.parameters.hot_standby_feedback',
  ),
  c(
    4547,
    'pg_failover_slots with its prerequisites',
    'accept',
    cluster(params({ hot_standby_feedback: 'on', 'pg_failover_slots.synchronize_slot_names': 'my_slot' })),
  ),
  c(
    4566,
    'pg_failover_slots without hot_standby_feedback (HA slots on by default)',
    'refuse',
    cluster(params({ 'pg_failover_slots.synchronize_slot_names': 'my_slot' })),
    '.spec.postgresql.parameters.hot_standby_feedback',
    'the unit test counts a second error for replicationSlots, which the CRD and the defaulting webhook fill in',
  ),
  c(
    4579,
    'pg_failover_slots with HA slots off',
    'refuse',
    cluster({
      ...params({ hot_standby_feedback: 'yes', 'pg_failover_slots.synchronize_slot_names': 'my_slot' }),
      replicationSlots: { highAvailability: { enabled: false } },
    }),
    '.spec.replicationSlots.highAvailability',
  ),
  // recovery from volume snapshots
  c(
    4629,
    'recovery from a backup and from snapshots',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, volumeSnapshots: { storage: snap('VolumeSnapshot') } } } }),
    '.spec.bootstrap.recovery.backup',
  ),
  c(
    4644,
    'a backupID with snapshots',
    'refuse',
    cluster({
      bootstrap: {
        recovery: { recoveryTarget: { backupID: '20220616T031500' }, volumeSnapshots: { storage: snap('PersistentVolumeClaim', '') } },
      },
    }),
    '.spec.bootstrap.recovery.recoveryTarget.backupID',
  ),
  c(
    4666,
    'WAL snapshot without walStorage',
    'refuse',
    cluster({
      bootstrap: {
        recovery: { volumeSnapshots: { storage: snap('VolumeSnapshot'), walStorage: { ...snap('VolumeSnapshot'), name: 'pgwal' } } },
      },
    }),
    '.spec.bootstrap.recovery.volumeSnapshots.walStorage',
    'CNPG names it spec.bootstrap.recovery.dataSource.walStorage',
  ),
  c(
    4690,
    'data and WAL snapshots with walStorage',
    'accept',
    cluster({
      walStorage: { size: '1Gi' },
      bootstrap: {
        recovery: { volumeSnapshots: { storage: snap('VolumeSnapshot'), walStorage: { ...snap('VolumeSnapshot'), name: 'pgwal' } } },
      },
    }),
  ),
  c(
    4749,
    'recovery from a PersistentVolumeClaim',
    'accept',
    cluster({ bootstrap: { recovery: { volumeSnapshots: { storage: snap('PersistentVolumeClaim', '') } } } }),
  ),
  c(
    4788,
    'recovery from a Secret',
    'refuse',
    cluster({ bootstrap: { recovery: { volumeSnapshots: { storage: snap('Secret', '') } } } }),
    '.spec.bootstrap.recovery.volumeSnapshots.storage',
    'CNPG names it spec.bootstrap.recovery.storage',
  ),
  // resources
  c(
    4826,
    'CPU request above the limit',
    'refuse',
    cluster({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
    '.spec.resources.requests.cpu',
  ),
  c(
    4835,
    'memory request above the limit',
    'refuse',
    cluster({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }),
    '.spec.resources.requests.memory',
  ),
  c(
    4844,
    'ephemeral storage request equal to the limit',
    'accept',
    cluster({ resources: { requests: { 'ephemeral-storage': '1' }, limits: { 'ephemeral-storage': '1' } } }),
  ),
  c(
    4852,
    'ephemeral storage request above the limit',
    'refuse',
    cluster({ resources: { requests: { 'ephemeral-storage': '2' }, limits: { 'ephemeral-storage': '1' } } }),
    '.spec.resources.requests.ephemeral-storage',
    'CNPG names it spec.resources.requests.storage',
  ),
  c(
    4888,
    'requests below the limits (1000m vs 2)',
    'accept',
    cluster({ resources: { requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: 2, memory: '2Gi' } } }),
  ),
  c(4898, 'a CPU request without a limit', 'accept', cluster({ resources: { requests: { cpu: '1' } } })),
  c(
    4922,
    'memory request below shared_buffers in kB',
    'refuse',
    cluster({ resources: { requests: { memory: '1Gi' } }, ...params({ shared_buffers: '2000000kB' }) }),
    '.spec.resources.requests',
  ),
  c(
    4930,
    'memory request below shared_buffers in MB',
    'refuse',
    cluster({ resources: { requests: { memory: '1000Mi' } }, ...params({ shared_buffers: '2000MB' }) }),
    '.spec.resources.requests',
  ),
  c(4938, 'shared_buffers without a memory request', 'accept', cluster(params({ shared_buffers: '1GB' }))),
  c(
    4944,
    'memory request above shared_buffers',
    'accept',
    cluster({ resources: { requests: { memory: '2Gi' } }, ...params({ shared_buffers: '1GB' }) }),
  ),
  c(
    4951,
    'hugepages request other than its limit',
    'refuse',
    cluster({ resources: { requests: { memory: '2Gi', 'hugepages-1Gi': '1Gi' }, limits: { 'hugepages-1Gi': '2Gi' } } }),
    '.spec.resources.requests.hugepages-1Gi',
  ),
  c(4960, 'hugepages without cpu or memory', 'refuse', cluster({ resources: { requests: { 'hugepages-1Gi': '1Gi' } } }), '.spec.resources'),
  c(
    4977,
    'hugepages large enough for shared_buffers',
    'accept',
    cluster({
      resources: { requests: { memory: '256Mi', 'hugepages-1Gi': '1Gi' }, limits: { 'hugepages-1Gi': '1Gi' } },
      ...params({ shared_buffers: '1GB' }),
    }),
  ),
  c(
    4993,
    'shared_buffers CNPG cannot parse is not compared',
    'refuse',
    cluster({ resources: { requests: { memory: '1Gi' } }, ...params({ shared_buffers: 'invalid_value' }) }),
    '.spec.postgresql.parameters.shared_buffers',
    'validateResources ignores it; validateConfiguration refuses it',
  ),
  // tablespaces
  c(5031, 'a tablespace', 'accept', cluster({ tablespaces: [{ name: 'my_tablespace', storage: { size: '10Gi' } }] })),
  c(
    5049,
    'a tablespace name over 63 characters',
    'refuse',
    cluster({ tablespaces: [{ name: 'my_tablespace1'.repeat(5), storage: { size: '10Gi' } }] }),
    '.spec.tablespaces[0]',
  ),
  c(
    5068,
    'a tablespace name starting with pg_',
    'refuse',
    cluster({ tablespaces: [{ name: 'pg_foo', storage: { size: '10Gi' } }] }),
    '.spec.tablespaces[0]',
  ),
  c(
    5086,
    'a tablespace name that is no identifier',
    'refuse',
    cluster({ tablespaces: [{ name: 'my-^&sdf;', storage: { size: '10Gi' } }] }),
    '.spec.tablespaces[0]',
  ),
  c(
    5105,
    'two tablespaces equal but for case',
    'refuse',
    cluster({
      tablespaces: [
        { name: 'my_tablespace', storage: { size: '10Gi' } },
        { name: 'my_TAblespace', storage: { size: '10Gi' } },
      ],
    }),
    '.spec.tablespaces[1]',
  ),
  c(
    5125,
    'two tablespaces with one volume name',
    'refuse',
    cluster({
      tablespaces: [
        { name: 'foo_bar', storage: { size: '10Gi' } },
        { name: 'foo$bar', storage: { size: '10Gi' } },
      ],
    }),
    '.spec.tablespaces[1]',
  ),
  c(
    5166,
    'a tablespace size that is no quantity',
    'refuse',
    cluster({ tablespaces: [{ name: 'my_tablespace1', storage: { size: '10Gibberish' } }] }),
    '.spec.tablespaces[0].storage.size',
  ),
  c(
    5216,
    'the tablespaces section removed',
    'refuse',
    cluster(),
    '.spec.tablespaces',
    undefined,
    cluster({ tablespaces: [{ name: 'tbs1', storage: { size: '10Gi' } }] }),
  ),
  c(
    5242,
    'a tablespace removed',
    'refuse',
    cluster({ tablespaces: [{ name: 'tbs1', storage: { size: '10Gi' } }] }),
    '.spec.tablespaces[1]',
    undefined,
    cluster({
      tablespaces: [
        { name: 'tbs1', storage: { size: '10Gi' } },
        { name: 'tbs2', storage: { size: '10Gi' } },
      ],
    }),
  ),
  c(
    5275,
    'a tablespace shrunk',
    'refuse',
    cluster({ tablespaces: [{ name: 'tbs1', storage: { size: '9Gi' } }] }),
    '.spec.tablespaces[0]',
    undefined,
    cluster({ tablespaces: [{ name: 'tbs1', storage: { size: '10Gi' } }] }),
  ),
  c(
    5342,
    'a snapshot class for an undeclared tablespace',
    'refuse',
    cluster({
      tablespaces: [{ name: 'tbs1', storage: { size: '9Gi' } }],
      backup: { volumeSnapshot: { tablespaceClassName: { 'not-present': 'random' } } },
    }),
    '.spec.backup.volumeSnapshot.tablespaceClassName',
  ),
  // annotations
  c(5379, "hibernation 'on'", 'accept', cluster({}, { annotations: { 'cnpg.io/hibernation': 'on' } })),
  c(
    5401,
    'hibernation ""',
    'refuse',
    cluster({}, { annotations: { 'cnpg.io/hibernation': '' } }),
    '.metadata.annotations.cnpg.io/hibernation',
  ),
  c(
    5633,
    'a pod patch that is no JSON patch',
    'refuse',
    cluster({}, { annotations: { 'cnpg.io/podPatch': 'invalid-json-patch' } }),
    '.metadata.annotations.cnpg.io/podPatch',
  ),
  c(
    5665,
    'a pod patch',
    'accept',
    cluster({}, { annotations: { 'cnpg.io/podPatch': '[{"op": "replace", "path": "/metadata/name", "value": "test"}]' } }),
  ),
  c(
    5744,
    'a liveness pinger configuration',
    'accept',
    cluster(
      {},
      { annotations: { 'alpha.cnpg.io/livenessPinger': '{"connectionTimeout": 1000, "requestTimeout": 5000, "enabled": true}' } },
    ),
  ),
  c(
    5755,
    'a liveness pinger configuration without "enabled"',
    'refuse',
    cluster({}, { annotations: { 'alpha.cnpg.io/livenessPinger': '{"requestTimeout": 5000}' } }),
    '.metadata.annotations.alpha.cnpg.io/livenessPinger',
  ),
  c(
    6762,
    'a failover quorum annotation that is no boolean',
    'refuse',
    cluster({}, { annotations: { 'alpha.cnpg.io/failoverQuorum': 'toast' } }),
    '.metadata.annotations.alpha.cnpg.io/failoverQuorum',
  ),
  c(
    6778,
    'failover quorum on without synchronous replication',
    'refuse',
    cluster({}, { annotations: { 'alpha.cnpg.io/failoverQuorum': 't' } }),
    '.spec.postgresql.synchronous',
  ),
  c(
    6822,
    'failover quorum with too few synchronous replicas',
    'refuse',
    cluster({ instances: 3, postgresql: { synchronous: { method: 'any', number: 1, standbyNamesPre: ['a'], failoverQuorum: true } } }),
    '.spec.postgresql.synchronous',
  ),
  c(
    6801,
    'failover quorum with enough synchronous replicas',
    'accept',
    cluster({ instances: 3, postgresql: { synchronous: { method: 'any', number: 1, failoverQuorum: true } } }),
  ),
  // managed services
  c(
    5445,
    'two additional services',
    'accept',
    cluster({
      managed: {
        services: {
          additional: [
            { selectorType: 'rw', serviceTemplate: { metadata: { name: 'service1' } } },
            { selectorType: 'r', serviceTemplate: { metadata: { name: 'service2' } } },
          ],
        },
      },
    }),
  ),
  c(
    5463,
    'two additional services with one name',
    'refuse',
    cluster({
      managed: {
        services: {
          additional: [
            { selectorType: 'rw', serviceTemplate: { metadata: { name: 'service1' } } },
            { selectorType: 'r', serviceTemplate: { metadata: { name: 'service1' } } },
          ],
        },
      },
    }),
    '.spec.managed.services.additional',
  ),
  c(
    5485,
    'an additional service without a name',
    'refuse',
    cluster({ managed: { services: { additional: [{ selectorType: 'rw', serviceTemplate: { metadata: { name: '' } } }] } } }),
    '.spec.managed.services.additional[0]',
  ),
  c(
    5499,
    "an additional service named like CNPG's",
    'refuse',
    cluster({ managed: { services: { additional: [{ selectorType: 'rw', serviceTemplate: { metadata: { name: 'c-rw' } } }] } } }),
    '.spec.managed.services.additional[0]',
  ),
  c(
    5531,
    'the rw service disabled',
    'refuse',
    cluster({ managed: { services: { disabledDefaultServices: ['rw'] } } }),
    '.spec.managed.services.disabledDefaultServices',
  ),
  c(5522, 'the ro and r services disabled', 'accept', cluster({ managed: { services: { disabledDefaultServices: ['r', 'ro'] } } })),
  c(
    5597,
    'an additional service with a selector',
    'refuse',
    cluster({
      managed: {
        services: {
          additional: [{ selectorType: 'rw', serviceTemplate: { metadata: { name: 'x' }, spec: { selector: { app: 'test' } } } }],
        },
      },
    }),
    '.spec.managed.services.additional[0]',
  ),
  // plugins
  c(
    5716,
    'two WAL archiver plugins',
    'refuse',
    cluster({
      plugins: [
        { name: 'a', isWALArchiver: true },
        { name: 'b', isWALArchiver: true },
      ],
    }),
    '.spec.plugins',
  ),
  c(
    5723,
    'one WAL archiver plugin',
    'accept',
    // barmanObjectName given: an archiver without its store is refused by the backup rules.
    cluster({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'store' } }] }),
  ),
  // extensions
  c(5780, 'two extension images', 'accept', cluster(withExtensions(EXT('ext-one'), EXT('ext-two')))),
  c(
    5805,
    'an extension name twice',
    'refuse',
    cluster(withExtensions(EXT('ext-one'), EXT('ext-two'), EXT('ext-two'))),
    '.spec.postgresql.extensions[2].name',
  ),
  c(
    5847,
    'an empty extension_control_path entry',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { extension_control_path: ['/valid/path', ''] }))),
    '.spec.postgresql.extensions[0].extension_control_path[1]',
  ),
  c(
    5877,
    'absolute paths',
    'accept',
    cluster(
      withExtensions(
        EXT('ext-one', { extension_control_path: ['/usr/share/postgresql/extension'], dynamic_library_path: ['/usr/lib/postgresql/lib'] }),
      ),
    ),
  ),
  c(
    5929,
    'an extension_control_path entry twice',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { extension_control_path: ['share', 'opt', 'share'] }))),
    '.spec.postgresql.extensions[0].extension_control_path[2]',
  ),
  c(
    6013,
    'an empty ld_library_path entry',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { ld_library_path: ['/valid/path', ''] }))),
    '.spec.postgresql.extensions[0].ld_library_path[1]',
  ),
  c(
    6066,
    'an empty bin_path entry',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { bin_path: ['/valid/path', ''] }))),
    '.spec.postgresql.extensions[0].bin_path[1]',
  ),
  c(
    6091,
    'a path that escapes the image',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { dynamic_library_path: ['../../etc'] }))),
    '.spec.postgresql.extensions[0].dynamic_library_path[0]',
  ),
  c(
    6195,
    'PATH and LD_LIBRARY_PATH in env',
    'refuse',
    cluster(
      withExtensions(
        EXT('ext-one', {
          env: [
            { name: 'PATH', value: '/bin' },
            { name: 'LD_LIBRARY_PATH', value: '/lib' },
          ],
        }),
      ),
    ),
    '.spec.postgresql.extensions[0].env[0].name',
  ),
  c(
    6231,
    'a reserved extension env variable',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { env: [{ name: 'PGDATA', value: '/x' }] }))),
    '.spec.postgresql.extensions[0].env[0].name',
  ),
  c(
    6269,
    'an extension env variable twice',
    'refuse',
    cluster(
      withExtensions(
        EXT('ext-one', {
          env: [
            { name: 'FOO', value: 'foo' },
            { name: 'FOO', value: 'bar' },
          ],
        }),
      ),
    ),
    '.spec.postgresql.extensions[0].env[1].name',
  ),
  c(
    6303,
    'an unknown placeholder',
    'refuse',
    cluster(withExtensions(EXT('ext-one', { env: [{ name: 'BAD', value: '${image_rot}/lib' }] }))),
    '.spec.postgresql.extensions[0].env[0].value',
  ),
  c(
    6336,
    'escaped placeholders',
    'accept',
    cluster(withExtensions(EXT('ext-one', { env: [{ name: 'MIXED', value: '$${escaped}/${image_root}/lib' }] }))),
  ),
  c(6366, 'pg_ivm and pg-ivm', 'refuse', cluster(withExtensions(EXT('pg_ivm'), EXT('pg-ivm'))), '.spec.postgresql.extensions[1].name'),
  c(6421, 'pg_foo-bar and pg-foo_baz', 'accept', cluster(withExtensions(EXT('pg_foo-bar'), EXT('pg-foo_baz')))),
  c(
    5780,
    'no image reference and no catalog (the CRD refuses it first)',
    'refuse',
    cluster(withExtensions({ name: 'ext-one', image: {} })),
    '.spec.postgresql.extensions[0].image.reference',
  ),
  // pod selectors, service account
  c(
    6854,
    'a pod selector used in pg_hba',
    'accept',
    cluster({
      podSelectorRefs: [{ name: 'app-pods', selector: { matchLabels: { app: 'x' } } }],
      postgresql: { pg_hba: ['host all all ${podselector:app-pods} md5'] },
    }),
  ),
  c(
    6882,
    'pg_hba with an undefined pod selector',
    'refuse',
    cluster({ postgresql: { pg_hba: ['host all all ${podselector:nope} md5'] } }),
    '.spec.postgresql.pg_hba[0]',
  ),
  c(
    6898,
    'a pod selector name twice',
    'refuse',
    cluster({
      podSelectorRefs: [
        { name: 'app-pods', selector: { matchLabels: { app: 'x' } } },
        { name: 'app-pods', selector: { matchLabels: { app: 'y' } } },
      ],
    }),
    '.spec.podSelectorRefs[1].name',
  ),
  c(
    6944,
    'two pod selectors on one pg_hba line',
    'refuse',
    cluster({
      podSelectorRefs: [
        { name: 'a1', selector: { matchLabels: { a: 'x' } } },
        { name: 'a2', selector: { matchLabels: { a: 'y' } } },
      ],
      postgresql: { pg_hba: ['host all all ${podselector:a1},${podselector:a2} md5'] },
    }),
    '.spec.postgresql.pg_hba[0]',
  ),
  c(
    7030,
    'serviceAccountName and serviceAccountTemplate',
    'refuse',
    cluster({ serviceAccountName: 'shared-sa', serviceAccountTemplate: { metadata: { labels: { a: 'b' } } } }),
    '.spec.serviceAccountName',
  ),
  // LDAP: no unit test upstream; cases from the function itself (cluster_webhook.go:253, validateLDAP)
  {
    cite: 'internal/webhook/v1/cluster_webhook.go:253',
    what: 'LDAP settings without a server',
    object: cluster({ postgresql: { ldap: { port: 389 } } }),
    cnpg: 'refuse',
    field: '.spec.postgresql.ldap',
  },
  {
    cite: 'internal/webhook/v1/cluster_webhook.go:253',
    what: 'LDAP with bind and bind+search',
    object: cluster({
      postgresql: { ldap: { server: 'ldap.example.com', bindAsAuth: { prefix: 'uid=' }, bindSearchAuth: { baseDN: 'dc=x' } } },
    }),
    cnpg: 'refuse',
    field: '.spec.postgresql.ldap',
  },
  {
    cite: 'internal/webhook/v1/cluster_webhook.go:253',
    what: 'LDAP with a server',
    object: cluster({ postgresql: { ldap: { server: 'ldap.example.com', bindAsAuth: { prefix: 'uid=' } } } }),
    cnpg: 'accept',
  },
  // warnings
  {
    // No unit test upstream: the function itself (getDeprecatedMonitoringFieldsWarnings).
    cite: 'internal/webhook/v1/cluster_webhook.go:2795',
    what: 'the operator-generated PodMonitor: deprecated',
    cnpg: 'warn',
    object: cluster({ monitoring: { enablePodMonitor: true } }),
    field: '.spec.monitoring.enablePodMonitor',
  },
  {
    cite: 'internal/webhook/v1/cluster_webhook.go:2808',
    what: "the generated PodMonitor's relabelings: deprecated",
    cnpg: 'warn',
    object: cluster({ monitoring: { podMonitorRelabelings: [{ targetLabel: 'team', replacement: 'a' }] } }),
    field: '.spec.monitoring.podMonitorRelabelings',
  },
  c(
    6493,
    'in-tree Barman Cloud: deprecated',
    'warn',
    cluster({ backup: { barmanObjectStore: { destinationPath: 's3://b/p', s3Credentials: { inheritFromIAMRole: true } } } }),
    '.spec.backup.barmanObjectStore',
  ),
  c(
    6554,
    'a retention policy without in-tree Barman Cloud',
    'warn',
    cluster({ backup: { retentionPolicy: '30d' } }),
    '.spec.backup.retentionPolicy',
  ),
  c(
    6597,
    'storageClass and pvcTemplate.storageClassName',
    'warn',
    cluster({ storage: { size: '1Gi', storageClass: 'a', pvcTemplate: { storageClassName: 'b' } } }),
    '.spec.storage.storageClass',
  ),
  c(
    6616,
    'size and a pvcTemplate storage request',
    'warn',
    cluster({ storage: { size: '1Gi', pvcTemplate: { resources: { requests: { storage: '2Gi' } } } } }),
    '.spec.storage.size',
  ),
  c(
    6739,
    'a pvcTemplate without a storage request',
    'accept',
    cluster({ storage: { size: '1Gi', pvcTemplate: { accessModes: ['ReadWriteOnce'] } } }),
  ),
  c(
    3587,
    'an in-tree retention policy that is no policy (the CRD pattern refuses it first)',
    'refuse',
    cluster({ backup: { retentionPolicy: '09' } }),
    '.spec.backup.retentionPolicy',
  ),
  c(
    3575,
    'an in-tree retention policy (warned: no in-tree Barman Cloud here)',
    'warn',
    cluster({ backup: { retentionPolicy: '90d' } }),
    '.spec.backup.retentionPolicy',
  ),
  c(860, 'shared_buffers without a unit', 'warn', cluster(params({ shared_buffers: '128' })), '.spec.postgresql.parameters.shared_buffers'),
  // recovery target time and the in-tree store's credentials: the backup rules' (lib/core/admission/backup-cluster.ts)
  c(
    1696,
    'a recovery target time CNPG cannot parse',
    'refuse',
    cluster({ bootstrap: { recovery: { backup: { name: 'b' }, recoveryTarget: { targetTime: '2021-09-01 10:22:47.000000 +06:00' } } } }),
    '.spec.bootstrap.recovery.recoveryTarget',
  ),
  c(
    3546,
    'in-tree Barman Cloud without credentials',
    'refuse',
    cluster({ backup: { barmanObjectStore: { destinationPath: 's3://b/p' } } }),
    '.spec.backup.barmanObjectStore',
  ),
];

/** Database, Pooler, ScheduledBackup and Backup: each cites its own test file. */
function k(file: string, line: number, what: string, cnpg: Verdict, object: KubeObject, field?: string, note?: string): AgreementCase {
  return { cite: `internal/webhook/v1/${file}_webhook_test.go:${line}`, what, object, cnpg, field, note };
}
const database = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Database',
  metadata: { name: 'd', namespace: 'db' },
  spec: { name: 'app', owner: 'app', cluster: { name: 'c' }, ...spec },
});
const pooler = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Pooler',
  metadata: { name, namespace: 'db' },
  spec: { cluster: { name: 'c' }, pgbouncer: {}, ...spec },
});
const scheduled = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'ScheduledBackup',
  metadata: { name: 's', namespace: 'db' },
  spec: { cluster: { name: 'backed-up' }, schedule: '0 0 0 * * *', ...spec },
});
const backup = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Backup',
  metadata: { name: 'b', namespace: 'db', ...metadata },
  spec: { cluster: { name: 'backed-up' }, ...spec },
});

export const OTHER_CASES: readonly AgreementCase[] = [
  k(
    'database',
    95,
    'distinct extensions and schemas',
    'accept',
    database({ extensions: [{ name: 'postgis' }], schemas: [{ name: 's', owner: 'app' }] }),
  ),
  k(
    'database',
    110,
    'an extension twice',
    'refuse',
    database({ extensions: [{ name: 'postgis' }, { name: 'postgis' }] }),
    '.spec.extensions[1].name',
  ),
  k(
    'database',
    125,
    'a schema twice',
    'refuse',
    database({
      schemas: [
        { name: 's', owner: 'app' },
        { name: 's', owner: 'app' },
      ],
    }),
    '.spec.schemas[1].name',
  ),
  k(
    'database',
    161,
    'a foreign data wrapper twice',
    'refuse',
    database({ fdws: [{ name: 'postgres_fdw' }, { name: 'postgres_fdw' }] }),
    '.spec.fdws[1].name',
  ),
  k(
    'database',
    176,
    'a usage twice in a foreign data wrapper',
    'refuse',
    database({
      fdws: [
        {
          name: 'postgres_fdw',
          usage: [
            { name: 'app', type: 'grant' },
            { name: 'app', type: 'grant' },
          ],
        },
      ],
    }),
    '.spec.fdws[0].usage[1].name',
  ),
  k(
    'database',
    241,
    'a foreign server twice',
    'refuse',
    database({
      fdws: [{ name: 'postgres_fdw' }],
      servers: [
        { name: 'r', fdw: 'postgres_fdw' },
        { name: 'r', fdw: 'postgres_fdw' },
      ],
    }),
    '.spec.servers[1].name',
  ),
  k(
    'database',
    256,
    'an option twice in a foreign server',
    'refuse',
    database({
      fdws: [{ name: 'postgres_fdw' }],
      servers: [
        {
          name: 'r',
          fdw: 'postgres_fdw',
          options: [
            { name: 'host', value: 'a' },
            { name: 'host', value: 'b' },
          ],
        },
      ],
    }),
    '.spec.servers[0].options[1].name',
  ),
  k(
    'database',
    220,
    'a foreign server of an undefined wrapper',
    'refuse',
    database({ servers: [{ name: 'r', fdw: 'nope' }] }),
    '.spec.servers[0].fdw',
  ),
  k(
    'pooler',
    38,
    'authQuerySecret without authQuery',
    'refuse',
    pooler({ pgbouncer: { authQuerySecret: { name: 'test' } } }),
    '.spec.pgbouncer.authQuery',
  ),
  k(
    'pooler',
    52,
    'authQuery without authQuerySecret',
    'refuse',
    pooler({ pgbouncer: { authQuery: 'test' } }),
    '.spec.pgbouncer.authQuerySecret.name',
  ),
  k(
    'pooler',
    64,
    'authQuery and authQuerySecret (warned: deprecated, manual integration)',
    'warn',
    pooler({ pgbouncer: { authQuery: 'test', authQuerySecret: { name: 'test' } } }),
    '.spec.pgbouncer.authQuerySecret',
  ),
  k('pooler', 79, 'automatic integration', 'accept', pooler({})),
  k('pooler', 98, 'a pooler named like its cluster', 'refuse', pooler({ cluster: { name: 'test' } }, 'test'), '.metadata.name'),
  k(
    'pooler',
    121,
    'a parameter CNPG manages',
    'refuse',
    pooler({ pgbouncer: { parameters: { pool_mode: 'test' } } }),
    '.spec.pgbouncer.parameters.pool_mode',
    'CNPG names it spec.cluster.parameters',
  ),
  k('pooler', 132, 'an allowed parameter', 'accept', pooler({ pgbouncer: { parameters: { verbose: '10' } } })),
  k(
    'pooler',
    172,
    'metrics TLS with a client TLS secret',
    'warn',
    pooler({ pgbouncer: { clientTLSSecret: { name: 'my-tls' } }, monitoring: { enablePodMonitor: true, tls: { enabled: true } } }),
    '.spec.monitoring',
    'accepted with the deprecation warning for enablePodMonitor',
  ),
  k(
    'pooler',
    186,
    'metrics TLS and a PodMonitor without a client TLS secret',
    'refuse',
    pooler({ monitoring: { enablePodMonitor: true, tls: { enabled: true } } }),
    '.spec.pgbouncer.clientTLSSecret',
  ),
  k('pooler', 177, 'metrics TLS without the generated PodMonitor', 'accept', pooler({ monitoring: { tls: { enabled: true } } })),
  k('scheduledbackup', 38, 'a six-field schedule', 'accept', scheduled({})),
  k('scheduledbackup', 62, 'a seven-field schedule', 'refuse', scheduled({ schedule: '0 0 0 * * * 1996' }), '.spec.schedule'),
  k('scheduledbackup', 62, 'an hour out of range', 'refuse', scheduled({ schedule: '0 0 25 * * *' }), '.spec.schedule'),
  k(
    'scheduledbackup',
    102,
    'online with the barmanObjectStore method',
    'refuse',
    scheduled({ method: 'barmanObjectStore', online: true }),
    '.spec.online',
  ),
  k(
    'scheduledbackup',
    116,
    'onlineConfiguration with the default method',
    'refuse',
    scheduled({ onlineConfiguration: { immediateCheckpoint: true } }),
    '.spec.onlineConfiguration',
  ),
  k(
    'backup',
    62,
    'online with the barmanObjectStore method',
    'refuse',
    backup({ method: 'barmanObjectStore', online: true }),
    '.spec.online',
  ),
  k(
    'backup',
    74,
    'onlineConfiguration with the default method',
    'refuse',
    backup({ onlineConfiguration: { immediateCheckpoint: true } }),
    '.spec.onlineConfiguration',
  ),
  k(
    'backup',
    86,
    'a snapshot deadline that is no integer',
    'refuse',
    backup({ method: 'volumeSnapshot' }, { annotations: { 'cnpg.io/volumeSnapshotDeadline': 'soon' } }),
    '.metadata.annotations.cnpg.io/volumeSnapshotDeadline',
  ),
  k(
    'backup',
    100,
    'a snapshot deadline',
    'accept',
    backup({ method: 'volumeSnapshot' }, { annotations: { 'cnpg.io/volumeSnapshotDeadline': '10' } }),
  ),
  k('backup', 39, 'a plugin backup without the plugin', 'refuse', backup({ method: 'plugin' }), '.spec.pluginConfiguration'),
  k(
    'backup',
    39,
    'a plugin backup',
    'accept',
    backup({ method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } }),
  ),
];

/**
 * Cases the library does not model (yet), with CNPG's verdict: the test asserts the library still disagrees, so that
 * a case that becomes modelled moves to the table above.
 */
export const NOT_MODELLED: readonly (AgreementCase & { readonly why: string })[] = [
  {
    ...c(
      5649,
      'a pod patch that does not apply to the pod',
      'refuse',
      cluster({}, { annotations: { 'cnpg.io/podPatch': '[{"op": "replace", "path": "/spec/podInvalidSection", "value": "test"}]' } }),
      '.metadata.annotations.cnpg.io/podPatch',
    ),
    why: 'applying the patch needs the pod CNPG would build (specs.NewInstance); only its syntax is checked',
  },
  {
    ...k(
      'scheduledbackup',
      88,
      'a volumeSnapshot backup where the VolumeSnapshot CRD is missing',
      'refuse',
      scheduled({ method: 'volumeSnapshot' }),
      '.spec.method',
    ),
    why: 'whether the VolumeSnapshot CRD is installed is a property of the cluster, not of the manifest',
  },
];

/**
 * Cases where the library deliberately or knowingly gives another verdict or field than CNPG: the test asserts each
 * still disagrees (and how), so that a fixed one moves back to the table.
 */
export const DIVERGENCES: readonly (AgreementCase & { readonly why: string; readonly library: string })[] = [
  {
    ...c(
      3229,
      'a replica cluster without bootstrap (initdb once defaulted)',
      'refuse',
      cluster({ replica: { enabled: true, source: 'src' }, ...src }),
      '.spec.replica',
      'CNPG defaults bootstrap to initdb first, then refuses initdb for a replica (spec.replicaCluster)',
    ),
    library: 'refuse .spec.bootstrap replica-bootstrap-required',
    why: 'the backup rules (backup-cluster.ts replicaFindings) name .spec.bootstrap; CNPG names spec.replicaCluster',
  },
  {
    ...c(
      3246,
      'a replica cluster bootstrapped by initdb',
      'refuse',
      cluster(replicaOf({ enabled: true }, { initdb: {} })),
      '.spec.replica',
    ),
    library: 'refuse .spec.bootstrap replica-bootstrap-required',
    why: 'the backup rules (backup-cluster.ts replicaFindings) name .spec.bootstrap; CNPG names spec.replicaCluster',
  },
  {
    ...c(
      3266,
      'initdb on an existing cluster that becomes a replica',
      'accept',
      cluster(replicaOf({ enabled: true }, { initdb: {} }), { resourceVersion: '1' }),
      undefined,
      undefined,
      cluster({ bootstrap: { initdb: {} }, ...src }),
    ),
    library: 'refuse .spec.bootstrap replica-bootstrap-required',
    why: 'the backup rules (backup-cluster.ts replicaFindings) refuse on update too; CNPG checks the bootstrap only at creation (len(r.ResourceVersion) == 0)',
  },
  {
    ...k('scheduledbackup', 50, 'a five-field schedule', 'warn', scheduled({ schedule: '1 2 3 4 5' }), '.spec.schedule'),
    library: 'refuse .spec.schedule schedule-five-fields',
    why: 'deliberately stricter (lib/core/backup/cron.ts checkSchedule): five fields are read as second minute hour day month',
  },
];
