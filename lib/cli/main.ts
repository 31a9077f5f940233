#!/usr/bin/env node
// The package's command: `cnpg-constructs <command> ...` (npx cnpg-constructs validate dist/).
// Exit codes, for every command: 0 success, 1 findings or a failed check, 2 could not run (a usage error included).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COULD_NOT_RUN, columns, PROGRAM, usageError } from './usage';
import type { CliIo } from './validate';

type Run = (argv: readonly string[], io: CliIo) => Promise<number>;

// Each command is loaded when it runs: --help and --version load none, validate loads no registry client.
const COMMANDS: Record<string, { run: Run; subcommands: boolean }> = {
  validate: { run: async (argv, io) => (await import('./validate')).runValidate(argv, io), subcommands: false },
  images: { run: async (argv, io) => (await import('./images')).runImages(argv, io), subcommands: true },
  plan: { run: async (argv, io) => (await import('./plan')).runPlan(argv, io), subcommands: false },
};

const SYNOPSIS = `usage: ${PROGRAM} <command> [options]`;
const HELP_SYNOPSIS = `usage: ${PROGRAM} help [<command> [<sub>]]`;

const USAGE = `${SYNOPSIS}
  Checks CloudNativePG objects, the extension images they mount, and changes to them, before they are applied.
commands:
${columns([
  ['validate <files|dirs|->...', "check CNPG objects in YAML against the operator's CRDs and admission rules"],
  ['images inspect <ref>', 'pull an extension image and report its layout, extensions, versions, libraries'],
  ['images verify [dist/]', 'check the Clusters and Databases of synthesized YAML against their images'],
  ['images lock [--check]', 'resolve image references to digests in cnpg-images.lock.json (or check it)'],
  ['images test <ref>...', 'create, update and drop every extension of the images on PostgreSQL 18'],
  ['plan <before> <after>', 'what CloudNativePG will do with a change: restarts, reloads, refusals, SQL'],
  ['help [<command> [<sub>]]', "this text, or a command's usage (the same as <command> --help)"],
])}
options:
${columns([
  ['-h, --help', 'this text'],
  ['-V, --version', 'the version of cnpg-constructs'],
])}
Try '${PROGRAM} <command> --help' (or '${PROGRAM} help <command>') for the options of a command.
exit code: 0 success, 1 findings or a failed check, 2 could not run (a usage error included)`;

/** The version in the package's package.json (the nearest one named cnpg-constructs above this file). */
function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PROGRAM && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PROGRAM} above ${__dirname}`);
  }
}

/** `help [<command> [<sub>]]`: the usage of the program, of a command, or of a command of `images`. */
async function help(topic: readonly string[], io: CliIo): Promise<number> {
  const [command, ...sub] = topic;
  if (command === undefined || ['help', '-h', '--help'].includes(command)) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const c = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!c) return usageError(io, 'help', `unknown command ${JSON.stringify(command)}`, HELP_SYNOPSIS, '');
  if (sub.length > (c.subcommands ? 1 : 0)) return usageError(io, 'help', `${command} has no command ${sub.join(' ')}`, HELP_SYNOPSIS, '');
  return c.run([...sub, '--help'], io);
}

async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(`${USAGE}\n`);
    return COULD_NOT_RUN;
  }
  if (command === '-V' || command === '--version') {
    if (rest.length) return usageError(io, '', `${command} takes no arguments`, SYNOPSIS);
    io.stdout(`${version()}\n`);
    return 0;
  }
  // `--help images inspect` is `help images inspect`, as in git.
  if (command === 'help' || command === '-h' || command === '--help') return help(rest, io);
  const c = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!c) return usageError(io, '', `unknown ${command.startsWith('-') ? 'option' : 'command'} ${JSON.stringify(command)}`, SYNOPSIS);
  return c.run(rest, io);
}

const io: CliIo = {
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
  stdout: (s: string) => process.stdout.write(s),
  stderr: (s: string) => process.stderr.write(s),
  cwd: process.cwd(),
};

// A failure no command reports is "could not run" too (exit 2), never Node's exit code 1 for an uncaught
// exception, which would read as "findings" (a write to a closed pipe, EPIPE, is one).
// A system error (its code: EPIPE, EACCES) says all in its message; anything else is a bug, shown with its stack.
const crash = (e: unknown) => {
  const error = e as NodeJS.ErrnoException | undefined;
  process.stderr.write(`${PROGRAM}: could not run: ${(error?.code ? error.message : error?.stack) ?? e}\n`);
  return COULD_NOT_RUN;
};
process.on('uncaughtException', (e) => process.exit(crash(e)));
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = crash(e);
  },
);
