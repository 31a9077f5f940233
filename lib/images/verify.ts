// `images verify`: what the code (synthesized objects, or ExtensionImage values) says about extension images,
// checked against the images themselves. Per cluster: its operand image is measured (operand-image.ts), every
// mounted image is inspected with the paths the Cluster mounts it with; the library's catalog is compared with
// what the image holds (SQL extensions, `requires`, the version its tag promises); every Database extension on
// the cluster must be provided by a mounted image or the operand, at a version the image can install, with its
// `requires` created too (CNPG runs `CREATE EXTENSION <name> [VERSION v] [SCHEMA s]`, never CASCADE:
// internal/management/controller/database_controller_sql.go, createDatabaseExtension, v1.30.0). An unreachable
// registry is one finding, and nothing is said about the contents of its images.
import { BASE_IMAGE_EXTENSIONS, type CatalogImage } from '../core/extension-catalog';
import type { ExtensionImage } from '../core/extension-image';
import { parseExtensionImageTag, parseImageReference } from '../core/image-ref';
import type { KubeObject } from '../core/operator-manifest';
import { createVerdict } from './inspect';
import { catalogEntryFor, type ImageReport, type InspectImageOptions, inspectImage } from './inspect-image';
import { builtInOperand, distroOfReference, type OperandProvides } from './operand';
import { measureOperand } from './operand-image';
import { mapLimit } from './pull';
import { remoteReference } from './reference';
import { RegistryClient, RegistryError } from './registry';
import { type ClusterUse, clusterUses, type MountedImage, type VerifyFinding } from './verify-uses';

export { clusterUses, type MountedImage, type VerifyFinding } from './verify-uses';

/** The result of a verification: the images inspected and the findings. */
export interface VerifyReport {
  readonly images: readonly ImageReport[];
  readonly findings: readonly VerifyFinding[];
  /** Clusters and databases looked at. */
  readonly clusters: number;
  readonly databases: number;
  /** Registries that could not be reached: nothing was said about their images' contents. */
  readonly unreachable: readonly string[];
}

/** Options of {@link verifyObjects} and {@link verifyExtensionImages}. */
export interface VerifyOptions extends InspectImageOptions {
  /**
   * The operand image to measure for every cluster, or `built-in` for the built-in lists.
   * @default each cluster's own (`spec.imageName`, or its image catalog's image; the built-in lists without one)
   */
  readonly operandImage?: string;
}

type Inspected = ImageReport | Error;

function key(m: MountedImage, operand: OperandProvides): string {
  return JSON.stringify([
    m.name,
    m.reference,
    m.extensionControlPath,
    m.dynamicLibraryPath,
    m.ldLibraryPath,
    m.binPath,
    m.env ?? {},
    operand.digest ?? operand.distro,
  ]);
}

function registryOf(reference: string): string {
  try {
    return remoteReference(reference).registry;
  } catch {
    return reference;
  }
}

/** The operand each cluster mounts into (measured once per reference), with findings about reading it. */
async function operands(
  refs: readonly (string | undefined)[],
  client: RegistryClient,
): Promise<Map<string | undefined, OperandProvides | Error>> {
  const out = new Map<string | undefined, OperandProvides | Error>();
  for (const ref of new Set(refs)) {
    if (ref === undefined || ref === 'built-in') out.set(ref, builtInOperand(distroOfReference(ref)));
    else {
      try {
        out.set(ref, await measureOperand(ref, client));
      } catch (e) {
        out.set(ref, e as Error);
      }
    }
  }
  return out;
}

/** What one mounted image contributes: its own problems and how it differs from the code. */
function imageFindings(where: string, m: MountedImage, r: Inspected | undefined): VerifyFinding[] {
  const base = { where, image: m.name, reference: m.reference };
  if (r instanceof Error || !r) {
    const e = r instanceof RegistryError ? r : undefined;
    return [
      {
        ...base,
        code: 'unreadable',
        field: m.reference,
        message: `cannot be inspected: ${e?.problem ?? r?.message}`,
        fix: e?.fix ?? 'check the reference, the registry and its credentials',
      },
    ];
  }
  return [...r.findings.map((f) => ({ ...f, ...base, message: `${f.field}: ${f.message}` })), ...compareWithImage(where, m, r)];
}

/** What the code and the catalog say the image holds, against what it holds. */
export function compareWithImage(where: string, m: MountedImage, report: ImageReport): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const f = (severity: 'error' | 'warning', code: string, field: string, message: string, fix: string) =>
    out.push({ severity, code, where, image: m.name, reference: m.reference, field, message, fix });
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
          x.name,
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
          found.controlFile,
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
          e.controlFile,
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
      mainExt.controlFile,
      `the reference says ${main} ${tagVersion}, but the image's ${main}.control has default_version ${mainExt.defaultVersion}`,
      'use the tag of the version you want, or expect the version the image has',
    );
  }
  return out;
}

