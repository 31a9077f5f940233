// The parsers CNPG uses, ported (robfig/cron v1.2.0, Go's time.ParseDuration, lib/pq's timestamps through
// machinery's ParseTargetTime), checked against the cases of those projects' own tests; then every backup admission
// rule over plain objects, as `validate` and synth run them.
import { admissionFindings, type KubeObject } from '../../lib/core';
import { parseCnpgSchedule } from '../../lib/core/backup/cron';
import { parseGoDuration } from '../../lib/core/backup/go-duration';
import { parseTargetTime } from '../../lib/core/backup/target-time';

describe('the schedule parser (robfig/cron v1.2.0 cron.Parse)', () => {
  // parser_test.go TestRange, in a field of 0-59 (the minute): the same accepted forms and errors.
  test.each([
    ['0 5 * * * *', undefined],
    ['0 5-6/2 * * * *', undefined],
    ['0 */2 * * * *', undefined],
    ['0 1,5-7/2,3 * * * *', undefined],
    ['0 0 9-17 * * MON-FRI', undefined],
    ['0 0 0 1 JAN,jul ?', undefined],
    ['0 5--5 * * * *', 'Too many hyphens'],
    ['0 0 0 1 jan-x *', 'Failed to parse int from'],
    ['0 */-12 * * * *', 'Negative number'],
    ['0 *//2 * * * *', 'Too many slashes'],
    ['0 0 0 0 * *', 'below minimum'],
    ['0 60 * * * *', 'above maximum'],
    ['0 5-3 * * * *', 'beyond end of range'],
    ['0 */0 * * * *', 'should be a positive number'],
    ['* 5 j * * *', 'Failed to parse int from'],
    ['1 2 3 4 5 6 7', 'Expected 5 to 6 fields, found 7'],
    ['0 0', 'Expected 5 to 6 fields, found 2'],
    ['', 'Empty spec string'],
    ['@daily', undefined],
    ['@every 1h30m', undefined],
    ['@every 1x', 'Failed to parse duration'],
    ['@fortnightly', 'Unrecognized descriptor'],
  ])('%j', (spec, error) => {
    const parsed = parseCnpgSchedule(spec);
    if (error === undefined) expect(parsed).not.toHaveProperty('error');
    else expect((parsed as { error: string }).error).toContain(error);
  });

  test('five fields parse (CNPG accepts them, as second minute hour day month)', () => {
    expect(parseCnpgSchedule('0 2 * * *')).toEqual({ fields: 5 });
  });
});

