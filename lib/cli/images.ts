// `cnpg-constructs images inspect|verify|lock|test`: extension images checked before they are mounted.
// Exit codes: 0 fine, 1 findings (or a moved tag, a failed step), 2 could not run.
import * as path from 'node:path';
import { IMAGE_LOCK_FILE, ImageLock } from '../core/image-lock';
import type { KubeObject } from '../core/operator-manifest';
import { formatBytes, printable as p } from '../images/format';
import type { MountPaths } from '../images/inspect';
import { type ImageReport, type InspectImageOptions, inspectImage } from '../images/inspect-image';
import { collectReferences, lockReferences, writeLockFile } from '../images/lock';
import { builtInOperand, distroOfReference } from '../images/operand';
import { measureOperand } from '../images/operand-image';
import { RegistryClient, type RegistryEvent } from '../images/registry';
import { type SmokeReport, type SmokeStep, smokeTest } from '../images/smoke';
import { verifyObjects } from '../images/verify';
import { type ImagesArgs as Args, imagesSynopsis, imagesUsage, isImagesCommand, parseImagesArgs } from './images-args';
import { expandInputs, readDocuments, UsageError } from './inputs';
import { COULD_NOT_RUN, PROGRAM, usageError, wantsHelp } from './usage';
import type { CliIo } from './validate';

function progressPrinter(io: CliIo, quiet: boolean): (e: RegistryEvent) => void {
  if (quiet) return () => undefined;
  return (e) => {
    if (e.type === 'blob')
      io.stderr(`  blob ${e.digest.slice(0, 19)} ${formatBytes(e.size)}${e.cached ? ' (cached, verified)' : ' (downloaded, verified)'}\n`);
    else if (e.type === 'progress') io.stderr(`  blob ${e.digest.slice(0, 19)} ${formatBytes(e.received)} of ${formatBytes(e.size)}\n`);
  };
}

async function inspectOptions(a: Args, client: RegistryClient, io: CliIo): Promise<InspectImageOptions> {
  const paths: MountPaths = a.paths;
  const options: InspectImageOptions = { client, ...paths, assumeLibraries: a.assume };
  if (!a.operand || a.command === 'verify') return options;
  if (a.operand === 'built-in') return { ...options, operand: builtInOperand(distroOfReference(a.positional[0])) };
  if (!a.quiet) io.stderr(`measuring the operand image ${a.operand}\n`);
  return { ...options, operand: await measureOperand(a.operand, client) };
}

/** Runs `images <command>`; returns the exit code. */
export async function runImages(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(`${imagesUsage()}\n`);
    return COULD_NOT_RUN;
  }
  if (!isImagesCommand(command)) {
    if (command.startsWith('-') && wantsHelp(argv)) {
      io.stdout(`${imagesUsage()}\n`);
      return 0;
    }
    const message = command.startsWith('-')
      ? 'name a command (inspect, verify, lock or test) before the options'
      : `unknown command ${JSON.stringify(command)} (the commands are inspect, verify, lock and test)`;
    return usageError(io, 'images', message, imagesSynopsis());
  }
  if (wantsHelp(rest)) {
    io.stdout(`${imagesUsage(command)}\n`);
    return 0;
  }
  let a: Args;
  try {
    a = parseImagesArgs(command, rest);
  } catch (e) {
    return usageError(io, `images ${command}`, (e as Error).message, imagesSynopsis(command));
  }
  const client = new RegistryClient({
    platform: a.registry.platform,
    insecureRegistries: a.registry.insecure,
    maxBlobBytes: a.registry.maxBlob,
    cacheDir: a.registry.cacheDir ? path.resolve(io.cwd, a.registry.cacheDir) : undefined,
    onEvent: progressPrinter(io, a.quiet),
  });
  try {
    switch (a.command) {
      case 'inspect':
        return await inspectCommand(a, io, client);
      case 'verify':
        return await verifyCommand(a, io, client);
      case 'lock':
        return await lockCommand(a, io, client);
      default:
        return await testCommand(a, io, client);
    }
  } catch (e) {
    const usage = e instanceof UsageError ? `\nTry '${PROGRAM} images ${a.command} --help' for more information.` : '';
    io.stderr(`cnpg-constructs images ${a.command}: could not run: ${p((e as Error).message)}${usage}\n`);
    return 2;
  }
}

async function inspectCommand(a: Args, io: CliIo, client: RegistryClient): Promise<number> {
  const ref = a.positional[0];
  if (!a.quiet) io.stderr(`pulling ${p(ref)}\n`);
  const report = await inspectImage(ref, await inspectOptions(a, client, io));
  const errors = report.findings.filter((p) => p.severity !== 'warning').length;
  if (a.output === 'json') io.stdout(`${JSON.stringify({ ok: errors === 0, ...report }, null, 2)}\n`);
  else io.stdout(formatInspection(report));
  return errors || (a.strict && report.findings.length > 0) ? 1 : 0;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd()).join('\n');
}

