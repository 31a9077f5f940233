import * as path from 'node:path';
import { admissionFindings, cnpgDefaulted } from '../core/admission';
import { DEFAULT_OPERATOR_VERSION } from '../core/compat';
import type { Finding } from '../core/findings';
import { type KubeObject, OperatorManifest } from '../core/operator-manifest';
import { hasCrdFor, objectId, validateObject } from '../core/validator';
import { expandInputs, type InputDocument, optionValue, outputFormat, readDocuments, UsageError } from './inputs';

/** Where the command reads and writes (the process's, or a test's). */
export interface CliIo {
  /** Standard input, as bytes (or text already decoded). */
  readonly stdin: () => Promise<Uint8Array | string>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
}

/** One finding of `validate`: the library's Finding, with where it is in the input. */
export interface ValidateFinding extends Finding {
  /** Always set in the report (`error` or `warning`). */
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** 1-based line of the file, when known. */
  readonly line?: number;
  /** `Kind/namespace/name`, when the finding is about an object. */
  readonly object?: string;
  /** The CEL expression, for a CRD validation rule. */
  readonly rule?: string;
}

export interface ValidateReport {
  readonly valid: boolean;
  readonly operatorVersion: string;
  readonly manifest: string;
  readonly files: number;
  readonly documents: number;
  readonly validated: number;
  /** Objects of a kind without a CRD the package knows (skipped). */
  readonly skipped: number;
  readonly errors: number;
  readonly warnings: number;
  /** Errors first (in file and document order), then warnings. */
  readonly findings: readonly ValidateFinding[];
}

const USAGE = `usage: cnpg-constructs validate [options] <file|dir|->...
  Checks every CNPG object (postgresql.cnpg.io/*) of the manifests, and the Barman Cloud ObjectStores and Prometheus
  Operator PodMonitors and PrometheusRules beside them, as \`kubectl apply --dry-run=server\` would on a
  cluster running that CNPG release, offline: the manifests read the way kubectl reads them (YAML 1.1 scalars,
  duplicate keys, lists), the CRD's OpenAPI schema with its defaults and CEL rules, then CNPG's admission webhook
  rules and the library's own checks. Objects of other kinds are skipped and counted.
options:
  --operator-version <v>   CNPG release whose CRDs and rules to use (default ${DEFAULT_OPERATOR_VERSION}); the manifest comes
                           from $CNPG_OPERATOR_MANIFEST, the copy shipped in the package (${DEFAULT_OPERATOR_VERSION}, offline),
                           the cache, or one verified download
  --manifest <file>        the release manifest (releases/cnpg-<v>.yaml) to take the CRDs from (air-gapped use)
  --previous <file|dir|->  the objects as they are now (repeatable): an object found there is checked as an update of
                           it (storage shrink, immutable fields, wal_level to minimal, ...), as the API server does
  --strict                 exit 1 on warnings too
  -o, --output text|json   report format (default text)
  -h, --help               this text
exit code: 0 valid (warnings are listed), 1 errors (or warnings with --strict), 2 could not run`;

interface Args {
  inputs: string[];
  previous: string[];
  version?: string;
  manifest?: string;
  output: 'text' | 'json';
  strict: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { inputs: [], previous: [], output: 'text', strict: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => optionValue(argv, i++);
    if (a === '--operator-version') args.version = value();
    else if (a === '--manifest') args.manifest = value();
    else if (a === '--previous') args.previous.push(value());
    else if (a === '-o' || a === '--output') args.output = outputFormat(value());
    else if (a === '--strict') args.strict = true;
    else if (a === '-h' || a === '--help') args.help = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else args.inputs.push(a);
  }
  if (!args.help && args.inputs.length === 0) throw new UsageError('name at least one file, directory or - (standard input)');
  return args;
}

