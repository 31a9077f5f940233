// Whether each `ALTER EXTENSION ... UPDATE TO` of a plan can run: the update path from the installed to the
// requested version, read from the scripts of the image the extension comes from (PostgreSQL 18 chains
// `<name>--<from>--<to>.sql` scripts: src/backend/commands/extension.c, find_update_path), and the modules those
// scripts load (`LOAD`, `$libdir/...`, `MODULE_PATHNAME`), which must be in the image. The image is read through
// an inspector (inspectImage of cnpg-constructs/images), so that the core stays free of the registry client.
import { CATALOG } from '../core/extension-catalog';
import type { Finding } from '../core/findings';
import { parseImageReference } from '../core/image-ref';
import type { KubeObject } from '../core/operator-manifest';
import { catalogsOf, type ExtensionConfig, resolveImageInfo } from '../core/plan/image-info';
import { effectiveParameters, effectivePreload } from '../core/plan/parameters';
import type { ChangePlan, ObjectPlan, SqlStatement, UpdateCheck } from '../core/plan/types';
import type { ImageExtension } from './inspect-extensions';
import type { InspectImageOptions } from './inspect-image';
import { updatePath } from './versions';

/** What the check needs of an inspected image (`ImageReport` of `inspectImage` has it). */
export interface InspectedImage {
  readonly extensions: readonly Pick<ImageExtension, 'name' | 'defaultVersion' | 'installScripts' | 'updates' | 'scripts'>[];
}

/** Reads an image: `inspectImage`, or a function with its signature. */
export type ImageInspector = (
  reference: string,
  options: Pick<InspectImageOptions, 'extensionControlPath' | 'dynamicLibraryPath' | 'ldLibraryPath'>,
) => Promise<InspectedImage>;

/** Options of {@link checkUpdatePaths}. */
export interface UpdatePathOptions {
  /** How to read an image (`inspectImage`); without one every update is "not checked". */
  readonly inspect?: ImageInspector;
  /** Why images are not read, when `inspect` is absent (shown in each check). @default 'no image inspector was given' */
  readonly offlineReason?: string;
}

type Spec = Record<string, unknown>;

/** The SQL extensions of a catalog image (by repository name), or undefined for images the library does not know. */
function knownSqlExtensions(reference: string | undefined): readonly string[] | undefined {
  const repo = reference ? parseImageReference(reference)?.repository.split('/').pop() : undefined;
  return Object.values(CATALOG)
    .find((c) => c.imageName === repo)
    ?.sqlExtensions.map((s) => s.name);
}

interface Mounted {
  readonly config: ExtensionConfig;
  readonly report?: InspectedImage;
  readonly error?: string;
}

/**
 * The plan with every `ALTER EXTENSION ... UPDATE TO` checked against the image the extension comes from (and,
 * when the Database did not say which version is installed, the default version of the image before the change).
 */
