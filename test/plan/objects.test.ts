// The plan of the objects besides a Cluster's own fields: image catalogs (every cluster a changed entry restarts),
// Databases (the statements CNPG runs, and what it leaves alone), Poolers, backups, roles, the operator, and
// refusals from the admission rules.
import { planChanges, stampRestart, manualRestartClusters, RESTART_ANNOTATION } from '../../lib/core';
import { cluster, database, type Obj, planOf, sources } from './support';

const catalog = (images: Record<string, unknown>[], kind = 'ClusterImageCatalog'): Obj => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind,
  metadata: { name: 'pg-trixie', ...(kind === 'ImageCatalog' ? { namespace: 'db' } : {}) },
  spec: { images },
});
const fromCatalog = (name: string, major: number, extensions: Record<string, unknown>[] = []) =>
  cluster(
    {
      imageName: undefined,
      imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'pg-trixie', major },
      postgresql: { extensions },
    },
    { name },
  );
const entry = (major: number, minor: number, extensions: Record<string, unknown>[] = []) => ({
  major,
  image: `ghcr.io/cloudnative-pg/postgresql:${major}.${minor}-minimal-trixie`,
  ...(extensions.length ? { extensions } : {}),
});

describe('image catalogs: a changed entry restarts every cluster that gets something else from it', () => {
  const users = [fromCatalog('a', 18), fromCatalog('b', 18), fromCatalog('c', 17)];
  test('a new image for major 18 rolls the clusters on 18, not the one on 17, and the catalog names them', () => {
    const plan = planChanges([catalog([entry(17, 6), entry(18, 1)]), ...users], [catalog([entry(17, 6), entry(18, 2)]), ...users]);
    const byName = Object.fromEntries(plan.objects.map((o) => [o.name, o]));
    expect(byName.a.changes[0]).toMatchObject({
      code: 'cluster-image-changed',
      effect: 'roll',
      before: 'ghcr.io/cloudnative-pg/postgresql:18.1-minimal-trixie',
    });
    expect(byName.b.effect).toBe('roll');
    expect(byName.c.action).toBe('unchanged');
    expect(byName['pg-trixie']).toMatchObject({ effect: 'roll', restarts: ['Cluster/db/a', 'Cluster/db/b'] });
    expect(sources(byName['pg-trixie'].changes[0])).toContain('internal/controller/cluster_image.go:230');
    expect(byName['pg-trixie'].changes[0].fix).toMatch(/clusters of every namespace/);
    expect(plan.summary.restart).toBe(true);
  });
  test('an extension of the catalog entry changes: only the clusters that mount that extension roll', () => {
    const ext = (tag: string) => [{ name: 'pgvector', image: { reference: `ghcr.io/cloudnative-pg/pgvector:${tag}-18-trixie` } }];
    const users2 = [fromCatalog('a', 18, [{ name: 'pgvector' }]), fromCatalog('b', 18)];
    const plan = planChanges([catalog([entry(18, 1, ext('0.8.0'))]), ...users2], [catalog([entry(18, 1, ext('0.8.1'))]), ...users2]);
    const byName = Object.fromEntries(plan.objects.map((o) => [o.name, o]));
    expect(byName.a.changes[0]).toMatchObject({ code: 'extension-image-changed', effect: 'roll' });
    expect(byName.b.action).toBe('unchanged');
    expect(byName['pg-trixie'].restarts).toEqual(['Cluster/db/a']);
  });
  test('without the catalog among the inputs, a changed reference is assumed to roll, and the plan says why', () => {
    const plan = planChanges([fromCatalog('a', 17)], [fromCatalog('a', 18)]);
    expect(plan.objects[0].changes[0]).toMatchObject({
      code: 'cluster-image-unknown',
      effect: 'roll',
      fix: expect.stringMatching(/pass the image catalogs too/),
    });
  });
});

