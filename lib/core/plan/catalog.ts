// Image catalogs: CNPG watches ImageCatalog and ClusterImageCatalog objects and reconciles every Cluster whose
// imageCatalogRef names the changed one (cloudnative-pg v1.30.0 internal/controller/cluster_image.go,
// mapImageCatalogsToClusters / mapClusterImageCatalogsToClusters): a changed entry rolls each cluster that gets a
// different image or extension from it.
import type { KubeObject } from '../operator-manifest';
import { cnpg } from './cite';
import { deepEqual, isObject } from './diff';
import type { PlanChange } from './types';

const WATCH = [
  cnpg('internal/controller/cluster_image.go', 230, 'FieldSelector: fields.OneTermEqualSelector(imageCatalogKey, object.GetName()),'),
  cnpg('internal/controller/cluster_controller.go', 1465, 'return []string{cluster.Spec.ImageCatalogRef.Name}'),
  cnpg('docs/src/image_catalog.md', 13, 'catalog entry is updated, all associated clusters automatically'),
];

type Spec = Record<string, unknown>;

function entries(o: KubeObject | undefined): Map<number, Spec> {
  const images = (o?.spec as Spec | undefined)?.images;
  return new Map((Array.isArray(images) ? images.filter(isObject) : []).map((i) => [Number(i.major), i]));
}

/**
 * The changes of a catalog, given the clusters (by id) that this plan finds restarted by it. `clusterWide`: a
 * ClusterImageCatalog, which clusters of every namespace may use.
 */
export function catalogChanges(before: KubeObject | undefined, after: KubeObject | undefined, restarted: readonly string[]): PlanChange[] {
  const a = entries(before);
  const b = entries(after);
  const out: PlanChange[] = [];
  const clusterWide = (after ?? before)?.kind === 'ClusterImageCatalog';
  for (const major of [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y)) {
    const old = a.get(major);
    const now = b.get(major);
    if (deepEqual(old, now)) continue;
    const what = !old ? 'added' : !now ? 'removed' : old.image !== now.image ? `image ${old.image} -> ${now.image}` : 'extensions changed';
    out.push({
      code: 'catalog-entry-changed',
      field: `.spec.images[major=${major}]`,
      before: old,
      after: now,
      effect: restarted.length > 0 ? 'roll' : 'none',
      why:
        restarted.length > 0
          ? `major ${major} ${what}: CNPG reconciles every Cluster that references this catalog, and re-creates the instances of ${restarted.length} of them (${restarted.join(', ')})`
          : `major ${major} ${what}: no Cluster among the inputs gets a different image from it`,
      ...(clusterWide || restarted.length === 0
        ? {
            warning: true,
            fix: clusterWide
              ? 'a ClusterImageCatalog serves clusters of every namespace: clusters not among the inputs that reference it roll too'
              : 'clusters not among the inputs that reference this catalog roll too',
          }
        : {}),
      cite: WATCH,
    });
  }
  return out;
}
