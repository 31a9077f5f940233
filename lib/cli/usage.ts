// What every command of `cnpg-constructs` does the same way with its usage: -h/--help anywhere prints the
// usage on standard output and succeeds; a mistake on the command line is one message on standard error,
// the synopsis and where to read more, and exit code 2 (the conventions of GNU, git and npm; clig.dev).
import type { CliIo } from './validate';

/** The program's name, as users type it. */
export const PROGRAM = 'cnpg-constructs';

/** The exit code of "could not run", a command line that cannot be run as given included. */
export const COULD_NOT_RUN = 2;

/** Whether the arguments ask for help: `-h` or `--help` anywhere wins over every other argument. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('-h') || argv.includes('--help');
}

/**
 * Prints a usage error of `command` (`plan`, `images inspect`; '' for the program): the message, the synopsis,
 * and the pointer to the `--help` of `helpOf` (the command itself unless given), on standard error. Returns the
 * exit code, 2.
 */
export function usageError(io: CliIo, command: string, message: string, synopsis: string, helpOf = command): number {
  const name = (c: string) => (c ? `${PROGRAM} ${c}` : PROGRAM);
  io.stderr(`${name(command)}: ${message}\n${synopsis}\nTry '${name(helpOf)} --help' for more information.\n`);
  return COULD_NOT_RUN;
}

/**
 * Option or command rows as aligned columns: `[left, help]`, where `help` may hold line breaks (continued under
 * its first line). `alignWith` are rows printed elsewhere whose help starts in the same column.
 */
export function columns(rows: readonly (readonly [string, string])[], alignWith: readonly (readonly [string, string])[] = []): string {
  const indent = '  ';
  const width = Math.max(...[...rows, ...alignWith].map(([left]) => left.length)) + 2;
  return rows
    .map(([left, help]) =>
      help
        .split('\n')
        .map((line, i) => `${indent}${(i === 0 ? left : '').padEnd(width)}${line}`.trimEnd())
        .join('\n'),
    )
    .join('\n');
}
