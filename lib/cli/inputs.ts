// What the commands read: YAML files, directories of them, or standard input, decoded the way kubectl decodes them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeManifests, type ManifestIssue } from '../core/yaml';
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

/** Files to read: files as given, directories walked for *.yaml / *.yml / *.json (sorted), "-" for standard input. */
export function expandInputs(inputs: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
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
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly object: unknown;
}

/** What is wrong with a document as kubectl reads it (not UTF-8, not YAML, a list in a list, ...). */
export interface InputIssue extends ManifestIssue {
  readonly file: string;
  readonly index: number;
}

/**
 * Every object of `files`, as `kubectl apply -f` reads them (a list gives its items; empty documents are left out),
 * and what kubectl would refuse or change in each document. With `collect`, one broken document does not hide the
 * others (its issues are returned); without it, the first document kubectl would refuse is a {@link UsageError}.
 */
export async function readDocuments(
  files: readonly string[],
  io: CliIo,
  options: { readonly collect?: boolean } = {},
): Promise<{ documents: InputDocument[]; count: number; issues: InputIssue[] }> {
  const documents: InputDocument[] = [];
  const issues: InputIssue[] = [];
  let count = 0;
  for (const file of files) {
    const input = file === '-' ? await io.stdin() : fs.readFileSync(file);
    const shown = file === '-' ? '<stdin>' : path.relative(io.cwd, file) || file;
    for (const doc of decodeManifests(input)) {
      const refused = doc.issues.find((i) => i.severity === 'error');
      if (refused && !options.collect) {
        throw new UsageError(`${shown}: document ${doc.index} ${refused.message}${refused.line ? ` (line ${refused.line})` : ''}`);
      }
      for (const issue of doc.issues) issues.push({ ...issue, file: shown, index: doc.index });
      if (doc.objects.length > 0 || refused) count++;
      for (const object of doc.objects) documents.push({ file: shown, index: doc.index, line: doc.line, object });
    }
  }
  return { documents, count, issues };
}
