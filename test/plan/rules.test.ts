// What CNPG v1.30.0 does with each kind of change to a Cluster, case by case: every row is a change, the effect
// the plan must give it, and the line of CNPG's source that decides it (checked against the source below).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_CRD_DEFAULTS, CLUSTER_CRD_NESTED_DEFAULTS } from '../../lib/core/plan/cluster-defaults';
import { allCitations } from '../../lib/core/plan/cite';
import { type Effect, planChanges } from '../../lib/core';
import {
  CITATION_LOCK,
  type CitationLock,
  CNPG_MIRROR,
  type CnpgSource,
  citationsAgainstLock,
  gitSource,
  loadCitingModules,
  lockAgainstSource,
  lockFrom,
  lockText,
  readLock,
} from '../support/citations';
import { cluster, type Obj, PGVECTOR, planOf, sources } from './support';

const ext = (extra: Record<string, unknown> = {}, reference = PGVECTOR) => ({
  extensions: [{ name: 'pgvector', image: { reference }, ...extra }],
});
const annotated = (annotations: Record<string, string>, spec: Record<string, unknown> = {}) => cluster(spec, { annotations });

// [case, before, after, rule code, effect, a line of CNPG that decides it]
const ROWS: [string, Obj, Obj, string, Effect, string][] = [
  [
    'operand image, same major',
    cluster(),
    cluster({ imageName: 'ghcr.io/cloudnative-pg/postgresql:18.2-minimal-trixie' }),
    'cluster-image-changed',
    'roll',
    'internal/controller/cluster_upgrade.go:554',
  ],
  [
    'operand image, next major',
    cluster({ imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6-minimal-trixie', postgresql: {} }),
    cluster({ postgresql: {} }),
    'cluster-major-upgrade',
    'roll',
    'internal/controller/cluster_image.go:97',
  ],
  [
    'operand image, previous major',
    cluster({ postgresql: {} }),
    cluster({ imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6-minimal-trixie', postgresql: {} }),
    'cluster-major-downgrade',
    'refused',
    'internal/controller/cluster_image.go:87',
  ],
  ['extension image added', cluster({ postgresql: {} }), cluster(), 'extension-image-added', 'roll', 'pkg/specs/volumes.go:383'],
  [
    'extension image removed',
    cluster(),
    cluster({ postgresql: {} }),
    'extension-image-removed',
    'roll',
    'docs/src/imagevolume_extensions.md:368',
  ],
  [
    'extension image updated',
    cluster(),
    cluster({ postgresql: ext({}, 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie') }),
    'extension-image-changed',
    'roll',
    'pkg/specs/podspec_diff.go:40',
  ],
  [
    'extension pull policy',
    cluster(),
    cluster({ postgresql: { extensions: [{ name: 'pgvector', image: { reference: PGVECTOR, pullPolicy: 'Always' } }] } }),
    'extension-image-changed',
    'roll',
    'pkg/specs/volumes.go:383',
  ],
  [
    'extension ld_library_path',
    cluster(),
    cluster({ postgresql: ext({ ld_library_path: ['system'] }) }),
    'extension-ld-library-path-changed',
    'manual-restart',
    'pkg/management/postgres/instance.go:807',
  ],
  [
    'extension bin_path',
    cluster(),
    cluster({ postgresql: ext({ bin_path: ['bin'] }) }),
    'extension-bin-path-changed',
    'manual-restart',
    'pkg/management/postgres/instance.go:810',
  ],
  [
    'extension env',
    cluster(),
    cluster({ postgresql: ext({ env: [{ name: 'GDAL_DATA', value: '${image_root}/share/gdal' }] }) }),
    'extension-env-changed',
    'manual-restart',
    'pkg/management/postgres/instance.go:813',
  ],
  [
    'extension extension_control_path',
    cluster(),
    cluster({ postgresql: ext({ extension_control_path: ['share', 'more'] }) }),
    'extension-path-changed',
    'reload',
    'pkg/postgres/configuration.go:811',
  ],
  [
    'parameter, postmaster context',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { shared_buffers: '1GB' } } }),
    'parameter-postmaster',
    'restart',
    'pkg/management/postgres/probes.go:99',
  ],
  [
    'parameter, sighup context',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { checkpoint_timeout: '15min' } } }),
    'parameter-sighup',
    'reload',
    'internal/management/controller/instance_controller.go:291',
  ],
  [
    'parameter, user context',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { work_mem: '64MB' } } }),
    'parameter-user',
    'reload',
    'internal/management/controller/instance_controller.go:437',
  ],
  [
    'parameter, superuser context',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { log_min_duration_statement: '250ms' } } }),
    'parameter-superuser',
    'reload',
    'internal/management/controller/instance_controller.go:291',
  ],
  [
    'parameter, superuser-backend context',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { log_disconnections: 'on' } } }),
    'parameter-superuser-backend',
    'reload',
    'internal/management/controller/instance_controller.go:291',
  ],
  [
    'parameter of an extension',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { 'timescaledb.max_background_workers': '16' } } }),
    'parameter-unknown-context',
    'restart',
    'pkg/management/postgres/probes.go:99',
  ],
  [
    'shared_preload_libraries',
    cluster(),
    cluster({ postgresql: { ...ext(), shared_preload_libraries: ['timescaledb'] } }),
    'preload-changed',
    'restart',
    'pkg/postgres/configuration.go:851',
  ],
  [
    'a managed module turned on by its parameter',
    cluster(),
    cluster({ postgresql: { ...ext(), parameters: { 'pg_stat_statements.max': '10000' } } }),
    'preload-changed',
    'restart',
    'pkg/postgres/configuration.go:837',
  ],
  ['resources', cluster(), cluster({ resources: { limits: { memory: '2Gi' } } }), 'cluster-resources', 'roll', 'pkg/specs/pods.go:261'],
  ['env', cluster(), cluster({ env: [{ name: 'TZ', value: 'UTC' }] }), 'cluster-env', 'roll', 'pkg/specs/pods.go:166'],
  ['envFrom', cluster(), cluster({ envFrom: [{ configMapRef: { name: 'x' } }] }), 'cluster-env', 'roll', 'pkg/specs/pods.go:164'],
  [
    'node selector',
    cluster(),
    cluster({ affinity: { nodeSelector: { disk: 'ssd' } } }),
    'cluster-scheduling',
    'roll',
    'pkg/specs/pods.go:203',
  ],
  [
    'tolerations',
    cluster(),
    cluster({ affinity: { tolerations: [{ key: 'db', operator: 'Exists' }] } }),
    'cluster-scheduling',
    'roll',
    'pkg/specs/pods.go:201',
  ],
  [
    'anti-affinity',
    cluster(),
    cluster({ affinity: { podAntiAffinityType: 'required' } }),
    'cluster-scheduling',
    'roll',
    'pkg/specs/pods.go:200',
  ],
  [
    'topology spread',
    cluster(),
    cluster({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }),
    'cluster-scheduling',
    'roll',
    'pkg/specs/pods.go:205',
  ],
  ['scheduler', cluster(), cluster({ schedulerName: 'other' }), 'cluster-scheduling', 'roll', 'pkg/specs/pods.go:196'],
  ['service account', cluster(), cluster({ serviceAccountName: 'db-sa' }), 'cluster-service-account', 'roll', 'pkg/specs/pods.go:202'],
  [
    'pod security context',
    cluster(),
    cluster({ podSecurityContext: { fsGroup: 1000 } }),
    'cluster-security-context',
    'roll',
    'pkg/specs/pods.go:199',
  ],
  [
    'container security context',
    cluster(),
    cluster({ securityContext: { readOnlyRootFilesystem: true } }),
    'cluster-security-context',
    'roll',
    'pkg/specs/pods.go:279',
  ],
  ['probes', cluster(), cluster({ probes: { readiness: { periodSeconds: 30 } } }), 'cluster-probes', 'roll', 'pkg/specs/pods.go:307'],
  ['startDelay', cluster(), cluster({ startDelay: 600 }), 'cluster-probes', 'roll', 'pkg/specs/pods.go:312'],
  ['livenessProbeTimeout', cluster(), cluster({ livenessProbeTimeout: 60 }), 'cluster-probes', 'roll', 'pkg/specs/pods.go:317'],
  ['stopDelay', cluster(), cluster({ stopDelay: 600 }), 'cluster-termination-grace', 'roll', 'pkg/specs/pods.go:536'],
  ['logLevel', cluster(), cluster({ logLevel: 'debug' }), 'cluster-log-level', 'roll', 'pkg/specs/containers.go:58'],
  [
    'ephemeral volume limits',
    cluster(),
    cluster({ ephemeralVolumesSizeLimit: { temporaryData: '1Gi' } }),
    'cluster-ephemeral-volume',
    'roll',
    'pkg/specs/volumes.go:313',
  ],
  [
    'projected volume',
    cluster(),
    cluster({ projectedVolumeTemplate: { sources: [{ configMap: { name: 'x' } }] } }),
    'cluster-projected-volume',
    'roll',
    'internal/controller/cluster_upgrade.go:511',
  ],
  ['metrics TLS', cluster(), cluster({ monitoring: { tls: { enabled: true } } }), 'cluster-metrics-tls', 'roll', 'pkg/specs/pods.go:301'],
  [
    'PodMonitor',
    cluster(),
    cluster({ monitoring: { enablePodMonitor: true } }),
    'cluster-monitoring',
    'reconfigure',
    'internal/controller/cluster_create.go:100',
  ],
  ['priorityClassName', cluster(), cluster({ priorityClassName: 'high' }), 'cluster-new-pods-only', 'none', 'pkg/specs/pods.go:567'],
  ['imagePullPolicy', cluster(), cluster({ imagePullPolicy: 'Always' }), 'cluster-new-pods-only', 'none', 'pkg/specs/pods.go:216'],
  [
    'imagePullSecrets',
    cluster(),
    cluster({ imagePullSecrets: [{ name: 'mirror' }] }),
    'cluster-pull-secrets',
    'reconfigure',
    'internal/controller/cluster_create.go:683',
  ],
  [
    'inheritedMetadata',
    cluster(),
    cluster({ inheritedMetadata: { labels: { team: 'a' } } }),
    'cluster-metadata',
    'reconfigure',
    'pkg/reconciler/instance/metadata.go:37',
  ],
  [
    'bootstrap',
    cluster(),
    cluster({ bootstrap: { initdb: { database: 'other' } } }),
    'cluster-bootstrap',
    'none',
    'internal/controller/cluster_create.go:1134',
  ],
  [
    'primaryUpdateStrategy',
    cluster(),
    cluster({ primaryUpdateStrategy: 'supervised' }),
    'cluster-update-strategy',
    'reconfigure',
    'internal/controller/cluster_upgrade.go:130',
  ],
  [
    'pg_hba',
    cluster(),
    cluster({ postgresql: { ...ext(), pg_hba: ['host all all 10.0.0.0/8 scram-sha-256'] } }),
    'cluster-hba',
    'reload',
    'internal/management/controller/instance_controller.go:421',
  ],
  [
    'pg_ident',
    cluster(),
    cluster({ postgresql: { ...ext(), pg_ident: ['map a b'] } }),
    'cluster-ident',
    'reload',
    'internal/management/controller/instance_controller.go:426',
  ],
  [
    'synchronous replication',
    cluster(),
    cluster({ postgresql: { ...ext(), synchronous: { method: 'any', number: 1 } } }),
    'cluster-synchronous',
    'reload',
    'pkg/postgres/configuration.go:271',
  ],
  [
    'minSyncReplicas',
    cluster(),
    cluster({ minSyncReplicas: 1, maxSyncReplicas: 1 }),
    'cluster-synchronous',
    'reload',
    'pkg/postgres/configuration.go:271',
  ],
  [
    'ALTER SYSTEM',
    cluster(),
    cluster({ postgresql: { ...ext(), enableAlterSystem: true } }),
    'cluster-alter-system',
    'reload',
    'internal/management/controller/instance_controller.go:1083',
  ],
  [
    'certificates',
    cluster(),
    cluster({ certificates: { serverTLSSecret: 'tls' } }),
    'cluster-certificates',
    'reload',
    'internal/management/controller/instance_controller.go:201',
  ],
  [
    'superuser access',
    cluster(),
    cluster({ enableSuperuserAccess: true }),
    'cluster-superuser',
    'reconfigure',
    'internal/management/controller/instance_controller.go:1399',
  ],
  [
    'managed roles',
    cluster(),
    cluster({ managed: { roles: [{ name: 'app', ensure: 'present' }] } }),
    'cluster-roles',
    'reconfigure',
    'internal/management/controller/instance_controller.go:323',
  ],
  [
    'managed services',
    cluster(),
    cluster({ managed: { services: { disabledDefaultServices: ['ro'] } } }),
    'cluster-services',
    'replace',
    'internal/controller/cluster_create.go:393',
  ],
  ['backup', cluster(), cluster({ backup: { retentionPolicy: '30d' } }), 'cluster-backup', 'reconfigure', 'api/v1/cluster_types.go:445'],
  [
    'externalClusters',
    cluster(),
    cluster({ externalClusters: [{ name: 'origin' }] }),
    'cluster-external',
    'reload',
    'internal/management/controller/instance_controller.go:448',
  ],
  [
    'replication slots',
    cluster(),
    cluster({ replicationSlots: { updateInterval: 60 } }),
    'cluster-replication-slots',
    'reconfigure',
    'internal/management/controller/instance_controller.go:313',
  ],
  [
    'PodDisruptionBudget',
    cluster(),
    cluster({ enablePDB: false }),
    'cluster-pdb',
    'reconfigure',
    'internal/controller/cluster_create.go:118',
  ],
  [
    'switchoverDelay',
    cluster(),
    cluster({ switchoverDelay: 60 }),
    'cluster-operator-setting',
    'reconfigure',
    'api/v1/cluster_types.go:380',
  ],
  [
    'storage class',
    cluster(),
    cluster({ storage: { size: '1Gi', storageClass: 'fast' } }),
    'cluster-storage-class',
    'none',
    'api/v1/cluster_types.go:2255',
  ],
  [
    'storage grows',
    cluster(),
    cluster({ storage: { size: '10Gi' } }),
    'storage-resize',
    'reconfigure',
    'pkg/reconciler/persistentvolumeclaim/existing.go:57',
  ],
  [
    'storage grows, resizeInUseVolumes false',
    cluster({ storage: { size: '1Gi', resizeInUseVolumes: false } }),
    cluster({ storage: { size: '10Gi', resizeInUseVolumes: false } }),
    'storage-resize-offline',
    'none',
    'pkg/reconciler/persistentvolumeclaim/existing.go:57',
  ],
  [
    'WAL volume added',
    cluster(),
    cluster({ walStorage: { size: '1Gi' } }),
    'wal-storage-added',
    'roll',
    'internal/controller/cluster_upgrade.go:601',
  ],
  [
    'tablespace added',
    cluster(),
    cluster({ tablespaces: [{ name: 'idx', storage: { size: '1Gi' } }] }),
    'tablespace-added',
    'roll',
    'internal/controller/cluster_upgrade.go:601',
  ],
  ['scale up', cluster(), cluster({ instances: 5 }), 'cluster-scale-up', 'reconfigure', 'internal/controller/cluster_scale.go:39'],
  ['scale down', cluster(), cluster({ instances: 2 }), 'cluster-scale-down', 'reconfigure', 'internal/controller/cluster_scale.go:80'],
  [
    'plugin enabled',
    cluster(),
    cluster({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true }] }),
    'plugin-toggled',
    'roll',
    'pkg/specs/pods.go:516',
  ],
  [
    'plugin parameters',
    cluster({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'a' } }] }),
    cluster({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'b' } }] }),
    'plugin-changed',
    'reconfigure',
    'pkg/specs/pods.go:516',
  ],
  [
    'demoted to a replica cluster',
    cluster(),
    cluster({ replica: { enabled: true, source: 'origin' } }),
    'cluster-demoted',
    'restart',
    'docs/src/replica_cluster.md:296',
  ],
  [
    'restart annotation',
    cluster(),
    annotated({ 'kubectl.kubernetes.io/restartedAt': '2026-07-01T00:00:00Z' }),
    'cluster-restart-annotation',
    'roll',
    'internal/controller/cluster_upgrade.go:435',
  ],
  [
    'restart annotation removed',
    annotated({ 'kubectl.kubernetes.io/restartedAt': '2026-07-01T00:00:00Z' }),
    cluster(),
    'cluster-restart-annotation-removed',
    'none',
    'internal/controller/cluster_upgrade.go:613',
  ],
  ['pod patch annotation', cluster(), annotated({ 'cnpg.io/podPatch': '[]' }), 'cluster-pod-patch', 'roll', 'pkg/specs/pods.go:578'],
  [
    'hibernation',
    cluster(),
    annotated({ 'cnpg.io/hibernation': 'on' }),
    'cluster-hibernation',
    'roll',
    'docs/src/declarative_hibernation.md:34',
  ],
  [
    'fencing',
    cluster(),
    annotated({ 'cnpg.io/fencedInstances': '["angus-1"]' }),
    'cluster-fencing',
    'restart',
    'internal/management/controller/instance_controller.go:229',
  ],
  [
    'reload annotation',
    cluster(),
    annotated({ 'cnpg.io/reloadedAt': 'now' }),
    'cluster-reload-annotation',
    'reload',
    'pkg/utils/labels_annotations.go:213',
  ],
  [
    'WAL archiving off',
    cluster(),
    annotated({ 'cnpg.io/skipWalArchiving': 'enabled' }),
    'cluster-skip-wal-archiving',
    'restart',
    'pkg/utils/labels_annotations.go:201',
  ],
  [
    'a label',
    cluster(),
    cluster({}, { labels: { team: 'a' } }),
    'cluster-metadata',
    'reconfigure',
    'pkg/reconciler/instance/metadata.go:37',
  ],
  [
    'resources with cnpg.io/reconcilePodSpec: disabled',
    annotated({ 'cnpg.io/reconcilePodSpec': 'disabled' }),
    annotated({ 'cnpg.io/reconcilePodSpec': 'disabled' }, { resources: { limits: { memory: '2Gi' } } }),
    'cluster-resources',
    'none',
    'internal/controller/cluster_upgrade.go:453',
  ],
];