/** The registries that could not be reached, each one finding saying what could not be checked. */
function unreachableFindings(failures: readonly { reference: string; where: string }[]): {
  findings: VerifyFinding[];
  registries: string[];
} {
  const by = new Map<string, { references: Set<string>; where: Set<string> }>();
  for (const f of failures) {
    const r = registryOf(f.reference);
    const e = by.get(r) ?? { references: new Set(), where: new Set() };
    e.references.add(f.reference);
    e.where.add(f.where);
    by.set(r, e);
  }
  const findings = [...by].map(
    ([registry, e]): VerifyFinding => ({
      code: 'registry-unreachable',
      where: [...e.where].join(', '),
      field: registry,
      message: `the registry ${registry} cannot be reached, so ${e.references.size} image(s) could not be read (${[...e.references].join(', ')}) and nothing is said about what they hold`,
      fix: `check the network, DNS and proxy settings for ${registry} (HTTPS_PROXY, NO_PROXY), then run verify again`,
    }),
  );
  return { findings, registries: [...by.keys()] };
}

const isUnreachable = (e: unknown) => e instanceof RegistryError && e.unreachable;

/** Verifies the Clusters and Databases of synthesized `objects` against their images. */
export async function verifyObjects(objects: readonly KubeObject[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const { clusters, databases } = clusterUses(objects);
  const client = options.client ?? new RegistryClient(options.registry);
  const opts = { ...options, client };
  const ops = await operands(
    clusters.map((c) => options.operandImage ?? c.operand),
    client,
  );
  const findings: VerifyFinding[] = [];
  const failures: { reference: string; where: string }[] = [];
  const operandOf = (c: ClusterUse): OperandProvides => {
    const ref = options.operandImage ?? c.operand;
    const o = ops.get(ref);
    return o instanceof Error || !o ? builtInOperand(distroOfReference(ref)) : o;
  };
  for (const c of clusters) {
    const ref = options.operandImage ?? c.operand;
    const o = ops.get(ref);
    if (!(o instanceof Error)) continue;
    if (isUnreachable(o)) failures.push({ reference: ref as string, where: c.id });
    else {
      findings.push({
        severity: 'warning',
        code: 'operand-unreadable',
        where: c.id,
        field: ref as string,
        message: `the operand image cannot be read (${o instanceof RegistryError ? o.problem : o.message}): what it provides is taken from the built-in list for ${distroOfReference(ref) ?? 'trixie'}`,
        fix: 'check the reference and its credentials, or pass --operand <ref> to measure another',
      });
    }
  }
  const work = clusters.flatMap((c) => c.images.map((m) => ({ m, operand: operandOf(c) })));
  const unique = [...new Map(work.map((w) => [key(w.m, w.operand), w])).values()];
  const results = await mapLimit(unique, 3, async ({ m, operand }) => {
    try {
      return await inspectImage(m.reference, { ...opts, name: m.name, operand, ...pathsOf(m), env: m.env ?? {} });
    } catch (e) {
      return e as Error;
    }
  });
  const reports = new Map(unique.map((w, i) => [key(w.m, w.operand), results[i]]));
  for (const c of clusters) {
    findings.push(...c.findings);
    const operand = operandOf(c);
    const mounted = c.images.map((m) => ({ m, r: reports.get(key(m, operand)) }));
    let blind = false;
    const provided = new Map<string, { r: ImageReport; image: MountedImage }>();
    for (const { m, r } of mounted)
      if (r && !(r instanceof Error)) for (const e of r.extensions) if (!provided.has(e.name)) provided.set(e.name, { r, image: m });
    for (const { m, r } of mounted) {
      if (isUnreachable(r)) {
        failures.push({ reference: m.reference, where: c.id });
        blind = true;
        continue;
      }
      if (r instanceof Error) blind = true;
      // An image's requires another image on the same cluster provides are met.
      findings.push(
        ...imageFindings(c.id, m, r).filter(
          (f) => f.code !== 'requires-unavailable' || !provided.has(/"([^"]+)"/.exec(f.message)?.[1] ?? ''),
        ),
      );
    }
    // Without every image's contents, nothing is said about what the databases can create.
    if (blind) continue;
    for (const d of databases.filter((x) => x.cluster === c.name && x.namespace === c.namespace)) {
      findings.push(...databaseFindings(c, d, provided, operand));
    }
  }
  const unreachable = unreachableFindings(failures);
  return {
    images: [...reports.values()].filter((r): r is ImageReport => !(r instanceof Error)),
    findings: [...unreachable.findings, ...findings],
    clusters: clusters.length,
    databases: databases.length,
    unreachable: unreachable.registries,
  };
}

