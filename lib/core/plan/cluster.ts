// The plan of one Cluster: every change between its two versions, what CNPG does with it, and how the
// instances are restarted when something needs it.
import type { KubeObject } from '../operator-manifest';
import { cnpg } from './cite';
import { clusterSpecForComparison } from './cluster-defaults';
import { type FieldRule, ruleFor } from './cluster-rules';
import { changedLeaves, deepEqual, fieldOf, isObject, valueAt } from './diff';
import { type Catalogs, imageChanges, manualRestartFix, resolveImageInfo } from './image-info';
import { derivedParameterEffect, effectiveParameters, parameterChanges, preloadChange } from './parameters';
import { describeRollout } from './rollout';
import { type Effect, type PlanChange, type Rollout, stronger } from './types';

type Spec = Record<string, unknown>;

/** Fields of the spec the special rules below handle (the table of cluster-rules.ts handles the rest). */
const HANDLED = new Set([
  'imageName',
  'imageCatalogRef',
  'postgresql.extensions',
  'postgresql.parameters',
  'postgresql.shared_preload_libraries',
  'instances',
  'storage.size',
  'walStorage',
  'tablespaces',
  'plugins',
  'replica.enabled',
  'replica.primary',
]);
const isHandled = (path: readonly string[]) => [...HANDLED].some((h) => path.join('.') === h || path.join('.').startsWith(`${h}.`));

const RESTART_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Annotations CNPG acts on, and what a change of each does. */
const ANNOTATIONS: Readonly<Record<string, Omit<FieldRule, 'path'>>> = {
  [RESTART_ANNOTATION]: {
    code: 'cluster-restart-annotation',
    effect: 'roll',
    why: 'the restart annotation changes: every instance is re-created (what kubectl cnpg restart does)',
    cite: [
      cnpg(
        'internal/controller/cluster_upgrade.go',
        435,
        '"cluster has different restart annotation": checkClusterHasDifferentRestartAnnotation,',
      ),
      cnpg(
        'internal/controller/cluster_upgrade.go',
        613,
        'if clusterRestart, ok := cluster.Annotations[utils.ClusterRestartAnnotationName]; ok {',
      ),
    ],
  },
  'cnpg.io/podPatch': {
    code: 'cluster-pod-patch',
    effect: 'roll',
    podSpec: true,
    why: 'the JSON patch CNPG applies to the instance Pods changes: every instance is re-created',
    cite: [cnpg('pkg/specs/pods.go', 578, 'if jsonPatch := cluster.Annotations[utils.PodPatchAnnotationName]; jsonPatch != "" {')],
  },
  'alpha.cnpg.io/enableInstancePprof': {
    code: 'cluster-pprof',
    effect: 'roll',
    podSpec: true,
    why: "the instance manager's command line and ports change: every instance is re-created",
    cite: [cnpg('pkg/specs/pods.go', 283, 'if cluster.Annotations[utils.EnableInstancePprofAnnotationName] == "true" {')],
  },
  'cnpg.io/hibernation': {
    code: 'cluster-hibernation',
    effect: 'roll',
    warning: true,
    why: 'hibernation on deletes every Pod (the primary first, volumes kept): the database is down until it is turned off; off re-creates them',
    cite: [
      cnpg('pkg/utils/labels_annotations.go', 225, 'HibernationAnnotationName = MetadataNamespace + "/hibernation"'),
      cnpg('docs/src/declarative_hibernation.md', 34, 'The hibernation procedure will delete the primary Pod and then the replica'),
    ],
  },
  'cnpg.io/fencedInstances': {
    code: 'cluster-fencing',
    effect: 'restart',
    warning: true,
    why: 'fencing stops PostgreSQL on the listed instances (the Pods keep running, no failover); unfencing starts it again',
    cite: [
      cnpg('internal/management/controller/instance_controller.go', 229, 'if result := r.reconcileFencing(ctx, cluster); result != nil {'),
      cnpg('docs/src/fencing.md', 13, 'process (`postmaster`) is guaranteed to be shut down, while the pod is kept running.'),
    ],
  },
  'cnpg.io/reloadedAt': {
    code: 'cluster-reload-annotation',
    effect: 'reload',
    why: 'the reload annotation changes: CNPG reloads the configuration of every instance',
    cite: [cnpg('pkg/utils/labels_annotations.go', 213, 'ClusterReloadAnnotationName = MetadataNamespace + "/reloadedAt"')],
  },
  'cnpg.io/skipWalArchiving': {
    code: 'cluster-skip-wal-archiving',
    effect: derivedParameterEffect('archive_mode'),
    warning: true,
    why: 'CNPG turns archive_mode on or off with it, and archive_mode needs a restart (postmaster context); with archiving off, point-in-time recovery stops',
    cite: [cnpg('pkg/utils/labels_annotations.go', 201, 'SkipWalArchiving = MetadataNamespace + "/skipWalArchiving"')],
  },
  'cnpg.io/reconcilePodSpec': {
    code: 'cluster-reconcile-pod-spec',
    effect: 'reconfigure',
    why: 'whether CNPG compares the running Pods with the PodSpec it would build (disabled: PodSpec changes no longer restart anything)',
    cite: [cnpg('internal/controller/cluster_upgrade.go', 445, 'if utils.IsPodSpecReconciliationDisabled(&cluster.ObjectMeta) {')],
  },
};