describe("Go's time.ParseDuration", () => {
  // go/src/time/time_test.go parseDurationTests (a selection).
  test.each([
    ['0', 0n],
    ['5s', 5_000_000_000n],
    ['-5s', -5_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['1µs', 1000n],
    ['100ns', 100n],
  ])('%s', (text, nanos) => expect(parseGoDuration(text)).toEqual({ nanos }));
  test.each(['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '9223372036854775808ns'])('%j is refused', (text) => {
    expect(parseGoDuration(text)).toHaveProperty('error');
  });
});

describe('recoveryTarget.targetTime as CNPG parses it (machinery ParseTargetTime)', () => {
  // lib/pq v1.12.3 internal/pqtime/pqtime_test.go TestParseTs: accepted...
  test.each([
    '2001-02-03',
    '0001-12-31 BC',
    '2001-02-03 04:05:06',
    '2001-02-03 04:05:06.000001',
    '2001-02-03 04:05:06.123-07',
    '2001-02-03 04:05:06-07:42',
    '2001-02-03 04:05:06+07:30:09',
    '0011-02-03 04:05:06.123-07 BC',
    '12345-02-03 04:05:06.1',
    // ... and Go's layouts after pq's.
    '2025-05-01T10:00:00Z',
    '2025-05-01T10:00:00.123456+02:00',
    '2025-05-01T10:00:00.5Z',
    '2025-05-01T10:00:00',
  ])('%s', (t) => expect(parseTargetTime(t)).toBeDefined());
  // ... and refused (by pq, then by the three Go layouts).
  test.each([
    'BC',
    ' BC',
    '2001',
    '2001-2-03',
    '2001-02-3',
    '2001-02-03 ',
    '2001-02-03 04',
    '2001-02-03 04:05',
    '2001-02-03 04:05 BC',
    '2001-02-03 04:05:6',
    '2001-02-03 04:05:06 B',
    '2001-02-03 04:05:06BC',
    '2025-02-30T10:00:00Z',
    '2025-05-01T25:00:00Z',
    'yesterday',
  ])('%j is refused', (t) => expect(parseTargetTime(t)).toBeUndefined());
});

const cluster = (name: string, spec: Record<string, unknown>, namespace = 'db'): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name, namespace },
  spec: { instances: 1, storage: { size: '1Gi' }, ...spec },
});
const store = (name: string, destinationPath: string, namespace = 'db', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'barmancloud.cnpg.io/v1',
  kind: 'ObjectStore',
  metadata: { name, namespace },
  spec: { configuration: { destinationPath, s3Credentials: { inheritFromIAMRole: true }, ...extra } },
});
const archiving = (objectName: string, serverName?: string) => ({
  plugins: [
    {
      name: 'barman-cloud.cloudnative-pg.io',
      isWALArchiver: true,
      parameters: { barmanObjectName: objectName, ...(serverName ? { serverName } : {}) },
    },
  ],
});
const external = (name: string, objectName: string, serverName?: string) => ({
  name,
  plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: objectName, ...(serverName ? { serverName } : {}) } },
});
const scheduled = (spec: Record<string, unknown>, namespace = 'db'): KubeObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'ScheduledBackup',
  metadata: { name: 'nightly', namespace },
  spec: {
    cluster: { name: 'a' },
    schedule: '0 0 2 * * *',
    method: 'plugin',
    pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    ...spec,
  },
});
const codes = (objects: KubeObject[], operatorVersion?: string) =>
  admissionFindings(objects, { operatorVersion }).map((f) => `${f.severity ?? 'error'} ${f.code} ${f.where} ${f.field}`);

test('the fix of a shared archive names a server name other than the one in conflict', () => {
  const fixes = (objects: KubeObject[]) =>
    admissionFindings(objects)
      .filter((f) => f.code === 'archive-destination-shared')
      .map((f) => /e\.g\. "([^"]+)"/.exec(f.fix ?? '')?.[1]);
  // Two clusters "pg" in two namespaces, one bucket, the default server name (the cluster's name).
  expect(
    fixes([
      store('s', 's3://bucket/pg', 'staging'),
      cluster('pg', archiving('s'), 'staging'),
      store('s', 's3://bucket/pg', 'prod'),
      cluster('pg', archiving('s'), 'prod'),
    ]),
  ).toEqual(['pg-prod']);
  // Two clusters with one explicit server name: the second's own name is free.
  expect(fixes([store('s1', 's3://bucket/pg'), cluster('a', archiving('s1', 'x')), cluster('b', archiving('s1', 'x'))])).toEqual(['b']);
});

