// The serving builders on their own: each rule with the upstream it mirrors, every emitted CNPG object against the
// CNPG 1.30.0 CRDs and every PodMonitor / PrometheusRule against the Prometheus Operator CRDs of ../shared.
import {
  BASIC_AUTH_KEYS,
  buildAlertRules,
  buildCluster,
  buildDatabase,
  buildDatabaseRole,
  buildImageCatalog,
  buildPodMonitor,
  buildPooler,
  CLUSTER_ALERTS,
  CNPG_SECRET_KEYS,
  CnpgValidationError,
  clusterCredentials,
  clusterEndpoints,
  clusterManifest,
  componentImageRef,
  connectionEnv,
  type DatabaseRoleProps,
  databaseManifest,
  databaseRoleCertificate,
  databaseRoleManifest,
  type PoolerProps,
  type PostgresClusterProps,
  poolerManifest,
  type Problem,
  secretKeyRef,
} from '../../lib/core';
import { PGBOUNCER_PARAMETERS } from '../../lib/core/serving/pooler-rules';
import { validateCnpgObject } from '../support/crd-validator';
import { expectValidPrometheusObjects, prometheusErrors } from '../support/prometheus-crds';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const base: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };
const cluster = (p: Partial<PostgresClusterProps> = {}) => buildCluster('app/db', 'db', { ...base, namespace: 'shop', ...p });

function problems(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CnpgValidationError) return [...e.problems];
    throw e;
  }
  return [];
}
const codes = (fn: () => unknown) => problems(fn).map((p) => p.code);
const crdErrors = (o: Parameters<typeof validateCnpgObject>[0]) => validateCnpgObject(o).map((e) => `${e.path}: ${e.message}`);