/** CNPG compares the restart annotation only while the Cluster has it (checkClusterHasDifferentRestartAnnotation). */
const RESTART_REMOVED: Omit<FieldRule, 'path'> = {
  code: 'cluster-restart-annotation-removed',
  effect: 'none',
  why: 'the restart annotation is removed: CNPG compares it only while the Cluster has it, so nothing restarts',
  cite: [
    cnpg(
      'internal/controller/cluster_upgrade.go',
      613,
      'if clusterRestart, ok := cluster.Annotations[utils.ClusterRestartAnnotationName]; ok {',
    ),
  ],
};

const SCALE_UP = cnpg('internal/controller/cluster_scale.go', 39, '// the scale up operation is handled by the instances creation code');
const SCALE_DOWN = cnpg('internal/controller/cluster_scale.go', 80, 'if err := persistentvolumeclaim.EnsureInstancePVCGroupIsDeleted(');
const WAL_VOLUME = cnpg('pkg/specs/volumes.go', 124, 'if cluster.ShouldCreateWalArchiveVolume() {');
const TABLESPACES = cnpg('pkg/specs/volumes.go', 138, 'if cluster.ContainsTablespaces() {');
const DEMOTION = cnpg('docs/src/replica_cluster.md', 296, 'When the primary PostgreSQL cluster is demoted, write operations are no');
const METADATA = cnpg('pkg/reconciler/instance/metadata.go', 37, 'func ReconcileMetadata(');
const POD_SPEC = cnpg('internal/controller/cluster_upgrade.go', 453, '"PodSpec is outdated": checkPodSpecIsOutdated,');
const MISSING_PVC = cnpg('internal/controller/cluster_upgrade.go', 601, 'reason:   "attaching a new PVC to the instance Pod",');
const RESIZE = cnpg('pkg/reconciler/persistentvolumeclaim/existing.go', 57, 'if cluster.ShouldResizeInUseVolumes() {');
const PLUGIN_HOOK = cnpg(
  'pkg/specs/pods.go',
  516,
  'podClientObject, err := pluginClient.LifecycleHook(ctx, plugin.OperationVerbEvaluate, &cluster, pod)',
);

/** `1Gi` etc. in bytes (Kubernetes quantities), or undefined. */
function bytes(q: unknown): number | undefined {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined;
  const m = /^([0-9.]+)([KMGTPE]i?|k|m)?$/.exec(String(q));
  if (!m) return undefined;
  const pow: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    m: 1e-3,
  };
  return Number(m[1]) * (m[2] ? pow[m[2]] : 1);
}

