// The operand image and extension images a Cluster runs, resolved as CNPG resolves them (cloudnative-pg v1.30.0
// internal/controller/cluster_image.go getRequestedImageInfo, pkg/utils/extensions ResolveFromCatalog), and what a
// change of them does to the instances.
import { parseImageReference, parseOperandImageTag } from '../image-ref';
import type { KubeObject } from '../operator-manifest';
import { cnpg } from './cite';
import { deepEqual, isObject } from './diff';
import { derivedParameterEffect } from './parameters';
import type { Citation, PlanChange } from './types';

/** An entry of `spec.postgresql.extensions` (or of a catalog's `extensions`), as on the wire. */
export interface ExtensionConfig {
  readonly name: string;
  readonly image?: { readonly reference?: string; readonly pullPolicy?: string };
  readonly extension_control_path?: readonly string[];
  readonly dynamic_library_path?: readonly string[];
  readonly ld_library_path?: readonly string[];
  readonly bin_path?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
}

/** What a cluster runs: CNPG's `ImageInfo`. */
export interface ImageInfo {
  /** The operand image, when it can be told from the inputs. */
  readonly image?: string;
  readonly major?: number;
  readonly extensions: readonly ExtensionConfig[];
  /** `ClusterImageCatalog/name` or `ImageCatalog/namespace/name` the cluster uses. */
  readonly catalog?: string;
  /** Why the image is not known (the catalog is not among the inputs, or lacks the major). */
  readonly unknown?: string;
}

/** Image catalogs of a set of objects, by `ClusterImageCatalog/name` and `ImageCatalog/namespace/name`. */
export type Catalogs = ReadonlyMap<string, KubeObject>;

/** The catalogs among `objects`. */
export function catalogsOf(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const o of objects) {
    if (!String(o.apiVersion ?? '').startsWith('postgresql.cnpg.io/')) continue;
    if (o.kind === 'ClusterImageCatalog') out.set(`ClusterImageCatalog/${o.metadata?.name}`, o);
    else if (o.kind === 'ImageCatalog') out.set(`ImageCatalog/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`, o);
  }
  return out;
}

type Spec = Record<string, unknown>;
const list = (v: unknown): ExtensionConfig[] => (Array.isArray(v) ? (v.filter(isObject) as unknown as ExtensionConfig[]) : []);
const nonEmpty = <T>(v: readonly T[] | undefined): v is readonly T[] => Array.isArray(v) && v.length > 0;

/** The catalog key a cluster's `imageCatalogRef` names. */
export function catalogKey(cluster: KubeObject): string | undefined {
  const ref = (cluster.spec as Spec | undefined)?.imageCatalogRef as Spec | undefined;
  if (!ref) return undefined;
  return ref.kind === 'ClusterImageCatalog'
    ? `ClusterImageCatalog/${ref.name}`
    : `ImageCatalog/${cluster.metadata?.namespace ?? 'default'}/${ref.name}`;
}

/** A catalog's entry for a major: its image and extensions. */
function catalogEntry(catalog: KubeObject, major: number): Spec | undefined {
  const images = (catalog.spec as Spec | undefined)?.images;
  return Array.isArray(images) ? (images.find((i) => isObject(i) && i.major === major) as Spec | undefined) : undefined;
}

/** What `cluster` runs, given the catalogs of the same set of objects. */
export function resolveImageInfo(cluster: KubeObject, catalogs: Catalogs): ImageInfo {
  const spec = (cluster.spec ?? {}) as Spec;
  const requested = list((spec.postgresql as Spec | undefined)?.extensions);
  const ref = spec.imageCatalogRef as Spec | undefined;
  if (!ref) {
    const image = typeof spec.imageName === 'string' ? spec.imageName : undefined;
    const major = parseOperandImageTag(image ? parseImageReference(image)?.tag : undefined)?.postgresMajor;
    return { image, major, extensions: requested };
  }
  const key = catalogKey(cluster) as string;
  const major = typeof ref.major === 'number' ? ref.major : undefined;
  const catalog = catalogs.get(key);
  if (!catalog || major === undefined)
    return { major, extensions: requested, catalog: key, unknown: `${key} is not among the inputs, so its image is not known` };
  const entry = catalogEntry(catalog, major);
  if (!entry) return { major, extensions: requested, catalog: key, unknown: `${key} has no image for major ${major}` };
  // ResolveFromCatalog: the catalog's entry first, each field the cluster sets overrides it.
  const fromCatalog = new Map(list(entry.extensions).map((e) => [e.name, e]));
  const extensions = requested.map((e) => {
    const base = fromCatalog.get(e.name);
    if (!base) return e;
    return {
      ...base,
      image: {
        ...base.image,
        ...(e.image?.reference ? { reference: e.image.reference } : {}),
        ...(e.image?.pullPolicy ? { pullPolicy: e.image.pullPolicy } : {}),
      },
      ...(nonEmpty(e.extension_control_path) ? { extension_control_path: e.extension_control_path } : {}),
      ...(nonEmpty(e.dynamic_library_path) ? { dynamic_library_path: e.dynamic_library_path } : {}),
      ...(nonEmpty(e.ld_library_path) ? { ld_library_path: e.ld_library_path } : {}),
      ...(nonEmpty(e.bin_path) ? { bin_path: e.bin_path } : {}),
      ...(nonEmpty(e.env) ? { env: e.env } : {}),
    };
  });
  return { image: typeof entry.image === 'string' ? entry.image : undefined, major, extensions, catalog: key };
}

