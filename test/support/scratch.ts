// A platform repository outside this tree that installs the library the way a user does: `npm pack` of
// this repository (its `prepare` script builds it), then `npm install <tarball>` and the peers it asks
// for, at the versions of this repository's lockfile. Only the npm registry (or npm's cache) is used,
// and nothing but npm's cache is touched outside the scratch directory.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

/**
 * The environment for child npm/node processes: ours, less what `npm test` put there for its own
 * script (`npm_config_*` would configure the nested npm as if it ran in this repository), but keeping
 * npm's cache so that installs come from it when they can.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && k.toLowerCase() !== 'npm_config_cache') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a command, returning stdout; on failure the error carries stdout and stderr. */
export function run(cmd: string, args: string[], opts: ExecFileSyncOptions & { cwd: string }): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(), ...opts }) as string;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${opts.cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** The version this repository's lockfile holds for a package. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'));
  const v = lock.packages[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`${name} is not in package-lock.json`);
  return v;
}

/** `npm pack` of this repository into a fresh directory; returns the tarball's path. */
export function packLibrary(): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-pack-'));
  const out = run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: REPO });
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  return path.join(dest, info.filename);
}

/** A new directory outside this tree with a package.json, as `npm init` leaves it. */
export function scratchProject(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2));
  return dir;
}

export function npmInstall(dir: string, specs: string[]): void {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], { cwd: dir });
}

/** The TypeScript compiler of this repository, run on a project's tsconfig (modules resolve from that project). */
export function tsc(dir: string, tsconfig = 'tsconfig.json'): string {
  return run(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, tsconfig)], { cwd: dir });
}
