// Backups, recovery and replica clusters with the cdk8s constructs: what they emit passes CNPG's CRDs and the plugin's
// ObjectStore CRD (schema and CEL), and each mistake is refused at construction with the field, the value and the fix.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ApiObject, type App, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  Backup,
  BarmanCloudManifest,
  BarmanCloudPlugin,
  CnpgOperator,
  CnpgValidationError,
  ObjectStore,
  type ObjectStoreProps,
  PostgresCluster,
  type PostgresClusterProps,
  ScheduledBackup,
} from '../../lib/cdk8s';
import { admissionFindings, type KubeObject } from '../../lib/core';
import { BARMAN_TREE_MANIFEST, expectValidBackupObjects } from '../support/backup';
import { startHttpsServer } from '../support/https-server';

const TREE_MANIFEST = BARMAN_TREE_MANIFEST;

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const s3: ObjectStoreProps = {
  destinationPath: 's3://backups/prod',
  endpointURL: 'https://minio.storage:9000',
  endpointCA: { name: 'minio-ca', key: 'ca.crt' },
  s3Credentials: { accessKeyId: { name: 'minio', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'minio', key: 'ACCESS_SECRET_KEY' } },
  wal: { compression: 'zstd', maxParallel: 4, encryption: 'AES256' },
  data: { compression: 'lz4', jobs: 4, immediateCheckpoint: true },
  tags: { team: 'db' },
  retentionPolicy: '30d',
  instanceSidecarConfiguration: { resources: { requests: { cpu: '100m', memory: '128Mi' } }, logLevel: 'debug' },
};
const clusterProps = (extra: Partial<PostgresClusterProps> = {}): PostgresClusterProps => ({
  imageName: IMAGE,
  instances: 3,
  storage: { size: '10Gi' },
  ...extra,
});

function problemOf(build: () => unknown): { code: string; field: string; message: string; fix: string; value?: unknown } {
  try {
    build();
  } catch (e) {
    if (e instanceof CnpgValidationError) return e.problems[0] as never;
    throw e;
  }
  throw new Error('no CnpgValidationError');
}

