// Numbers for ExtensionImage instances and the `spec.postgresql.extensions` entries of a list of them, memoized.
import type { ClusterSpecPostgresqlExtensions } from '../../imports/postgresql.cnpg.io.spec';
import type { ExtensionImage } from './extension-image';
import { deepFreeze } from './freeze';
import { BoundedCache } from './memo';

/** Distinct numbers for ExtensionImage instances (catalog factories share them): keys of the memos that
 * reuse work across the many clusters and databases that mount the same images. @internal */
const imageIds = new WeakMap<ExtensionImage, number>();
let nextImageId = 0;

/** The distinct number of an ExtensionImage instance (see above). @internal */
export function imageId(img: ExtensionImage): number {
  let id = imageIds.get(img);
  if (id === undefined) {
    id = ++nextImageId;
    imageIds.set(img, id);
  }
  return id;
}

const entriesMemo = new BoundedCache<string, readonly ClusterSpecPostgresqlExtensions[]>('extension entries by images', 512);

/**
 * `spec.postgresql.extensions` for these images: one frozen array per combination of images (and whether the
 * operator applies extension env), shared by every cluster that mounts them, so it is also serialized once
 * (manifests.ts). @internal
 */
export function clusterExtensionEntries(
  images: readonly ExtensionImage[],
  envSupported: boolean,
): readonly ClusterSpecPostgresqlExtensions[] {
  const key = `${images.map(imageId).join(',')}|${envSupported}`;
  let entries = entriesMemo.get(key);
  if (!entries) {
    entries = Object.freeze(images.map((x) => deepFreeze(x.toClusterExtension(envSupported))));
    entriesMemo.set(key, entries);
  }
  return entries;
}