export async function checkUpdatePaths(
  plan: ChangePlan,
  before: readonly unknown[],
  after: readonly unknown[],
  options: UpdatePathOptions = {},
): Promise<ChangePlan> {
  const pending = plan.objects.filter((p) => p.statements?.some((s) => s.check?.status === 'not-checked'));
  if (pending.length === 0) return plan;
  const inspect = options.inspect;
  if (!inspect) {
    const reason = `not checked: ${options.offlineReason ?? 'no image inspector was given'}`;
    return withChecks(
      plan,
      new Map(pending.map((p) => [p.id, p.statements?.map((s) => (s.check ? { ...s, check: { ...s.check, reason } } : s)) ?? []])),
      [],
    );
  }
  const cache = new Map<string, Promise<Mounted>>();
  const read = (config: ExtensionConfig): Promise<Mounted> => {
    const ref = config.image?.reference as string;
    const key = JSON.stringify([ref, config.extension_control_path ?? [], config.dynamic_library_path ?? []]);
    let p = cache.get(key);
    if (!p) {
      p = inspect(ref, {
        extensionControlPath: config.extension_control_path,
        dynamicLibraryPath: config.dynamic_library_path,
        ldLibraryPath: config.ld_library_path,
      }).then(
        (report) => ({ config, report }),
        (e: Error) => ({ config, error: e.message }),
      );
      cache.set(key, p);
    }
    return p;
  };
  const objects = { before: before.filter(isKube), after: after.filter(isKube) };
  const catalogs = { before: catalogsOf(objects.before), after: catalogsOf(objects.after) };
  const findings: Finding[] = [];
  const updated = new Map<string, SqlStatement[]>();
  for (const p of pending) {
    const side = (list: KubeObject[]) => {
      const db = list.find(
        (o) => o.kind === 'Database' && o.metadata?.name === p.name && (o.metadata?.namespace ?? 'default') === (p.namespace ?? 'default'),
      );
      const clusterName = (db?.spec as Spec | undefined)?.cluster as Spec | undefined;
      return list.find(
        (o) =>
          o.kind === 'Cluster' &&
          o.metadata?.name === clusterName?.name &&
          (o.metadata?.namespace ?? 'default') === (p.namespace ?? 'default'),
      );
    };
    const clusterAfter = side(objects.after);
    const clusterBefore = side(objects.before);
    const statements: SqlStatement[] = [];
    for (const s of p.statements ?? []) {
      if (s.check?.status !== 'not-checked') {
        statements.push(s);
        continue;
      }
      const check = await checkOne(s.check as UpdateCheck, clusterAfter, clusterBefore, catalogs, read);
      statements.push({ ...s, check });
      if (check.status === 'missing' || check.status === 'fails')
        findings.push({
          code: check.status === 'missing' ? 'extension-update-path-missing' : 'extension-update-module-missing',
          where: p.id,
          field: `.spec.extensions[${JSON.stringify(check.extension)}].version`,
          message: check.reason,
          value: check.to,
          fix:
            check.status === 'missing'
              ? 'use an image whose scripts reach the requested version from the installed one, or request a version they reach'
              : 'use an image that has the module on its dynamic_library_path',
        });
    }
    updated.set(p.id, statements);
  }
  return withChecks(plan, updated, findings);
}

const isKube = (o: unknown): o is KubeObject => typeof o === 'object' && o !== null && typeof (o as KubeObject).kind === 'string';

function withChecks(plan: ChangePlan, statements: Map<string, SqlStatement[]>, findings: Finding[]): ChangePlan {
  return {
    ...plan,
    objects: plan.objects.map((p): ObjectPlan => (statements.has(p.id) ? { ...p, statements: statements.get(p.id) } : p)),
    findings: [...plan.findings, ...findings],
  };
}

async function firstWith(
  name: string,
  cluster: KubeObject | undefined,
  catalogs: ReturnType<typeof catalogsOf>,
  read: (c: ExtensionConfig) => Promise<Mounted>,
): Promise<{ mounted?: Mounted; why?: string }> {
  if (!cluster) return { why: "the Database's Cluster is not among the inputs" };
  const info = resolveImageInfo(cluster, catalogs);
  const images = info.extensions.filter((e) => e.image?.reference);
  const known = images.filter((e) => knownSqlExtensions(e.image?.reference)?.includes(name));
  const errors: string[] = [];
  // PostgreSQL takes the first control file on extension_control_path: $system (the operand image), then the images in list order.
  for (const e of known.length ? known : images) {
    const m = await read(e);
    if (m.error) errors.push(`${e.image?.reference}: ${m.error}`);
    else if (m.report?.extensions.some((x) => x.name === name)) return { mounted: m };
  }
  return {
    why: errors.length
      ? `the image could not be read (${errors.join('; ')})`
      : `no extension image mounted on ${cluster.metadata?.name} has ${name} (it may come from the operand image, which is not read)`,
  };
}

