// The serving admission rules over plain objects (any YAML): poolers as CNPG's pooler webhook checks them, references
// across the set, the roles a Database's owner needs, and CNPG's deprecations as warnings.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runValidate } from '../../lib/cli/validate';
import { admissionFindings, type KubeObject } from '../../lib/core';

const ns = 'shop';
const obj = (kind: string, name: string, spec: Record<string, unknown>, apiVersion = 'postgresql.cnpg.io/v1'): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: ns },
  spec,
});
const cluster = (spec: Record<string, unknown> = {}, name = 'db') =>
  obj('Cluster', name, {
    instances: 1,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    storage: { size: '1Gi' },
    ...spec,
  });
const pooler = (spec: Record<string, unknown> = {}, name = 'db-pooler-rw') =>
  obj('Pooler', name, { cluster: { name: 'db' }, pgbouncer: {}, ...spec });
const database = (owner: string, clusterName = 'db') =>
  obj('Database', `${clusterName}-app`, { name: 'app', owner, cluster: { name: clusterName } });
const role = (name: string, clusterName = 'db') =>
  obj('DatabaseRole', `${clusterName}-${name}`, { name, cluster: { name: clusterName }, login: true });
const podMonitor = (labels: Record<string, string>, spec: Record<string, unknown> = {}) =>
  obj(
    'PodMonitor',
    'mon',
    { selector: { matchLabels: labels }, podMetricsEndpoints: [{ port: 'metrics' }], ...spec },
    'monitoring.coreos.com/v1',
  );

const found = (objects: KubeObject[]) => admissionFindings(objects).map((f) => [f.code, f.severity ?? 'error', f.field]);

describe('Pooler (internal/webhook/v1/pooler_webhook.go)', () => {
  test('a clean pooler of a cluster in the set has no findings', () => {
    expect(found([cluster(), pooler({ pgbouncer: { poolMode: 'transaction', parameters: { max_client_conn: '100' } } })])).toEqual([]);
  });

  test('parameters CNPG refuses, auth query without its secret, the name of its cluster', () => {
    expect(found([cluster(), pooler({ pgbouncer: { parameters: { listen_port: '6432' } } })])).toEqual([
      ['pooler-parameter-not-allowed', 'error', '.spec.pgbouncer.parameters.listen_port'],
    ]);
    expect(found([cluster(), pooler({ pgbouncer: { authQuery: 'SELECT 1' } })])).toEqual([
      ['pooler-auth-secret-required', 'error', '.spec.pgbouncer.authQuerySecret.name'],
      ['pooler-manual-integration', 'warning', '.spec.pgbouncer'],
    ]);
    expect(found([cluster(), pooler({}, 'db')])).toEqual([['pooler-name-taken', 'error', '.metadata.name']]);
  });

  test('deprecations are warnings naming the replacement; TLS metrics with the operator PodMonitor need a clientTLSSecret', () => {
    const f = admissionFindings([
      cluster(),
      pooler({ pgbouncer: { authQuerySecret: { name: 'auth' }, authQuery: 'SELECT 1' }, monitoring: { enablePodMonitor: true } }),
    ]);
    expect(f.map((x) => [x.code, x.severity])).toEqual([
      ['pooler-manual-integration', 'warning'],
      ['pooler-auth-query-secret-deprecated', 'warning'],
      ['pod-monitor-field-deprecated', 'warning'],
    ]);
    expect(f[0].message).toContain('won\'t handle the integration of Pooler "db-pooler-rw" with Cluster "db"');
    expect(f[1].fix).toContain('serverTLSSecret');
    expect(f[2].fix).toContain('PodMonitor');
    expect(found([cluster(), pooler({ monitoring: { enablePodMonitor: true, tls: { enabled: true } } })])).toEqual([
      ['pooler-metrics-tls-needs-client-tls-secret', 'error', '.spec.pgbouncer.clientTLSSecret'],
      ['pod-monitor-field-deprecated', 'warning', '.spec.monitoring.enablePodMonitor'],
    ]);
  });

  test("a Cluster's enablePodMonitor and relabelings are deprecated (cluster_webhook.go getDeprecatedMonitoringFieldsWarnings)", () => {
    expect(found([cluster({ monitoring: { enablePodMonitor: true, podMonitorRelabelings: [{ targetLabel: 'x' }] } })])).toEqual([
      ['pod-monitor-field-deprecated', 'warning', '.spec.monitoring.enablePodMonitor'],
      ['pod-monitor-field-deprecated', 'warning', '.spec.monitoring.podMonitorRelabelings'],
    ]);
  });

  test('across the set: a cluster that is not there, a Service name taken, a disabled Service, ro without standbys', () => {
    expect(found([pooler()])).toEqual([['pooler-cluster-not-in-set', 'warning', '.spec.cluster.name']]);
    expect(found([cluster(), cluster({}, 'other'), pooler({}, 'other-rw')])).toEqual([['pooler-name-taken', 'error', '.metadata.name']]);
    expect(
      found([
        cluster({ instances: 3, managed: { services: { disabledDefaultServices: ['ro'] } } }),
        pooler({ type: 'ro' }, 'db-pooler-ro'),
      ]),
    ).toEqual([['pooler-service-disabled', 'error', '.spec.type']]);
    expect(found([cluster(), pooler({ type: 'ro' }, 'db-pooler-ro')])).toEqual([['pooler-ro-without-standbys', 'warning', '.spec.type']]);
    expect(found([cluster({ instances: 2 }), pooler({ type: 'ro' }, 'db-pooler-ro')])).toEqual([]);
  });
});

