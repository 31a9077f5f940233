import * as path from 'node:path';
import { DEFAULT_OPERATOR_VERSION } from '../core/compat';
import { type KubeObject, OperatorManifest } from '../core/operator-manifest';
import { isCnpgObject, objectId, validateCnpgObject } from '../core/validator';
import { admissionFindings } from '../core/admission';
import { expandInputs, optionValue, outputFormat, readDocuments, UsageError } from './inputs';

/** Where the command reads and writes (the process's, or a test's). */
export interface CliIo {
  readonly stdin: () => Promise<string>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
}

/** One finding, as `-o json` prints it. */
export interface Finding {
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** `kind/namespace/name`. */
  readonly object: string;
  readonly path: string;
  readonly message: string;
  /** The CEL rule, for CEL findings; the fix, for semantic ones. */
  readonly rule?: string;
  readonly fix?: string;
  /** The stable code of the library's rule (semantic findings). */
  readonly code?: string;
}

export interface ValidateReport {
  readonly operatorVersion: string;
  readonly manifest: string;
  readonly files: number;
  readonly documents: number;
  readonly validated: number;
  /** Documents that are not CNPG objects (skipped). */
  readonly skipped: number;
  readonly schema: readonly Finding[];
  readonly semantic: readonly Finding[];
}

const USAGE = `usage: cnpg-constructs validate [options] <file|dir|->...
  Validates every CNPG object (postgresql.cnpg.io/*) in the YAML files against the CRDs of a CNPG release:
  OpenAPI schema (unknown fields, types, enums, patterns, required) and x-kubernetes-validations CEL rules,
  offline; then the library's own checks that apply to plain YAML. Other objects are skipped and counted.
options:
  --operator-version <v>  CNPG release whose CRDs to use (default ${DEFAULT_OPERATOR_VERSION}); the manifest comes from
                          $CNPG_OPERATOR_MANIFEST, the cache, or one verified download
  --manifest <file>       the release manifest (releases/cnpg-<v>.yaml) to take the CRDs from (air-gapped use)
  -o, --output text|json  report format (default text)
exit code: 0 valid, 1 invalid, 2 could not run`;

function parseArgs(argv: readonly string[]): { inputs: string[]; version?: string; manifest?: string; output: 'text' | 'json' } {
  const inputs: string[] = [];
  let version: string | undefined;
  let manifest: string | undefined;
  let output: 'text' | 'json' = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => optionValue(argv, i++);
    if (a === '--operator-version') version = value();
    else if (a === '--manifest') manifest = value();
    else if (a === '-o' || a === '--output') output = outputFormat(value());
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else inputs.push(a);
  }
  if (inputs.length === 0) throw new UsageError('name at least one file, directory or - (standard input)');
  return { inputs, version, manifest, output };
}

/** Runs the command; returns the exit code. */
export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`cnpg-constructs validate: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let report: ValidateReport;
  try {
    const manifest = args.manifest
      ? OperatorManifest.fromFile(path.resolve(io.cwd, args.manifest), { version: args.version })
      : OperatorManifest.load(args.version ?? DEFAULT_OPERATOR_VERSION);
    const files = expandInputs(args.inputs, io.cwd);
    const schema: Finding[] = [];
    const documents: { file: string; index: number; object: KubeObject }[] = [];
    let skipped = 0;
    const read = await readDocuments(files, io);
    const count = read.count;
    for (const { file: shown, index, object: o } of read.documents) {
      if (!isCnpgObject(o)) {
        skipped++;
        continue;
      }
      documents.push({ file: shown, index, object: o });
      for (const e of validateCnpgObject(o, manifest)) {
        schema.push({
          file: shown,
          document: index,
          object: objectId(o),
          path: e.path,
          message: e.message,
          ...(e.rule ? { rule: e.rule } : {}),
        });
      }
    }
    const where = new Map(documents.map((d) => [d.object, d]));
    const semantic = admissionFindings(
      documents.map((d) => d.object),
      { operatorVersion: manifest.version },
    ).map((f) => {
      const d = where.get(f.object) as (typeof documents)[number];
      return { file: d.file, document: d.index, object: objectId(f.object), path: f.field, message: f.message, fix: f.fix, code: f.code };
    });
    report = {
      operatorVersion: manifest.version,
      manifest: manifest.describe(),
      files: files.length,
      documents: count,
      validated: documents.length,
      skipped,
      schema,
      semantic,
    };
  } catch (e) {
    const hint = (e as Error).name === 'OperatorManifestError' ? ' (on the command line: --manifest <file>)' : '';
    io.stderr(`cnpg-constructs validate: could not run: ${(e as Error).message}${hint}\n`);
    return 2;
  }
  const failed = report.schema.length + report.semantic.length > 0;
  if (args.output === 'json') {
    io.stdout(`${JSON.stringify({ valid: !failed, ...report }, null, 2)}\n`);
  } else {
    const line = (f: Finding) =>
      `${f.file}:${f.document} ${f.object} ${f.path}: ${f.message}${f.rule ? ` [CEL: ${f.rule}]` : ''}${f.fix ? `. Fix: ${f.fix}` : ''}\n`;
    if (report.schema.length > 0)
      io.stdout(`CRD schema (CNPG ${report.operatorVersion}):\n${report.schema.map((f) => `  ${line(f)}`).join('')}`);
    if (report.semantic.length > 0) io.stdout(`cnpg-constructs checks:\n${report.semantic.map((f) => `  ${line(f)}`).join('')}`);
    io.stdout(
      `${failed ? 'invalid' : 'valid'}: ${report.validated} CNPG object(s) checked against CNPG ${report.operatorVersion}, ${report.skipped} other object(s) skipped, ` +
        `${report.schema.length} schema finding(s), ${report.semantic.length} other finding(s) in ${report.files} file(s)\n`,
    );
  }
  return failed ? 1 : 0;
}
