// The backup components under pulumi.runtime.setMocks: real type tokens, what each waits for and depends on, and the
// same objects as the cdk8s constructs for the same props.
import * as fs from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { Chart, Testing } from 'cdk8s';
import { type Registered, recordRegistrations } from '../support/pulumi-mocks';

const { registered, dependencies } = recordRegistrations('cnpg');

import * as cdk from '../../lib/cdk8s';
import type { KubeObject } from '../../lib/core';
import * as pl from '../../lib/pulumi';
import { BARMAN_TREE_MANIFEST, expectValidBackupObjects } from '../support/backup';

const TREE_MANIFEST = BARMAN_TREE_MANIFEST;
const whenDone = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));
const settled = () => new Promise((r) => setTimeout(r, 50));
const byName = (name: string) => registered.find((r) => r.name === name) as Registered;
const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const storeProps = {
  destinationPath: 's3://backups/prod',
  s3Credentials: { inheritFromIAMRole: true },
  wal: { compression: 'gzip' as const },
  retentionPolicy: '30d',
};

test('type tokens, dependencies, awaits, and the objects of the cdk8s constructs', async () => {
  const operator = new pl.CnpgOperator('cnpg', { version: '1.30.0' });
  const plugin = new pl.BarmanCloudPlugin('barman', { manifest: pl.BarmanCloudManifest.fromFile(TREE_MANIFEST), operator });
  const store = new pl.ObjectStore('prod-store', { ...storeProps, namespace: 'db', plugin });
  const cluster = new pl.PostgresCluster('prod', {
    imageName: IMAGE,
    instances: 3,
    storage: { size: '10Gi' },
    namespace: 'db',
    operator,
    backup: { objectStore: store },
  });
  const nightly = new pl.ScheduledBackup('nightly', { cluster, schedule: '0 0 2 * * *', backupOwnerReference: 'self', plugin });
  const now = new pl.Backup('now', { cluster, plugin, timeoutSeconds: 7200 });
  const restored = new pl.PostgresCluster('restored', {
    imageName: IMAGE,
    storage: { size: '10Gi' },
    namespace: 'db',
    recovery: { source: { name: 'prod', cluster }, recoveryTarget: { targetTime: '2025-05-01T10:00:00Z' } },
  });
  await Promise.all([store.objectStore.urn, nightly.scheduledBackup.urn, now.backup.urn, restored.cluster.urn].map(whenDone));
  await settled();

  // Components and children under their real type tokens.
  expect(await whenDone(store.urn)).toMatch(/::cnpg-constructs:index:ObjectStore::prod-store$/);
  expect(await whenDone(store.objectStore.urn)).toMatch(/\$kubernetes:barmancloud\.cnpg\.io\/v1:ObjectStore::prod-store-objectstore$/);
  expect(await whenDone(nightly.urn)).toMatch(/::cnpg-constructs:index:ScheduledBackup::nightly$/);
  expect(await whenDone(now.backup.urn)).toMatch(/\$kubernetes:postgresql\.cnpg\.io\/v1:Backup::now-backup$/);
  expect(await whenDone(plugin.urn)).toMatch(/::cnpg-constructs:index:BarmanCloudPlugin::barman$/);
  const pluginTypes = new Set(registered.filter((r) => r.name.startsWith('barman-')).map((r) => r.type));
  expect([...pluginTypes]).toEqual(
    expect.arrayContaining([
      'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition',
      'kubernetes:apps/v1:Deployment',
      'kubernetes:core/v1:Secret',
      'kubernetes:core/v1:Service',
      'kubernetes:cert-manager.io/v1:Certificate',
      'kubernetes:cert-manager.io/v1:Issuer',
    ]),
  );
  expect((byName('barman-deployment-barman-cloud').inputs.metadata as { namespace: string }).namespace).toBe('cnpg-system');

  // The store waits for the plugin's CRD and Deployment; the plugin for the operator; backups for the cluster and plugin.
  const urnOf = (r: pulumi.Resource) => whenDone(r.urn);
  const [crd, deployment] = await Promise.all(plugin.readiness.map(urnOf));
  expect(dependencies.get('prod-store-objectstore')).toEqual(expect.arrayContaining([crd, deployment]));
  expect(dependencies.get('barman-deployment-barman-cloud')).toEqual(
    expect.arrayContaining(await Promise.all(operator.readiness.map(urnOf))),
  );
  // The cluster archiving to the store waits for the store, the plugin and the operator.
  expect(dependencies.get('prod-cluster')).toEqual(
    expect.arrayContaining([await urnOf(store.objectStore), crd, deployment, ...(await Promise.all(operator.readiness.map(urnOf)))]),
  );
  expect(dependencies.get('now-backup')).toEqual(expect.arrayContaining([await urnOf(cluster.cluster), deployment]));
  expect(dependencies.get('nightly-scheduledbackup')).toEqual(expect.arrayContaining([await urnOf(cluster.cluster), deployment]));

  // An on-demand backup is awaited until it completes, bounded; a schedule is not awaited.
  expect((byName('now-backup').inputs.metadata as { annotations: unknown }).annotations).toEqual({
    'pulumi.com/waitFor': 'jsonpath={.status.phase}=completed',
    'pulumi.com/timeoutSeconds': '7200',
  });
  expect((byName('nightly-scheduledbackup').inputs.metadata as Record<string, unknown>).annotations).toBeUndefined();

  // The same props give the same objects in cdk8s.
  const chart = new Chart(Testing.app(), 'x', { namespace: 'db' });
  const cStore = new cdk.ObjectStore(chart, 'prod-store', storeProps);
  const cCluster = new cdk.PostgresCluster(chart, 'prod', {
    imageName: IMAGE,
    instances: 3,
    storage: { size: '10Gi' },
    backup: { objectStore: cStore },
  });
  new cdk.ScheduledBackup(chart, 'nightly', { cluster: cCluster, schedule: '0 0 2 * * *', backupOwnerReference: 'self' });
  new cdk.Backup(chart, 'now', { cluster: cCluster });
  new cdk.PostgresCluster(chart, 'restored', {
    imageName: IMAGE,
    storage: { size: '10Gi' },
    recovery: { source: { name: 'prod', cluster: cCluster }, recoveryTarget: { targetTime: '2025-05-01T10:00:00Z' } },
  });
  const fromCdk8s = Testing.synth(chart) as KubeObject[];
  const pulumiObjects: KubeObject[] = [];
  for (const [name, kind, objectName] of [
    ['prod-store-objectstore', 'ObjectStore', 'prod-store'],
    ['prod-cluster', 'Cluster', 'prod'],
    ['nightly-scheduledbackup', 'ScheduledBackup', 'nightly'],
    ['now-backup', 'Backup', 'now'],
    ['restored-cluster', 'Cluster', 'restored'],
  ] as const) {
    const inputs = byName(name).inputs as unknown as KubeObject;
    const twin = fromCdk8s.find((o) => o.kind === kind && o.metadata.name === objectName) as KubeObject;
    expect({ name, apiVersion: inputs.apiVersion, spec: inputs.spec }).toEqual({ name, apiVersion: twin.apiVersion, spec: twin.spec });
    pulumiObjects.push({ ...inputs, metadata: { name: objectName, namespace: 'db' } });
  }
  expectValidBackupObjects(pulumiObjects);
});

