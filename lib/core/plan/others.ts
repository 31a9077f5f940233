// Poolers, backups, roles, publications, subscriptions and the operator itself: what is replaced, what
// restarts, what is only reconfigured (cloudnative-pg v1.30.0).
import type { KubeObject } from '../operator-manifest';
import { cnpg } from './cite';
import { changedLeaves, deepEqual, fieldOf } from './diff';
import type { Citation, Effect, PlanChange } from './types';

type Spec = Record<string, unknown>;

const POOLER_TEMPLATE = [
  cnpg('pkg/specs/pgbouncer/deployments.go', 56, 'podTemplate := podspec.NewFrom(pooler.Spec.Template).'),
  cnpg('internal/controller/pooler_update.go', 125, 'deployment.Spec = generatedDeployment.Spec'),
];
const POOLER_RELOAD = [
  cnpg('internal/pgbouncer/management/controller/manager.go', 183, 'if err = r.instance.Reload(); err != nil {'),
  cnpg('docs/src/connection_pooling.md', 590, 'PgBouncer instance reloads the updated configuration without disrupting the'),
];

interface Rule {
  readonly path: string;
  readonly code: string;
  readonly effect: Effect;
  readonly why: string;
  readonly warning?: boolean;
  readonly cite: readonly Citation[];
}

const POOLER_RULES: readonly Rule[] = [
  {
    path: 'spec.template',
    code: 'pooler-pods-replaced',
    effect: 'replace',
    why: "the pooler's Pod template changes: its Deployment replaces the PgBouncer Pods (RollingUpdate by default); clients of each replaced Pod reconnect",
    cite: POOLER_TEMPLATE,
  },
  {
    path: 'spec.deploymentStrategy',
    code: 'pooler-strategy',
    effect: 'reconfigure',
    why: 'how the Deployment replaces the Pods next time; nothing restarts',
    cite: [cnpg('pkg/specs/pgbouncer/deployments.go', 172, 'Strategy: getDeploymentStrategy(pooler.Spec.DeploymentStrategy),')],
  },
  {
    path: 'spec.monitoring.tls',
    code: 'pooler-pods-replaced',
    effect: 'replace',
    why: 'METRICS_PORT_TLS in the Pod template changes: the Deployment replaces the PgBouncer Pods',
    cite: [cnpg('pkg/specs/pgbouncer/deployments.go', 127, 'Value: strconv.FormatBool(pooler.IsMetricsTLSEnabled()),'), ...POOLER_TEMPLATE],
  },
  {
    path: 'spec.monitoring',
    code: 'pooler-monitoring',
    effect: 'reconfigure',
    why: 'CNPG updates the PodMonitor; nothing restarts',
    cite: [cnpg('internal/controller/pooler_update.go', 63, 'return createOrPatchPodMonitor(')],
  },
  {
    path: 'spec.instances',
    code: 'pooler-scale',
    effect: 'reconfigure',
    why: 'the Deployment is scaled; running PgBouncer Pods are not restarted',
    cite: [cnpg('pkg/specs/pgbouncer/deployments.go', 159, 'Replicas: pooler.Spec.Instances,')],
  },
  {
    path: 'spec.pgbouncer.paused',
    code: 'pooler-paused',
    effect: 'reload',
    warning: true,
    why: 'paused: true makes every PgBouncer run PAUSE: clients stay connected, but their queries wait until it is false again',
    cite: POOLER_RELOAD,
  },
  {
    path: 'spec.pgbouncer',
    code: 'pooler-reload',
    effect: 'reload',
    why: 'every PgBouncer reloads the new configuration without dropping clients',
    cite: POOLER_RELOAD,
  },
  {
    path: 'spec.type',
    code: 'pooler-type',
    effect: 'reload',
    warning: true,
    why: 'the pooler now sends its clients to another service of the cluster (rw, ro or r): PgBouncer reloads, new server connections go there',
    cite: POOLER_RELOAD,
  },
  {
    path: 'spec.serviceTemplate',
    code: 'pooler-service',
    effect: 'reconfigure',
    why: "CNPG patches the pooler's Service; nothing restarts",
    cite: [cnpg('internal/controller/pooler_update.go', 143, 'func (r *PoolerReconciler) reconcileService(')],
  },
];

