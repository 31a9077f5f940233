// What synthesized objects say about extension images: each Cluster's mounted images (its own entries, or the
// image catalog's, overridden field by field as CNPG resolves them: pkg/utils/extensions ResolveFromCatalog), its
// operand image, and the extensions each Database creates on it.
import type { Finding } from '../core/findings';
import type { KubeObject } from '../core/operator-manifest';
import type { MountPaths } from './inspect';

/** A finding of `images verify`: where is the Cluster or Database (or ExtensionImage name). */
export interface VerifyFinding extends Finding {
  readonly where: string;
  /** CNPG extension (image) name. */
  readonly image?: string;
  readonly reference?: string;
}

/** One image as a cluster mounts it. */
export interface MountedImage extends MountPaths {
  /** CNPG extension name (mount at /extensions/<name>). */
  readonly name: string;
  readonly reference: string;
  /** What the code says the image holds, when it says (an ExtensionImage). */
  readonly sqlExtensions?: readonly { readonly name: string; readonly requires?: readonly string[] }[];
  /** The SQL extension version the code expects the image's main extension at. */
  readonly sqlVersion?: string;
  /** `env` it is mounted with. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ClusterUse {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The operand image: `spec.imageName`, or the image catalog's image for the cluster's major. */
  readonly operand?: string;
  readonly images: MountedImage[];
  readonly findings: VerifyFinding[];
}

export interface DatabaseUse {
  readonly id: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly extensions: readonly { readonly name: string; readonly version?: string; readonly ensure?: string }[];
}

type Spec = Record<string, unknown>;

function ns(o: KubeObject): string {
  return o.metadata?.namespace ?? 'default';
}
function idOf(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;
}
function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}
function mountOf(e: Spec, reference: string): MountedImage {
  const env = Array.isArray(e.env) ? Object.fromEntries((e.env as Spec[]).map((x) => [String(x.name), String(x.value ?? '')])) : undefined;
  return {
    name: e.name as string,
    reference,
    env,
    extensionControlPath: strings(e.extension_control_path),
    dynamicLibraryPath: strings(e.dynamic_library_path),
    ldLibraryPath: strings(e.ld_library_path),
    binPath: strings(e.bin_path),
  };
}
const given = <T>(mine: readonly T[] | undefined, base: readonly T[] | undefined) => (mine?.length ? mine : base);

/** Clusters (with their mounted images, catalogs resolved) and Databases of `objects`. */
export function clusterUses(objects: readonly KubeObject[]): { clusters: ClusterUse[]; databases: DatabaseUse[] } {
  const isCnpg = (o: KubeObject) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('postgresql.cnpg.io/');
  const catalogs = new Map<string, Spec>();
  for (const o of objects) {
    if (!isCnpg(o)) continue;
    if (o.kind === 'ImageCatalog') catalogs.set(`ImageCatalog/${ns(o)}/${o.metadata?.name}`, o.spec as Spec);
    if (o.kind === 'ClusterImageCatalog') catalogs.set(`ClusterImageCatalog/${o.metadata?.name}`, o.spec as Spec);
  }
  const clusters: ClusterUse[] = [];
  const databases: DatabaseUse[] = [];
  for (const o of objects) {
    if (!isCnpg(o)) continue;
    const spec = (o.spec ?? {}) as Spec;
    if (o.kind === 'Cluster') {
      const id = idOf(o);
      const findings: VerifyFinding[] = [];
      const exts = ((spec.postgresql as Spec | undefined)?.extensions ?? []) as Spec[];
      const ref = spec.imageCatalogRef as Spec | undefined;
      const catalog = ref
        ? catalogs.get(ref.kind === 'ClusterImageCatalog' ? `ClusterImageCatalog/${ref.name}` : `ImageCatalog/${ns(o)}/${ref.name}`)
        : undefined;
      const entry = catalog ? ((catalog.images ?? []) as Spec[]).find((i) => i.major === ref?.major) : undefined;
      const fromCatalog = new Map(((entry?.extensions ?? []) as Spec[]).map((e) => [e.name as string, e]));
      const images: MountedImage[] = [];
      exts.forEach((e, i) => {
        const own = (e.image as Spec | undefined)?.reference as string | undefined;
        const cat = fromCatalog.get(e.name as string);
        const reference = own ?? ((cat?.image as Spec | undefined)?.reference as string | undefined);
        if (!reference) {
          findings.push({
            severity: 'warning',
            code: 'unresolved-reference',
            where: id,
            image: e.name as string,
            field: `.spec.postgresql.extensions[${i}].image.reference`,
            message: `extension ${JSON.stringify(e.name)} has no image reference here${ref ? ` and ${ref.kind}/${ref.name} is not among the inputs` : ''}`,
            fix: 'pass the image catalog too, so its image can be verified',
          });
          return;
        }
        const base = cat ? mountOf(cat, reference) : undefined;
        const mine = mountOf(e, reference);
        images.push({
          name: mine.name,
          reference,
          extensionControlPath: given(mine.extensionControlPath, base?.extensionControlPath),
          dynamicLibraryPath: given(mine.dynamicLibraryPath, base?.dynamicLibraryPath),
          ldLibraryPath: given(mine.ldLibraryPath, base?.ldLibraryPath),
          binPath: given(mine.binPath, base?.binPath),
          env: mine.env && Object.keys(mine.env).length ? mine.env : base?.env,
        });
      });
      const operand = (spec.imageName as string | undefined) ?? (entry?.image as string | undefined);
      clusters.push({ id, namespace: ns(o), name: o.metadata?.name ?? '', operand, images, findings });
    } else if (o.kind === 'Database') {
      databases.push({
        id: idOf(o),
        namespace: ns(o),
        cluster: ((spec.cluster as Spec | undefined)?.name as string) ?? '',
        extensions: ((spec.extensions ?? []) as Spec[]).map((e) => ({
          name: e.name as string,
          version: e.version as string | undefined,
          ensure: e.ensure as string | undefined,
        })),
      });
    }
  }
  return { clusters, databases };
}
