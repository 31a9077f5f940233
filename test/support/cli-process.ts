// The built CLI (build/lib/cli/main.js) as a process, as users run it, asynchronously: tests that serve a
// registry or a proxy from their own process need its event loop free while the command runs.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'build', 'lib', 'cli', 'main.js');

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  /** Standard output and standard error together. */
  readonly all: string;
}

/** Runs `cnpg-constructs <args>` with exactly `env` as its environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err, all: out + err }));
  });
}