describe('each change to a Cluster gets the effect CNPG v1.30.0 gives it', () => {
  test.each(ROWS)('%s', (_name, before, after, code, effect, source) => {
    const { object } = planOf(before, after);
    const change = object.changes.find((c) => c.code === code);
    expect(change).toBeDefined();
    expect(change?.effect).toBe(effect);
    expect(sources(change as never)).toContain(source);
    expect(object.changes.filter((c) => c.code === 'cluster-field-unclassified')).toEqual([]);
  });
});

describe('what the plan says about the primary, from primaryUpdateStrategy and primaryUpdateMethod', () => {
  const image = { imageName: 'ghcr.io/cloudnative-pg/postgresql:18.2-minimal-trixie' };
  const rollout = (spec: Record<string, unknown>) => planOf(cluster(), cluster({ ...image, ...spec })).object.rollout;
  const steps = (spec: Record<string, unknown>) => rollout(spec)?.steps.join('\n') ?? '';
  const cites = (spec: Record<string, unknown>) => rollout(spec)?.cite.map((c) => `${c.file}:${c.line}`) ?? [];

  test('unsupervised, restart (the defaults): replicas first, then the primary re-created in place without a switchover', () => {
    expect(steps({})).toMatch(
      /2 replica\(s\), one at a time, the most lagged first[\s\S]*primary: its Pod is deleted and re-created in place, without a switchover/,
    );
    expect(rollout({})).toMatchObject({
      primaryUpdateStrategy: 'unsupervised',
      primaryUpdateMethod: 'restart',
      waitsForUser: false,
      primaryDowntime: true,
    });
    expect(cites({})).toEqual(
      expect.arrayContaining(['internal/controller/cluster_upgrade.go:64', 'internal/controller/cluster_upgrade.go:202']),
    );
  });
  test('switchover: the most aligned replica is promoted, no primary downtime beyond the switchover', () => {
    expect(steps({ primaryUpdateMethod: 'switchover' })).toMatch(/switchover to the most aligned replica/);
    expect(rollout({ primaryUpdateMethod: 'switchover' })?.primaryDowntime).toBe(false);
    expect(cites({ primaryUpdateMethod: 'switchover' })).toContain('internal/controller/cluster_upgrade.go:264');
  });
  test('supervised: CNPG waits for the user, and an image change needs a promote', () => {
    expect(rollout({ primaryUpdateStrategy: 'supervised' })?.waitsForUser).toBe(true);
    expect(steps({ primaryUpdateStrategy: 'supervised' })).toMatch(
      /kubectl cnpg promote angus <replica> \(an image change cannot be applied with an in-place restart\)/,
    );
    expect(cites({ primaryUpdateStrategy: 'supervised' })).toContain('internal/controller/cluster_upgrade.go:130');
  });
  test('one instance: the database is down while it restarts', () => {
    expect(steps({ instances: 1 })).toMatch(/the only instance is the primary.*unavailable/);
    expect(cites({ instances: 1 })).toContain('internal/controller/cluster_upgrade.go:267');
  });
  test('a postmaster parameter: the primary restarts PostgreSQL in place (restart method)', () => {
    const r = planOf(cluster(), cluster({ postgresql: { ...ext(), parameters: { max_wal_size: '4GB', shared_buffers: '1GB' } } })).object
      .rollout;
    expect(r?.steps.join('\n')).toMatch(/the primary restarts PostgreSQL in place, without a switchover/);
    expect(r?.cite.map((c) => `${c.file}:${c.line}`)).toContain('internal/controller/cluster_upgrade.go:193');
  });
  test('a lowered hot-standby parameter: the primary restarts first', () => {
    const before = cluster({ postgresql: { ...ext(), parameters: { max_connections: '500' } } });
    const { object } = planOf(before, cluster({ postgresql: { ...ext(), parameters: { max_connections: '200' } } }));
    expect(object.rollout?.steps[0]).toMatch(/must reach the primary first: the primary restarts PostgreSQL in place/);
    expect(object.rollout?.cite.map((c) => `${c.file}:${c.line}`)).toContain('internal/controller/cluster_upgrade.go:124');
    expect(sources(object.changes[0])).toContain('pkg/management/postgres/probes.go:217');
    // Raised, it is an ordinary restart.
    const up = planOf(before, cluster({ postgresql: { ...ext(), parameters: { max_connections: '800' } } })).object;
    expect(up.rollout?.steps[0]).toMatch(/replica/);
  });
});