describe('Pooler (cloudnative-pg v1.30.0 api/v1/pooler_types.go, internal/webhook/v1/pooler_webhook.go)', () => {
  const pooler = (p: Partial<PoolerProps> = {}, c = cluster()) => buildPooler('app/pooler', c, p);

  test('emits only what is set (CNPG defaults type rw, one instance, session mode), named <cluster>-pooler-<type>, valid for the CRD', () => {
    const o = poolerManifest(pooler());
    expect(o).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Pooler',
      metadata: { name: 'db-pooler-rw', namespace: 'shop' },
      spec: { cluster: { name: 'db' }, pgbouncer: {} },
    });
    expect(crdErrors(o)).toEqual([]);
  });

  test('every option lands where CNPG reads it, and the object passes the CRD (CEL rules included)', () => {
    const o = poolerManifest(
      pooler({
        name: 'db-pool',
        type: 'ro',
        instances: 3,
        poolMode: 'transaction',
        parameters: { max_client_conn: '1000', default_pool_size: '10' },
        pgHba: ['host all all 10.0.0.0/8 scram-sha-256'],
        paused: true,
        image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
        metricsTls: true,
        clientTLSSecret: 'pool-tls',
        serviceAccountName: 'pgbouncer',
        template: {
          metadata: { labels: { app: 'pooler' } },
          spec: { containers: [{ name: 'pgbouncer', resources: { limits: { memory: '256Mi' } } }] },
        },
        serviceTemplate: { spec: { type: 'LoadBalancer' } },
        deploymentStrategy: { type: 'RollingUpdate' },
        labels: { team: 'shop' },
      }),
    );
    expect(o.spec).toEqual({
      cluster: { name: 'db' },
      type: 'ro',
      instances: 3,
      template: {
        metadata: { labels: { app: 'pooler' } },
        spec: { containers: [{ name: 'pgbouncer', resources: { limits: { memory: '256Mi' } } }] },
      },
      pgbouncer: {
        poolMode: 'transaction',
        clientTLSSecret: { name: 'pool-tls' },
        parameters: { max_client_conn: '1000', default_pool_size: '10' },
        pg_hba: ['host all all 10.0.0.0/8 scram-sha-256'],
        paused: true,
        image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
      },
      deploymentStrategy: { type: 'RollingUpdate' },
      monitoring: { tls: { enabled: true } },
      serviceTemplate: { spec: { type: 'LoadBalancer' } },
      serviceAccountName: 'pgbouncer',
    });
    expect(crdErrors(o)).toEqual([]);
  });

  test('the allowed parameters are those of AllowedPgbouncerGenericConfigurationParameters; any other is refused', () => {
    expect(PGBOUNCER_PARAMETERS).toHaveLength(57);
    expect(PGBOUNCER_PARAMETERS).toEqual(
      expect.arrayContaining(['max_client_conn', 'server_tls13_ciphers', 'track_extra_parameters', 'verbose']),
    );
    expect(codes(() => pooler({ parameters: Object.fromEntries(PGBOUNCER_PARAMETERS.map((p) => [p, '1'])) }))).toEqual([]);
    for (const reserved of ['listen_port', 'auth_file', 'pool_mode', 'unix_socket_dir', 'auth_user', 'max_client_connections'])
      expect(problems(() => pooler({ parameters: { [reserved]: '1' } }))).toEqual([
        expect.objectContaining({ code: 'pooler-parameter-not-allowed', field: `parameters.${reserved}`, value: reserved }),
      ]);
    expect(problems(() => pooler({ parameters: { max_clinet_conn: '1' } }))[0].fix).toContain('did you mean "max_client_conn"?');
    expect(problems(() => pooler({ parameters: { max_client_conn: '10\nlisten_port = 6432' } }))).toEqual([
      expect.objectContaining({ code: 'pooler-parameter-value-invalid', field: 'parameters.max_client_conn' }),
    ]);
  });

  test('validatePgBouncer: an auth query needs its secret, a secret needs its query', () => {
    expect(codes(() => pooler({ authQuery: 'SELECT usename, passwd FROM public.user_search($1)' }))).toEqual([
      'pooler-auth-secret-required',
    ]);
    expect(codes(() => pooler({ serverTLSSecret: 'auth-user-tls' }))).toEqual(['pooler-auth-query-required']);
    expect(codes(() => pooler({ authQuerySecret: 'auth-user' }))).toEqual(['pooler-auth-query-required']);
    expect(codes(() => pooler({ serverTLSSecret: 'auth-user-tls', authQuery: 'SELECT 1' }))).toEqual([]);
  });

  test('names: validateCluster (not the cluster name), nor one of the Services CNPG creates, and a DNS-1035 label', () => {
    expect(problems(() => pooler({ name: 'db' }))).toEqual([
      expect.objectContaining({ code: 'pooler-name-taken', message: expect.stringContaining('the name of its cluster') }),
    ]);
    for (const taken of ['db-rw', 'db-ro', 'db-r', 'db-any']) expect(codes(() => pooler({ name: taken }))).toEqual(['pooler-name-taken']);
    expect(codes(() => pooler({ name: '1pool' }))).toEqual(['name-not-dns1035-label']);
    expect(codes(() => pooler({ name: 'a'.repeat(64) }))).toEqual(['name-not-dns1035-label']);
  });

  test('types, modes, images and the operator versions that honour them', () => {
    expect(codes(() => pooler({ type: 'any' as never }))).toContain('pooler-type-invalid');
    expect(codes(() => pooler({ poolMode: 'statement' as never }))).toEqual(['pooler-pool-mode-invalid']);
    expect(codes(() => pooler({ image: 'pgbouncer:1', imageCatalogRef: { kind: 'ImageCatalog', name: 'cat', key: 'pgbouncer' } }))).toEqual(
      ['pooler-image-and-catalog'],
    );
    const old = cluster({ operatorVersion: '1.29.2' });
    expect(problems(() => pooler({ image: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1' }, old))).toEqual([
      expect.objectContaining({ code: 'operator-version-too-old', field: 'image', message: expect.stringContaining('CNPG 1.30.0') }),
    ]);
    expect(codes(() => pooler({ metricsTls: true }, old))).toEqual(['operator-version-too-old']);
    expect(codes(() => pooler({ serviceAccountName: 'sa' }, cluster({ operatorVersion: '1.28.4' })))).toEqual(['operator-version-too-old']);
    expect(codes(() => pooler({ serviceAccountName: 'sa' }, old))).toEqual([]);
  });

  test('a template needs containers (the PodSpec schema requires them); namespace and unknown keys', () => {
    expect(codes(() => pooler({ template: { metadata: { labels: { a: 'b' } } } }))).toEqual(['pooler-template-containers-required']);
    expect(codes(() => pooler({ template: { spec: { containers: [] } } }))).toEqual([]);
    expect(problems(() => pooler({ namespace: 'other' }))).toEqual([
      expect.objectContaining({ code: 'serving-namespace-mismatch', message: expect.stringContaining('cluster db (shop)') }),
    ]);
    expect(problems(() => pooler({ poolmode: 'session' } as never))).toEqual([
      expect.objectContaining({ code: 'unknown-key', fix: expect.stringContaining('did you mean "poolMode"') }),
    ]);
    expect(codes(() => pooler({ instances: '2' as never }))).toEqual(['wrong-type']);
  });

  test('an image-catalog component: the catalog must have the key', () => {
    const catalog = buildImageCatalog('app/cat', 'cat', 'ImageCatalog', {
      namespace: 'shop',
      images: [{ major: 18, image: 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie' }],
      componentImages: { pgbouncer: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1' },
    });
    const ref = componentImageRef('app/pooler', catalog, 'pgbouncer');
    const o = poolerManifest(pooler({ imageCatalogRef: ref }));
    expect((o.spec as { pgbouncer: unknown }).pgbouncer).toEqual({
      imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'cat', key: 'pgbouncer' },
    });
    expect(crdErrors(o)).toEqual([]);
    expect(codes(() => componentImageRef('app/pooler', catalog, 'pgbouncr'))).toEqual(['catalog-component-missing']);
  });
});

describe('roles (RoleConfiguration; cluster_webhook.go validateManagedRoles; pkg/postgres/roles.go IsRoleReserved)', () => {
  test('typed roles become spec.managed.roles, after any given in managed.roles, and pass the Cluster CRD', () => {
    const c = cluster({
      managed: { roles: [{ name: 'legacy', login: true }] },
      roles: [
        { name: 'reporting', login: true, passwordSecret: 'db-reporting', inRoles: ['pg_read_all_data'], connectionLimit: 10 },
        { name: 'old', ensure: 'absent' },
        { name: 'expiring', login: true, passwordSecret: 'db-expiring', validUntil: new Date('2027-01-01T00:00:00Z') },
      ],
    });
    const o = clusterManifest(c);
    expect((o.spec as { managed: unknown }).managed).toEqual({
      roles: [
        { name: 'legacy', login: true },
        { name: 'reporting', login: true, passwordSecret: { name: 'db-reporting' }, inRoles: ['pg_read_all_data'], connectionLimit: 10 },
        { name: 'old', ensure: 'absent' },
        { name: 'expiring', login: true, passwordSecret: { name: 'db-expiring' }, validUntil: '2027-01-01T00:00:00.000Z' },
      ],
    });
    expect(crdErrors(o)).toEqual([]);
  });

  test.each([
    ['postgres', 'role-name-reserved'],
    ['streaming_replica', 'role-name-reserved'],
    ['pg_monitor', 'role-name-reserved'],
    ['cnpg_pooler_pgbouncer', 'role-name-reserved'],
  ])('%s is reserved', (name, code) => {
    expect(codes(() => cluster({ roles: [{ name }] }))).toEqual([code]);
  });

  test('each name once, connection limits from -1, a password set or disabled, RFC 3339 expiry, no self-membership', () => {
    expect(problems(() => cluster({ roles: [{ name: 'a' }, { name: 'a' }] }))).toEqual([
      expect.objectContaining({ code: 'role-duplicate', field: 'roles[1].name' }),
    ]);
    expect(codes(() => cluster({ roles: [{ name: 'a', connectionLimit: -2 }] }))).toEqual(['role-connection-limit-invalid']);
    expect(codes(() => cluster({ roles: [{ name: 'a', connectionLimit: -1 }] }))).toEqual([]);
    expect(codes(() => cluster({ roles: [{ name: 'a', passwordSecret: 's', disablePassword: true }] }))).toEqual([
      'role-password-conflict',
    ]);
    expect(codes(() => cluster({ roles: [{ name: 'a', validUntil: '2027-01-01' }] }))).toEqual(['role-valid-until-invalid']);
    expect(codes(() => cluster({ roles: [{ name: 'a', validUntil: '2027-01-01T00:00:00+02:00' }] }))).toEqual([]);
    expect(codes(() => cluster({ roles: [{ name: 'a', inRoles: ['a'] }] }))).toEqual(['role-member-of-itself']);
    expect(codes(() => cluster({ roles: [{ name: 'a', ensure: 'gone' as never }] }))).toEqual(['role-ensure-invalid']);
    expect(codes(() => cluster({ roles: [{ name: 'a', passwordSecret: 'Not_A_Name' }] }))).toEqual(['name-not-dns-subdomain']);
  });

  test('clusters that share their other checks still get their own roles (and their roles are checked)', () => {
    const props = (i: number, roles?: PostgresClusterProps['roles']) =>
      buildCluster(`app/db${i}`, `db${i}`, { ...base, namespace: 'shop', instances: 3, ...(roles ? { roles } : {}) });
    const roles = (i: number) =>
      (clusterManifest(props(i, [{ name: 'r', passwordSecret: `db${i}-r` }])).spec as { managed?: unknown }).managed;
    for (let i = 0; i < 4; i++) expect(roles(i)).toEqual({ roles: [{ name: 'r', passwordSecret: { name: `db${i}-r` } }] });
    expect((clusterManifest(props(9)).spec as { managed?: unknown }).managed).toBeUndefined();
    expect(problems(() => props(10, [{ name: 'postgres' }]))).toEqual([
      expect.objectContaining({ code: 'role-name-reserved', field: 'roles[0].name' }),
    ]);
    expect(roles(11)).toEqual({ roles: [{ name: 'r', passwordSecret: { name: 'db11-r' } }] });
  });

  test('a password is never a prop, and never shown', () => {
    const found = problems(() => cluster({ roles: [{ name: 'a', password: 'hunter2' } as never] }));
    expect(found).toEqual([expect.objectContaining({ code: 'role-inline-password', field: 'roles[0].password' })]);
    expect('value' in found[0]).toBe(false);
    const err = (() => {
      try {
        cluster({ roles: [{ name: 'a', password: 'hunter2' } as never] });
      } catch (e) {
        return String(e);
      }
    })();
    expect(err).not.toContain('hunter2');
  });
});

describe('DatabaseRole (api/v1/databaserole_types.go: the kind and its CEL rules)', () => {
  const role = (p: Partial<DatabaseRoleProps> = {}, c = cluster()) => buildDatabaseRole('app/role', c, { name: 'writer', ...p });

  test('named <cluster>-<role>, in its cluster namespace, valid for the CRD', () => {
    const o = databaseRoleManifest(
      role({
        name: 'app_writer',
        login: true,
        passwordSecret: 'db-writer',
        databaseRoleReclaimPolicy: 'delete',
        inRoles: ['pg_monitor'],
        comment: 'writes',
      }),
    );
    expect(o).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'DatabaseRole',
      metadata: { name: 'db-app-writer', namespace: 'shop' },
      spec: {
        cluster: { name: 'db' },
        name: 'app_writer',
        comment: 'writes',
        passwordSecret: { name: 'db-writer' },
        inRoles: ['pg_monitor'],
        login: true,
        databaseRoleReclaimPolicy: 'delete',
      },
    });
    expect(crdErrors(o)).toEqual([]);
  });

  test('the rules the CRD holds, refused by the builder first (the CRD refuses the same objects)', () => {
    for (const [props, code] of [
      [{ name: 'postgres' }, 'role-name-reserved'],
      [{ name: 'pg_x' }, 'role-name-reserved'],
      [{ name: 'cnpg_x' }, 'role-name-reserved'],
      [{ name: 'streaming_replica' }, 'role-name-reserved'],
      [{ clientCertificate: true }, 'role-client-certificate-needs-login'],
      [{ passwordSecret: 's', disablePassword: true }, 'role-password-conflict'],
    ] as const) {
      expect(codes(() => role(props))).toEqual([code]);
      // The same object, built without the builder's checks, is what the API server would refuse.
      const raw = {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'DatabaseRole',
        metadata: { name: 'r' },
        spec: {
          cluster: { name: 'db' },
          name: 'writer',
          ...(props as Record<string, unknown>),
          ...('clientCertificate' in props ? { clientCertificate: {} } : {}),
          ...('passwordSecret' in props ? { passwordSecret: { name: 's' } } : {}),
        },
      };
      expect(crdErrors(raw as never)).not.toEqual([]);
    }
    expect(codes(() => role({ ensure: 'absent' } as never))).toEqual(['database-role-ensure-unsupported']);
    expect(codes(() => role({ databaseRoleReclaimPolicy: 'drop' as never }))).toEqual(['database-role-reclaim-policy-invalid']);
    expect(codes(() => role({ namespace: 'other' }))).toEqual(['serving-namespace-mismatch']);
    expect(codes(() => role({}, cluster({ operatorVersion: '1.29.2' })))).toEqual(['operator-version-too-old']);
  });

  test('a client certificate: enabled on the wire, in <object>-client-cert with tls.crt and tls.key', () => {
    const m = role({ login: true, clientCertificate: true });
    expect(databaseRoleManifest(m).spec).toEqual(expect.objectContaining({ login: true, clientCertificate: { enabled: true } }));
    expect(crdErrors(databaseRoleManifest(m))).toEqual([]);
    expect(databaseRoleCertificate(m)).toEqual(
      expect.objectContaining({ secretName: 'db-writer-client-cert', keys: ['tls.crt', 'tls.key'] }),
    );
  });
});