const IMAGE_ROLL: Citation[] = [
  cnpg('internal/controller/cluster_upgrade.go', 554, 'func checkPodImageIsOutdated'),
  cnpg('pkg/specs/pods.go', 215, 'Image:           cluster.Status.Image,'),
  cnpg('internal/controller/cluster_image.go', 170, 'func (r *ClusterReconciler) getRequestedImageInfo('),
];
const MAJOR_UPGRADE: Citation[] = [
  cnpg('internal/controller/cluster_image.go', 97, 'if currentMajorVersion < requestedMajorVersion {'),
  cnpg('docs/src/postgres_upgrades.md', 99, '1. Shuts down all cluster pods to ensure data consistency.'),
  cnpg('docs/src/postgres_upgrades.md', 132, '- Destroys the PVCs of replicas (if available).'),
];
const MAJOR_DOWNGRADE = [
  cnpg('internal/controller/cluster_image.go', 87, 'if currentMajorVersion > requestedMajorVersion {'),
  cnpg('internal/controller/cluster_image.go', 93, 'return nil, fmt.Errorf("cannot downgrade the PostgreSQL major version from %d to %d",'),
];
const VOLUME_CITE: Citation[] = [
  cnpg('pkg/utils/extensions/extensions.go', 93, 'resultExtension := catalogExtension'),
  cnpg('pkg/specs/volumes.go', 383, 'Image: &extension.ImageVolumeSource,'),
  cnpg('pkg/specs/podspec_diff.go', 40, '"volumes": func() (bool, string) {'),
  cnpg('docs/src/imagevolume_extensions.md', 668, 'Currently, adding, removing, or updating an extension image triggers a'),
];
const ADDED_DOC = cnpg(
  'docs/src/imagevolume_extensions.md',
  87,
  'automatically trigger a [rolling update](rolling_update.md) to attach the new',
);
const REMOVED_DOC = cnpg(
  'docs/src/imagevolume_extensions.md',
  368,
  'your `Cluster` resource. The operator will perform a rolling update to detach',
);
const PATH_CITE: Citation[] = [
  cnpg('pkg/postgres/configuration.go', 811, 'configuration.setExtensionControlPath(info)'),
  cnpg(
    'internal/management/controller/instance_controller.go',
    437,
    'reloadConfig, err := r.instance.RefreshConfigurationFilesFromCluster(',
  ),
];
const PROCESS_ENV: Record<'ld_library_path' | 'bin_path' | 'env', Citation[]> = {
  ld_library_path: [
    cnpg(
      'pkg/management/postgres/instance.go',
      807,
      'if paths := extensions.CollectLibraryPaths(exts, postgres.ExtensionsBaseDirectory); len(paths) > 0 {',
    ),
    cnpg('docs/src/imagevolume_extensions.md', 503, 'CloudNativePG does not currently trigger this restart automatically; you will'),
  ],
  bin_path: [
    cnpg(
      'pkg/management/postgres/instance.go',
      810,
      'if paths := extensions.CollectBinPaths(exts, postgres.ExtensionsBaseDirectory); len(paths) > 0 {',
    ),
    cnpg('docs/src/imagevolume_extensions.md', 543, 'CloudNativePG does not currently trigger this restart automatically; you will'),
  ],
  env: [
    cnpg('pkg/management/postgres/instance.go', 813, 'extensions.SetEnvVars(exts, envMap, postgres.ExtensionsBaseDirectory)'),
    cnpg('docs/src/imagevolume_extensions.md', 630, 'cluster restart**. CloudNativePG does **not** automatically trigger a rollout'),
  ],
};

/** The fix for a change that needs a restart CNPG does not perform. */
export function manualRestartFix(cluster: string): string {
  return `restart the cluster after the apply: kubectl cnpg restart ${cluster}, or set the annotation kubectl.kubernetes.io/restartedAt on the Cluster to the current time (stampRestart() in cnpg-constructs does it) in the same change`;
}