describe('what the constructs emit', () => {
  test('a store, a cluster archiving to it, a schedule, an on-demand backup and a point-in-time recovery: valid and clean', () => {
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'db' });
    const store = new ObjectStore(chart, 'prod-store', s3);
    const prod = new PostgresCluster(chart, 'prod', clusterProps({ backup: { objectStore: store, target: 'prefer-standby' } }));
    new ScheduledBackup(chart, 'nightly', { cluster: prod, schedule: '0 0 2 * * *', backupOwnerReference: 'self', immediate: true });
    new Backup(chart, 'before-upgrade', { cluster: prod, target: 'primary' });
    new PostgresCluster(
      chart,
      'restored',
      clusterProps({
        backup: { objectStore: store },
        recovery: { source: { name: 'prod', cluster: prod }, recoveryTarget: { targetTime: '2025-05-01T10:00:00Z' } },
      }),
    );
    const objects = Testing.synth(chart) as KubeObject[];
    expectValidBackupObjects(objects);
    expect(admissionFindings(objects)).toEqual([]);
    const restored = objects.find((o) => o.metadata.name === 'restored') as KubeObject;
    // The source's server name is filled in (the plugin would read "restored" otherwise).
    expect(restored.spec).toMatchObject({
      bootstrap: { recovery: { source: 'prod', recoveryTarget: { targetTime: '2025-05-01T10:00:00Z' } } },
      externalClusters: [
        {
          name: 'prod',
          plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'prod-store', serverName: 'prod' } },
        },
      ],
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'prod-store' } }],
    });
    expect(objects.find((o) => o.kind === 'ScheduledBackup')?.spec).toEqual({
      schedule: '0 0 2 * * *',
      immediate: true,
      backupOwnerReference: 'self',
      cluster: { name: 'prod' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    });
  });

  test('Azure and Google stores with workload identity, recovery from volume snapshots, a distributed topology with promotion', () => {
    const chart = new Chart(Testing.app(), 'x', { namespace: 'db' });
    new ObjectStore(chart, 'azure', {
      destinationPath: 'https://acct.blob.core.windows.net/backups/pg',
      azureCredentials: { inheritFromAzureAD: true },
    });
    const gcs = new ObjectStore(chart, 'gcs', { destinationPath: 'gs://backups/pg', googleCredentials: { gkeEnvironment: true } });
    const a = new PostgresCluster(chart, 'dc-a', clusterProps({ backup: { objectStore: gcs, volumeSnapshot: { className: 'csi-snap' } } }));
    new ScheduledBackup(chart, 'snap', { cluster: a, schedule: '@daily', method: 'volumeSnapshot', online: true });
    new PostgresCluster(
      chart,
      'from-snapshot',
      clusterProps({
        walStorage: { size: '1Gi' },
        recovery: {
          volumeSnapshots: {
            storage: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'dc-a-1' },
            walStorage: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'dc-a-1-wal' },
          },
          recoveryTarget: { targetImmediate: true },
        },
      }),
    );
    // dc-b replicates dc-a from dc-a's store; promoting it is `primary: 'dc-b'` (with dc-a's demotion token).
    const topology = (primary: string) => ({
      externalClusters: [
        { name: 'dc-a', cluster: a },
        { name: 'dc-b', objectStore: gcs, serverName: 'dc-b' },
      ],
      replica: { primary, source: 'dc-a' },
    });
    new PostgresCluster(chart, 'dc-b', clusterProps({ backup: { objectStore: gcs }, recovery: { source: 'dc-a' }, ...topology('dc-a') }));
    // The same cluster promoted (another app: both at once would archive to one place, which the set rule refuses).
    const other = new Chart(Testing.app(), 'other', { namespace: 'db' });
    const gcsOther = new ObjectStore(other, 'gcs', { destinationPath: 'gs://backups/pg', googleCredentials: { gkeEnvironment: true } });
    new PostgresCluster(
      other,
      'dc-b',
      clusterProps({
        backup: { objectStore: gcsOther },
        recovery: { source: 'dc-a' },
        externalClusters: [
          { name: 'dc-a', objectStore: gcsOther, serverName: 'dc-a' },
          { name: 'dc-b', objectStore: gcsOther, serverName: 'dc-b' },
        ],
        // The demoted primary's token (base64 of the pg_controldata JSON that CNPG checks: utils.ParsePgControldataToken).
        replica: {
          primary: 'dc-b',
          source: 'dc-a',
          promotionToken:
            'eyJsYXRlc3RDaGVja3BvaW50VGltZWxpbmVJRCI6IjEiLCJyZWRvV2FsRmlsZSI6IjAwMDAwMDAxMDAwMDAwMDAwMDAwMDAwMiIsImRhdGFiYXNlU3lzdGVtSWRlbnRpZmllciI6Ijc0MDAwMDAwMDAwMDAwMDAwMDAiLCJsYXRlc3RDaGVja3BvaW50UkVET0xvY2F0aW9uIjoiMC8yMDAwMDI4IiwidGltZU9mTGF0ZXN0Q2hlY2twb2ludCI6Ik1vbiAwMSBKdW4gMjAyNiAxMDowMDowMCBBTSBVVEMiLCJvcGVyYXRvclZlcnNpb24iOiIxLjMwLjAifQ==',
        },
      }),
    );
    for (const objects of [Testing.synth(chart), Testing.synth(other)] as KubeObject[][]) {
      expectValidBackupObjects(objects);
      expect(admissionFindings(objects)).toEqual([]);
    }
  });

  test('two clusters archiving to one destination and server name are found over the app (a set rule)', () => {
    const chart = new Chart(Testing.app(), 'x', { namespace: 'db' });
    const one = new ObjectStore(chart, 'one', { destinationPath: 's3://b/pg', s3Credentials: { inheritFromIAMRole: true } });
    const two = new ObjectStore(chart, 'two', { destinationPath: 's3://b/pg/', s3Credentials: { inheritFromIAMRole: true } });
    new PostgresCluster(chart, 'a', clusterProps({ backup: { objectStore: one, serverName: 'shared' } }));
    new PostgresCluster(chart, 'b', clusterProps({ backup: { objectStore: two, serverName: 'shared' } }));
    // Plain synth refuses it, at the second cluster.
    expect(() => Testing.synth(chart)).toThrow(/\[x\/b\] archive-destination-shared: .*Fix: give one of them another server name/);
    // The same rule over the objects alone (what `validate` runs).
    const objects = [one, two, ...chart.node.children.filter((c) => c instanceof PostgresCluster)].map((o) => (o as ApiObject).toJson());
    const found = admissionFindings(objects as KubeObject[]);
    expect(found.map((f) => `${f.code} ${f.where}`)).toEqual(['archive-destination-shared Cluster/db/b']);
    expect(found[0].fix).toContain('server name');
  });
});

