// The Pulumi serving components under pulumi.runtime.setMocks: real type tokens, awaited objects, the same objects
// as the cdk8s constructs for the same props, endpoints as Outputs, connection() for each user with a secret.
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { Chart, Testing } from 'cdk8s';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      if (args.type === 'kubernetes:core/v1:Secret' && args.id) {
        const b64 = (x: string) => Buffer.from(x).toString('base64');
        const user = String(args.id).split('/').pop() === 'db-reporting' ? 'reporting' : 'app';
        return { id: args.id, state: { data: { username: b64(user), password: b64(`pw-of-${user}`), 'ca.crt': b64('CA') } } };
      }
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'serving',
  'test',
  false,
);

import * as cdk from '../../lib/cdk8s';
import * as pl from '../../lib/pulumi';
import { POOLER_PHASE_SOURCES, poolerReconciledPhase } from '../../lib/core/serving/pooler-status';
import { readLock } from '../support/citations';
import { expectValidCnpgObjects } from '../support/crd-validator';
import { expectValidPrometheusObjects } from '../support/prometheus-crds';

const whenDone = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));
const byName = (name: string) => registered.find((r) => r.name === name) as Registered;
const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const clusterProps = {
  name: 'db',
  namespace: 'shop',
  imageName: IMAGE,
  instances: 3,
  storage: { size: '1Gi' },
  roles: [{ name: 'reporting', login: true, passwordSecret: 'db-reporting' }],
};
const { metadata: _m, ...clusterPropsNoNs } = { metadata: 0, ...clusterProps };
const withoutAwait = (o: Record<string, unknown>) => {
  const metadata = { ...(o.metadata as Record<string, unknown>) };
  const annotations = { ...(metadata.annotations as Record<string, string> | undefined) };
  delete annotations['pulumi.com/waitFor'];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: o.spec };
};