/** What the change from `before` to `after` (resolved image info of one cluster) does. */
export function imageChanges(cluster: string, before: ImageInfo, after: ImageInfo): PlanChange[] {
  const out: PlanChange[] = [];
  const imageField = after.catalog ? '.spec.imageCatalogRef' : '.spec.imageName';
  if (before.image !== after.image || before.catalog !== after.catalog || before.major !== after.major) {
    if (before.unknown || after.unknown) {
      if (before.catalog !== after.catalog || before.major !== after.major)
        out.push({
          code: 'cluster-image-unknown',
          field: imageField,
          before: before.catalog ?? before.image,
          after: after.catalog ?? after.image,
          effect: 'roll',
          why: `the operand image changes, but ${after.unknown ?? before.unknown}: assume every instance is re-created with the new image`,
          fix: 'pass the image catalogs too, so the plan can tell which image the cluster gets',
          cite: IMAGE_ROLL,
        });
    } else if (before.major !== undefined && after.major !== undefined && after.major < before.major) {
      out.push({
        code: 'cluster-major-downgrade',
        field: imageField,
        before: before.image,
        after: after.image,
        effect: 'refused',
        why: `PostgreSQL ${before.major} cannot go back to ${after.major}: CNPG refuses to reconcile the cluster`,
        fix: `keep a PostgreSQL ${before.major} image`,
        cite: MAJOR_DOWNGRADE,
      });
    } else if (before.major !== undefined && after.major !== undefined && after.major > before.major) {
      out.push({
        code: 'cluster-major-upgrade',
        field: imageField,
        before: before.image,
        after: after.image,
        effect: 'roll',
        why: `a major upgrade from PostgreSQL ${before.major} to ${after.major}: CNPG shuts down every instance, runs pg_upgrade on the primary's volume in a Job, then re-creates the replicas from scratch (their volumes are deleted): the cluster is down for the whole upgrade`,
        fix: 'plan a maintenance window; test the upgrade on a copy; extensions need images built for the new major',
        cite: MAJOR_UPGRADE,
      });
    } else if (before.image !== after.image) {
      out.push({
        code: 'cluster-image-changed',
        field: imageField,
        before: before.image,
        after: after.image,
        effect: 'roll',
        why: `the operand image changes (${before.image} -> ${after.image}${after.catalog ? `, from ${after.catalog}` : ''}): every instance is re-created with it`,
        cite: IMAGE_ROLL,
      });
    }
  }
  const old = new Map(before.extensions.map((e) => [e.name, e]));
  const now = new Map(after.extensions.map((e) => [e.name, e]));
  for (const [name, e] of now) {
    const field = `.spec.postgresql.extensions[${JSON.stringify(name)}]`;
    const o = old.get(name);
    if (!o) {
      out.push({
        code: 'extension-image-added',
        field,
        after: e.image?.reference,
        effect: 'roll',
        why: `a new extension image (${name}) is mounted as an image volume: every instance is re-created to attach it`,
        cite: [...VOLUME_CITE, ADDED_DOC],
      });
      continue;
    }
    if (!deepEqual(o.image ?? {}, e.image ?? {}))
      out.push({
        code: 'extension-image-changed',
        field: `${field}.image`,
        before: o.image,
        after: e.image,
        effect: 'roll',
        why: `the image volume of ${name} changes: every instance is re-created to mount it`,
        cite: VOLUME_CITE,
      });
    for (const key of ['extension_control_path', 'dynamic_library_path'] as const) {
      if (deepEqual(o[key] ?? [], e[key] ?? [])) continue;
      out.push({
        code: 'extension-path-changed',
        field: `${field}.${key}`,
        before: o[key],
        after: e[key],
        effect: derivedParameterEffect(key),
        why: `CNPG rewrites the ${key} parameter from it; PostgreSQL applies ${key} on a reload`,
        cite: PATH_CITE,
      });
    }
    for (const key of ['ld_library_path', 'bin_path', 'env'] as const) {
      if (deepEqual(o[key] ?? [], e[key] ?? [])) continue;
      const what = key === 'env' ? 'the environment' : key === 'bin_path' ? 'PATH' : 'LD_LIBRARY_PATH';
      out.push({
        code: `extension-${key.replace(/_/g, '-')}-changed`,
        field: `${field}.${key}`,
        before: o[key],
        after: e[key],
        effect: 'manual-restart',
        why: `${key} of ${name} sets ${what} of the postgres process, which is read only when PostgreSQL starts, and CNPG does not restart for it: the new value does nothing until the instances restart`,
        fix: manualRestartFix(cluster),
        cite: PROCESS_ENV[key],
      });
    }
  }
  for (const [name, o] of old) {
    if (now.has(name)) continue;
    out.push({
      code: 'extension-image-removed',
      field: `.spec.postgresql.extensions[${JSON.stringify(name)}]`,
      before: o.image?.reference,
      effect: 'roll',
      why: `the extension image ${name} is unmounted: every instance is re-created without it (drop its extensions from every database first: a database that still uses it breaks)`,
      cite: [...VOLUME_CITE, REMOVED_DOC],
    });
  }
  return out;
}
