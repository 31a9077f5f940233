// The cdk8s serving constructs as an app uses them: synthesized, validated (CNPG CRDs, Prometheus Operator CRDs,
// the admission rules), unique per name, and the cdk8s-plus-30 helpers wiring a Deployment to a pooler.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { parseAllDocuments } from 'yaml';
import {
  admissionFindings,
  CnpgValidationError,
  DatabaseRole,
  ExtensionDatabase,
  type KubeObject,
  PodMonitor,
  Pooler,
  PostgresAlertRules,
  PostgresCluster,
  synthesize,
} from '../../lib/cdk8s';
import { connectionEnvValues, envValueOf, secretOf } from '../../lib/cdk8s/plus';
import { expectValidCnpgObjects } from '../support/crd-validator';
import { expectValidPrometheusObjects } from '../support/prometheus-crds';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';

function shop(namespace = 'shop') {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace });
  const cluster = new PostgresCluster(chart, 'db', {
    imageName: IMAGE,
    instances: 3,
    storage: { size: '1Gi' },
    roles: [{ name: 'reporting', login: true, passwordSecret: 'db-reporting', inRoles: ['pg_read_all_data'] }],
  });
  return { app, chart, cluster };
}

function codesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CnpgValidationError) return e.problems.map((p) => p.code);
    throw e;
  }
  return [];
}

test('a cluster with a pooler, its PodMonitors, alert rules and a DatabaseRole: every object valid, no admission finding', () => {
  const { chart, cluster } = shop();
  const pooler = new Pooler(chart, 'pooler', {
    cluster,
    poolMode: 'transaction',
    instances: 2,
    podMonitor: { labels: { release: 'prom' } },
  });
  new PodMonitor(chart, 'monitor', { cluster, labels: { release: 'prom' } });
  new PostgresAlertRules(chart, 'alerts', { cluster, labels: { release: 'prom' } });
  const writer = new DatabaseRole(chart, 'writer', { cluster, name: 'writer', login: true, passwordSecret: 'db-writer' });
  new ExtensionDatabase(chart, 'appdb', { cluster, name: 'orders', owner: 'writer', schemas: [{ name: 'orders', owner: 'writer' }] });
  const objects = Testing.synth(chart) as KubeObject[];
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'Cluster/shop/db',
    'Pooler/shop/db-pooler-rw',
    'PodMonitor/shop/db-pooler-rw',
    'PodMonitor/shop/db',
    'PrometheusRule/shop/db-alerts',
    'DatabaseRole/shop/db-writer',
    'Database/shop/db-orders',
  ]);
  expect(expectValidCnpgObjects(objects)).toBe(4);
  expect(expectValidPrometheusObjects(objects)).toBe(3);
  expect(admissionFindings(objects)).toEqual([]);
  expect(pooler.endpoint.host).toBe('db-pooler-rw.shop');
  expect(writer.credentials()).toEqual(expect.objectContaining({ secretName: 'db-writer', keys: ['username', 'password'] }));
  expect(codesOf(() => writer.certificate())).toEqual(['role-has-no-client-certificate']);
  const certified = new DatabaseRole(chart, 'certified', { cluster, name: 'certified', login: true, clientCertificate: true });
  expect(certified.certificate()).toEqual(
    expect.objectContaining({ secretName: 'db-certified-client-cert', keys: ['tls.crt', 'tls.key'] }),
  );
  expect(codesOf(() => certified.credentials())).toEqual(['role-has-no-password-secret']);
  expect(cluster.endpoints.readOnly.fqdn).toBe('db-ro.shop.svc.cluster.local');
});