describe('refused at construction', () => {
  const chart = () => new Chart(Testing.app(), 'x', { namespace: 'db' });
  const store = (props: Partial<ObjectStoreProps>) => () => new ObjectStore(chart(), 's', { ...s3, ...props } as ObjectStoreProps);

  test.each<[string, () => unknown, string, string]>([
    [
      'an inline secret value',
      store({ s3Credentials: { accessKeyId: 'AKIAEXAMPLE' as never, secretAccessKey: { name: 'm', key: 'k' } } }),
      'secret-reference-inline',
      's3Credentials.accessKeyId',
    ],
    [
      'a { value } secret',
      store({ endpointCA: { name: 'ca', key: 'ca.crt', value: 'PEM' } as never }),
      'secret-reference-inline',
      'endpointCA.value',
    ],
    ['no credentials', store({ s3Credentials: undefined }), 'object-store-provider-missing', 's3Credentials'],
    [
      'S3 and Google credentials',
      store({ googleCredentials: { gkeEnvironment: true } }),
      'object-store-provider-ambiguous',
      's3Credentials',
    ],
    [
      'an access key without its secret',
      store({ s3Credentials: { accessKeyId: { name: 'm', key: 'k' } } }),
      'object-store-s3-key-pair',
      's3Credentials',
    ],
    ['a gs:// path with S3 credentials', store({ destinationPath: 'gs://b/p' }), 'object-store-destination-scheme', 'destinationPath'],
    ['serverName in the store', store({ serverName: 'x' } as never), 'object-store-server-name', 'serverName'],
    ['a misspelt option', store({ retention: '30d' } as never), 'unknown-key', 'retention'],
    ['retention syntax', store({ retentionPolicy: '30 days' }), 'retention-policy-invalid', 'retentionPolicy'],
    [
      'zstd for base backups',
      store({ data: { compression: 'zstd' as never } }),
      'object-store-data-compression-invalid',
      'data.compression',
    ],
    [
      '--log-level as a sidecar argument',
      store({ instanceSidecarConfiguration: { additionalContainerArgs: ['--log-level=debug'] } }),
      'object-store-sidecar-log-level-arg',
      'instanceSidecarConfiguration.additionalContainerArgs',
    ],
    [
      'a store in another namespace than its cluster',
      () => {
        const c = chart();
        const other = new ObjectStore(new Chart(c.node.root as App, 'o', { namespace: 'other' }), 's', s3);
        return new PostgresCluster(c, 'a', clusterProps({ backup: { objectStore: other } }));
      },
      'object-store-namespace-mismatch',
      'backup.objectStore',
    ],
    [
      'a recovery source without a server name',
      () => new PostgresCluster(chart(), 'b', clusterProps({ recovery: { source: { name: 'a', objectStore: 's' } } })),
      'source-server-name-missing',
      'recovery.source.serverName',
    ],
    [
      'a source cluster that does not archive',
      () => {
        const c = chart();
        const a = new PostgresCluster(c, 'a', clusterProps());
        return new PostgresCluster(c, 'b', clusterProps({ recovery: { source: { name: 'a', cluster: a } } }));
      },
      'source-cluster-not-archiving',
      'recovery.source.cluster',
    ],
    [
      'a recovered cluster archiving into its source',
      () => {
        const c = chart();
        const a = new PostgresCluster(c, 'a', clusterProps({ backup: { objectStore: 's' } }));
        return new PostgresCluster(
          c,
          'b',
          clusterProps({ backup: { objectStore: 's', serverName: 'a' }, recovery: { source: { name: 'a', cluster: a } } }),
        );
      },
      'backup-overwrites-source',
      'backup',
    ],
    [
      'recovery and bootstrap',
      () =>
        new PostgresCluster(
          chart(),
          'b',
          clusterProps({ bootstrap: { initdb: {} }, recovery: { source: { name: 'a', objectStore: 's', serverName: 'a' } } }),
        ),
      'recovery-and-bootstrap',
      'recovery',
    ],
    [
      'a replica without a bootstrap from its source',
      () =>
        new PostgresCluster(
          chart(),
          'b',
          clusterProps({ replica: { source: { name: 'a', objectStore: 's', serverName: 'a' }, enabled: true } }),
        ),
      'replica-bootstrap-required',
      'recovery',
    ],
    [
      'two recovery targets',
      () =>
        new PostgresCluster(
          chart(),
          'b',
          clusterProps({
            recovery: {
              source: { name: 'a', objectStore: 's', serverName: 'a' },
              recoveryTarget: { targetTime: '2025-05-01T10:00:00Z', targetLSN: '0/1' },
            },
          }),
        ),
      'recovery-target-not-exclusive',
      'recovery.recoveryTarget',
    ],
    [
      'a time CNPG cannot parse',
      () =>
        new PostgresCluster(
          chart(),
          'b',
          clusterProps({
            recovery: { source: { name: 'a', objectStore: 's', serverName: 'a' }, recoveryTarget: { targetTime: '01/05/2025 10:00' } },
          }),
        ),
      'recovery-target-time-invalid',
      'recovery.recoveryTarget.targetTime',
    ],
    [
      'the Barman Cloud plugin in plugins too',
      () =>
        new PostgresCluster(
          chart(),
          'b',
          clusterProps({ backup: { objectStore: 's' }, plugins: [{ name: 'barman-cloud.cloudnative-pg.io' }] }),
        ),
      'barman-cloud-plugin-twice',
      'plugins',
    ],
    [
      'an operator older than the plugin',
      () => new PostgresCluster(chart(), 'b', clusterProps({ backup: { objectStore: 's' }, operatorVersion: '1.25.1' })),
      'barman-cloud-plugin-operator-too-old',
      'operatorVersion',
    ],
    [
      'a misspelt backup option',
      () => new PostgresCluster(chart(), 'b', clusterProps({ backup: { objectstore: 's' } as never })),
      'unknown-key',
      'backup.objectstore',
    ],
    [
      'a five-field schedule',
      () => new ScheduledBackup(chart(), 'n', { cluster: 'a', schedule: '0 2 * * *' }),
      'schedule-five-fields',
      'schedule',
    ],
    [
      'a backup of a cluster without a backup method',
      () => {
        const c = chart();
        return new ScheduledBackup(c, 'n', { cluster: new PostgresCluster(c, 'a', clusterProps()), schedule: '0 0 2 * * *' });
      },
      'backup-method-not-configured',
      'method',
    ],
    [
      'a volume snapshot backup of a cluster without volumeSnapshot',
      () => {
        const c = chart();
        return new Backup(c, 'n', {
          cluster: new PostgresCluster(c, 'a', clusterProps({ backup: { objectStore: 's' } })),
          method: 'volumeSnapshot',
        });
      },
      'backup-method-not-configured',
      'method',
    ],
    [
      'online with the plugin method',
      () => new Backup(chart(), 'n', { cluster: 'a', online: false }),
      'backup-online-needs-snapshot',
      'online',
    ],
    [
      'a backup in another namespace than its cluster',
      () => {
        const c = chart();
        return new Backup(c, 'n', {
          cluster: new PostgresCluster(c, 'a', clusterProps({ backup: { objectStore: 's' } })),
          namespace: 'other',
        });
      },
      'backup-cluster-namespace',
      'namespace',
    ],
    [
      'a backup of something that is not a cluster',
      () => new Backup(chart(), 'n', { cluster: {} as never }),
      'backup-cluster-required',
      'cluster',
    ],
    [
      'a backup target that is not one',
      () => new PostgresCluster(chart(), 'b', clusterProps({ backup: { objectStore: 's', target: 'any' as never } })),
      'backup-target-invalid',
      'backup.target',
    ],
    [
      'an object store that is a number',
      () => new PostgresCluster(chart(), 'b', clusterProps({ backup: { objectStore: 42 as never } })),
      'wrong-type',
      'backup.objectStore',
    ],
    [
      'a source whose server name contradicts its cluster',
      () => {
        const c = chart();
        const a = new PostgresCluster(c, 'a', clusterProps({ backup: { objectStore: 's' } }));
        return new PostgresCluster(c, 'b', clusterProps({ recovery: { source: { name: 'a', cluster: a, serverName: 'other' } } }));
      },
      'source-cluster-mismatch',
      'recovery.source.serverName',
    ],
    [
      'a retention interval of 0',
      store({ instanceSidecarConfiguration: { retentionPolicyIntervalSeconds: 0 } }),
      'object-store-retention-interval-invalid',
      'instanceSidecarConfiguration.retentionPolicyIntervalSeconds',
    ],
    [
      'a sidecar variable without a name',
      store({ instanceSidecarConfiguration: { env: [{ value: 'x' } as never] } }),
      'object-store-sidecar-env-name',
      'instanceSidecarConfiguration.env[0].name',
    ],
    [
      'a sidecar log level that is not one',
      store({ instanceSidecarConfiguration: { logLevel: 'loud' as never } }),
      'object-store-sidecar-log-level-invalid',
      'instanceSidecarConfiguration.logLevel',
    ],
    [
      'an install that is not one',
      () => new BarmanCloudPlugin(chart(), 'p', { install: 'helm' as never }),
      'barman-cloud-install-invalid',
      'install',
    ],
    [
      'a version the manifest is not',
      () => {
        const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-barman-')), 'manifest.yaml');
        fs.writeFileSync(
          f,
          fs.readFileSync(TREE_MANIFEST, 'utf8').replace('plugin-barman-cloud-testing:main', 'plugin-barman-cloud:v0.14.0'),
        );
        return new BarmanCloudPlugin(chart(), 'p', { manifest: BarmanCloudManifest.fromFile(f), version: '0.13.0' });
      },
      'barman-cloud-version-contradicts-manifest',
      'version',
    ],
  ])('%s', (_what, build, code, field) => {
    const p = problemOf(build);
    expect({ code: p.code, field: p.field }).toEqual({ code, field });
    expect(p.fix.length).toBeGreaterThan(10);
  });

  test('an inline credential is never shown in the error', () => {
    let message = '';
    try {
      store({ s3Credentials: { accessKeyId: 'AKIA-SECRET-VALUE' as never, secretAccessKey: { name: 'm', key: 'k' } } })();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("ObjectStore at 'x/s' is invalid: s3Credentials.accessKeyId: must reference a key of a Secret");
    expect(message).not.toContain('AKIA-SECRET-VALUE');
  });

  test('the five-field fix says the six-field schedule that runs when the crontab would', () => {
    expect(problemOf(() => new ScheduledBackup(chart(), 'n', { cluster: 'a', schedule: '30 2 * * 1-5' })).fix).toContain(
      '"0 30 2 * * 1-5"',
    );
  });
});

describe('the plugin', () => {
  test("from a release manifest: in the operator's namespace, after it, CRD first; the stores are checked against its CRD", () => {
    const app = Testing.app();
    const chart = new Chart(app, 'ops');
    new CnpgOperator(chart, 'cnpg', { namespace: 'db-operators' });
    const plugin = new BarmanCloudPlugin(chart, 'barman', { manifest: BarmanCloudManifest.fromFile(TREE_MANIFEST) });
    expect(plugin.namespace).toBe('db-operators');
    const objects = plugin.apiObjects.map((o) => o.toJson());
    expect(objects[0]).toMatchObject({ kind: 'CustomResourceDefinition', metadata: { name: 'objectstores.barmancloud.cnpg.io' } });
    expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'db-operators')).toBe(true);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'plugin-barman-cloud-binding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'plugin-barman-cloud', namespace: 'db-operators' }]);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Certificate', 'Issuer']));

    const db = new Chart(app, 'db', { namespace: 'db' });
    const good = new ObjectStore(db, 'good', s3);
    expect(() => app.synth()).not.toThrow();
    good.addJsonPatch(JsonPatch.add('/spec/configuration/serverName', 'x'));
    expect(() => app.synth()).toThrow(
      /\[db\/good\] crd-schema: .spec.configuration: use the 'serverName' plugin parameter in the Cluster resource \(CEL rule: !has\(self.serverName\)\)/,
    );
  });

  test('what only the CRD refuses is found at synth (a secretKeyRef without its key)', () => {
    const app = Testing.app();
    new BarmanCloudPlugin(new Chart(app, 'ops'), 'barman', { manifest: BarmanCloudManifest.fromFile(TREE_MANIFEST) });
    new ObjectStore(new Chart(app, 'db', { namespace: 'db' }), 'store', {
      ...s3,
      instanceSidecarConfiguration: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds' } as never } }] },
    });
    expect(() => app.synth()).toThrow(
      /\.spec\.instanceSidecarConfiguration\.env\[0\]\.valueFrom\.secretKeyRef\.key: required field "key" is missing/,
    );
  });

  test('a manifest is required (no hash is shipped), or install: none', () => {
    expect(problemOf(() => new BarmanCloudPlugin(new Chart(Testing.app(), 'x'), 'p')).code).toBe('barman-cloud-manifest-required');
    const none = new BarmanCloudPlugin(new Chart(Testing.app(), 'x'), 'p', { install: 'none', version: '0.14.0' });
    expect(none.apiObjects).toEqual([]);
  });

  test('a file with another sha256 than the one given is refused', () => {
    expect(() => BarmanCloudManifest.fromFile(TREE_MANIFEST, { sha256: '0'.repeat(64) })).toThrow(/has sha256 691e598b4591e83e/);
    expect(
      BarmanCloudManifest.fromFile(TREE_MANIFEST, { sha256: '691e598b4591e83e23586d3394a8fedef429586a01d1a1b56ab8b80e9fa6ccb0' }).objects
        .length,
    ).toBeGreaterThan(10);
  });

  describe('downloaded with the sha256 the user supplies', () => {
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    const body = fs.readFileSync(TREE_MANIFEST);
    const hash = '691e598b4591e83e23586d3394a8fedef429586a01d1a1b56ab8b80e9fa6ccb0';
    let server: Awaited<ReturnType<typeof startHttpsServer>>;
    beforeAll(async () => {
      server = await startHttpsServer({ '/manifest.yaml': body });
      process.env.NODE_EXTRA_CA_CERTS = server.caFile; // read by the download child process
    });
    afterAll(async () => {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
      await server.close();
    });

    test('a wrong hash is refused and nothing is cached; the right one is used, then read from the cache', () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-barman-'));
      const url = `${server.url}/manifest.yaml`;
      expect(() => BarmanCloudManifest.download('0.14.0', { sha256: 'f'.repeat(64), url, cacheDir })).toThrow(
        /has sha256 691e598b.*not f{64}; it was not used or cached/,
      );
      expect(fs.readdirSync(cacheDir)).toEqual([]);
      expect(() => BarmanCloudManifest.download('0.14.0', { url, cacheDir } as never)).toThrow(/needs its sha256/);
      const m = BarmanCloudManifest.download('0.14.0', { sha256: hash, url, cacheDir });
      expect(m.origin).toBe('download');
      expect(BarmanCloudManifest.download('0.14.0', { sha256: hash, url: 'https://127.0.0.1:1/nowhere', cacheDir }).origin).toBe('cache');
      expect(server.hits().filter((h) => h === '/manifest.yaml')).toHaveLength(2);
    });
  });
});
