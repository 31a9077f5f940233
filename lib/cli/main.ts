#!/usr/bin/env node
// The package's command: `cnpg-constructs <command> ...` (npx cnpg-constructs validate dist/).
import { runValidate } from './validate';

const COMMANDS = [
  'commands:',
  "  validate <files|dirs|->...   check CNPG objects in YAML against the operator's CRDs (see validate --help)",
  '  images inspect <ref>         pull an extension image and report its layout, extensions, versions, libraries',
  '  images verify [dist/]        check the Clusters and Databases of synthesized YAML against their images',
  '  images lock [--check]        resolve image references to digests in cnpg-images.lock.json (or check it)',
  '  images test <ref>...         create, update and drop every extension of the images on PostgreSQL 18',
  '  plan <before> <after>        what CloudNativePG will do with a change: restarts, reloads, refusals, SQL',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = {
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stdout: (s: string) => process.stdout.write(s),
    stderr: (s: string) => process.stderr.write(s),
    cwd: process.cwd(),
  };
  if (command === 'validate') return runValidate(rest.includes('--help') ? [] : rest, io);
  // Loaded on use: the registry client and unpacker are not needed to validate.
  if (command === 'images') return (await import('./images')).runImages(rest, io);
  if (command === 'plan') return (await import('./plan')).runPlan(rest, io);
  process.stderr.write(
    `${command === undefined || command === '--help' ? '' : `cnpg-constructs: unknown command ${JSON.stringify(command)}\n`}usage: cnpg-constructs <command>\n${COMMANDS}\n`,
  );
  return command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`cnpg-constructs: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