/** A storage section's size change: an online resize, or nothing CNPG does while resizeInUseVolumes is false. */
function resizeChange(field: string, before: Spec | undefined, after: Spec | undefined): PlanChange | undefined {
  const a = bytes(before?.size);
  const b = bytes(after?.size);
  if (a === undefined || b === undefined || a >= b) return undefined; // shrinking is an admission rule
  const online = after?.resizeInUseVolumes !== false;
  return {
    code: online ? 'storage-resize' : 'storage-resize-offline',
    field: `${field}.size`,
    before: before?.size,
    after: after?.size,
    effect: online ? 'reconfigure' : 'none',
    why: online
      ? 'CNPG raises the size of every PVC; the volumes grow online where the StorageClass allows expansion (allowVolumeExpansion: true), without a restart'
      : 'resizeInUseVolumes is false: CNPG does not resize the volumes of running instances',
    ...(online
      ? {}
      : { fix: 're-create the instances one at a time (delete PVC and Pod), as docs/src/storage.md describes', warning: true }),
    cite: [RESIZE],
  };
}

function named(v: unknown): Map<string, Spec> {
  return new Map((Array.isArray(v) ? v.filter(isObject) : []).map((e) => [String(e.name), e]));
}

function specialChanges(a: Spec, b: Spec): PlanChange[] {
  const out: PlanChange[] = [];
  const ia = typeof a.instances === 'number' ? a.instances : 1;
  const ib = typeof b.instances === 'number' ? b.instances : 1;
  if (ia !== ib)
    out.push({
      code: ib > ia ? 'cluster-scale-up' : 'cluster-scale-down',
      field: '.spec.instances',
      before: ia,
      after: ib,
      effect: 'reconfigure',
      why:
        ib > ia
          ? `CNPG adds ${ib - ia} instance(s), each cloned from the primary onto new volumes; running instances are not restarted`
          : `CNPG removes ${ia - ib} replica(s) and deletes their volumes (PVCs); the others are not restarted`,
      ...(ib < ia ? { warning: true } : {}),
      cite: ib > ia ? [SCALE_UP] : [SCALE_DOWN],
    });
  const storage = resizeChange('.spec.storage', a.storage as Spec, b.storage as Spec);
  if (storage) out.push(storage);
  if (!a.walStorage && b.walStorage)
    out.push({
      code: 'wal-storage-added',
      field: '.spec.walStorage',
      after: b.walStorage,
      effect: 'roll',
      why: 'a WAL volume is added: every instance is re-created to attach its new PVC',
      cite: [MISSING_PVC, WAL_VOLUME],
    });
  else if (a.walStorage && b.walStorage) {
    const wal = resizeChange('.spec.walStorage', a.walStorage as Spec, b.walStorage as Spec);
    if (wal) out.push(wal);
  }
  const ta = named(a.tablespaces);
  for (const [name, t] of named(b.tablespaces)) {
    const old = ta.get(name);
    const field = `.spec.tablespaces[${JSON.stringify(name)}]`;
    if (!old) {
      out.push({
        code: 'tablespace-added',
        field,
        after: t,
        effect: 'roll',
        why: `tablespace ${name} gets a volume: every instance is re-created to attach its new PVC, then the primary creates the tablespace`,
        cite: [MISSING_PVC, TABLESPACES],
      });
      continue;
    }
    const resize = resizeChange(`${field}.storage`, old.storage as Spec, t.storage as Spec);
    if (resize) out.push(resize);
    const { storage: _a, ...restOld } = old;
    const { storage: _b, ...restNew } = t;
    if (!deepEqual(restOld, restNew))
      out.push({
        code: 'tablespace-changed',
        field,
        before: restOld,
        after: restNew,
        effect: restOld.temporary !== restNew.temporary ? derivedParameterEffect('temp_tablespaces') : 'reconfigure',
        why: 'the primary alters the tablespace (owner) or CNPG rewrites temp_tablespaces, which applies on a reload',
        cite: [TABLESPACES],
      });
  }
  const pa = named(a.plugins);
  const pb = named(b.plugins);
  for (const name of new Set([...pa.keys(), ...pb.keys()])) {
    const on = (p: Spec | undefined) => p !== undefined && p.enabled !== false;
    const field = `.spec.plugins[${JSON.stringify(name)}]`;
    if (on(pa.get(name)) !== on(pb.get(name)))
      out.push({
        code: 'plugin-toggled',
        field,
        before: pa.get(name),
        after: pb.get(name),
        effect: 'roll',
        why: `plugin ${name} is ${on(pb.get(name)) ? 'enabled' : 'disabled'}: CNPG asks the plugins for the instance Pods (they add or drop sidecars, the Barman Cloud plugin's for WAL archiving), so every instance is re-created`,
        cite: [PLUGIN_HOOK],
      });
    else if (!deepEqual(pa.get(name), pb.get(name)))
      out.push({
        code: 'plugin-changed',
        field,
        before: pa.get(name),
        after: pb.get(name),
        effect: 'reconfigure',
        why: `plugin ${name}'s settings change: the plugin reads them when it acts (a plugin whose sidecar depends on them makes CNPG re-create the instances)`,
        cite: [PLUGIN_HOOK],
      });
  }
  const replica = (s: Spec) =>
    (s.replica as Spec | undefined)?.enabled === true ||
    (isObject(s.replica) && typeof s.replica.primary === 'string' && s.replica.primary !== s.replica.self);
  if (replica(a) !== replica(b))
    out.push({
      code: replica(b) ? 'cluster-demoted' : 'cluster-promoted',
      field: '.spec.replica',
      before: a.replica,
      after: b.replica,
      effect: replica(b) ? 'restart' : 'reconfigure',
      warning: true,
      why: replica(b)
        ? 'the cluster is demoted to a replica cluster: writes stop, and the primary restarts as a designated primary that follows the source'
        : 'the replica cluster is promoted: its designated primary starts accepting writes (make sure the former primary cluster is demoted first)',
      cite: [DEMOTION],
    });
  return out;
}