describe('Pulumi serving components', () => {
  test('a Pooler is awaited until CNPG reports it reconciled: status.phase active, or paused; with CNPG 1.29 (no phase) it is not', async () => {
    const ref = pl.PostgresCluster.fromClusterName('refdb', { namespace: 'shop' });
    const active = new pl.Pooler('await-a', { cluster: ref, type: 'rw' });
    const paused = new pl.Pooler('await-p', { cluster: ref, type: 'ro', paused: true });
    const old = new pl.Pooler('await-o', { cluster: ref, type: 'r', operatorVersion: '1.29.2' });
    await Promise.all([active, paused, old].map((p) => whenDone(p.pooler.urn)));
    const annotations = (n: string) => (byName(n).inputs.metadata as { annotations?: unknown }).annotations;
    expect(annotations('await-a-pooler')).toEqual({ 'pulumi.com/waitFor': 'jsonpath={.status.phase}=active' });
    expect(annotations('await-p-pooler')).toEqual({ 'pulumi.com/waitFor': 'jsonpath={.status.phase}=paused' });
    expect(annotations('await-o-pooler')).toBeUndefined();
    // The field and the values are the ones cloudnative-pg v1.30.0 declares (the lock holds the cited lines).
    const lock = readLock();
    const line = (file: string, text: string) =>
      Object.values(lock.files[file].lines).find((l) => l.includes(text)) ?? `${file}: no locked line with ${text}`;
    const cited = POOLER_PHASE_SOURCES.map((c) => `${c.file}:${c.line}`);
    expect(cited).toEqual(expect.arrayContaining(['api/v1/pooler_types.go:317', 'api/v1/pooler_types.go:35', 'api/v1/pooler_types.go:40']));
    expect(line('api/v1/pooler_types.go', 'Phase PoolerPhase')).toMatch(/json:"phase,omitempty"/);
    expect(line('api/v1/pooler_types.go', 'PoolerPhaseActive PoolerPhase =')).toMatch(/= "active"$/);
    expect(line('api/v1/pooler_types.go', 'PoolerPhasePaused PoolerPhase =')).toMatch(/= "paused"$/);
    expect([poolerReconciledPhase(false, '1.30.0'), poolerReconciledPhase(true, '1.31.0'), poolerReconciledPhase(false, '1.29.9')]).toEqual(
      ['active', 'paused', undefined],
    );
  });

  test('Pooler, PodMonitors, alert rules and a DatabaseRole: the objects of the cdk8s constructs, under real type tokens', async () => {
    const cluster = new pl.PostgresCluster('db', clusterProps);
    const pooler = new pl.Pooler('pooler', { cluster, poolMode: 'transaction', podMonitor: { labels: { release: 'prom' } } });
    const monitor = new pl.PodMonitor('monitor', { cluster, labels: { release: 'prom' } });
    const alerts = new pl.PostgresAlertRules('alerts', { cluster, thresholds: { connectionsWarningPercent: 75 } });
    const role = new pl.DatabaseRole('writer', { cluster, name: 'writer', login: true, passwordSecret: 'db-writer' });
    await Promise.all([pooler.urn, monitor.podMonitor.urn, alerts.rules.urn, role.role.urn].map(whenDone));

    expect(await whenDone(pooler.pooler.urn)).toMatch(
      /cnpg-constructs:index:Pooler\$kubernetes:postgresql\.cnpg\.io\/v1:Pooler::pooler-pooler$/,
    );
    expect(await whenDone((pooler.podMonitor as pulumi.CustomResource).urn)).toMatch(
      /kubernetes:monitoring\.coreos\.com\/v1:PodMonitor::pooler-podmonitor$/,
    );
    expect(await whenDone(alerts.rules.urn)).toMatch(
      /cnpg-constructs:index:PostgresAlertRules\$kubernetes:monitoring\.coreos\.com\/v1:PrometheusRule::alerts-rules$/,
    );
    expect(await whenDone(role.role.urn)).toMatch(
      /cnpg-constructs:index:DatabaseRole\$kubernetes:postgresql\.cnpg\.io\/v1:DatabaseRole::writer-role$/,
    );
    expect((byName('pooler-pooler').inputs.metadata as { annotations: unknown }).annotations).toEqual(pl.AWAIT_ANNOTATIONS.Pooler);
    expect((byName('writer-role').inputs.metadata as { annotations: unknown }).annotations).toEqual(pl.AWAIT_ANNOTATIONS.DatabaseRole);

    const chart = new Chart(Testing.app(), 'x', { namespace: 'shop' });
    const c = new cdk.PostgresCluster(chart, 'db', clusterPropsNoNs as never);
    new cdk.Pooler(chart, 'pooler', { cluster: c, poolMode: 'transaction', podMonitor: { labels: { release: 'prom' } } });
    new cdk.PodMonitor(chart, 'monitor', { cluster: c, labels: { release: 'prom' } });
    new cdk.PostgresAlertRules(chart, 'alerts', { cluster: c, thresholds: { connectionsWarningPercent: 75 } });
    new cdk.DatabaseRole(chart, 'writer', { cluster: c, name: 'writer', login: true, passwordSecret: 'db-writer' });
    const fromCdk8s = Testing.synth(chart).slice(1);
    const fromPulumi = ['pooler-pooler', 'pooler-podmonitor', 'monitor-podmonitor', 'alerts-rules', 'writer-role'].map((n) =>
      withoutAwait(byName(n).inputs),
    );
    expect(fromPulumi).toEqual(fromCdk8s);
    expect(expectValidPrometheusObjects(fromPulumi as never)).toBe(3);
  });

  test('endpoints are Outputs (the namespace may be one); connection() for a managed role reads its secret', async () => {
    const ns = pulumi.output('shop');
    const cluster = new pl.PostgresCluster('db2', { ...clusterProps, name: 'db2', namespace: ns });
    expect(await whenDone(cluster.endpoints.readWrite.host)).toBe('db2-rw.shop');
    expect(await whenDone(cluster.endpoints.read.fqdn)).toBe('db2-r.shop.svc.cluster.local');
    const pooler = new pl.Pooler('pooler2', { cluster, type: 'r' });
    expect(await whenDone(pooler.endpoint.host)).toBe('db2-pooler-r.shop');
    await whenDone(pooler.pooler.urn);
    expect((byName('pooler2-pooler').inputs.metadata as { namespace: string }).namespace).toBe('shop');
    const env = pooler.connectionEnv(cluster.credentials('app'));
    expect(await whenDone(pulumi.output(env))).toEqual([
      { name: 'PGHOST', value: 'db2-pooler-r.shop' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'db2-app', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db2-app', key: 'password' } } },
    ]);
    const connection = cluster.connection({ host: '127.0.0.1', user: 'reporting' });
    const resolved = (await whenDone(pulumi.output(connection))) as Record<string, unknown>;
    expect(resolved).toEqual(
      expect.objectContaining({ user: 'reporting', password: 'pw-of-reporting', sslMode: 'verify-full', tlsServerName: 'db2-rw' }),
    );
    expect(registered.filter((r) => r.type === 'kubernetes:core/v1:Secret' && r.name.startsWith('db2-')).map((r) => r.name)).toEqual(
      expect.arrayContaining(['db2-db-reporting', 'db2-db2-ca']),
    );
    expect(() => cluster.connection({ host: 'h', user: 'nobody' })).toThrow(/creates no role "nobody"/);
  });

  test('PostgresCluster.fromClusterName: serve a cluster of another program; errors name the resource', async () => {
    const shared = pl.PostgresCluster.fromClusterName('platform-db', { namespace: 'team', roleSecrets: { team: 'platform-db-team' } });
    const pooler = new pl.Pooler('team-pooler', { cluster: shared });
    const db = new pl.ExtensionDatabase('team-db', { cluster: shared, name: 'team', owner: 'team', manageExtensionsWith: 'cnpg' });
    await whenDone(db.database.urn);
    expect(byName('team-pooler-pooler').inputs.metadata).toEqual(
      expect.objectContaining({ name: 'platform-db-pooler-rw', namespace: 'team' }),
    );
    expect(byName('team-db-database').inputs.metadata).toEqual(expect.objectContaining({ name: 'platform-db-team', namespace: 'team' }));
    expect(await whenDone(pooler.endpoint.host)).toBe('platform-db-pooler-rw.team');
    expect(shared.credentials('team').secretName).toBe('platform-db-team');
    expect(() => new pl.Pooler('bad', { cluster: shared, parameters: { listen_port: '1' } })).toThrow(
      /Pooler at 'bad' is invalid: parameters.listen_port: is not a PgBouncer parameter/,
    );
    expect(() => new pl.DatabaseRole('bad-role', { cluster: shared, name: 'pg_x' })).toThrow(pl.CnpgResourceError);
  });

  test('examples/pulumi/serving.ts: objects valid and admission-clean, the Deployment reaching the pooler as the writer', async () => {
    const start = registered.length;
    jest.isolateModules(() => {
      require(path.resolve(__dirname, '..', '..', 'examples', 'pulumi', 'serving.ts'));
    });
    await new Promise((r) => setTimeout(r, 500));
    const mine = registered.slice(start);
    const kinds = (prefix: string) => mine.filter((r) => r.type.startsWith(prefix)).map((r) => r.inputs as unknown as pl.KubeObject);
    const cnpg = kinds('kubernetes:postgresql.cnpg.io/').map((o) => ({ ...o, apiVersion: 'postgresql.cnpg.io/v1' }));
    const monitoring = kinds('kubernetes:monitoring.coreos.com/');
    expect(cnpg.map((o) => o.kind).sort()).toEqual(['Cluster', 'Database', 'DatabaseRole', 'Pooler']);
    expect(expectValidCnpgObjects(cnpg)).toBe(4);
    expect(expectValidPrometheusObjects(monitoring)).toBe(3);
    expect(pl.admissionFindings([...cnpg, ...monitoring])).toEqual([]);
    const deployment = mine.find((r) => r.type === 'kubernetes:apps/v1:Deployment') as Registered;
    const env = (deployment.inputs.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'PGHOST', value: 'orders-db-pooler-rw.orders' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'orders' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'orders-db-writer', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db-writer', key: 'password' } } },
      { name: 'PGSSLMODE', value: 'require' },
    ]);
  });
});