/** The text report of `images inspect`. */
export function formatInspection(r: ImageReport): string {
  const lines: string[] = [];
  lines.push(p(r.reference));
  lines.push(`  digest     ${r.digest}${r.digest !== r.manifestDigest ? ` (index; ${p(r.platform)} manifest ${r.manifestDigest})` : ''}`);
  if (r.platforms.length) lines.push(`  platforms  ${r.platforms.map(p).join(', ')}`);
  lines.push(
    `  layers     ${r.layers.length}, ${formatBytes(r.layers.reduce((n, l) => n + l.size, 0))} compressed, ${formatBytes(r.unpackedBytes)} unpacked`,
  );
  lines.push(`  top level  ${r.topLevel.map(p).join(' ') || '(empty)'}`);
  const o = r.operand;
  lines.push(
    `  operand    ${o.source === 'image' ? `${p(o.reference ?? '')} ${o.digest} (measured: ${o.libraries} libraries)` : `built-in list for ${o.distro ?? 'trixie'} (${o.libraries} libraries; --operand <ref> measures your operand image)`}`,
  );
  lines.push(
    `  mounted as extension_control_path [${r.paths.extensionControlPath.join(', ')}], dynamic_library_path [${r.paths.dynamicLibraryPath.join(', ')}], ld_library_path [${r.paths.ldLibraryPath.join(', ')}]${r.catalog ? ` (catalog: ${r.catalog})` : ''}`,
  );
  lines.push('');
  if (r.extensions.length) {
    lines.push('SQL extensions');
    lines.push(
      table([
        ['NAME', 'DEFAULT', 'VERSIONS', 'REQUIRES', 'MODULES', 'RELOCATABLE', 'SCHEMA', 'TRUSTED'],
        ...r.extensions.map((e) =>
          [
            e.name,
            e.defaultVersion ?? '-',
            e.versions.length > 4
              ? `${e.versions[0]} .. ${e.versions[e.versions.length - 1]} (${e.versions.length})`
              : e.versions.join(', ') || '-',
            e.requires.join(', ') || '-',
            e.modules.join(', ') || '-',
            e.relocatable ? 'yes' : 'no',
            e.schema ?? '-',
            e.trusted ? 'yes' : 'no',
          ].map(p),
        ),
      ]),
    );
    const withUpdates = r.extensions.filter((e) => e.updates.length);
    if (withUpdates.length) {
      lines.push('', 'update paths');
      for (const e of withUpdates) lines.push(`  ${p(e.name)}: ${e.updates.map((u) => `${p(u.from)}->${p(u.to)}`).join(' ')}`);
    }
    lines.push('');
  }
  if (r.libraries.length) {
    lines.push('shared objects (DT_NEEDED)');
    for (const l of r.libraries)
      lines.push(
        `  ${p(l.file)}: ${l.needed.map(p).join(' ') || '-'}${l.missing.length ? `   MISSING: ${l.missing.map(p).join(' ')}` : ''}`,
      );
    lines.push('');
  }
  const errors = r.findings.filter((f) => f.severity !== 'warning');
  if (r.findings.length) {
    lines.push('findings');
    for (const f of r.findings) lines.push(`  ${f.severity ?? 'error'} [${f.code}] ${p(f.field)}: ${p(f.message)}. Fix: ${p(f.fix)}`);
    lines.push('');
  }
  lines.push(errors.length ? `${errors.length} problem(s): this image will not work as mounted` : 'ok: CNPG can mount this image as shown');
  return `${lines.join('\n')}\n`;
}

async function objectsOf(a: Args, io: CliIo): Promise<{ object: KubeObject; label: string }[]> {
  const inputs = a.positional.length ? a.positional : ['dist'];
  const files = expandInputs(inputs, io.cwd);
  if (files.length === 0) throw new UsageError(`no YAML files in ${inputs.join(' ')}`);
  const { documents } = await readDocuments(files, io);
  return documents
    .filter((d) => d.object && typeof d.object === 'object')
    .map((d) => {
      const o = d.object as KubeObject;
      return {
        object: o,
        label: `${d.file}:${d.index} ${o.metadata?.name ? `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}` : `${o.apiVersion} ${o.kind}`}`,
      };
    });
}

async function verifyCommand(a: Args, io: CliIo, client: RegistryClient): Promise<number> {
  const objects = await objectsOf(a, io);
  const report = await verifyObjects(
    objects.map((o) => o.object),
    { ...(await inspectOptions(a, client, io)), operandImage: a.operand },
  );
  const errors = report.findings.filter((f) => f.severity !== 'warning');
  if (a.output === 'json') {
    io.stdout(
      `${JSON.stringify({ ok: errors.length === 0, ...report, images: report.images.map(({ root: _root, ...i }) => i) }, null, 2)}\n`,
    );
  } else {
    for (const f of report.findings)
      io.stdout(
        `${f.severity ?? 'error'} ${p(f.where ?? '')}${f.image ? ` [${p(f.image)}]` : ''} (${f.code}): ${p(f.message)}. Fix: ${p(f.fix)}\n`,
      );
    const verdict = report.unreachable.length ? 'could not run' : errors.length || (a.strict && report.findings.length) ? 'failed' : 'ok';
    io.stdout(
      `${verdict}: ${report.images.length} image(s) inspected for ${report.clusters} cluster(s) and ${report.databases} database(s); ${errors.length} error(s), ${report.findings.length - errors.length} warning(s)\n`,
    );
  }
  return report.unreachable.length ? 2 : errors.length || (a.strict && report.findings.length > 0) ? 1 : 0;
}

