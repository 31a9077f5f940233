// What the commands read: YAML files, directories of them, or standard input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CliIo } from './validate';

/** A mistake on the command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** The value after the option at `argv[i]`; a UsageError naming the option when there is none. */
export function optionValue(argv: readonly string[], i: number): string {
  const v = argv[i + 1];
  if (v === undefined) throw new UsageError(`${argv[i]} needs a value`);
  return v;
}

/** `-o` / `--output`: text or json. */
export function outputFormat(v: string): 'text' | 'json' {
  if (v !== 'text' && v !== 'json') throw new UsageError(`-o takes text or json, not ${JSON.stringify(v)}`);
  return v;
}

/** Files to read: files as given, directories walked for *.yaml / *.yml (sorted), "-" for standard input. */
export function expandInputs(inputs: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  for (const i of inputs) {
    if (i === '-') {
      out.push('-');
      continue;
    }
    const p = path.resolve(cwd, i);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${i}`);
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

export interface InputDocument {
  /** The file as shown to the user (relative to cwd, `<stdin>`). */
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly index: number;
  readonly object: unknown;
}

/** Every object of `files` (a `kind: List` gives its items); empty documents are left out. */
export async function readDocuments(files: readonly string[], io: CliIo): Promise<{ documents: InputDocument[]; count: number }> {
  const documents: InputDocument[] = [];
  let count = 0;
  for (const file of files) {
    const text = file === '-' ? await io.stdin() : fs.readFileSync(file, 'utf8');
    const shown = file === '-' ? '<stdin>' : path.relative(io.cwd, file) || file;
    parseAllDocuments(text).forEach((doc, index) => {
      if (doc.errors.length > 0) throw new UsageError(`${shown}: document ${index} is not valid YAML: ${doc.errors[0].message}`);
      const value = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) return;
      count++;
      const items: unknown[] = value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
      for (const object of items) documents.push({ file: shown, index, object });
    });
  }
  return { documents, count };
}