describe('what is the same compares equal', () => {
  test('a live object with the defaults the API server and CNPG filled in plans no change against the synthesized one', () => {
    const synth = cluster();
    const live = cluster({
      logLevel: 'info',
      enablePDB: true,
      primaryUpdateMethod: 'restart',
      primaryUpdateStrategy: 'unsupervised',
      postgresGID: 26,
      postgresUID: 26,
      smartShutdownTimeout: 180,
      startDelay: 3600,
      stopDelay: 1800,
      switchoverDelay: 3600,
      storage: { size: '1Gi', resizeInUseVolumes: true },
      affinity: { podAntiAffinityType: 'preferred' },
      monitoring: {
        customQueriesConfigMap: [{ name: 'cnpg-default-monitoring', key: 'queries' }],
        disableDefaultQueries: false,
        enablePodMonitor: false,
      },
      probes: { liveness: { isolationCheck: { enabled: true, requestTimeout: 1000, connectionTimeout: 1000 } } },
      replicationSlots: {
        highAvailability: { enabled: true, slotPrefix: '_cnpg_' },
        synchronizeReplicas: { enabled: true },
        updateInterval: 30,
      },
      postgresql: {
        ...ext(),
        parameters: {
          archive_timeout: '5min',
          max_worker_processes: '32',
          wal_keep_size: '512MB',
          shared_preload_libraries: '',
          wal_level: 'logical',
        },
      },
    });
    expect(planOf(live, synth).object).toMatchObject({ action: 'unchanged', effect: 'none', changes: [] });
  });
  test('the same parameter in other units (128MB and 16384 pages of 8kB), and on/true', () => {
    const a = cluster({ postgresql: { ...ext(), parameters: { shared_buffers: '16384', fsync: 'true', checkpoint_timeout: '300' } } });
    const b = cluster({ postgresql: { ...ext(), parameters: { shared_buffers: '128MB', fsync: 'on', checkpoint_timeout: '5min' } } });
    expect(planOf(a, b).object.changes).toEqual([]);
  });
  test('a removed parameter goes back to the server default, and the plan says so', () => {
    const { object } = planOf(cluster({ postgresql: { ...ext(), parameters: { max_connections: '100' } } }), cluster());
    expect(object.changes).toEqual([]); // 100 is PostgreSQL's own default
    const c = planOf(cluster({ postgresql: { ...ext(), parameters: { max_connections: '300' } } }), cluster()).object.changes[0];
    expect(c).toMatchObject({ effect: 'restart', after: undefined });
    expect(c.why).toMatch(/removed: back to PostgreSQL's default "100".*primary restarts first/);
  });
  test('ld_library_path with a change that restarts anyway is applied by that restart', () => {
    const { object, plan } = planOf(
      cluster(),
      cluster({ resources: { limits: { cpu: '2' } }, postgresql: ext({ ld_library_path: ['system'] }) }),
    );
    expect(object.changes.find((c) => c.code === 'extension-ld-library-path-changed')).toMatchObject({ effect: 'reconfigure' });
    expect(plan.summary).toMatchObject({ restart: true, manualRestart: false });
  });
  test('alone, it is a manual restart with the fix, and the summary says so', () => {
    const { object, plan } = planOf(cluster(), cluster({ postgresql: ext({ env: [{ name: 'X', value: '1' }] }) }));
    expect(object.changes[0].fix).toMatch(/kubectl cnpg restart angus.*kubectl\.kubernetes\.io\/restartedAt/);
    expect(plan.summary).toMatchObject({ restart: false, manualRestart: true, refused: false });
    expect(object.rollout).toBeUndefined();
  });
});

const crd = parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'shared', 'cnpg', 'postgresql.cnpg.io_clusters.yaml'), 'utf8'));
const specSchema = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;