describe('Database objects (api/v1/database_types.go; internal/webhook/v1/database_webhook.go)', () => {
  const db = (p: Record<string, unknown>, c = cluster()) => buildDatabase('app/appdb', c, { name: 'app', owner: 'app', ...p });

  test('schemas, wrappers, servers and options are emitted as CNPG reads them and pass the Database CRD', () => {
    const m = db({
      schemas: [{ name: 'reporting', owner: 'app' }],
      extensions: [{ name: 'postgres_fdw' }],
      fdws: [{ name: 'postgres_fdw', usage: [{ name: 'app' }], options: [{ name: 'debug', value: 'false' }] }],
      servers: [
        {
          name: 'legacy',
          fdw: 'postgres_fdw',
          options: [
            { name: 'host', value: 'legacy-rw.shop' },
            { name: 'dbname', value: 'legacy' },
          ],
          usage: [{ name: 'app', type: 'grant' }],
        },
      ],
      localeProvider: 'icu',
      icuLocale: 'en-US',
      connectionLimit: 50,
      allowConnections: true,
    });
    const o = databaseManifest(m);
    expect(o.spec).toEqual(
      expect.objectContaining({
        schemas: [{ name: 'reporting', owner: 'app' }],
        fdws: [{ name: 'postgres_fdw', usage: [{ name: 'app' }], options: [{ name: 'debug', value: 'false' }] }],
        servers: [expect.objectContaining({ name: 'legacy', fdw: 'postgres_fdw' })],
        localeProvider: 'icu',
        icuLocale: 'en-US',
        connectionLimit: 50,
        allowConnections: true,
      }),
    );
    expect(crdErrors(o)).toEqual([]);
  });

  test("the webhook's rules: each object, option and usage once; a server's wrapper among fdws", () => {
    expect(problems(() => db({ schemas: [{ name: 's' }, { name: 's' }] }))).toEqual([
      expect.objectContaining({ code: 'database-object-duplicate', field: 'schemas[1].name' }),
    ]);
    expect(
      codes(() =>
        db({
          fdws: [
            {
              name: 'f',
              options: [
                { name: 'o', value: '1' },
                { name: 'o', value: '2' },
              ],
            },
          ],
        }),
      ),
    ).toEqual(['database-object-duplicate']);
    expect(codes(() => db({ fdws: [{ name: 'f', usage: [{ name: 'app' }, { name: 'app', type: 'revoke' }] }] }))).toEqual([
      'database-object-duplicate',
    ]);
    expect(problems(() => db({ servers: [{ name: 's', fdw: 'postgres_fdw' }] }))).toEqual([
      expect.objectContaining({ code: 'database-server-fdw-missing', field: 'servers[0].fdw' }),
    ]);
    expect(codes(() => db({ servers: [{ name: 's', fdw: 'postgres_fdw', ensure: 'absent' }] }))).toEqual([]);
    expect(codes(() => db({ fdws: [{ name: 'f', ensure: 'absent' }], servers: [{ name: 's', fdw: 'f' }] }))).toEqual([
      'database-server-fdw-absent',
    ]);
    expect(codes(() => db({ fdws: [{ name: 'f', usage: [{ name: 'app', type: 'allow' }] }] }))).toEqual(['database-usage-type-invalid']);
    expect(codes(() => db({ schemas: [{ name: 's', onwer: 'app' }] }))).toEqual(['unknown-key']);
  });

  test('the CRD locale rules and the operator version (wrappers and servers: 1.28+)', () => {
    expect(codes(() => db({ icuLocale: 'en-US' }))).toEqual(['database-locale-provider-mismatch']);
    expect(codes(() => db({ builtinLocale: 'C.UTF-8', localeProvider: 'icu' }))).toEqual(['database-locale-provider-mismatch']);
    // The CRD refuses the same object.
    const raw = databaseManifest(db({}));
    expect(crdErrors({ ...raw, spec: { ...(raw.spec as object), icuLocale: 'en-US' } })).toEqual([
      expect.stringContaining('icuLocale is only available'),
    ]);
    expect(codes(() => db({ fdws: [{ name: 'f' }] }, cluster({ operatorVersion: '1.27.4' })))).toEqual(['operator-version-too-old']);
    expect(codes(() => db({ connectionLimit: -2 }))).toEqual(['database-connection-limit-invalid']);
  });
});