function databaseFindings(
  c: ClusterUse,
  d: ReturnType<typeof clusterUses>['databases'][number],
  provided: ReadonlyMap<string, { r: ImageReport; image: MountedImage }>,
  operand: OperandProvides,
): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const listed = new Set(d.extensions.filter((e) => e.ensure !== 'absent').map((e) => e.name));
  d.extensions.forEach((e, i) => {
    if (e.ensure === 'absent') return;
    const field = `.spec.extensions[${i}]`;
    const p = provided.get(e.name);
    if (!p) {
      if (!operand.extensions.has(e.name) && !BASE_IMAGE_EXTENSIONS[e.name]) {
        out.push({
          code: 'extension-unavailable',
          where: d.id,
          field: `${field}.name`,
          message: `creates the extension ${e.name}, which no image mounted on ${c.id} provides (${c.images.map((m) => m.name).join(', ') || 'none mounted'}) and the operand image does not ship`,
          fix: `mount the image that provides ${e.name} on the cluster`,
        });
      }
      return;
    }
    const ext = p.r.extensions.find((x) => x.name === e.name);
    const base = { where: d.id, image: p.image.name, reference: p.image.reference };
    if (!ext) return;
    if (e.version === undefined && ext.defaultVersion === undefined) {
      out.push({
        ...base,
        code: 'database-version-required',
        field,
        message: `creates ${e.name} without a version, and its control file has no default_version: CREATE EXTENSION fails (version to install must be specified)`,
        fix: `give the version (${ext.versions.join(', ') || 'none installable'})`,
      });
    } else if (e.version !== undefined && !ext.versions.includes(e.version)) {
      out.push({
        ...base,
        code: 'version-unavailable',
        field: `${field}.version`,
        message: `asks for ${e.name} version ${e.version}; ${p.image.reference} can install ${ext.versions.join(', ') || 'none'}`,
        fix: `use one of those versions, or an image that has ${e.name}--${e.version}.sql or an update path to it`,
      });
    } else if (e.version !== undefined) {
      const v = createVerdict(p.r, e.name, e.version);
      if (v && !['requires-unavailable', 'requires-cycle'].includes(v.code)) {
        out.push({
          ...base,
          code: 'version-not-creatable',
          field: `${field}.version`,
          message: `asks for ${e.name} version ${e.version}, and CREATE EXTENSION of it fails: ${v.field}: ${v.message}`,
          fix: v.fix || 'fix the image, or ask for another version',
        });
      }
    }
    for (const r of ext.requires) {
      if (listed.has(r) || r === 'plpgsql') continue;
      out.push({
        ...base,
        code: 'requires-not-created',
        field: `${field}.name`,
        message: `creates ${e.name}, whose control file requires ${r}, but does not create ${r}: CNPG runs CREATE EXTENSION without CASCADE, so it fails with 'required extension "${r}" is not installed'`,
        fix: `add { name: '${r}' } to the Database's extensions`,
      });
    }
  });
  return out;
}

/** Verifies ExtensionImage values (what the code says) against the images they reference. */
export async function verifyExtensionImages(images: readonly ExtensionImage[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const client = options.client ?? new RegistryClient(options.registry);
  const operandRef = options.operandImage;
  const operand =
    operandRef && operandRef !== 'built-in' ? await measureOperand(operandRef, client) : builtInOperand(distroOfReference(operandRef));
  const mounts: MountedImage[] = images
    .filter((i) => i.reference)
    .map((i) => ({
      name: i.name,
      reference: i.reference as string,
      extensionControlPath: i.props.extensionControlPath,
      dynamicLibraryPath: i.props.dynamicLibraryPath,
      ldLibraryPath: i.props.ldLibraryPath,
      binPath: i.props.binPath,
      env: i.props.env ?? i.envWhenSupported,
      sqlExtensions: i.sqlExtensions,
      sqlVersion: i.sqlVersion,
    }));
  const results = await mapLimit(mounts, 3, async (m) => {
    try {
      return await inspectImage(m.reference, { ...options, client, name: m.name, operand, ...pathsOf(m), env: m.env ?? {} });
    } catch (e) {
      return e as Error;
    }
  });
  const findings: VerifyFinding[] = [];
  const failures: { reference: string; where: string }[] = [];
  mounts.forEach((m, i) => {
    if (isUnreachable(results[i])) failures.push({ reference: m.reference, where: m.name });
    else findings.push(...imageFindings(m.name, m, results[i]));
  });
  const unreachable = unreachableFindings(failures);
  return {
    images: results.filter((r): r is ImageReport => !(r instanceof Error)),
    findings: [...unreachable.findings, ...findings],
    clusters: 0,
    databases: 0,
    unreachable: unreachable.registries,
  };
}

function pathsOf(m: MountedImage) {
  const { extensionControlPath, dynamicLibraryPath, ldLibraryPath, binPath } = m;
  return { extensionControlPath, dynamicLibraryPath, ldLibraryPath, binPath };
}
