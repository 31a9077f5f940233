// Upstream files this package carries in data/, so that validation, the operator and both front ends work with no
// network and nothing beside the package: `<name>.yaml.br` is the upstream file byte for byte, brotli-compressed and
// committed to the repository; `<name>.json.br` is its parsed objects, written by the build
// (scripts/shipped-data.js), which first checks every text against its sha256. Loading checks the sha256 again.
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

/** The parsed form the build writes beside a shipped text: its objects and the sha256 of the text they come from. */
export interface ParsedShippedFile {
  readonly sha256: string;
  readonly objects: readonly KubeObject[];
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
 * The objects of a shipped file, shared by every caller in the process: never change them (copy one first). The text is checked
 * against its sha256 first; the objects come from the build's parsed form when it was made from that text, else
 * from parsing the text.
 */
export function shippedObjects(file: ShippedFile): readonly KubeObject[] {
  let out = objects.get(file.name);
  if (out === undefined) {
    const text = shippedText(file);
    out = parsedForm(file) ?? parseObjects(text, `${file.name}.yaml.br`);
    objects.set(file.name, out);
  }
  return out;
}

function parsedForm(file: ShippedFile): readonly KubeObject[] | undefined {
  let parsed: ParsedShippedFile;
  try {
    parsed = JSON.parse(zlib.brotliDecompressSync(fs.readFileSync(path.join(dataDirectory(), `${file.name}.json.br`))).toString('utf8'));
  } catch {
    return undefined; // not built (a checkout before `npm run build`): the text is parsed instead
  }
  return parsed.sha256 === file.sha256 && Array.isArray(parsed.objects) ? parsed.objects : undefined;
}