/** Changes of the cluster's labels and annotations. */
function metadataChanges(a: KubeObject, b: KubeObject): PlanChange[] {
  const out: PlanChange[] = [];
  for (const kind of ['annotations', 'labels'] as const) {
    const ma = (a.metadata?.[kind] ?? {}) as Record<string, string>;
    const mb = (b.metadata?.[kind] ?? {}) as Record<string, string>;
    for (const key of new Set([...Object.keys(ma), ...Object.keys(mb)])) {
      if (ma[key] === mb[key] || key === 'kubectl.kubernetes.io/last-applied-configuration') continue;
      const removedRestart = kind === 'annotations' && key === RESTART_ANNOTATION && mb[key] === undefined;
      const rule = removedRestart ? RESTART_REMOVED : kind === 'annotations' ? ANNOTATIONS[key] : undefined;
      out.push({
        ...(rule ?? {
          code: 'cluster-metadata',
          effect: 'reconfigure' as Effect,
          why: 'CNPG copies the labels and annotations its configuration names (INHERITED_LABELS, INHERITED_ANNOTATIONS) onto its objects in place; nothing restarts',
          cite: [METADATA],
        }),
        field: fieldOf(['metadata', kind, key]),
        before: ma[key],
        after: mb[key],
      });
    }
  }
  return out;
}

/** The changes of the table-driven fields (cluster-rules.ts), one per rule. */
function fieldChanges(a: Spec, b: Spec): PlanChange[] {
  const byRule = new Map<string, { rule?: FieldRule; paths: string[][] }>();
  for (const leaf of changedLeaves(a, b)) {
    if (isHandled(leaf.path)) continue;
    const rule = ruleFor(['spec', ...leaf.path]);
    const key = rule?.path ?? `?${leaf.path.join('.')}`;
    const entry = byRule.get(key) ?? { rule, paths: [] };
    entry.paths.push(['spec', ...leaf.path]);
    byRule.set(key, entry);
  }
  const out: PlanChange[] = [];
  for (const { rule, paths } of byRule.values()) {
    const path = rule && paths.length > 1 ? rule.path.split('.') : paths[0];
    const before = valueAt({ spec: a }, path);
    const after = valueAt({ spec: b }, path);
    if (!rule) {
      out.push({
        code: 'cluster-field-unclassified',
        field: fieldOf(path),
        before,
        after,
        effect: 'roll',
        warning: true,
        why: 'the library has no rule for this field: assume CNPG re-creates the instances',
        fix: 'check the field in CNPG 1.30 documentation before applying',
        cite: [POD_SPEC],
      });
      continue;
    }
    out.push({
      code: rule.code,
      field: fieldOf(path),
      before,
      after,
      effect: rule.effect,
      why: rule.why,
      ...(rule.fix ? { fix: rule.fix, warning: true } : {}),
      cite: rule.cite,
      ...(rule.podSpec ? { podSpec: true } : {}),
    } as PlanChange);
  }
  return out;
}