async function checkOne(
  base: UpdateCheck,
  cluster: KubeObject | undefined,
  previous: KubeObject | undefined,
  catalogs: { before: ReturnType<typeof catalogsOf>; after: ReturnType<typeof catalogsOf> },
  read: (c: ExtensionConfig) => Promise<Mounted>,
): Promise<UpdateCheck> {
  const found = await firstWith(base.extension, cluster, catalogs.after, read);
  if (!found.mounted?.report) return { ...base, reason: `not checked: ${found.why}` };
  const image = found.mounted.config.image?.reference;
  const ext = found.mounted.report.extensions.find((x) => x.name === base.extension) as InspectedImage['extensions'][number];
  let from = base.from;
  if (from === undefined) {
    const old = previous ? await firstWith(base.extension, previous, catalogs.before, read) : undefined;
    from = old?.mounted?.report?.extensions.find((x) => x.name === base.extension)?.defaultVersion;
    if (from === undefined)
      return {
        ...base,
        image,
        reason:
          'not checked: the installed version is not known (the Database set none, and the image before the change could not tell its default)',
      };
  }
  const passed = from === base.to ? [] : updatePath(ext, from, base.to);
  const chain = passed ? [from, ...passed] : undefined;
  if (!chain) {
    const have = ext.updates.map((u) => `${u.from}->${u.to}`).join(', ') || 'none';
    return {
      ...base,
      from,
      image,
      status: 'missing',
      reason: `${image} has no update path from ${from} to ${base.to} (its update scripts: ${have}): ALTER EXTENSION fails with: extension "${base.extension}" has no update path from version "${from}" to version "${base.to}"`,
    };
  }
  const scripts = chain.slice(1).map((v, i) => `${base.extension}--${chain[i]}--${v}.sql`);
  const spec = (cluster?.spec ?? {}) as Spec;
  const pg = (spec.postgresql ?? {}) as Spec;
  const preload = effectivePreload(pg.shared_preload_libraries as unknown[], effectiveParameters(pg.parameters as Spec));
  // The inspection resolved every module each script loads as PostgreSQL 18 does with the image mounted
  // (dfmgr.c: load_external_function strips a simple $libdir/, LOAD does not; inspect-extensions.ts resolveModule).
  const loads: { module: string; file?: string; preloaded: boolean; libdirOnly: boolean }[] = [];
  for (const s of scripts) {
    for (const l of ext.scripts.find((x) => x.file === s)?.loads ?? []) {
      const module = moduleName(l.name);
      if (loads.some((x) => x.module === module)) continue;
      const inImage = l.found !== undefined && !l.found.startsWith('$libdir/') && l.code === undefined;
      loads.push({
        module,
        ...(inImage ? { file: l.found } : {}),
        preloaded: preload.includes(module),
        libdirOnly: l.code === 'load-libdir',
      });
    }
  }
  loads.sort((a, b) => (a.module < b.module ? -1 : 1));
  const missing = loads.filter((l) => !l.file);
  const via = `${scripts.join(', ')}${loads.length ? `; loads ${loads.map((l) => `${l.module}${l.file ? ` (${l.file})` : ''}`).join(', ')}` : ''}`;
  if (missing.length) {
    const m = missing[0];
    return {
      ...base,
      from,
      image,
      scripts,
      loads: loads.map(({ libdirOnly: _l, ...x }) => x),
      status: 'fails',
      reason: m.libdirOnly
        ? `the update path exists (${via}), but a script runs LOAD '$libdir/${m.module}', which PostgreSQL looks for only in its own $libdir (the operand image), never on dynamic_library_path where ${image} is mounted: ALTER EXTENSION fails with could not access file "$libdir/${m.module}" unless the operand image has it`
        : `the update path exists (${via}), but the scripts load ${missing.map((l) => l.module).join(', ')}, which ${image} does not have on dynamic_library_path: ALTER EXTENSION fails with could not access file "${m.module}"`,
    };
  }
  const preloaded = loads.filter((l) => l.preloaded);
  return {
    ...base,
    from,
    image,
    scripts,
    loads: loads.map(({ libdirOnly: _l, ...x }) => x),
    status: 'ok',
    reason: `update path ${chain.join(' -> ')} in ${image} (${via})${
      preloaded.length
        ? `; ${preloaded.map((l) => l.module).join(', ')} is in shared_preload_libraries, so the new library is loaded only when PostgreSQL starts: the update must run after the instances restarted with the new image`
        : ''
    }`,
  };
}

/** A module as written (`$libdir/loader_mod.so`, `loader_mod`) by its file's base name without `.so`. */
function moduleName(written: string): string {
  const base = written.slice(written.lastIndexOf('/') + 1);
  return base.endsWith('.so') ? base.slice(0, -3) : base;
}