test('synthesize() validates the CNPG serving kinds against their CRDs, and writes them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-serving-'));
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const cluster = new PostgresCluster(chart, 'db', { imageName: IMAGE, storage: { size: '1Gi' } });
  new Pooler(chart, 'pooler', { cluster });
  const role = new DatabaseRole(chart, 'writer', { cluster, name: 'writer', login: true });
  synthesize(app, { log: false });
  const kinds = parseAllDocuments(fs.readFileSync(path.join(dir, 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJS().kind);
  expect(kinds).toEqual(['Cluster', 'Pooler', 'DatabaseRole']);
  // An escape hatch that breaks the object fails synth, naming the construct and the CRD rule.
  role.addJsonPatch(JsonPatch.add('/spec/clientCertificate', { enabled: true }), JsonPatch.remove('/spec/login'));
  expect(() => synthesize(app, { log: false })).toThrow(/shop\/writer[\s\S]*clientCertificate requires the role to have login enabled/);
});

test('names: two poolers, two DatabaseRoles of one role, two PodMonitors of one name fail synth', () => {
  const a = shop();
  new Pooler(a.chart, 'p1', { cluster: a.cluster });
  new Pooler(a.chart, 'p2', { cluster: a.cluster });
  expect(() => synthesize(a.app, { log: false })).toThrow(/\[shop\/p2\] duplicate-object-name: name: names the same Pooler/);
  const b = shop();
  new DatabaseRole(b.chart, 'r1', { cluster: b.cluster, name: 'writer' });
  new DatabaseRole(b.chart, 'r2', { cluster: b.cluster, name: 'writer', resourceName: 'writer-again' });
  expect(() => synthesize(b.app, { log: false })).toThrow(/names the same role writer of cluster db/);
  const c = shop();
  new PodMonitor(c.chart, 'm1', { cluster: c.cluster });
  new PodMonitor(c.chart, 'm2', { cluster: c.cluster });
  expect(() => synthesize(c.app, { log: false })).toThrow(/names the same PodMonitor/);
});

test('a cluster of another app is an error; exactly one target for a PodMonitor', () => {
  const a = shop();
  const b = shop();
  expect(codesOf(() => new Pooler(b.chart, 'pooler', { cluster: a.cluster }))).toEqual(['cluster-not-in-app']);
  expect(codesOf(() => new DatabaseRole(b.chart, 'r', { cluster: a.cluster, name: 'w' }))).toEqual(['cluster-not-in-app']);
  expect(codesOf(() => new PodMonitor(b.chart, 'm', {} as never))).toEqual(['pod-monitor-target-required']);
});

test('PostgresCluster.fromClusterName: a cluster managed elsewhere, served without a string cluster', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'team', { namespace: 'team' });
  const shared = PostgresCluster.fromClusterName(chart, 'shared', 'platform-db', { roleSecrets: { team: 'platform-db-team' } });
  const pooler = new Pooler(chart, 'pooler', { cluster: shared, type: 'r' });
  new ExtensionDatabase(chart, 'db', { cluster: shared, name: 'team', owner: 'team' });
  new DatabaseRole(chart, 'role', { cluster: shared, name: 'team', login: true, passwordSecret: 'platform-db-team' });
  const objects = Testing.synth(chart) as KubeObject[];
  expect(objects.map((o) => [o.kind, o.metadata.namespace, (o.spec as { cluster: { name: string } }).cluster.name])).toEqual([
    ['Pooler', 'team', 'platform-db'],
    ['Database', 'team', 'platform-db'],
    ['DatabaseRole', 'team', 'platform-db'],
  ]);
  expect(expectValidCnpgObjects(objects)).toBe(3);
  expect(shared.endpoints.readWrite.host).toBe('platform-db-rw.team');
  expect(shared.credentials('app').secretName).toBe('platform-db-app');
  expect(shared.credentials('team')).toEqual(expect.objectContaining({ secretName: 'platform-db-team', keys: ['username', 'password'] }));
  expect(() => shared.credentials('other')).toThrow(/not declared in this app/);
  // From JavaScript, without the argument TypeScript requires: the field and the choices, not role "undefined".
  expect(() => (shared.credentials as (user?: string) => unknown)()).toThrow(/user: must name the user whose credentials to use/);
  expect(pooler.endpoint.service).toBe('platform-db-pooler-r');
  // The set does not hold the cluster: warnings, not errors.
  expect(admissionFindings(objects).map((f) => [f.code, f.severity])).toEqual([
    ['pooler-cluster-not-in-set', 'warning'],
    ['database-owner-unknown', 'warning'],
    ['database-role-cluster-not-in-set', 'warning'],
  ]);
});