const POD_SPEC_CODES = new Set(['extension-image-added', 'extension-image-changed', 'extension-image-removed']);

/** The changes of a Cluster and, when it restarts, how. */
export function clusterChanges(
  id: string,
  before: KubeObject,
  after: KubeObject,
  catalogs: { before: Catalogs; after: Catalogs },
): { changes: PlanChange[]; rollout?: Rollout } {
  const a = clusterSpecForComparison(before);
  const b = clusterSpecForComparison(after);
  const pa = (a.postgresql ?? {}) as Spec;
  const pb = (b.postgresql ?? {}) as Spec;
  const paramsA = effectiveParameters(pa.parameters as Spec);
  const paramsB = effectiveParameters(pb.parameters as Spec);
  let changes: (PlanChange & { podSpec?: boolean; decrease?: boolean })[] = [
    ...imageChanges(String(after.metadata?.name), resolveImageInfo(before, catalogs.before), resolveImageInfo(after, catalogs.after)),
    ...parameterChanges(pa.parameters as Spec, pb.parameters as Spec),
    ...[
      preloadChange(
        { libraries: pa.shared_preload_libraries as unknown[], parameters: paramsA },
        { libraries: pb.shared_preload_libraries as unknown[], parameters: paramsB },
      ),
    ].filter((c): c is PlanChange => c !== undefined),
    ...specialChanges(a, b),
    ...fieldChanges(a, b),
    ...metadataChanges(before, after),
  ];
  // cnpg.io/reconcilePodSpec: disabled — CNPG skips the PodSpec comparison (cluster_upgrade.go isPodNeedingRollout).
  if (after.metadata?.annotations?.['cnpg.io/reconcilePodSpec'] === 'disabled') {
    changes = changes.map((c) =>
      c.podSpec || POD_SPEC_CODES.has(c.code)
        ? {
            ...c,
            effect: 'none' as Effect,
            warning: true,
            why: `${c.why} — but cnpg.io/reconcilePodSpec is disabled: CNPG does not compare the PodSpec, so running Pods keep the old one until they are re-created`,
            fix: `remove the annotation, or restart the cluster (kubectl cnpg restart ${id.split('/').pop()})`,
          }
        : c,
    );
  }
  const restarts = changes.filter((c) => c.effect === 'roll' || c.effect === 'restart');
  if (restarts.length > 0) {
    // A restart CNPG performs anyway applies ld_library_path, bin_path and env too.
    changes = changes.map((c) =>
      c.effect === 'manual-restart'
        ? {
            ...c,
            effect: 'reconfigure' as Effect,
            fix: undefined,
            why: `${c.why}; this change restarts the instances anyway (${restarts[0].field}), which applies it`,
          }
        : c,
    );
  }
  const rollout =
    restarts.length > 0
      ? describeRollout(id.split('/').pop() as string, b, {
          recreate: restarts.some((c) => c.effect === 'roll'),
          decrease: restarts.some((c) => c.decrease),
          image: restarts.some((c) => c.code === 'cluster-image-changed' || c.code === 'cluster-image-unknown'),
        })
      : undefined;
  return { changes: changes.map(({ podSpec: _p, decrease: _d, ...c }) => c), rollout };
}

/** The fix for a manual restart, by cluster name (for the renderers and front ends). */
export { manualRestartFix };

/** The strongest effect of a list of changes. */
export function strongest(changes: readonly PlanChange[]): Effect {
  return changes.reduce<Effect>((e, c) => stronger(e, c.effect), 'none');
}