async function lockCommand(a: Args, io: CliIo, client: RegistryClient): Promise<number> {
  const file = path.resolve(io.cwd, a.file ?? IMAGE_LOCK_FILE);
  const previous = ImageLock.loadIfPresent(file);
  if (a.check && !previous) throw new Error(`${file} does not exist. Fix: run "cnpg-constructs images lock" and commit the file`);
  const objects = await objectsOf(a, io);
  const uses = collectReferences(objects);
  if (!a.quiet) io.stderr(`resolving ${uses.length} image reference(s)\n`);
  const result = await lockReferences(uses, {
    client,
    previous,
    check: a.check,
    onResolved: a.quiet ? undefined : (ref, digest) => io.stderr(`  ${p(ref)} -> ${digest}\n`),
  });
  const problems = result.problems;
  if (a.output === 'json') {
    io.stdout(
      `${JSON.stringify({ ok: problems.length === 0, file, check: a.check, references: result.references, unused: result.unused, problems }, null, 2)}\n`,
    );
  } else {
    for (const f of problems)
      io.stdout(`error ${p(f.reference)}: ${p(f.message)} (used at ${f.usedAt.map(p).join('; ')}). Fix: ${p(f.fix)}\n`);
    if (a.check && result.unused.length)
      io.stdout(`note: the lock has ${result.unused.length} reference(s) no input uses: ${result.unused.map(p).join(', ')}\n`);
  }
  if (a.check) {
    if (a.output === 'text')
      io.stdout(
        `${problems.length ? 'failed' : 'ok'}: ${result.references.length} reference(s) checked against ${path.relative(io.cwd, file) || file}\n`,
      );
    return problems.length ? 1 : 0;
  }
  if (problems.some((p) => p.message.startsWith('cannot be resolved'))) {
    if (a.output === 'text') io.stdout(`not written: ${file} (fix the references above first)\n`);
    return 1;
  }
  const text = result.lock.toJson();
  const changed = !previous || previous.toJson() !== text;
  if (changed) writeLockFile(file, text);
  if (a.output === 'text') {
    io.stdout(
      `${changed ? 'wrote' : 'unchanged'}: ${path.relative(io.cwd, file) || file}, ${result.lock.size} reference(s)${result.unused.length ? `, ${result.unused.length} no longer used dropped` : ''}\n`,
    );
  }
  return problems.length ? 1 : 0;
}

function stepLine(s: SmokeStep): string {
  const mark = s.outcome === 'ok' ? 'ok     ' : s.outcome === 'failed' ? 'FAILED ' : 'skipped';
  return `  ${mark} ${s.phase.padEnd(6)} ${p(s.extension ?? '')}${s.detail ? `: ${p(s.detail)}` : ''}${s.outcome === 'ok' ? ` (${s.ms} ms)` : ''}\n`;
}

async function testCommand(a: Args, io: CliIo, client: RegistryClient): Promise<number> {
  const images = a.positional.map((p) => {
    const eq = p.indexOf('=');
    const named = eq > 0 && !p.slice(0, eq).includes('/') && !p.slice(0, eq).includes(':');
    return { reference: named ? p.slice(eq + 1) : p, name: named ? p.slice(0, eq) : undefined, ...a.paths };
  });
  const report = await smokeTest(images, {
    ...(await inspectOptions(a, client, io)),
    preload: a.preload,
    parameters: a.parameters,
    requireIsolation: a.requireIsolation,
    pgBin: a.pgBin ? path.resolve(io.cwd, a.pgBin) : undefined,
    runAs: a.runAs,
    updates: a.updates,
    keep: a.keep,
    onProgress: a.quiet ? undefined : (line) => io.stderr(`${p(line)}\n`),
    onStep: a.quiet || a.output === 'json' ? undefined : (s) => io.stdout(stepLine(s)),
  });
  if (a.output === 'json') io.stdout(`${JSON.stringify({ ok: report.failed === 0, ...report }, null, 2)}\n`);
  else {
    io.stdout(`${sandboxLine(report)}\n`);
    io.stdout(
      `${report.failed ? 'failed' : 'ok'}: ${report.passed} step(s) passed, ${report.failed} failed, ${report.skipped} skipped on ${report.server.version}${report.server.runAs ? ` (server run as ${report.server.runAs})` : ''}\n`,
    );
  }
  return report.failed ? 1 : 0;
}

/** What the images' code ran with, in one line of the report. */
function sandboxLine(r: SmokeReport): string {
  const s = r.sandbox;
  return `the images' SQL and native code ran on this machine as ${s.user ? `user ${s.user}` : 'the current user'}, ${s.networkIsolated ? 'without network (own user and network namespace)' : `WITH network access (${s.networkNote})`}, with only ${s.environment.join(' ')} in its environment${r.preloaded.length ? `; preloaded ${r.preloaded.join(', ')}` : ''}`;
}