describe('databases: the SQL CNPG runs on the primary', () => {
  const db = (extensions: Record<string, unknown>[], extra: Record<string, unknown> = {}) => database({ extensions, ...extra });
  test('create, update, set schema and drop of extensions, in CNPG own words', () => {
    const { object } = planOf(
      db([{ name: 'vector', version: '0.8.0' }, { name: 'postgis' }, { name: 'hstore', schema: 'public' }]),
      db([
        { name: 'vector', version: '0.8.1' },
        { name: 'postgis', ensure: 'absent' },
        { name: 'hstore', schema: 'ext' },
        { name: 'pg_trgm', version: '1.6' },
      ]),
    );
    // In the order of the list, as CNPG reconciles it.
    expect(object.statements?.map((s) => s.sql)).toEqual([
      'ALTER EXTENSION "vector" UPDATE TO "0.8.1"',
      'DROP EXTENSION IF EXISTS "postgis"',
      'ALTER EXTENSION "hstore" SET SCHEMA "ext"',
      'CREATE EXTENSION "pg_trgm" VERSION "1.6"',
    ]);
    const codes = object.changes.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['extension-update', 'extension-drop', 'extension-set-schema', 'extension-create']));
    expect(sources(object.changes.find((c) => c.code === 'extension-update') as never)).toContain(
      'internal/management/controller/database_controller_sql.go:347',
    );
    expect(object.statements?.find((s) => s.action === 'update')?.check?.status).toBe('not-checked');
  });
  test('an entry taken out of the list is left installed, and the plan says how to drop it', () => {
    const { object } = planOf(db([{ name: 'vector' }]), db([]));
    expect(object.statements).toEqual([]);
    expect(object.changes[0]).toMatchObject({
      code: 'extension-left-installed',
      effect: 'none',
      warning: true,
      fix: expect.stringMatching(/ensure: absent.*DROP EXTENSION IF EXISTS "vector"/),
    });
  });
  test('a version taken away is never updated', () => {
    const { object } = planOf(db([{ name: 'vector', version: '0.8.0' }]), db([{ name: 'vector' }]));
    expect(object.changes[0]).toMatchObject({ code: 'extension-version-unset', effect: 'none' });
    expect(sources(object.changes[0])).toContain('internal/management/controller/database_controller_sql.go:344');
  });
  test('schemas, foreign-data wrappers and servers', () => {
    const { object } = planOf(
      db([], { schemas: [{ name: 'old' }] }),
      db([], {
        schemas: [
          { name: 'old', ensure: 'absent' },
          { name: 'app', owner: 'app' },
        ],
        fdws: [{ name: 'postgres_fdw', handler: 'postgres_fdw_handler' }],
        servers: [{ name: 'remote', fdw: 'postgres_fdw', options: [{ name: 'host', value: 'db.example' }] }],
      }),
    );
    expect(object.statements?.map((s) => s.sql)).toEqual([
      'DROP SCHEMA IF EXISTS "old"',
      'CREATE SCHEMA "app" AUTHORIZATION "app"',
      'CREATE FOREIGN DATA WRAPPER "postgres_fdw" HANDLER "postgres_fdw_handler"',
      `CREATE SERVER "remote" FOREIGN DATA WRAPPER "postgres_fdw" OPTIONS ("host" 'db.example')`,
    ]);
  });
  test('the owner changes: ALTER DATABASE; the object goes: the database stays unless the reclaim policy is delete', () => {
    expect(planOf(db([]), db([], { owner: 'other' })).object.statements?.[0].sql).toBe('ALTER DATABASE "app" OWNER TO "other"');
    expect(planOf(db([]), undefined).object.changes[0]).toMatchObject({ code: 'database-retained', effect: 'none' });
    const drop = planOf(db([], { databaseReclaimPolicy: 'delete' }), undefined).object;
    expect(drop.statements?.[0].sql).toBe('DROP DATABASE IF EXISTS "app"');
    expect(drop.changes[0]).toMatchObject({ code: 'database-dropped', warning: true });
    expect(planOf(db([]), db([], { ensure: 'absent' })).object.statements?.[0].sql).toBe('DROP DATABASE IF EXISTS "app"');
  });
  test('an update in the same change as the image rollout runs after it, CNPG retrying every 30 s', () => {
    const before = [cluster(), db([{ name: 'vector', version: '0.8.0' }])];
    const after = [
      cluster({
        postgresql: { extensions: [{ name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' } }] },
      }),
      db([{ name: 'vector', version: '0.8.1' }]),
    ];
    const plan = planChanges(before, after);
    const s = plan.objects.find((o) => o.kind === 'Database')?.statements?.[0];
    expect(s?.when).toMatch(
      /once the rollout of the cluster \(Cluster\/db\/angus: .*\) has mounted the image there; until then it fails and CNPG retries every 30 s/,
    );
  });
});

describe('poolers, backups, roles and the operator', () => {
  const pooler = (spec: Record<string, unknown>): Obj => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Pooler',
    metadata: { name: 'angus-rw', namespace: 'db' },
    spec: { cluster: { name: 'angus' }, instances: 2, type: 'rw', pgbouncer: { poolMode: 'session' }, ...spec },
  });
  test.each([
    [
      'pgbouncer parameters: reloaded',
      { pgbouncer: { poolMode: 'session', parameters: { max_client_conn: '500' } } },
      'pooler-reload',
      'reload',
      'internal/pgbouncer/management/controller/manager.go:183',
    ],
    [
      'pod template: Pods replaced',
      { template: { spec: { containers: [{ name: 'pgbouncer', resources: {} }] } } },
      'pooler-pods-replaced',
      'replace',
      'pkg/specs/pgbouncer/deployments.go:56',
    ],
    ['instances: scaled', { instances: 3 }, 'pooler-scale', 'reconfigure', 'pkg/specs/pgbouncer/deployments.go:159'],
    [
      'paused: clients wait',
      { pgbouncer: { poolMode: 'session', paused: true } },
      'pooler-paused',
      'reload',
      'docs/src/connection_pooling.md:590',
    ],
  ] as [string, Record<string, unknown>, string, string, string][])('%s', (_n, spec, code, effect, source) => {
    const c = planOf(pooler({}), pooler(spec)).object.changes[0];
    expect(c).toMatchObject({ code, effect });
    expect(sources(c)).toContain(source);
  });
  test('a scheduled backup, a backup, a role', () => {
    const sb: Obj = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: 'nightly', namespace: 'db' },
      spec: { schedule: '0 0 0 * * *', immediate: true, cluster: { name: 'angus' } },
    };
    expect(planOf(undefined, sb).object.changes[0].why).toMatch(/and one right away \(immediate: true\)/);
    const role: Obj = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'DatabaseRole',
      metadata: { name: 'r', namespace: 'db' },
      spec: { name: 'r', cluster: { name: 'angus' }, databaseRoleReclaimPolicy: 'delete' },
    };
    expect(planOf(role, undefined).object.changes[0]).toMatchObject({ code: 'databaserole-dropped', warning: true });
  });
  test('a new operator image re-creates every instance, unless in-place updates are on', () => {
    const operator = (image: string, inPlace = false) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cnpg-controller-manager', namespace: 'cnpg-system' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'manager', image, env: inPlace ? [{ name: 'ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES', value: 'true' }] : [] },
            ],
          },
        },
      },
    });
    const plan = planChanges(
      [operator('ghcr.io/cloudnative-pg/cloudnative-pg:1.29.2'), cluster()],
      [operator('ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0'), cluster()],
    );
    const c = plan.objects[0];
    expect(c).toMatchObject({ effect: 'roll', changes: [expect.objectContaining({ code: 'operator-upgrade' })] });
    expect(c.rollout?.steps.length).toBeGreaterThan(0);
    const inPlace = planChanges([operator('a:1'), cluster()], [operator('a:2', true), cluster()]).objects[0];
    expect(inPlace).toMatchObject({ effect: 'reconfigure', changes: [expect.objectContaining({ code: 'operator-upgrade-in-place' })] });
  });
});

