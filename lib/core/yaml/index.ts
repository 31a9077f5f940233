// Manifests read the way `kubectl apply -f` reads them (cli-runtime's StreamVisitor): the stream cut into documents
// (stream.ts), each YAML document decoded by go-yaml v2 rules into the JSON kubectl sends (parse.ts or compose.ts,
// then resolve.ts), a document with an `items` field taken as a list of objects, and what the API server would
// refuse reported per document. Linear in the input; every document is reported even when another is broken.
import { composeGeneral } from './compose';
import { MAX_DEPTH, Unsupported, type YamlNode, YamlError } from './node';
import { parseFast } from './parse';
import { type DecodeWarning, toJsonValue } from './resolve';
import { splitStream } from './stream';

/** Something wrong (kubectl or the API server refuses it) or doubtful (kubectl changes or drops it) in a document. */
export interface ManifestIssue {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  /** 1-based line of the stream. */
  readonly line?: number;
  readonly fix: string;
}

export interface ManifestDocument {
  /** 0-based index of the document in the stream. */
  readonly index: number;
  /** 1-based line where it starts. */
  readonly line: number;
  /** The objects kubectl sends for it: one, the items of a list, or none (empty or broken document). */
  readonly objects: readonly unknown[];
  readonly issues: readonly ManifestIssue[];
}

/** The API server's limit on a request body (apiserver `MaxRequestBodyBytes`, 3 MiB). */
export const MAX_OBJECT_BYTES = 3 * 1024 * 1024;
/** Documents the general reader takes are read only up to this size. */
const MAX_GENERAL_BYTES = 2 * MAX_OBJECT_BYTES;

/** Decoded values whose JSON size may exceed the API server's limit (the others cannot). */
const measured = new WeakSet<object>();

/** Every document of a manifest stream (file bytes, or text already decoded). */
export function decodeManifests(input: Uint8Array | string): ManifestDocument[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return splitStream(bytes).map((raw, index) => {
    const issues: ManifestIssue[] = [];
    if (raw.error) return { index, line: raw.line, objects: [], issues: [{ severity: 'error', ...raw.error }] };
    const value = decodeDocument(raw.text as string, raw.line, raw.json === true, issues);
    return {
      index,
      line: raw.line,
      objects:
        value === undefined ? [] : objectsOf(value, raw.line, typeof value === 'object' && value !== null && measured.has(value), issues),
      issues,
    };
  });
}

function decodeDocument(text: string, line: number, json: boolean, issues: ManifestIssue[]): unknown {
  const at = (l: number | undefined) => (l === undefined ? line : line + l);
  try {
    if (json) return JSON.parse(text);
    if (text.length > MAX_GENERAL_BYTES && needsGeneralReader(text)) {
      issues.push({
        severity: 'error',
        code: 'document-too-large',
        message: `is ${text.length} bytes of YAML in a form only the general reader reads; it is read up to ${MAX_GENERAL_BYTES} bytes (the API server refuses objects over ${MAX_OBJECT_BYTES} bytes)`,
        line,
        fix: 'split the document, or write it in plain block style',
      });
      return undefined;
    }
    const { root, ignoredDocuments, ignoredTail } = readYaml(text);
    if (ignoredTail) {
      issues.push({
        severity: 'warning',
        code: 'yaml-content-ignored',
        message: 'has content after its root node; kubectl (go-yaml) reads the first node and ignores the rest',
        line,
        fix: 'remove the content after the object, or separate documents with "---"',
      });
    }
    if (ignoredDocuments > 0) {
      issues.push({
        severity: 'warning',
        code: 'yaml-document-ignored',
        message: `holds ${ignoredDocuments} more document(s) after a "..." marker; kubectl reads only the first and drops the rest`,
        line,
        fix: 'separate documents with a "---" line',
      });
    }
    if (root === undefined) return undefined;
    const warnings: DecodeWarning[] = [];
    const stats = { aliases: 0 };
    const value = toJsonValue(root, warnings, stats);
    // Without aliases JSON is at most about twice its YAML; with them it is measured.
    if ((stats.aliases > 0 || text.length * 2 > MAX_OBJECT_BYTES) && typeof value === 'object' && value !== null) measured.add(value);
    warnings.sort((a, b) => a.line - b.line);
    for (const w of warnings)
      issues.push({ severity: 'warning', code: w.code, message: w.message, line: at(w.line), fix: FIXES[w.code] ?? 'check the YAML' });
    return value === null ? undefined : value;
  } catch (e) {
    if (e instanceof YamlError) {
      issues.push({
        severity: 'error',
        code: 'yaml-invalid',
        message: `is not valid YAML as kubectl reads it: ${e.message}`,
        line: at(e.line),
        fix: 'fix the YAML at that line',
      });
    } else if (e instanceof SyntaxError && json) {
      issues.push({ severity: 'error', code: 'json-invalid', message: `is not valid JSON: ${e.message}`, line, fix: 'fix the JSON' });
    } else if (e instanceof RangeError) {
      issues.push({
        severity: 'error',
        code: 'yaml-too-deep',
        message: `is nested too deeply to read (this tool reads up to ${MAX_DEPTH} levels)`,
        line,
        fix: 'flatten the document',
      });
    } else throw e;
    return undefined;
  }
}