describe('PodMonitor (docs/src/monitoring.md, connection_pooling.md; pkg/specs/podmonitor.go selectors)', () => {
  test('a cluster: its instances on port metrics, as CNPG documents it; valid for the Prometheus Operator CRD', () => {
    const m = buildPodMonitor('app/mon', { cluster: cluster() }, { labels: { release: 'kube-prometheus-stack' }, interval: '30s' });
    expect(m.object).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'db', namespace: 'shop', labels: { 'cnpg.io/cluster': 'db', release: 'kube-prometheus-stack' } },
      spec: {
        selector: { matchLabels: { 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance' } },
        podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }],
      },
    });
    expect(expectValidPrometheusObjects([m.object])).toBe(1);
  });

  test('TLS as the cluster serves it: the CA of <cluster>-ca and serverName <cluster>-rw', () => {
    const m = buildPodMonitor('app/mon', { cluster: cluster({ monitoring: { tls: { enabled: true } } }) });
    expect((m.object.spec as { podMetricsEndpoints: unknown[] }).podMetricsEndpoints[0]).toEqual({
      port: 'metrics',
      scheme: 'https',
      tlsConfig: { ca: { secret: { name: 'db-ca', key: 'ca.crt' } }, serverName: 'db-rw' },
    });
    expect(prometheusErrors(m.object)).toEqual([]);
  });

  test("a pooler: its PgBouncer pods; TLS against the cluster's certificate, or its own with clientTLSSecret", () => {
    const plain = buildPooler('app/p', cluster(), { metricsTls: true });
    const own = buildPooler('app/p', cluster(), { metricsTls: true, clientTLSSecret: 'pool-tls', clientCASecret: 'pool-ca' });
    const a = buildPodMonitor('app/mon', { pooler: plain });
    const b = buildPodMonitor('app/mon', { pooler: own });
    expect(a.object.spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/poolerName': 'db-pooler-rw', 'cnpg.io/podRole': 'pooler' } },
      podMetricsEndpoints: [
        { port: 'metrics', scheme: 'https', tlsConfig: { ca: { secret: { name: 'db-ca', key: 'ca.crt' } }, serverName: 'db-rw' } },
      ],
    });
    expect((b.object.spec as { podMetricsEndpoints: { tlsConfig: unknown }[] }).podMetricsEndpoints[0].tlsConfig).toEqual({
      ca: { secret: { name: 'pool-ca', key: 'ca.crt' } },
      serverName: 'db-pooler-rw',
    });
    expect(expectValidPrometheusObjects([a.object, b.object])).toBe(2);
  });

  test('in another namespace it selects the pods of theirs; durations and relabelings are checked', () => {
    const m = buildPodMonitor(
      'app/mon',
      { cluster: cluster() },
      {
        namespace: 'monitoring',
        relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
      },
    );
    expect(m.object.spec).toEqual(expect.objectContaining({ namespaceSelector: { matchNames: ['shop'] } }));
    expect(prometheusErrors(m.object)).toEqual([]);
    expect(codes(() => buildPodMonitor('app/mon', { cluster: cluster() }, { interval: '30 seconds' }))).toEqual([
      'prometheus-duration-invalid',
    ]);
    expect(codes(() => buildPodMonitor('app/mon', { cluster: cluster() }, { relabelings: [{ source_labels: ['a'] } as never] }))).toEqual([
      'unknown-key',
    ]);
  });
});