describe('refused at admission, and deleted', () => {
  test("what the admission rules refuse is refused in the plan, with the rule's code", () => {
    const plan = planChanges([cluster(), database()], [cluster(), database({ extensions: [{ name: 'pgaudit' }] })]);
    const db = plan.objects.find((o) => o.kind === 'Database');
    expect(db?.effect).toBe('refused');
    expect(db?.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'extension-managed-by-cnpg', effect: 'refused' })]),
    );
    expect(plan.summary.refused).toBe(true);
  });
  test('a refused change keeps its value before and names the admission rule that refuses it', () => {
    const plan = planChanges([cluster({ storage: { size: '10Gi' } })], [cluster({ storage: { size: '5Gi' } })]);
    const refused = plan.objects[0].changes.find((c) => c.effect === 'refused');
    expect(refused).toMatchObject({ field: '.spec.storage', before: { size: '10Gi' }, after: { size: '5Gi' } });
    expect(refused?.rule).toMatch(/cluster_webhook\.go validateClusterChanges/);
  });
  test('a deleted Cluster takes its data: a warning, and a restart for --fail-on', () => {
    const plan = planChanges([cluster()], []);
    expect(plan.objects[0]).toMatchObject({
      action: 'delete',
      changes: [expect.objectContaining({ code: 'cluster-delete', warning: true })],
    });
    expect(plan.summary.restart).toBe(true);
  });
  test('stampRestart sets the restart annotation on the clusters that need a manual restart', () => {
    const after = [
      cluster({
        postgresql: {
          extensions: [
            { name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.0-18-trixie' }, env: [{ name: 'A', value: '1' }] },
          ],
        },
      }),
      database(),
    ];
    const plan = planChanges([cluster(), database()], after);
    expect(manualRestartClusters(plan)).toEqual(['Cluster/db/angus']);
    const stamped = stampRestart(after as never, { clusters: manualRestartClusters(plan), at: new Date('2026-07-01T00:00:00Z') });
    expect(stamped[0].metadata.annotations).toEqual({ [RESTART_ANNOTATION]: '2026-07-01T00:00:00.000Z' });
    expect(stamped[1]).toBe(after[1]);
    const again = planChanges([cluster(), database()], stamped);
    expect(again.summary).toMatchObject({ manualRestart: false, restart: true });
  });
});