describe('PodMonitor targets', () => {
  test('a PodMonitor of a cluster or pooler not in the set (in its namespace, or the one it selects) is a warning', () => {
    expect(found([cluster(), podMonitor({ 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance' })])).toEqual([]);
    expect(found([cluster(), podMonitor({ 'cnpg.io/cluster': 'dv' })])).toEqual([
      ['pod-monitor-target-not-in-set', 'warning', '.spec.selector.matchLabels'],
    ]);
    expect(found([cluster(), pooler(), podMonitor({ 'cnpg.io/poolerName': 'db-pooler-rw' })])).toEqual([]);
    expect(found([cluster(), podMonitor({ 'cnpg.io/poolerName': 'db-pooler-rw' })])).toEqual([
      ['pod-monitor-target-not-in-set', 'warning', '.spec.selector.matchLabels'],
    ]);
    const elsewhere: KubeObject = {
      ...podMonitor({ 'cnpg.io/cluster': 'db' }, { namespaceSelector: { matchNames: [ns] } }),
      metadata: { name: 'mon', namespace: 'monitoring' },
    };
    expect(found([cluster(), elsewhere])).toEqual([]);
    expect(found([cluster(), { ...elsewhere, spec: { ...(elsewhere.spec as object), namespaceSelector: undefined } }])).toEqual([
      ['pod-monitor-target-not-in-set', 'warning', '.spec.selector.matchLabels'],
    ]);
  });
});

describe("a Database's owner and the roles of its cluster", () => {
  test("created by the bootstrap (initdb's owner, by default app), a managed role or a DatabaseRole: no finding", () => {
    expect(found([cluster(), database('app')])).toEqual([]);
    expect(found([cluster({ bootstrap: { initdb: { database: 'shop', owner: 'shopper' } } }), database('shopper')])).toEqual([]);
    expect(found([cluster({ managed: { roles: [{ name: 'owner', login: true }] } }), database('owner')])).toEqual([]);
    expect(found([cluster(), role('owner'), database('owner')])).toEqual([]);
  });

  test('no role creates it: an error when the set holds the cluster; a warning when the cluster is elsewhere or may bring roles', () => {
    const f = admissionFindings([cluster(), database('ghost')]);
    expect(f.map((x) => [x.code, x.severity ?? 'error'])).toEqual([['database-owner-missing', 'error']]);
    expect(f[0].message).toContain('(it has: postgres, app)');
    expect(found([cluster({ managed: { roles: [{ name: 'ghost', ensure: 'absent' }] } }), database('ghost')])).toEqual([
      ['database-owner-missing', 'error', '.spec.owner'],
    ]);
    expect(found([role('ghost', 'other'), cluster(), database('ghost')])).toEqual([
      ['database-role-cluster-not-in-set', 'warning', '.spec.cluster.name'],
      ['database-owner-missing', 'error', '.spec.owner'],
    ]);
    expect(found([database('ghost')])).toEqual([['database-owner-unknown', 'warning', '.spec.owner']]);
    expect(
      found([
        cluster({
          bootstrap: { recovery: { source: 'origin' } },
          externalClusters: [{ name: 'origin', connectionParameters: { host: 'origin-rw' } }],
        }),
        database('ghost'),
      ]),
    ).toEqual([['database-owner-unknown', 'warning', '.spec.owner']]);
    expect(found([cluster({ bootstrap: { initdb: { postInitSql: ['CREATE ROLE ghost LOGIN'] } } }), database('ghost')])).toEqual([
      ['database-owner-unknown', 'warning', '.spec.owner'],
    ]);
  });

  test('a role in managed.roles and a DatabaseRole: the cluster wins (warning); two DatabaseRoles of one role: an error', () => {
    expect(found([cluster({ managed: { roles: [{ name: 'writer' }] } }), role('writer')])).toEqual([
      ['role-managed-twice', 'warning', '.spec.name'],
    ]);
    const twin = { ...role('writer'), metadata: { name: 'writer-again', namespace: ns } };
    expect(found([cluster(), role('writer'), twin])).toEqual([['database-role-duplicate', 'error', '.spec.name']]);
  });
});

test('cnpg-constructs validate reports them for a YAML file, with the file, document and object', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-serving-'));
  const file = path.join(dir, 'db.yaml');
  fs.writeFileSync(
    file,
    [cluster(), pooler({ pgbouncer: { parameters: { auth_file: '/x' } } }), database('ghost')].map((o) => stringify(o)).join('---\n'),
  );
  let out = '';
  const code = await runValidate([file, '--manifest', process.env.CNPG_OPERATOR_MANIFEST as string], {
    stdin: async () => '',
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    cwd: dir,
  });
  expect(code).toBe(1);
  expect(out).toContain(
    `db.yaml:1 (line 12) Pooler/shop/db-pooler-rw .spec.pgbouncer.parameters.auth_file: is not a PgBouncer parameter CNPG lets a Pooler set`,
  );
  expect(out).toContain(`db.yaml:2 (line 24) Database/shop/db-app .spec.owner: role ghost is created by no bootstrap`);
});