describe("the plan knows every field of CNPG 1.30's Cluster", () => {
  const fields = [
    ...Object.keys(specSchema.properties).filter(
      (k) => k !== 'postgresql' && k !== 'storage' && k !== 'monitoring' && k !== 'managed' && k !== 'affinity',
    ),
    ...['postgresql', 'storage', 'monitoring', 'managed', 'affinity'].flatMap((p) =>
      Object.keys(specSchema.properties[p].properties).map((k) => `${p}.${k}`),
    ),
  ];
  test.each(fields)('%s', (field) => {
    const after = cluster() as Obj & { spec: Record<string, Record<string, unknown>> };
    const [head, tail] = field.split('.');
    const schema = tail ? specSchema.properties[head].properties[tail] : specSchema.properties[head];
    const value =
      field === 'storage.size'
        ? '5Gi'
        : schema.type === 'array'
          ? [{ name: 'changed' }]
          : schema.type === 'object'
            ? { changed: true }
            : 'changed';
    if (tail) after.spec[head] = { ...(after.spec[head] ?? {}), [tail]: value };
    else after.spec[head] = value as never;
    const { object } = planOf(cluster(), after);
    expect(object.changes.length).toBeGreaterThan(0);
    expect(object.changes.filter((c) => c.code === 'cluster-field-unclassified').map((c) => c.field)).toEqual([]);
  });

  test("the defaults the plan fills in are the CRD's", () => {
    const defaults: Record<string, unknown> = {};
    const walk = (schema: { properties?: Record<string, unknown>; default?: unknown }, at: string[]) => {
      const leaves = (v: unknown, p: string[]): void => {
        if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) leaves(x, [...p, k]);
        else defaults[p.join('.')] = v;
      };
      if (schema.default !== undefined && !(typeof schema.default === 'object' && schema.properties === undefined))
        leaves(schema.default, at);
      for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v as never, [...at, k]);
    };
    walk(specSchema, []);
    const ours: Record<string, unknown> = { ...CLUSTER_CRD_DEFAULTS };
    for (const [parent, d] of Object.entries(CLUSTER_CRD_NESTED_DEFAULTS))
      for (const [k, v] of Object.entries(d)) ours[`${parent}.${k}`] = v;
    // bindPassword.name defaults to "" inside a structure the plan compares as a whole.
    delete defaults['postgresql.ldap.bindSearchAuth.bindPassword.name'];
    expect(ours).toEqual(defaults);
  });
});

