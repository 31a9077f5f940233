// examples/cdk8s/serving.ts, synthesized as `cdk8s synth` runs it: every object valid (CNPG CRDs, Prometheus Operator
// CRDs), no admission finding, and the Deployment reaching the database through the pooler as the writer.
import * as path from 'node:path';
import { admissionFindings, type KubeObject } from '../../lib/core';
import { expectValidCnpgObjects } from '../support/crd-validator';
import { expectValidPrometheusObjects } from '../support/prometheus-crds';
import { synthModule } from '../support/synth';

describe('examples/cdk8s/serving.ts', () => {
  const { files, objects } = synthModule(path.resolve(__dirname, '..', '..', 'examples', 'cdk8s', 'serving.ts'));
  const orders = objects.filter((o) => o.metadata?.namespace === 'orders' || (o.kind === 'Namespace' && o.metadata.name === 'orders'));

  test('the operator first, then the namespace, the cluster, its roles, database, pooler, monitors and the application', () => {
    expect(files).toEqual(['0000-cnpg-operator.k8s.yaml', '0001-orders.k8s.yaml']);
    expect(orders.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/orders',
      'Cluster/orders-db',
      'DatabaseRole/orders-db-writer',
      'Database/orders-db-orders',
      'Pooler/orders-db-pooler-rw',
      'PodMonitor/orders-db-pooler-rw',
      'PodMonitor/orders-db',
      'PrometheusRule/orders-db-alerts',
      expect.stringMatching(/^Deployment\/orders-orders-api-/),
    ]);
  });

  test('validates clean: CNPG CRDs, Prometheus Operator CRDs, admission rules', () => {
    expect(expectValidCnpgObjects(objects)).toBe(4);
    expect(expectValidPrometheusObjects(objects)).toBe(3);
    expect(admissionFindings(objects)).toEqual([]);
  });

  test('the Deployment connects through the pooler with the credentials of the writer secret', () => {
    const deployment = orders.find((o) => o.kind === 'Deployment') as KubeObject;
    const env = (deployment.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env;
    expect(env).toHaveLength(6);
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'PGDATABASE', value: 'orders' },
        { name: 'PGHOST', value: 'orders-db-pooler-rw.orders' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'orders-db-writer' } } },
        { name: 'PGPORT', value: '5432' },
        { name: 'PGSSLMODE', value: 'require' },
        { name: 'PGUSER', valueFrom: { secretKeyRef: { key: 'username', name: 'orders-db-writer' } } },
      ]),
    );
  });
});