test("a Database owner no role of the app creates is an admission error over the app's objects", () => {
  const { chart, cluster } = shop();
  const db = new ExtensionDatabase(chart, 'appdb', { cluster, name: 'orders', owner: 'orders' });
  // Plain synth refuses it, at the Database, naming the prop.
  expect(() => Testing.synth(chart)).toThrow(/\[shop\/appdb\] database-owner-missing: owner: role orders is created by no bootstrap/);
  // The same rule over the objects alone (what `validate` runs).
  const objects = [cluster, db].map((o) => o.toJson()) as KubeObject[];
  expect(admissionFindings(objects).map((f) => [f.code, f.severity ?? 'error', f.field])).toEqual([
    ['database-owner-missing', 'error', '.spec.owner'],
  ]);
  new DatabaseRole(chart, 'orders', { cluster, name: 'orders', login: true });
  expect(admissionFindings(Testing.synth(chart) as KubeObject[])).toEqual([]);
});

describe('cdk8s-plus-30 (cnpg-constructs/cdk8s-plus)', () => {
  test('a Deployment connects through the pooler with the credentials of the app secret', () => {
    const { chart, cluster } = shop();
    const pooler = new Pooler(chart, 'pooler', { cluster });
    new kplus.Deployment(chart, 'web', {
      containers: [
        {
          image: 'ghcr.io/example/web:1.0',
          envVariables: connectionEnvValues(chart, pooler.endpoint, cluster.credentials('app'), { sslMode: 'require' }),
          securityContext: { ensureNonRoot: false },
        },
      ],
    });
    // One key of a generated secret, typed; a basic-auth secret has no URI.
    expect(envValueOf(chart, cluster.credentials('app'), 'jdbc-uri').valueFrom?.secretKeyRef?.key).toBe('jdbc-uri');
    expect(codesOf(() => envValueOf(chart, cluster.credentials('reporting'), 'uri'))).toEqual(['secret-key-unknown']);
    // A second helper call reuses the imported secret.
    expect(secretOf(chart, cluster.credentials('app'))).toBe(secretOf(chart, cluster.credentials('app')));
    const deployment = (Testing.synth(chart) as KubeObject[]).find((o) => o.kind === 'Deployment') as KubeObject;
    const env = (deployment.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env;
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'PGHOST', value: 'db-pooler-rw.shop' },
        { name: 'PGPORT', value: '5432' },
        { name: 'PGDATABASE', value: 'app' },
        { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'db-app', key: 'username' } } },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } },
        { name: 'PGSSLMODE', value: 'require' },
      ]),
    );
    expect(env).toHaveLength(6);
  });

  test('a workload in another namespace cannot read the secret: an error, not a Pod that never starts', () => {
    const { app, cluster } = shop();
    const other = new Chart(app, 'web', { namespace: 'web' });
    expect(codesOf(() => connectionEnvValues(other, cluster.endpoints.readWrite, cluster.credentials('reporting')))).toEqual([
      'secret-in-other-namespace',
    ]);
  });

  test('the plain EnvVar[] of cnpg-constructs/cdk8s, for users without cdk8s-plus-30', () => {
    const { chart, cluster } = shop();
    const pooler = new Pooler(chart, 'pooler', { cluster });
    expect(pooler.connectionEnv(cluster.credentials('reporting'), { prefix: 'DB_', database: 'app' })).toEqual([
      { name: 'DB_HOST', value: 'db-pooler-rw.shop' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_DATABASE', value: 'app' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'db-reporting', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-reporting', key: 'password' } } },
    ]);
    expect(codesOf(() => cluster.credentials('superuser'))).toEqual(['superuser-access-disabled']);
  });
});
