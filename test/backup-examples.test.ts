// examples/{cdk8s,pulumi}/production.ts: three instances backing up to S3 on a schedule, and a second cluster recovered
// from those backups to a point in time. Synthesized (cdk8s) and run under mocks (Pulumi); every object passes its CRD
// and the admission rules.
import * as path from 'node:path';
import { admissionFindings, type KubeObject } from '../lib/core';
import { BARMAN_TREE_MANIFEST, expectValidBackupObjects } from './support/backup';
import { recordRegistrations } from './support/pulumi-mocks';
import { synthModule } from './support/synth';

const examples = path.resolve(__dirname, '..', 'examples');
process.env.BARMAN_CLOUD_MANIFEST = BARMAN_TREE_MANIFEST;

function expectProductionShape(objects: readonly KubeObject[]): void {
  expectValidBackupObjects(objects);
  expect(admissionFindings(objects)).toEqual([]);
  const by = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as KubeObject;
  expect(by('Cluster', 'prod').spec).toMatchObject({
    instances: 3,
    plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'prod-backups' } }],
  });
  expect(by('ObjectStore', 'prod-backups').spec).toMatchObject({
    configuration: { destinationPath: 's3://acme-postgres-backups/prod' },
    retentionPolicy: '30d',
  });
  expect(by('ScheduledBackup', 'prod-nightly').spec).toMatchObject({
    schedule: '0 0 2 * * *',
    cluster: { name: 'prod' },
    method: 'plugin',
  });
  expect(by('Cluster', 'prod-restore').spec).toMatchObject({
    bootstrap: { recovery: { source: 'prod', recoveryTarget: { targetTime: '2026-01-15T09:30:00Z' } } },
    externalClusters: [{ name: 'prod', plugin: { parameters: { barmanObjectName: 'prod-backups', serverName: 'prod' } } }],
  });
  expect(
    objects
      .filter((o) => o.metadata.namespace === 'db')
      .map((o) => o.kind)
      .sort(),
  ).toEqual(['Cluster', 'Cluster', 'ObjectStore', 'ScheduledBackup']);
}

test('examples/cdk8s/production.ts: the operators first, then the database objects, all valid', () => {
  const { files, objects } = synthModule(path.join(examples, 'cdk8s', 'production.ts'));
  expect(files).toEqual(['0000-operators.k8s.yaml', '0001-db.k8s.yaml']);
  const kinds = objects.map((o) => o.kind);
  expect(kinds.indexOf('Deployment')).toBeLessThan(kinds.indexOf('Cluster'));
  // The plugin in the operator's namespace, after the operator's objects.
  const plugin = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'barman-cloud') as KubeObject;
  expect(plugin.metadata.namespace).toBe('cnpg-system');
  expect(objects.indexOf(plugin)).toBeGreaterThan(
    objects.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === 'cnpg-controller-manager'),
  );
  expectProductionShape(objects);
});

test('examples/pulumi/production.ts: the same objects, under mocks', async () => {
  const { registered } = recordRegistrations('production');
  let program: { restored?: string } = {};
  jest.isolateModules(() => {
    program = require(path.join(examples, 'pulumi', 'production.ts'));
  });
  expect(program.restored).toBe('prod-restore');
  for (let i = 0; i < 100 && !registered.some((r) => r.name === 'prod-restore-cluster'); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  const kinds = new Set(['Cluster', 'ObjectStore', 'ScheduledBackup']);
  const objects = registered
    .filter((r) => kinds.has(String(r.inputs.kind)))
    .map((r): KubeObject => {
      const { annotations: _a, ...metadata } = r.inputs.metadata as KubeObject['metadata'];
      return { ...(r.inputs as unknown as KubeObject), metadata: metadata as KubeObject['metadata'] };
    });
  expectProductionShape(objects);
  const { objects: cdk8sObjects } = synthModule(path.join(examples, 'cdk8s', 'production.ts'));
  for (const o of objects) {
    const twin = cdk8sObjects.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name);
    expect({ name: o.metadata.name, spec: o.spec }).toEqual({ name: o.metadata.name, spec: twin?.spec });
  }
});
