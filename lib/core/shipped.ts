// Upstream files this package carries in data/, so that validation, the operator and both front ends work with no
// network and nothing beside the package: `<name>.yaml.br` is the upstream file byte for byte, brotli-compressed and
// committed to the repository; `<name>.json.br` is its parsed objects, written by the build
// (scripts/shipped-data.js), which first checks every text against its sha256. Loading reads the parsed form and
// checks it against the sha256 it records of itself (a damaged file is an error, never a silent fallback); the text is
// read, and checked against its sha256, only where there is no parsed form of it (a checkout before `npm run build`):
// decompressing and hashing the 1.2 MB release text takes about 19 ms, more than reading its parsed form.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { sha256 } from './digest';
import type { KubeObject } from './operator-manifest';
import { yaml } from './lazy';

/** A file of data/: its name (without `.yaml.br`), the sha256 of its text and where it comes from upstream. */
export interface ShippedFile {
  readonly name: string;
  readonly sha256: string;
  /** The upstream repository, tag and path. */
  readonly source: string;
}

/** A shipped file whose text does not match its sha256 (or cannot be read): the installed package is damaged. */
export class ShippedDataError extends Error {
  public override readonly name = 'ShippedDataError';
}

let root: string | undefined;
/** The directory of this package's data/ (the package root is the first ancestor with this package's package.json). */
export function dataDirectory(): string {
  if (root === undefined) {
    let dir = __dirname;
    for (;;) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'cnpg-constructs') break;
      const up = path.dirname(dir);
      if (up === dir) throw new ShippedDataError(`cannot find the cnpg-constructs package root above ${__dirname}`);
      dir = up;
    }
    root = dir;
  }
  return path.join(root, 'data');
}

/** Brotli settings of data/ files: the best compression, deterministic for a given input. */
export function compress(text: string | Buffer): Buffer {
  const input = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return zlib.brotliCompressSync(input, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

const texts = new Map<string, string>();
const objects = new Map<string, readonly KubeObject[]>();

/** Whether the package holds `file` (a checkout always does: the compressed texts are committed). */
export function isShipped(file: ShippedFile): boolean {
  return texts.has(file.name) || fs.existsSync(path.join(dataDirectory(), `${file.name}.yaml.br`));
}

/** The text of a shipped file, checked against its sha256 (once per process). */
export function shippedText(file: ShippedFile): string {
  let text = texts.get(file.name);
  if (text === undefined) {
    const where = path.join(dataDirectory(), `${file.name}.yaml.br`);
    let raw: Buffer;
    try {
      raw = zlib.brotliDecompressSync(fs.readFileSync(where));
    } catch (e) {
      throw new ShippedDataError(`cannot read ${where} (${file.source}): ${(e as Error).message}. Fix: reinstall cnpg-constructs`);
    }
    const got = sha256(raw);
    if (got !== file.sha256) {
      throw new ShippedDataError(
        `${where} holds a text of sha256 ${got}, but ${file.source} is ${file.sha256}: the package is damaged. Fix: reinstall cnpg-constructs`,
      );
    }
    text = raw.toString('utf8');
    texts.set(file.name, text);
  }
  return text;
}

/**
 * The parsed form the build writes beside a shipped text (`<name>.json.br`, brotli): one header line, then the objects
 * as JSON. The header records the sha256 of the text the objects come from and the sha256 of the JSON after it.
 * @internal
 */
export interface ParsedShippedHeader {
  /** The sha256 of the shipped text the objects were parsed from. */
  readonly sha256: string;
  /** The sha256 of the objects' JSON (the bytes after the header line). */
  readonly digest: string;
}

/** The bytes of a parsed form (before compression): the header line and the objects' JSON. @internal */
export function parsedFormBytes(textSha256: string, objects: readonly KubeObject[]): Buffer {
  const body = Buffer.from(JSON.stringify(objects), 'utf8');
  const header: ParsedShippedHeader = { sha256: textSha256, digest: sha256(body) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

/**
 * Reads the bytes of a parsed form: `stale` when it was made from another text (or is of an older format), `damaged`
 * when its JSON does not match the digest its header records, else its objects. @internal
 */
export function readParsedForm(
  bytes: Buffer,
  textSha256: string,
): { readonly state: 'current'; readonly objects: KubeObject[] } | { readonly state: 'stale' | 'damaged' } {
  const nl = bytes.indexOf(10);
  if (nl < 0) return { state: 'stale' }; // the older format: one JSON object, no header line
  let header: Partial<ParsedShippedHeader>;
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  } catch {
    return { state: 'damaged' };
  }
  if (typeof header?.digest !== 'string' || header.sha256 !== textSha256) return { state: 'stale' };
  const body = bytes.subarray(nl + 1);
  if (sha256(body) !== header.digest) return { state: 'damaged' };
  const objects = JSON.parse(body.toString('utf8'));
  return Array.isArray(objects) ? { state: 'current', objects } : { state: 'damaged' };
}

/** The objects of a YAML text, in document order (empty documents left out). */
export function parseObjects(text: string, where: string, fail: (message: string) => Error = (m) => new ShippedDataError(m)): KubeObject[] {
  const out: KubeObject[] = [];
  for (const d of yaml().parseAllDocuments(text)) {
    if (d.errors.length > 0) throw fail(`${where} is not valid YAML: ${d.errors[0].message}`);
    const o = d.toJS({ maxAliasCount: -1 });
    if (o && typeof o === 'object') out.push(o as KubeObject);
  }
  return out;
}

/**
 * The objects of a shipped file, shared by every caller in the process: never change them (copy one first). They
 * come from the build's parsed form, checked against the digest it records, when it was made from the text of that
 * sha256; otherwise from the text, checked against its sha256 and parsed. A damaged parsed form throws.
 */
export function shippedObjects(file: ShippedFile): readonly KubeObject[] {
  let out = objects.get(file.name);
  if (out === undefined) {
    out = parsedForm(file) ?? parseObjects(shippedText(file), `${file.name}.yaml.br`);
    objects.set(file.name, out);
  }
  return out;
}

function parsedForm(file: ShippedFile): readonly KubeObject[] | undefined {
  const where = path.join(dataDirectory(), `${file.name}.json.br`);
  let compressed: Buffer;
  try {
    compressed = fs.readFileSync(where);
  } catch {
    return undefined; // not built (a checkout before `npm run build`): the text is parsed instead
  }
  let read: ReturnType<typeof readParsedForm>;
  try {
    read = readParsedForm(zlib.brotliDecompressSync(compressed), file.sha256);
  } catch {
    read = { state: 'damaged' };
  }
  if (read.state === 'damaged') {
    throw new ShippedDataError(
      `${where} (the parsed form of ${file.source}) does not match the sha256 it records: the package is damaged. Fix: reinstall cnpg-constructs`,
    );
  }
  return read.state === 'current' ? read.objects : undefined;
}
