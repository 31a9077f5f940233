// `images verify`: what the code (synthesized objects, or ExtensionImage values) says about extension images,
// checked against the images themselves. Per cluster: every mounted image is inspected with the paths the
// Cluster mounts it with; the library's catalog is compared with what the image holds (SQL extensions,
// `requires`, the version its tag promises); every Database extension on the cluster must be provided by a
// mounted image or the operand, at a version the image can install, with its `requires` created first
// (CNPG runs `CREATE EXTENSION <name> [VERSION v] [SCHEMA s]`, never CASCADE:
// internal/management/controller/database_controller_sql.go, createDatabaseExtension, v1.30.0).
import { BASE_IMAGE_EXTENSIONS, type CatalogImage } from '../core/extension-catalog';
import type { ExtensionImage } from '../core/extension-image';
import { parseExtensionImageTag, parseImageReference } from '../core/image-ref';
import type { KubeObject } from '../core/operator-manifest';
import type { ImageExtension, MountPaths } from './inspect';
import { catalogEntryFor, type ImageReport, type InspectImageOptions, inspectImage, mapLimit } from './pull';

export interface VerifyFinding {
  readonly severity: 'error' | 'warning';
  /** `Cluster/<namespace>/<name>`, `Database/...`, or the ExtensionImage's name. */
  readonly object: string;
  /** CNPG extension (image) name. */
  readonly image?: string;
  readonly reference?: string;
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

export interface VerifyReport {
  readonly images: readonly ImageReport[];
  readonly findings: readonly VerifyFinding[];
  /** Clusters and databases looked at. */
  readonly clusters: number;
  readonly databases: number;
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

interface ClusterUse {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly images: MountedImage[];
  readonly problems: VerifyFinding[];
}

interface DatabaseUse {
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
function mountOf(e: Spec, reference: string): MountedImage {
  const env = Array.isArray(e.env) ? Object.fromEntries((e.env as Spec[]).map((x) => [String(x.name), String(x.value ?? '')])) : undefined;
  return {
    name: e.name as string,
    reference,
    env,
    extensionControlPath: e.extension_control_path as string[] | undefined,
    dynamicLibraryPath: e.dynamic_library_path as string[] | undefined,
    ldLibraryPath: e.ld_library_path as string[] | undefined,
  };
}

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
      const problems: VerifyFinding[] = [];
      const exts = (((spec.postgresql as Spec | undefined)?.extensions ?? []) as Spec[]) ?? [];
      const ref = spec.imageCatalogRef as Spec | undefined;
      const catalog = ref
        ? catalogs.get(ref.kind === 'ClusterImageCatalog' ? `ClusterImageCatalog/${ref.name}` : `ImageCatalog/${ns(o)}/${ref.name}`)
        : undefined;
      const entry = catalog ? ((catalog.images ?? []) as Spec[]).find((i) => i.major === ref?.major) : undefined;
      const fromCatalog = new Map(((entry?.extensions ?? []) as Spec[]).map((e) => [e.name as string, e]));
      const images: MountedImage[] = [];
      for (const e of exts) {
        const own = (e.image as Spec | undefined)?.reference as string | undefined;
        const cat = fromCatalog.get(e.name as string);
        const reference = own ?? ((cat?.image as Spec | undefined)?.reference as string | undefined);
        if (!reference) {
          problems.push({
            severity: 'warning',
            object: id,
            image: e.name as string,
            code: 'unresolved-reference',
            message: `extension ${JSON.stringify(e.name)} has no image reference here${ref ? ` and ${ref.kind}/${ref.name} is not among the inputs` : ''}`,
            fix: 'pass the image catalog too, so its image can be verified',
          });
          continue;
        }
        // Cluster values override the catalog's field by field (CNPG: pkg/utils/extensions ResolveFromCatalog).
        const base = cat ? mountOf(cat, reference) : undefined;
        const mine = mountOf(e, reference);
        images.push({
          name: mine.name,
          reference,
          extensionControlPath: mine.extensionControlPath?.length ? mine.extensionControlPath : base?.extensionControlPath,
          dynamicLibraryPath: mine.dynamicLibraryPath?.length ? mine.dynamicLibraryPath : base?.dynamicLibraryPath,
          ldLibraryPath: mine.ldLibraryPath?.length ? mine.ldLibraryPath : base?.ldLibraryPath,
          env: mine.env && Object.keys(mine.env).length ? mine.env : base?.env,
        });
      }
      clusters.push({ id, namespace: ns(o), name: o.metadata?.name ?? '', images, problems });
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

function key(m: MountedImage): string {
  return JSON.stringify([m.reference, m.extensionControlPath ?? [], m.dynamicLibraryPath ?? [], m.ldLibraryPath ?? [], m.env ?? {}]);
}

/** Inspects every image once (three at a time) per reference and paths. */
async function inspectAll(mounts: readonly MountedImage[], options: InspectImageOptions): Promise<Map<string, ImageReport | Error>> {
  const unique = [...new Map(mounts.map((m) => [key(m), m])).values()];
  const reports = await mapLimit(unique, 3, async (m) => {
    try {
      // Paths not given: the catalog entry's (inspectImage). env as mounted: none written means none to check.
      const { extensionControlPath, dynamicLibraryPath, ldLibraryPath } = m;
      return await inspectImage(m.reference, { ...options, extensionControlPath, dynamicLibraryPath, ldLibraryPath, env: m.env ?? {} });
    } catch (e) {
      return e as Error;
    }
  });
  return new Map(unique.map((m, i) => [key(m), reports[i]]));
}

/** What one mounted image contributes: why it could not be read, or its own problems and how it differs from the code. */
function imageFindings(object: string, m: MountedImage, r: ImageReport | Error | undefined): VerifyFinding[] {
  const base = { object, image: m.name, reference: m.reference };
  if (r instanceof Error || !r) {
    return [
      {
        ...base,
        severity: 'error',
        code: 'unreadable',
        message: `cannot be inspected: ${r?.message}`,
        fix: 'check the reference, the registry and its credentials',
      },
    ];
  }
  return [
    ...r.problems.map((p) => ({ ...base, severity: p.severity, code: p.code, message: `${p.subject}: ${p.message}`, fix: p.fix })),
    ...compareWithImage(object, m, r),
  ];
}

function inspected(reports: Map<string, ImageReport | Error>): ImageReport[] {
  return [...reports.values()].filter((r): r is ImageReport => !(r instanceof Error));
}

/** What the code and the catalog say the image holds, against what it holds. */
export function compareWithImage(object: string, m: MountedImage, report: ImageReport): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const f = (severity: VerifyFinding['severity'], code: string, message: string, fix: string) =>
    out.push({ severity, object, image: m.name, reference: m.reference, code, message, fix });
  const entry: CatalogImage | undefined = catalogEntryFor(m.reference);
  const expected = m.sqlExtensions ?? entry?.sqlExtensions;
  const source = m.sqlExtensions ? 'the ExtensionImage' : `the library's catalog (${entry?.name})`;
  const has = new Map(report.extensions.map((e) => [e.name, e]));
  if (expected) {
    for (const x of expected) {
      const found = has.get(x.name);
      if (!found) {
        f(
          'error',
          'catalog-extension-missing',
          `${source} says the image provides the SQL extension ${x.name}; the image has no ${x.name}.control (it has ${[...has.keys()].join(', ') || 'none'})`,
          'fix the reference (is it the right image?), or the sqlExtensions of the ExtensionImage',
        );
        continue;
      }
      const want = [...(x.requires ?? [])].sort();
      const got = [...found.requires].sort();
      if (want.join(',') !== got.join(',')) {
        f(
          'warning',
          'requires-differ',
          `${x.name}: ${source} says it requires [${want.join(', ')}], its control file says [${got.join(', ')}]`,
          'follow the control file: list what it requires in sqlExtensions and in the Database before it',
        );
      }
    }
    for (const e of report.extensions) {
      if (!expected.some((x) => x.name === e.name)) {
        f(
          'warning',
          'extension-not-listed',
          `the image provides the SQL extension ${e.name}, which ${source} does not list: databases can create it, but the library cannot check its use`,
          `add { name: '${e.name}'${e.requires.length ? `, requires: [${e.requires.map((r) => `'${r}'`).join(', ')}]` : ''} } to sqlExtensions`,
        );
      }
    }
  }
  const tagVersion = m.sqlVersion ?? parseExtensionImageTag(parseImageReference(m.reference)?.tag)?.version;
  const main = entry?.databaseExtensions[0] ?? (m.sqlExtensions?.length === 1 ? m.sqlExtensions[0].name : undefined);
  const mainExt = main ? has.get(main) : undefined;
  if (tagVersion && mainExt?.defaultVersion && mainExt.defaultVersion !== tagVersion) {
    f(
      'error',
      'version-differs',
      `the reference says ${main} ${tagVersion}, but the image's ${main}.control has default_version ${mainExt.defaultVersion}`,
      'use the tag of the version you want, or expect the version the image has',
    );
  }
  return out;
}

/** Verifies the Clusters and Databases of synthesized `objects` against their images. */
export async function verifyObjects(objects: readonly KubeObject[], options: InspectImageOptions = {}): Promise<VerifyReport> {
  const { clusters, databases } = clusterUses(objects);
  const reports = await inspectAll(
    clusters.flatMap((c) => c.images),
    options,
  );
  const findings: VerifyFinding[] = [];
  for (const c of clusters) {
    findings.push(...c.problems);
    const provided = new Map<string, { ext: ImageExtension; image: MountedImage }>();
    for (const m of c.images) {
      const r = reports.get(key(m));
      findings.push(...imageFindings(c.id, m, r));
      if (r instanceof Error || !r) continue;
      for (const e of r.extensions) if (!provided.has(e.name)) provided.set(e.name, { ext: e, image: m });
    }
    for (const d of databases.filter((x) => x.cluster === c.name && x.namespace === c.namespace)) {
      const listed = new Set(d.extensions.filter((e) => e.ensure !== 'absent').map((e) => e.name));
      for (const e of d.extensions) {
        if (e.ensure === 'absent') continue;
        const p = provided.get(e.name);
        if (!p) {
          if (!BASE_IMAGE_EXTENSIONS[e.name]) {
            findings.push({
              severity: 'error',
              object: d.id,
              code: 'extension-unavailable',
              message: `creates the extension ${e.name}, which no image mounted on ${c.id} provides (${c.images.map((i) => i.name).join(', ') || 'none mounted'}) and the operand image does not ship`,
              fix: `mount the image that provides ${e.name} on the cluster`,
            });
          }
          continue;
        }
        if (e.version && !p.ext.versions.includes(e.version)) {
          findings.push({
            severity: 'error',
            object: d.id,
            image: p.image.name,
            reference: p.image.reference,
            code: 'version-unavailable',
            message: `asks for ${e.name} version ${e.version}; ${p.image.reference} can install ${p.ext.versions.join(', ') || 'none'}`,
            fix: `use one of those versions, or an image that has ${e.name}--${e.version}.sql or an update path to it`,
          });
        }
        for (const r of p.ext.requires) {
          if (listed.has(r) || r === 'plpgsql') continue;
          findings.push({
            severity: 'error',
            object: d.id,
            image: p.image.name,
            code: 'requires-not-created',
            message: `creates ${e.name}, whose control file requires ${r}, but does not create ${r}: CNPG runs CREATE EXTENSION without CASCADE, so it fails with 'required extension "${r}" is not installed'`,
            fix: `add { name: '${r}' } to the Database's extensions`,
          });
        }
      }
    }
  }
  return {
    images: [...reports.values()].filter((r): r is ImageReport => !(r instanceof Error)),
    findings,
    clusters: clusters.length,
    databases: databases.length,
  };
}

/** Verifies ExtensionImage values (what the code says) against the images they reference. */
export async function verifyExtensionImages(images: readonly ExtensionImage[], options: InspectImageOptions = {}): Promise<VerifyReport> {
  const mounts: MountedImage[] = images
    .filter((i) => i.reference)
    .map((i) => ({
      name: i.name,
      reference: i.reference as string,
      extensionControlPath: i.props.extensionControlPath,
      dynamicLibraryPath: i.props.dynamicLibraryPath,
      ldLibraryPath: i.props.ldLibraryPath,
      env: i.props.env ?? i.envWhenSupported,
      sqlExtensions: i.sqlExtensions,
      sqlVersion: i.sqlVersion,
    }));
  const reports = await inspectAll(mounts, options);
  const findings: VerifyFinding[] = [];
  for (const m of mounts) {
    findings.push(...imageFindings(m.name, m, reports.get(key(m))));
  }
  return { images: inspected(reports), findings, clusters: 0, databases: 0 };
}