/** The node tree of one YAML document: the fast reader, or the general one for what it leaves. */
function readYaml(text: string): { root: YamlNode | undefined; ignoredDocuments: number; ignoredTail?: boolean } {
  try {
    const fast = parseFast(text);
    return { root: fast.root, ignoredDocuments: 0, ignoredTail: fast.ignoredTail };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return composeGeneral(text);
  }
}

function needsGeneralReader(text: string): boolean {
  try {
    parseFast(text);
    return false;
  } catch (e) {
    return e instanceof Unsupported;
  }
}

/**
 * One YAML document as kubectl's YAML-to-JSON step (sigs.k8s.io/yaml `YAMLToJSON`) makes it: its JSON value and
 * the warnings, or the error. @internal
 */
export function yamlDocumentToJson(text: string): { value: unknown; warnings: DecodeWarning[] } | { error: string } {
  try {
    const { root } = readYaml(text);
    const warnings: DecodeWarning[] = [];
    return { value: root === undefined ? null : toJsonValue(root, warnings), warnings };
  } catch (e) {
    if (e instanceof YamlError || e instanceof RangeError) return { error: e.message };
    throw e;
  }
}

const FIXES: Readonly<Record<string, string>> = {
  'yaml-duplicate-key': 'remove one of the two keys',
  'yaml-tag-ignored': 'remove the tag (quote the value to keep it a string)',
  'yaml-integer-imprecise': 'write the number as a string if it is an identifier',
};

/**
 * The objects kubectl sends for a decoded document: `unstructuredJSONScheme.decode` treats any object with a
 * non-null `items` as a list, whose items inherit the list's apiVersion and kind (minus "List") when they have
 * neither; cli-runtime's FlattenListVisitor flattens one level, so a list inside a list reaches the API server as
 * kind List, which does not exist there.
 */
function objectsOf(value: unknown, line: number, measure: boolean, issues: ManifestIssue[]): unknown[] {
  const err = (code: string, message: string, fix: string) => issues.push({ severity: 'error', code, message, line, fix });
  if (typeof value !== 'object' || Array.isArray(value)) {
    err(
      'manifest-not-object',
      `is ${Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`}, not a Kubernetes object`,
      'write an object with apiVersion, kind and metadata',
    );
    return [];
  }
  const o = value as Record<string, unknown>;
  const size = measure ? JSON.stringify(o).length : 0;
  if (size > MAX_OBJECT_BYTES) {
    err(
      'document-too-large',
      `is ${size} bytes as JSON; the API server refuses request bodies over ${MAX_OBJECT_BYTES} bytes`,
      'split it into several objects',
    );
    return [];
  }
  if (o.items === undefined || o.items === null) return [o];
  if (!Array.isArray(o.items)) {
    err(
      'list-items-not-array',
      'has an "items" field that is not a list, so kubectl cannot read it as a list',
      'make items a list of objects, or remove it',
    );
    return [];
  }
  const kind = typeof o.kind === 'string' ? o.kind.replace(/List$/, '') : '';
  const out: unknown[] = [];
  o.items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      err('list-item-not-object', `items[${i}] is not an object`, 'make every item an object');
      return;
    }
    const it = item as Record<string, unknown>;
    if (it.items !== undefined && it.items !== null) {
      err(
        'list-nested',
        `items[${i}] is itself a list; kubectl flattens one level only, and the API server has no ${String(it.kind ?? 'List')} resource`,
        'move the inner items into the outer list',
      );
      return;
    }
    out.push(it.kind === undefined && it.apiVersion === undefined ? { ...it, kind, apiVersion: o.apiVersion } : it);
  });
  return out;
}