/** Runs the command; returns the exit code. */
export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`cnpg-constructs validate: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let report: ValidateReport;
  try {
    report = await validateFiles(args, io);
  } catch (e) {
    const hint = (e as Error).name === 'OperatorManifestError' ? ' (on the command line: --manifest <file>)' : '';
    const usage = e instanceof UsageError ? `\n${USAGE}` : '';
    io.stderr(`cnpg-constructs validate: could not run: ${(e as Error).message}${hint}${usage}\n`);
    return 2;
  }
  if (args.output === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(textReport(report));
  return report.errors > 0 || (args.strict && report.warnings > 0) ? 1 : 0;
}

async function validateFiles(args: Args, io: CliIo): Promise<ValidateReport> {
  const manifest = args.manifest
    ? OperatorManifest.fromFile(path.resolve(io.cwd, args.manifest), { version: args.version })
    : OperatorManifest.load(args.version ?? DEFAULT_OPERATOR_VERSION);
  const files = expandInputs(args.inputs, io.cwd);
  const read = await readDocuments(files, io, { collect: true });
  const findings: ValidateFinding[] = read.issues.map((i) => ({
    severity: i.severity,
    code: i.code,
    where: `${i.file}:${i.index}`,
    field: '',
    message: `document ${i.index} ${i.message}`,
    fix: i.fix,
    file: i.file,
    document: i.index,
    line: i.line,
  }));
  const cnpg: InputDocument[] = [];
  let skipped = 0;
  for (const d of read.documents) {
    if (!hasCrdFor(d.object)) {
      skipped++;
      continue;
    }
    cnpg.push(d);
    const o = d.object as KubeObject;
    for (const e of validateObject(cnpgDefaulted(o), manifest)) {
      findings.push({
        severity: 'error',
        code: e.rule ? 'crd-cel-rule' : 'crd-schema',
        where: `${d.file}:${d.index} ${objectId(o)}`,
        field: e.path,
        message: e.message,
        fix: schemaFix(e.path, e.message, e.rule, manifest.version),
        file: d.file,
        document: d.index,
        line: d.line,
        object: objectId(o),
        ...(e.rule ? { rule: e.rule } : {}),
      });
    }
  }
  const previous =
    args.previous.length > 0
      ? (await readDocuments(expandInputs(args.previous, io.cwd), io)).documents.map((d) => d.object).filter(hasCrdFor)
      : [];
  const where = new Map(cnpg.map((d) => [d.object, d]));
  for (const f of admissionFindings(
    cnpg.map((d) => d.object as KubeObject),
    { operatorVersion: manifest.version, previous },
  )) {
    const d = where.get(f.object) as InputDocument;
    const { object: _o, ...finding } = f;
    findings.push({
      ...finding,
      severity: f.severity ?? 'error',
      where: `${d.file}:${d.index} ${objectId(f.object)}`,
      file: d.file,
      document: d.index,
      line: d.line,
      object: objectId(f.object),
    });
  }
  const order = (f: ValidateFinding) => (f.severity === 'warning' ? 1 : 0);
  const byPlace = files.map((f) => (f === '-' ? '<stdin>' : path.relative(io.cwd, f) || f));
  findings.sort((a, b) => order(a) - order(b) || byPlace.indexOf(a.file) - byPlace.indexOf(b.file) || a.document - b.document);
  const errors = findings.filter((f) => f.severity !== 'warning').length;
  return {
    valid: errors === 0,
    operatorVersion: manifest.version,
    manifest: manifest.describe(),
    files: files.length,
    documents: read.count,
    validated: cnpg.length,
    skipped,
    errors,
    warnings: findings.length - errors,
    findings,
  };
}

/** How to fix a schema finding; a YAML 1.1 hint when kubectl turned an unquoted scalar into a boolean or a number. */
function schemaFix(field: string, message: string, rule: string | undefined, version: string): string {
  if (rule) return `make ${field} satisfy the CRD's rule`;
  if (/must be of type string, got (boolean|number)/.test(message))
    return 'quote the value: kubectl reads unquoted on/off/yes/no/y/n as booleans and 0755, 1e3 or 1_000 as numbers (YAML 1.1)';
  return `make ${field} match the CNPG ${version} CRD`;
}

function textReport(r: ValidateReport): string {
  const line = (f: ValidateFinding) =>
    `  ${f.severity === 'warning' ? 'warning' : 'error'} ${f.file}:${f.document}${f.line ? ` (line ${f.line})` : ''}${f.object ? ` ${f.object}` : ''}${f.field ? ` ${f.field}` : ''}: ${f.message}${f.rule ? ` [CEL: ${f.rule}]` : ''}. Fix: ${f.fix} [${f.code}]\n`;
  const listed = r.findings.map(line).join('');
  return (
    listed +
    `${r.valid ? 'valid' : 'invalid'}: ${r.validated} object(s) checked against CNPG ${r.operatorVersion}, ${r.skipped} other object(s) skipped, ` +
    `${r.errors} error(s), ${r.warnings} warning(s) in ${r.files} file(s) (${r.documents} document(s))\n`
  );
}