const SCHEDULED: Citation[] = [cnpg('internal/controller/scheduledbackup_controller.go', 111, 'if scheduledBackup.IsSuspended() {')];
const IMMEDIATE = cnpg(
  'internal/controller/scheduledbackup_controller.go',
  198,
  'if scheduledBackup.Status.LastCheckTime == nil && scheduledBackup.IsImmediate() {',
);
const BACKUP = cnpg(
  'internal/controller/backup_controller.go',
  127,
  'func (r *BackupReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {',
);
const ROLE_RECLAIM = cnpg(
  'internal/management/controller/databaserole_controller.go',
  173,
  '} else if role.Spec.ReclaimPolicy == apiv1.DatabaseRoleReclaimDelete {',
);
const PUB_RECLAIM = cnpg(
  'internal/management/controller/publication_controller.go',
  182,
  'if pub.Spec.ReclaimPolicy != apiv1.PublicationReclaimDelete {',
);
const SUB_RECLAIM = cnpg(
  'internal/management/controller/subscription_controller.go',
  190,
  'if sub.Spec.ReclaimPolicy != apiv1.SubscriptionReclaimDelete {',
);

function ruleChanges(rules: readonly Rule[], a: KubeObject, b: KubeObject, fallback: Omit<Rule, 'path'>): PlanChange[] {
  const groups = new Map<string, { rule: Omit<Rule, 'path'> & { path?: string }; paths: string[][] }>();
  for (const leaf of changedLeaves(a.spec ?? {}, b.spec ?? {})) {
    const dotted = ['spec', ...leaf.path].join('.');
    const rule = rules.filter((r) => dotted === r.path || dotted.startsWith(`${r.path}.`)).sort((x, y) => y.path.length - x.path.length)[0];
    const key = rule?.path ?? dotted;
    const g = groups.get(key) ?? { rule: rule ?? fallback, paths: [] as string[][] };
    g.paths.push(['spec', ...leaf.path]);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ rule, paths }) => ({
    code: rule.code,
    field: fieldOf(rule.path && paths.length > 1 ? rule.path.split('.') : paths[0]),
    effect: rule.effect,
    why: rule.why,
    ...(rule.warning ? { warning: true } : {}),
    cite: rule.cite,
  }));
}

/** The changes of a CNPG object other than Cluster, Database and image catalogs. */
export function otherChanges(kind: string, before: KubeObject | undefined, after: KubeObject | undefined): PlanChange[] {
  const b = (after?.spec ?? {}) as Spec;
  const a = (before?.spec ?? {}) as Spec;
  if (kind === 'Pooler') {
    if (!before)
      return [
        {
          code: 'pooler-create',
          field: '.spec',
          effect: 'reconfigure',
          why: 'CNPG creates the PgBouncer Deployment and its Service',
          cite: POOLER_TEMPLATE,
        },
      ];
    if (!after)
      return [
        {
          code: 'pooler-delete',
          field: '.spec',
          effect: 'replace',
          warning: true,
          why: "the pooler's Deployment and Service go: clients connected through it are cut off",
          cite: POOLER_TEMPLATE,
        },
      ];
    return ruleChanges(POOLER_RULES, before, after, {
      code: 'pooler-reload',
      effect: 'reload',
      why: 'every PgBouncer reloads the new configuration',
      cite: POOLER_RELOAD,
    });
  }
  if (kind === 'ScheduledBackup') {
    if (!after)
      return [
        {
          code: 'scheduled-backup-delete',
          field: '.spec',
          effect: 'reconfigure',
          warning: true,
          why: 'no more backups on this schedule (existing Backup objects and their data stay)',
          cite: SCHEDULED,
        },
      ];
    if (!before)
      return [
        {
          code: 'scheduled-backup-create',
          field: '.spec.schedule',
          after: b.schedule,
          effect: 'reconfigure',
          why: `CNPG starts a Backup on the schedule ${JSON.stringify(b.schedule)}${b.immediate ? ', and one right away (immediate: true)' : ''}${b.suspend ? ' once suspend is false' : ''}`,
          cite: b.immediate ? [...SCHEDULED, IMMEDIATE] : SCHEDULED,
        },
      ];
    return deepEqual(a, b)
      ? []
      : [
          {
            code: 'scheduled-backup-change',
            field: '.spec',
            effect: 'reconfigure',
            why: 'the next backups follow the new schedule and settings; nothing restarts',
            cite: SCHEDULED,
          },
        ];
  }
  if (kind === 'Backup') {
    if (!before)
      return [
        {
          code: 'backup-create',
          field: '.spec',
          effect: 'reconfigure',
          why: `CNPG takes a backup of ${b.cluster && (b.cluster as Spec).name} now (${b.method ?? 'barmanObjectStore'})`,
          cite: [BACKUP],
        },
      ];
    if (!after)
      return [
        {
          code: 'backup-delete',
          field: '.spec',
          effect: 'reconfigure',
          warning: true,
          why: 'the Backup object goes; the backup data stays where it was written (the retention policy removes it)',
          cite: [BACKUP],
        },
      ];
    return [];
  }
  const reclaim = (key: string, cite: Citation, what: string, drop: string): PlanChange[] => {
    if (!before)
      return [
        {
          code: `${kind.toLowerCase()}-create`,
          field: '.spec',
          effect: 'reconfigure',
          why: `the instance manager creates the ${what} on the primary`,
          cite: [cite],
        },
      ];
    if (!after) {
      const deletes = a[key] === 'delete';
      return [
        {
          code: `${kind.toLowerCase()}-${deletes ? 'dropped' : 'retained'}`,
          field: `.spec.${key}`,
          before: a[key] ?? 'retain',
          effect: deletes ? 'reconfigure' : 'none',
          warning: true,
          why: deletes
            ? `${key}: delete: the instance manager runs ${drop}`
            : `${key} is retain: the ${what} stays in PostgreSQL, no longer managed`,
          cite: [cite],
        },
      ];
    }
    return deepEqual(a, b)
      ? []
      : [
          {
            code: `${kind.toLowerCase()}-alter`,
            field: '.spec',
            effect: 'reconfigure',
            why: `the instance manager alters the ${what} on the primary; nothing restarts`,
            cite: [cite],
          },
        ];
  };
  if (kind === 'DatabaseRole') return reclaim('databaseRoleReclaimPolicy', ROLE_RECLAIM, 'role', 'DROP ROLE');
  if (kind === 'Publication') return reclaim('publicationReclaimPolicy', PUB_RECLAIM, 'publication', 'DROP PUBLICATION');
  if (kind === 'Subscription') return reclaim('subscriptionReclaimPolicy', SUB_RECLAIM, 'subscription', 'DROP SUBSCRIPTION');
  if (before && after && deepEqual(before.spec, after.spec)) return [];
  return [
    {
      code: 'object-unclassified',
      field: '.spec',
      effect: 'reconfigure',
      warning: true,
      why: `the library has no rule for ${kind}: CNPG (or the plugin that owns it) applies the change when it reconciles`,
      cite: [],
    },
  ];
}