describe('every citation of CNPG v1.30.0 is the line it names: through the committed lock, and the lock through the source', () => {
  // Load every module that cites CNPG, so that every citation is registered.
  planChanges([cluster()], [cluster()]);
  const citing = loadCitingModules();
  const lock = readLock();
  const source = gitSource();

  test('each citation quotes what its line reads in test/plan/cnpg-citations.lock.json, and the lock holds no other line', () => {
    expect(citationsAgainstLock(allCitations(), lock)).toEqual([]);
    expect(allCitations().length).toBeGreaterThan(100);
    expect(lock.tag).toBe('v1.30.0');
    expect(citing.map((p) => path.relative(path.join(__dirname, '..', '..'), p))).toEqual(
      expect.arrayContaining(['lib/core/parameters.ts', 'lib/core/plan/cluster-rules.ts', 'lib/core/serving/pooler-status.ts']),
    );
  });

  test('the lock check fails on a line the lock lacks, a quote the line does not hold, and a line no citation names', () => {
    const c = allCitations()[0];
    const others = allCitations().slice(1);
    expect(citationsAgainstLock([...allCitations(), { file: c.file, line: 99999, text: 'x' }], lock)).toEqual([
      `${c.file}:99999 is not in the lock: run node scripts/lock-citations.js with the CNPG source`,
    ]);
    expect(citationsAgainstLock([...others, { ...c, text: `${c.text} (not on the line)` }], lock)).toEqual([
      expect.stringMatching(new RegExp(`^${c.file}:${c.line} does not read .*\\(not on the line\\)" \\(it reads `)),
    ]);
    const other = allCitations().find((o) => o.file !== c.file || o.line !== c.line) as (typeof others)[number];
    const dropped = allCitations().filter((o) => o.file !== other.file || o.line !== other.line);
    expect(citationsAgainstLock(dropped, lock)).toEqual([
      `${other.file}:${other.line} is in the lock but no citation names it: run node scripts/lock-citations.js`,
    ]);
  });

  test('the source check fails on a locked line, a blob or a commit the source does not have', () => {
    // A source that is the lock itself, then the lock with one line changed.
    const asSource: CnpgSource = {
      commit: () => lock.commit,
      blob: (file) => lock.files[file].blob,
      lines: (file) => {
        const out: string[] = [];
        for (const [n, text] of Object.entries(lock.files[file].lines)) out[Number(n) - 1] = text;
        return out;
      },
    };
    expect(lockAgainstSource(lock, asSource)).toEqual([]);
    const [file, locked] = Object.entries(lock.files)[0];
    const [line, text] = Object.entries(locked.lines)[0];
    const corrupt: CitationLock = {
      ...lock,
      commit: '0'.repeat(40),
      files: { ...lock.files, [file]: { blob: 'f'.repeat(40), lines: { ...locked.lines, [line]: `${text} // changed` } } },
    };
    expect(lockAgainstSource(corrupt, asSource)).toEqual([
      `the lock is of commit ${'0'.repeat(40)}, v1.30.0 is ${lock.commit}`,
      `${file}: the lock holds blob ${'f'.repeat(40)}, the source has ${locked.blob}`,
      `${file}:${line}: the lock reads ${JSON.stringify(`${text} // changed`)}, the source ${JSON.stringify(text)}`,
    ]);
  });

  test(`the lock is the source where a git mirror of it is (${CNPG_MIRROR}; CNPG_SOURCE to point elsewhere), else it is well formed`, () => {
    if (source) {
      expect(lockAgainstSource(lock, source)).toEqual([]);
      expect(lockText(lockFrom(allCitations(), source))).toBe(fs.readFileSync(CITATION_LOCK, 'utf8'));
    }
    // Without the source (CI): the lock names one commit, and every file a blob and single lines of text.
    expect(lock.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const [file, locked] of Object.entries(lock.files)) {
      expect([file, locked.blob]).toEqual([file, expect.stringMatching(/^[0-9a-f]{40}$/)]);
      for (const [line, text] of Object.entries(locked.lines))
        expect([file, line, /^[1-9][0-9]*$/.test(line), text.includes('\n')]).toEqual([file, line, true, false]);
    }
  });
});
