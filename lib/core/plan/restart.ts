// The restart CNPG does not perform itself (an extension's ld_library_path, bin_path or env): which clusters of a
// plan need one, and the annotation that asks CNPG for it (what `kubectl cnpg restart` sets: cloudnative-pg v1.30.0
// pkg/utils/labels_annotations.go ClusterRestartAnnotationName, read by internal/controller/cluster_upgrade.go
// checkClusterHasDifferentRestartAnnotation).
import type { KubeObject } from '../operator-manifest';
import type { ChangePlan } from './types';

/** The annotation whose change makes CNPG re-create every instance of a Cluster. */
export const RESTART_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** The Clusters (`Cluster/namespace/name`) of a plan with a change that needs a restart CNPG will not perform. */
export function manualRestartClusters(plan: ChangePlan): string[] {
  return plan.objects.filter((p) => p.kind === 'Cluster' && p.changes.some((c) => c.effect === 'manual-restart')).map((p) => p.id);
}

/**
 * Copies of `objects` where each Cluster named in `clusters` (`Cluster/namespace/name`, or all Clusters when
 * omitted) carries the restart annotation set to `at`: applied together with the change, CNPG re-creates the
 * instances, so what only takes effect at a restart does.
 */
export function stampRestart(objects: readonly KubeObject[], options: { clusters?: readonly string[]; at?: Date } = {}): KubeObject[] {
  const at = (options.at ?? new Date()).toISOString();
  return objects.map((o) => {
    if (o.kind !== 'Cluster' || !String(o.apiVersion ?? '').startsWith('postgresql.cnpg.io/')) return o;
    const id = `Cluster/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
    if (options.clusters && !options.clusters.includes(id)) return o;
    return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, [RESTART_ANNOTATION]: at } } };
  });
}