describe('backup admission rules over objects', () => {
  test('a production-shaped set is clean', () => {
    const objects = [
      store('a-store', 's3://bucket/pg'),
      cluster('a', archiving('a-store')),
      scheduled({}),
      cluster('b', {
        ...archiving('a-store', 'b'),
        bootstrap: { recovery: { source: 'a', recoveryTarget: { targetTime: '2025-05-01T10:00:00Z' } } },
        externalClusters: [external('a', 'a-store', 'a')],
      }),
    ];
    expect(codes(objects)).toEqual([]);
  });

  test.each<[string, KubeObject[], string[]]>([
    [
      'two clusters archiving to one destination and server name (two stores, one path)',
      [
        store('s1', 's3://bucket/pg/'),
        store('s2', 's3://bucket/pg'),
        cluster('a', archiving('s1', 'x')),
        cluster('b', archiving('s2', 'x')),
      ],
      ['error archive-destination-shared Cluster/db/b .spec.plugins[0]'],
    ],
    [
      'two clusters sharing one store with the default server name are fine',
      [store('s1', 's3://bucket/pg'), cluster('a', archiving('s1')), cluster('b', archiving('s1'))],
      [],
    ],
    [
      'a recovered cluster archiving into its source (same store, same server name)',
      [
        store('s1', 's3://bucket/pg'),
        cluster('a', { ...archiving('s1'), bootstrap: { recovery: { source: 'a' } }, externalClusters: [external('a', 's1')] }),
      ],
      ['error backup-overwrites-source Cluster/db/a .spec.plugins[0]'],
    ],
    [
      'a recovered cluster archiving into its source through another store with the same path',
      [
        store('s1', 's3://bucket/pg'),
        store('s2', 's3://bucket/pg'),
        cluster('b', { ...archiving('s2', 'a'), bootstrap: { recovery: { source: 'a' } }, externalClusters: [external('a', 's1', 'a')] }),
      ],
      ['error backup-overwrites-source Cluster/db/b .spec.plugins[0]'],
    ],
    [
      "a recovery source without a server name (the plugin would read the recovering cluster's)",
      [cluster('b', { bootstrap: { recovery: { source: 'a' } }, externalClusters: [external('a', 's1')] })],
      ['error source-server-name-missing Cluster/db/b .spec.externalClusters[0].plugin.parameters.serverName'],
    ],
    [
      'a replica source without a server name',
      [
        cluster('b', {
          bootstrap: { recovery: { source: 'a' } },
          replica: { primary: 'a', source: 'a' },
          externalClusters: [external('a', 's1', 'a'), external('b', 's2')],
        }),
        cluster('c', {
          bootstrap: { recovery: { source: 'a' } },
          replica: { source: 'a', enabled: true },
          externalClusters: [external('a', 's1')],
        }),
      ],
      ['error source-server-name-missing Cluster/db/c .spec.externalClusters[0].plugin.parameters.serverName'],
    ],
    [
      'an ObjectStore in another namespace than its cluster',
      [store('s1', 's3://bucket/pg', 'other'), cluster('a', archiving('s1'))],
      ['error object-store-namespace-mismatch Cluster/db/a .spec.plugins[0].parameters.barmanObjectName'],
    ],
    [
      'a scheduled backup of a cluster without a backup method',
      [cluster('a', {}), scheduled({})],
      ['error backup-method-not-configured ScheduledBackup/db/nightly .spec.method'],
    ],
    [
      'a volume snapshot backup of a cluster without volumeSnapshot',
      [cluster('a', archiving('s')), scheduled({ method: 'volumeSnapshot', pluginConfiguration: undefined })],
      ['error backup-method-not-configured ScheduledBackup/db/nightly .spec.method'],
    ],
    [
      'a backup in another namespace than its cluster',
      [cluster('a', archiving('s'), 'prod'), scheduled({})],
      ['error backup-cluster-namespace ScheduledBackup/db/nightly .spec.cluster.name'],
    ],
    [
      'a five-field schedule, and one CNPG cannot parse',
      [scheduled({ schedule: '0 2 * * *' }), { ...scheduled({ schedule: '0 0 25 * * *' }), metadata: { name: 'bad', namespace: 'db' } }],
      [
        'error schedule-five-fields ScheduledBackup/db/nightly .spec.schedule',
        'error schedule-invalid ScheduledBackup/db/bad .spec.schedule',
      ],
    ],
    [
      'method plugin without a plugin configuration',
      [scheduled({ pluginConfiguration: undefined })],
      ['error backup-plugin-configuration-missing ScheduledBackup/db/nightly .spec.pluginConfiguration'],
    ],
    [
      'the in-tree method (CNPG defaults to it): a warning for 1.30',
      [scheduled({ method: undefined, pluginConfiguration: undefined, online: true })],
      [
        'error backup-online-needs-snapshot ScheduledBackup/db/nightly .spec.online',
        'warning barman-object-store-deprecated ScheduledBackup/db/nightly .spec',
      ],
    ],
    [
      'retention syntax (ObjectStore) and credentials',
      [
        {
          ...store('s1', 's3://bucket/pg', 'db', { s3Credentials: { accessKeyId: { name: 'c', key: 'ID' } } }),
          spec: {
            retentionPolicy: '30 days',
            configuration: { destinationPath: 'gs://b', s3Credentials: { accessKeyId: { name: 'c', key: 'ID' } } },
          },
        },
      ],
      [
        'error object-store-s3-key-pair ObjectStore/db/s1 .spec.configuration.s3Credentials',
        'error object-store-destination-scheme ObjectStore/db/s1 .spec.configuration.destinationPath',
        'error retention-policy-invalid ObjectStore/db/s1 .spec.retentionPolicy',
      ],
    ],
    [
      'an ObjectStore with serverName, no credentials, and xz for base backups',
      [{ ...store('s1', 's3://b'), spec: { configuration: { destinationPath: 's3://b', serverName: 'x', data: { compression: 'xz' } } } }],
      [
        'error object-store-provider-missing ObjectStore/db/s1 .spec.configuration',
        'error object-store-data-compression-invalid ObjectStore/db/s1 .spec.configuration.data.compression',
        'error object-store-server-name ObjectStore/db/s1 .spec.configuration.serverName',
      ],
    ],
    [
      'recovery targets CNPG refuses, and ones PostgreSQL refuses later',
      [
        cluster('b', {
          bootstrap: { recovery: { source: 'a', recoveryTarget: { targetTime: '2025-05-01 10:00:00', targetLSN: '0/1' } } },
          externalClusters: [external('a', 's', 'a')],
        }),
        cluster('c', {
          bootstrap: { recovery: { source: 'a', recoveryTarget: { targetTime: 'May 1st' } } },
          externalClusters: [external('a', 's', 'a')],
        }),
        cluster('d', {
          bootstrap: { recovery: { source: 'a', recoveryTarget: { targetTime: '2025-02-30 10:00:00' } } },
          externalClusters: [external('a', 's', 'a')],
        }),
        cluster('e', {
          bootstrap: { recovery: { source: 'a', recoveryTarget: { targetLSN: '100000000/0', targetName: 'x'.repeat(64) } } },
          externalClusters: [external('a', 's', 'a')],
        }),
        cluster('f', {
          bootstrap: { recovery: { source: 'a', recoveryTarget: { targetXID: '4294967296', targetTLI: '0' } } },
          externalClusters: [external('a', 's', 'a')],
        }),
      ],
      [
        'error recovery-target-not-exclusive Cluster/db/b .spec.bootstrap.recovery.recoveryTarget',
        'error recovery-target-time-invalid Cluster/db/c .spec.bootstrap.recovery.recoveryTarget.targetTime',
        'error recovery-target-time-out-of-range Cluster/db/d .spec.bootstrap.recovery.recoveryTarget.targetTime',
        'error recovery-target-not-exclusive Cluster/db/e .spec.bootstrap.recovery.recoveryTarget',
        'error recovery-target-lsn-out-of-range Cluster/db/e .spec.bootstrap.recovery.recoveryTarget.targetLSN',
        'error recovery-target-name-too-long Cluster/db/e .spec.bootstrap.recovery.recoveryTarget.targetName',
        'error recovery-target-backup-id-required Cluster/db/e .spec.bootstrap.recovery.recoveryTarget.backupID',
        'error recovery-target-xid-invalid Cluster/db/f .spec.bootstrap.recovery.recoveryTarget.targetXID',
        'error recovery-target-timeline-invalid Cluster/db/f .spec.bootstrap.recovery.recoveryTarget.targetTLI',
        'error recovery-target-backup-id-required Cluster/db/f .spec.bootstrap.recovery.recoveryTarget.backupID',
      ],
    ],
    [
      'recovery and replica references CNPG refuses',
      [
        cluster('b', {
          bootstrap: { recovery: { source: 'nowhere' } },
          replica: { source: 'x', enabled: true, primary: 'b' },
          externalClusters: [{ name: 'x' }, { name: 'x', connectionParameters: {} }],
        }),
        cluster('c', { replica: { source: 'a', primary: 'a', minApplyDelay: '1 day' }, externalClusters: [external('a', 's', 'a')] }),
      ],
      [
        'error external-cluster-duplicate Cluster/db/b .spec.externalClusters[1].name',
        'error external-cluster-empty Cluster/db/b .spec.externalClusters[0]',
        'error recovery-source-not-found Cluster/db/b .spec.bootstrap.recovery.source',
        'error replica-enabled-and-primary Cluster/db/b .spec.replica.enabled',
        'error replica-external-cluster-not-found Cluster/db/b .spec.replica.primary',
        'error replica-bootstrap-required Cluster/db/c .spec.bootstrap',
        'error replica-min-apply-delay-invalid Cluster/db/c .spec.replica.minApplyDelay',
      ],
    ],
    [
      'plugins CNPG refuses: two WAL archivers; a WAL archiver with the in-tree store; an archiver without a store',
      [
        cluster('a', {
          plugins: [
            { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true },
            { name: 'other', isWALArchiver: true },
          ],
        }),
        cluster('b', {
          ...archiving('s'),
          backup: { barmanObjectStore: { destinationPath: 's3://b/x', s3Credentials: { inheritFromIAMRole: true } } },
        }),
      ],
      [
        'error wal-archiver-more-than-one Cluster/db/a .spec.plugins',
        'error barman-plugin-object-missing Cluster/db/a .spec.plugins[0].parameters.barmanObjectName',
        'warning barman-object-store-deprecated Cluster/db/b .spec.backup.barmanObjectStore',
        'error wal-archiver-and-barman-object-store Cluster/db/b .spec.plugins',
      ],
    ],
  ])('%s', (_what, objects, expected) => {
    expect(codes(objects).sort()).toEqual([...expected].sort());
  });

  const withStore = (configuration: Record<string, unknown>): KubeObject => ({ ...store('s', 's3://b'), spec: { configuration } });
  const recovering = (recovery: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    cluster('r', { bootstrap: { recovery }, externalClusters: [external('a', 's', 'a')], ...extra });
  const snapshot = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' };
  test.each<[string, KubeObject, string]>([
    [
      'a volume snapshot deadline that is not a number',
      {
        ...scheduled({}),
        kind: 'Backup',
        metadata: { name: 'b', namespace: 'db', annotations: { 'cnpg.io/volumeSnapshotDeadline': 'ten' } },
      },
      'error backup-snapshot-deadline-invalid',
    ],
    ['a scheduled backup without a schedule', scheduled({ schedule: undefined }), 'error schedule-required'],
    [
      'an external cluster name that is a path',
      cluster('a', { externalClusters: [{ name: '../x', connectionParameters: { host: 'h' } }] }),
      'error external-cluster-name-unsafe',
    ],
    [
      'an Azure key without its account',
      withStore({
        destinationPath: 'https://acct.blob.core.windows.net/c/p',
        azureCredentials: { storageKey: { name: 'az', key: 'KEY' } },
      }),
      'error object-store-azure-account-missing',
    ],
    [
      'an Azure connection string with an account',
      withStore({
        destinationPath: 'https://acct.blob.core.windows.net/c/p',
        azureCredentials: { connectionString: { name: 'az', key: 'CS' }, storageAccount: { name: 'az', key: 'A' } },
      }),
      'error object-store-azure-connection-string-alone',
    ],
    [
      'credentials that are not an object',
      withStore({ destinationPath: 's3://b', s3Credentials: 'key' }),
      'error object-store-credentials-not-object',
    ],
    [
      'an empty destination',
      withStore({ destinationPath: '', s3Credentials: { inheritFromIAMRole: true } }),
      'error object-store-destination-required',
    ],
    [
      'a CA with Google credentials',
      withStore({ destinationPath: 'gs://b/p', googleCredentials: { gkeEnvironment: true }, endpointCA: { name: 'ca', key: 'ca.crt' } }),
      'warning object-store-endpoint-ca-ignored',
    ],
    [
      'a Secret key that is not one',
      withStore({
        destinationPath: 's3://b',
        s3Credentials: { accessKeyId: { name: 'c', key: 'a b' }, secretAccessKey: { name: 'c', key: 'k' } },
      }),
      'error secret-key-invalid',
    ],
    [
      'a snapshot of another kind',
      recovering({ volumeSnapshots: { storage: { kind: 'Secret', name: 'x' } } }),
      'error recovery-snapshot-kind',
    ],
    [
      'snapshots and a backup',
      recovering({ volumeSnapshots: { storage: snapshot }, backup: { name: 'b' } }),
      'error recovery-snapshots-and-backup',
    ],
    ['a recovery from nothing', recovering({}), 'error recovery-source-missing'],
    [
      'a backup id with snapshots',
      recovering({ volumeSnapshots: { storage: snapshot }, recoveryTarget: { backupID: 'x', targetLSN: '0/1' } }),
      'error recovery-target-backup-id-with-snapshots',
    ],
    ['an LSN that is not one', recovering({ source: 'a', recoveryTarget: { targetLSN: 'zz/1' } }), 'error recovery-target-lsn-invalid'],
    [
      'a restore point with a newline',
      recovering({ source: 'a', recoveryTarget: { targetName: 'a\nb', backupID: 'x' } }),
      'error recovery-target-name-control-character',
    ],
    [
      'a WAL snapshot without WAL storage',
      recovering({ volumeSnapshots: { storage: snapshot, walStorage: snapshot } }),
      'error recovery-wal-snapshot-without-wal-storage',
    ],
    [
      'a promotion token on a replica',
      recovering({ source: 'a' }, { replica: { source: 'a', primary: 'a', promotionToken: 't' } }),
      'error replica-promotion-token-on-replica',
    ],
    [
      'a promotion token with an apply delay',
      recovering({ source: 'a' }, { replica: { source: 'a', primary: 'r', self: 'r', promotionToken: 't', minApplyDelay: '1h' } }),
      'error replica-promotion-token-with-delay',
    ],
  ])('%s', (_what, object, expected) => {
    const found = admissionFindings([object]).map((f) => `${f.severity ?? 'error'} ${f.code}`);
    expect(found).toContain(expected);
  });

  test('the in-tree barmanObjectStore: a warning for CNPG 1.30, an error for 1.31', () => {
    const inTree = cluster('a', {
      backup: { barmanObjectStore: { destinationPath: 's3://b/x', s3Credentials: { inheritFromIAMRole: true } }, retentionPolicy: '30d' },
      externalClusters: [{ name: 'old', barmanObjectStore: { destinationPath: 's3://b/y', s3Credentials: { inheritFromIAMRole: true } } }],
    });
    expect(codes([inTree], '1.30.0')).toEqual([
      'warning barman-object-store-deprecated Cluster/db/a .spec.backup.barmanObjectStore',
      'warning barman-object-store-deprecated Cluster/db/a .spec.externalClusters[0].barmanObjectStore',
    ]);
    const f = admissionFindings([inTree], { operatorVersion: '1.31.0' });
    expect(f.map((x) => `${x.severity ?? 'error'} ${x.code} ${x.field}`)).toEqual([
      'error barman-object-store-removed .spec.backup.barmanObjectStore',
      'error barman-object-store-removed .spec.externalClusters[0].barmanObjectStore',
    ]);
    expect(f[0].fix).toContain('ObjectStore');
  });

  test('a retention policy on a cluster without the in-tree store is a warning (it does nothing)', () => {
    expect(codes([cluster('a', { ...archiving('s'), backup: { retentionPolicy: '30d' } })])).toEqual([
      'warning backup-retention-policy-unused Cluster/db/a .spec.backup.retentionPolicy',
    ]);
  });
});