test('a cluster waits for each ObjectStore of this program it archives to, recovers from or follows, and for the plugin', async () => {
  const plugin = new pl.BarmanCloudPlugin('barman3', { manifest: pl.BarmanCloudManifest.fromFile(TREE_MANIFEST) });
  const archive = new pl.ObjectStore('order-archive', { ...storeProps, destinationPath: 's3://backups/order', namespace: 'db', plugin });
  const old = new pl.ObjectStore('order-old', { ...storeProps, destinationPath: 's3://backups/old', namespace: 'db' });
  const base = { imageName: IMAGE, storage: { size: '1Gi' }, namespace: 'db' };
  const archiving = new pl.PostgresCluster('order-a', { ...base, backup: { objectStore: archive } });
  const restoring = new pl.PostgresCluster('order-r', {
    ...base,
    recovery: { source: { name: 'old', objectStore: old, serverName: 'old' } },
  });
  // A store named by a string is not a resource of this program: the plugin given to the cluster is.
  const byStoreName = new pl.PostgresCluster('order-n', { ...base, plugin, backup: { objectStore: 'elsewhere' } });
  const plain = new pl.PostgresCluster('order-p', base);
  await Promise.all([archiving, restoring, byStoreName, plain].map((c) => whenDone(c.cluster.urn)));
  await settled();
  const urnOf = (r: pulumi.Resource) => whenDone(r.urn);
  const readiness = await Promise.all(plugin.readiness.map(urnOf));
  expect(readiness).toHaveLength(2);
  expect([...(dependencies.get('order-a-cluster') ?? [])].sort()).toEqual([await urnOf(archive.objectStore), ...readiness].sort());
  expect(dependencies.get('order-r-cluster')).toEqual([await urnOf(old.objectStore)]);
  expect([...(dependencies.get('order-n-cluster') ?? [])].sort()).toEqual([...readiness].sort());
  expect(dependencies.get('order-p-cluster')).toEqual([]);
  expect(() => new pl.PostgresCluster('order-bad', { ...base, plugin: 'barman' as never })).toThrow(
    /PostgresCluster at 'order-bad' is invalid: plugin: must be the BarmanCloudPlugin component of this program.*Fix: pass the BarmanCloudPlugin, or leave plugin out/,
  );
});