describe('alert rules (cloudnative-pg/charts cluster-v0.8.1 charts/cluster/prometheus_rules)', () => {
  test("a cluster with standbys gets the chart's set, thresholds its defaults, valid for the PrometheusRule CRD", () => {
    const m = buildAlertRules('app/alerts', cluster({ instances: 3 }));
    expect(m.alerts).toEqual([...CLUSTER_ALERTS].sort((a, b) => m.alerts.indexOf(a) - m.alerts.indexOf(b)));
    expect(new Set(m.alerts)).toEqual(new Set(CLUSTER_ALERTS));
    const rules = (
      m.object.spec as { groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[] }[] }
    ).groups[0];
    expect(rules.name).toBe('cloudnative-pg/db');
    const byName = Object.fromEntries(rules.rules.map((r) => [r.alert, r]));
    expect(byName.CNPGClusterHighConnectionsWarning.expr).toMatch(/\* 100 > 80$/);
    expect(byName.CNPGClusterHighConnectionsCritical.expr).toMatch(/\* 100 > 95$/);
    expect(byName.CNPGClusterHAWarning.expr).toMatch(/< 2$/);
    expect(byName.CNPGClusterOffline.expr).toBe(
      '(count(cnpg_collector_up{namespace="shop", pod=~"db-([1-9][0-9]*)$"}) OR on() vector(0)) == 0',
    );
    expect(byName.CNPGInstanceMetricsAbsent.for).toBe('10m');
    expect(byName.CNPGClusterOffline.labels).toEqual({ severity: 'critical', namespace: 'shop', cnpg_cluster: 'db' });
    expect(expectValidPrometheusObjects([m.object])).toBe(1);
  });

  test('a single instance gets no standby alerts (the chart fires them forever there); thresholds and exclusions as props', () => {
    const m = buildAlertRules('app/alerts', cluster(), {
      thresholds: { connectionsWarningPercent: 70, diskCriticalPercent: 85, for: '2m' },
      exclude: ['CNPGInstanceMetricsAbsent'],
      alertLabels: { team: 'shop' },
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(m.alerts).toEqual([
      'CNPGClusterOffline',
      'CNPGClusterHighConnectionsWarning',
      'CNPGClusterHighConnectionsCritical',
      'CNPGClusterLowDiskSpaceWarning',
      'CNPGClusterLowDiskSpaceCritical',
    ]);
    const rules = (m.object.spec as { groups: { rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[] }[] })
      .groups[0].rules;
    expect(rules[1].expr).toMatch(/> 70$/);
    expect(rules[4].expr).toMatch(/> 85$/);
    expect(rules.every((r) => r.for === '2m' && r.labels.team === 'shop')).toBe(true);
    expect(m.object.metadata.labels).toEqual({ 'cnpg.io/cluster': 'db', release: 'kube-prometheus-stack' });
    expect(prometheusErrors(m.object)).toEqual([]);
  });

  test('bad thresholds, unknown alerts, a cluster without namespace', () => {
    expect(codes(() => buildAlertRules('a', cluster(), { thresholds: { diskWarningPercent: 120 } }))).toEqual(['alert-threshold-invalid']);
    expect(codes(() => buildAlertRules('a', cluster(), { thresholds: { connectionsWarningPercent: 99 } }))).toEqual([
      'alert-thresholds-inverted',
    ]);
    expect(codes(() => buildAlertRules('a', cluster(), { thresholds: { for: '5 min' } }))).toEqual(['prometheus-duration-invalid']);
    expect(codes(() => buildAlertRules('a', cluster(), { exclude: ['CNPGClusterOfline' as never] }))).toEqual(['alert-unknown']);
    expect(codes(() => buildAlertRules('a', buildCluster('a', 'db', base)))).toEqual(['alert-rules-namespace-required']);
  });
});

describe('endpoints and credentials (pkg/specs/services.go, pkg/specs/secrets.go CreateSecret)', () => {
  test('the three Services with namespace, FQDN and port', () => {
    expect(clusterEndpoints(cluster())).toEqual({
      readWrite: { service: 'db-rw', namespace: 'shop', port: 5432, host: 'db-rw.shop', fqdn: 'db-rw.shop.svc.cluster.local' },
      readOnly: { service: 'db-ro', namespace: 'shop', port: 5432, host: 'db-ro.shop', fqdn: 'db-ro.shop.svc.cluster.local' },
      read: { service: 'db-r', namespace: 'shop', port: 5432, host: 'db-r.shop', fqdn: 'db-r.shop.svc.cluster.local' },
    });
  });

  test("the generated secrets have CreateSecret's keys; app follows the bootstrap; superuser needs enableSuperuserAccess", () => {
    expect(CNPG_SECRET_KEYS).toEqual([
      'username',
      'user',
      'password',
      'host',
      'port',
      'dbname',
      'uri',
      'jdbc-uri',
      'fqdn-uri',
      'fqdn-jdbc-uri',
      'pgpass',
    ]);
    expect(clusterCredentials(cluster(), 'app').credentials).toEqual({
      user: 'app',
      secretName: 'db-app',
      namespace: 'shop',
      keys: CNPG_SECRET_KEYS,
      kind: 'generated',
      database: 'app',
      uriService: 'db-rw',
    });
    const own = cluster({ bootstrap: { initdb: { database: 'shop', owner: 'shopper', secret: { name: 'shop-owner' } } } });
    expect(clusterCredentials(own, 'app').credentials).toEqual(
      expect.objectContaining({ user: 'shopper', secretName: 'shop-owner', keys: BASIC_AUTH_KEYS, database: 'shop' }),
    );
    expect(clusterCredentials(cluster(), 'superuser').problems.map((p) => p.code)).toEqual(['superuser-access-disabled']);
    expect(clusterCredentials(cluster({ enableSuperuserAccess: true }), 'superuser').credentials).toEqual(
      expect.objectContaining({ user: 'postgres', secretName: 'db-superuser', keys: CNPG_SECRET_KEYS }),
    );
  });

  test('a managed role with a passwordSecret has basic-auth credentials; one without, or an unknown user, is a problem', () => {
    const c = cluster({
      roles: [
        { name: 'reporting', login: true, passwordSecret: 'db-reporting' },
        { name: 'nopass', login: true },
      ],
    });
    expect(clusterCredentials(c, 'reporting').credentials).toEqual(
      expect.objectContaining({ secretName: 'db-reporting', keys: ['username', 'password'] }),
    );
    expect(clusterCredentials(c, 'nopass').problems.map((p) => p.code)).toEqual(['role-has-no-password-secret']);
    expect(clusterCredentials(c, 'nobody').problems.map((p) => p.code)).toEqual(['role-unknown']);
    expect(() => secretKeyRef(clusterCredentials(c, 'reporting').credentials as never, 'uri' as never)).toThrow(/has no key "uri"/);
  });

  test('connection env: host and port as values, user and password from the secret; a URI only where it points', () => {
    const c = cluster();
    const app = clusterCredentials(c, 'app').credentials as never;
    expect(connectionEnv(clusterEndpoints(c).readOnly, app, { sslMode: 'require' })).toEqual([
      { name: 'PGHOST', value: 'db-ro.shop' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'db-app', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } },
      { name: 'PGSSLMODE', value: 'require' },
    ]);
    expect(connectionEnv(clusterEndpoints(c).readWrite, app, { uriVariable: 'DATABASE_URL', prefix: 'DB_' }).at(-1)).toEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'db-app', key: 'uri' } },
    });
    const pooler = buildPooler('p', c, {});
    expect(codes(() => connectionEnv(pooler.endpoint, app, { uriVariable: 'DATABASE_URL' }))).toEqual(['connection-uri-other-endpoint']);
    const cert = databaseRoleCertificate(buildDatabaseRole('r', c, { name: 'w', login: true, clientCertificate: true })) as never;
    expect(codes(() => connectionEnv(pooler.endpoint, cert))).toEqual(['connection-env-client-certificate']);
  });
});