const OPERATOR_ROLL = [
  cnpg(
    'internal/controller/cluster_upgrade.go',
    574,
    'func checkPodBootstrapImage(_ context.Context, pod *corev1.Pod, _ *apiv1.Cluster) (rollout, error) {',
  ),
  cnpg('docs/src/rolling_update.md', 27, '- the operator is updated, ensuring Pods run the latest instance manager'),
  cnpg('docs/src/connection_pooling.md', 113, 'When the operator itself is upgraded, pooler pods will also undergo a'),
];
const INPLACE = cnpg('internal/controller/cluster_upgrade.go', 575, 'if configuration.Current.EnableInstanceManagerInplaceUpdates {');

/** The operator's image in a set of objects (the cnpg-controller-manager Deployment), and whether in-place updates are on. */
export function operatorOf(objects: readonly KubeObject[]): { image?: string; inPlace: boolean } | undefined {
  let image: string | undefined;
  let inPlace = false;
  let found = false;
  for (const o of objects) {
    if (o.kind === 'Deployment' && o.metadata?.name === 'cnpg-controller-manager') {
      found = true;
      const containers = ((((o.spec as Spec)?.template as Spec)?.spec as Spec)?.containers ?? []) as Spec[];
      const manager = containers.find((c) => c.name === 'manager') ?? containers[0];
      image = manager?.image as string | undefined;
      for (const e of (manager?.env ?? []) as Spec[])
        if (e.name === 'ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES' && e.value === 'true') inPlace = true;
    }
    if (o.kind === 'ConfigMap' && o.metadata?.name === 'cnpg-controller-manager-config') {
      if ((o as { data?: Record<string, string> }).data?.ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES === 'true') inPlace = true;
    }
  }
  return found ? { image, inPlace } : undefined;
}

/** The change every Cluster and Pooler sees when the operator's image changes, or undefined. */
export function operatorChange(before: readonly KubeObject[], after: readonly KubeObject[]): PlanChange | undefined {
  const a = operatorOf(before);
  const b = operatorOf(after);
  if (!a || !b || a.image === b.image) return undefined;
  return {
    code: b.inPlace ? 'operator-upgrade-in-place' : 'operator-upgrade',
    field: 'Deployment/cnpg-controller-manager',
    before: a.image,
    after: b.image,
    effect: b.inPlace ? 'reconfigure' : 'roll',
    why: b.inPlace
      ? 'the operator is upgraded with ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES: the instance managers are replaced inside the running Pods, PostgreSQL keeps running (poolers are still rolled)'
      : 'the operator is upgraded: every instance is re-created with the new instance manager (set ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES to replace it in place instead)',
    cite: b.inPlace ? [INPLACE] : OPERATOR_ROLL,
  };
}