test('a namespace and a destination that are Outputs are checked and emitted when they resolve', async () => {
  const store = new pl.ObjectStore('late', {
    ...storeProps,
    namespace: pulumi.output('team-a'),
    destinationPath: pulumi.output('s3://bucket-of-this-program/pg'),
  });
  await whenDone(store.objectStore.urn);
  await settled();
  const inputs = byName('late-objectstore').inputs as unknown as KubeObject;
  expect(inputs.metadata.namespace).toBe('team-a');
  expect((inputs.spec as { configuration: { destinationPath: string } }).configuration.destinationPath).toBe(
    's3://bucket-of-this-program/pg',
  );
});

test('refusals name the resource, the field and the fix, as pulumi.ResourceErrors', () => {
  expect(() => new pl.ScheduledBackup('five', { cluster: 'prod', schedule: '0 2 * * *' })).toThrow(pulumi.ResourceError);
  expect(() => new pl.ScheduledBackup('five2', { cluster: 'prod', schedule: '0 2 * * *' })).toThrow(
    /ScheduledBackup at 'five2' is invalid: schedule: has five fields.*Fix: write six fields, seconds first: "0 0 2 \* \* \*"/,
  );
  expect(() => new pl.Backup('t', { cluster: 'prod', timeoutSeconds: 0 })).toThrow(/timeoutSeconds: must be a whole number/);
  expect(() => new pl.Backup('t2', { cluster: 'prod', timeoutSeconds: 1.5 })).toThrow(pl.CnpgResourceError);
  expect(() => new pl.BarmanCloudPlugin('nothing')).toThrow(/manifest: is required to install the plugin/);
  // What only the CRD refuses, against the CRD of the plugin of this program.
  const plugin = new pl.BarmanCloudPlugin('barman2', { manifest: pl.BarmanCloudManifest.fromFile(TREE_MANIFEST) });
  let problems: readonly { code: string; field: string }[] = [];
  try {
    new pl.ObjectStore('crd', {
      ...storeProps,
      plugin,
      instanceSidecarConfiguration: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'c' } as never } }] },
    });
  } catch (e) {
    problems = (e as pl.CnpgResourceError).problems;
  }
  expect(problems.map((p) => `${p.code} ${p.field}`)).toEqual([
    'crd-schema .spec.instanceSidecarConfiguration.env[0].valueFrom.secretKeyRef.key',
  ]);
  expect(fs.existsSync(TREE_MANIFEST)).toBe(true);
});
