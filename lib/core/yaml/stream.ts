// How kubectl cuts a manifest stream into documents before any YAML parser sees it: k8s.io/apimachinery v0.33+
// pkg/util/yaml/decoder.go (`NewYAMLOrJSONDecoder` as cli-runtime's StreamVisitor uses it, with a 4096-byte sniff):
// a stream whose first non-space character is "{" starts as a stream of JSON values (splitJson); otherwise
// `YAMLReader` reads it line by line (`LineReader` drops "\n" or "\r\n" and ends every line with "\n") and a line
// starting with "---" separates documents when only spaces or a comment follow, and is an error otherwise.

/** One document of the stream, as text, or why it cannot be read. */
export interface RawDocument {
  /** 1-based line of the stream where the document starts. */
  readonly line: number;
  readonly text?: string;
  /** The document was read as a JSON value (a JSON stream), not as YAML. */
  readonly json?: boolean;
  readonly error?: { readonly code: string; readonly message: string; readonly line?: number; readonly fix: string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** go-yaml's reader refuses these code points ("control characters are not allowed"; readerc.go). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it matches
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/** The documents of a stream, in order. */
export function splitStream(bytes: Uint8Array): RawDocument[] {
  const sniff = Math.min(bytes.length, 4096);
  let i = 0;
  // GuessJSONStream: bytes.TrimLeftFunc(unicode.IsSpace) over the first 4096 bytes, then a "{".
  for (let s = unicodeSpaceAt(bytes, i); s > 0 && i + s <= sniff; s = unicodeSpaceAt(bytes, i)) i += s;
  if (i < sniff && bytes[i] === 0x7b) return splitJson(bytes);
  return splitYaml(bytes);
}

function splitYaml(bytes: Uint8Array, from = 0, fromLine = 1): RawDocument[] {
  const out: RawDocument[] = [];
  let start = -1;
  let startLine = fromLine;
  let pending: RawDocument['error'];
  const flush = (end: number) => {
    if (start >= 0) out.push(chunk(bytes, start, end, startLine, pending));
    else if (pending) out.push({ line: startLine, error: pending });
    start = -1;
    pending = undefined;
  };
  let line = fromLine;
  let pos = from;
  while (pos < bytes.length) {
    let nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) nl = bytes.length;
    if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d && bytes[pos + 2] === 0x2d && pos + 2 < nl) {
      const rest = lenient.decode(bytes.subarray(pos + 3, nl)).trim();
      if (rest !== '' && rest[0] !== '#') {
        flush(pos);
        pending = {
          code: 'yaml-separator-invalid',
          message: `the document separator at line ${line} is followed by ${JSON.stringify(rest.slice(0, 40))}; kubectl refuses the stream there ("invalid Yaml document separator")`,
          line,
          fix: 'put "---" alone on its line (a comment may follow), and the document on the next lines',
        };
      } else flush(pos);
      startLine = line + 1;
    } else if (start < 0) {
      start = pos;
      startLine = line;
    }
    pos = nl + 1;
    line++;
  }
  flush(bytes.length);
  return out;
}

/** The text of the document in `bytes[start, end)`, checked the way go-yaml's reader checks it. */
function chunk(bytes: Uint8Array, start: number, end: number, line: number, pending: RawDocument['error']): RawDocument {
  if (pending) return { line, error: pending };
  let view = bytes.subarray(start, end);
  if ((view[0] === 0xff && view[1] === 0xfe) || (view[0] === 0xfe && view[1] === 0xff)) {
    return {
      line,
      error: {
        code: 'yaml-not-utf8',
        message: 'is UTF-16: kubectl reads manifests line by line as UTF-8',
        line,
        fix: 'save the file as UTF-8',
      },
    };
  }
  if (view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) view = view.subarray(3);
  let text: string;
  try {
    text = utf8.decode(view);
  } catch {
    const at = firstInvalidUtf8(view);
    const where = line + countLines(view, at);
    return {
      line,
      error: {
        code: 'yaml-not-utf8',
        message: `is not UTF-8: byte 0x${view[at].toString(16).padStart(2, '0')} at line ${where} (go-yaml refuses it: "invalid leading UTF-8 octet")`,
        line: where,
        fix: 'save the file as UTF-8 (iconv -f latin1 -t utf-8, or your editor)',
      },
    };
  }
  // LineReader: "\r\n" becomes "\n".
  if (text.includes('\r\n')) text = text.replaceAll('\r\n', '\n');
  if (!text.endsWith('\n')) text += '\n';
  const bad = FORBIDDEN.exec(text);
  if (bad) {
    const where = line + countNewlines(text, bad.index);
    return {
      line,
      error: {
        code: 'yaml-control-character',
        message: `holds the control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at line ${where}, which YAML does not allow`,
        line: where,
        fix: 'remove it, or write it as an escape inside a double-quoted string ("\\x07")',
      },
    };
  }
  return { line, text };
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    try {
      utf8.decode(b.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return Math.max(0, b.length - 1);
}

function countLines(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) n++;
  return n;
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** JSON's white space, which Go's `json.Decoder` skips between values. */
const isJsonSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * A stream that starts with "{", as apimachinery v0.33+ reads it (pkg/util/yaml/decoder.go, YAMLOrJSONDecoder.Decode
 * and consumeWhitespace; kubectl 1.33+): JSON values one after the other (Go's `json.Decoder`); when one fails after
 * at most one value, the rest of the stream, from the end of that value and the white space up to and including the
 * next newline, is YAML; after two or more values, the failure ends the stream. Go replaces bytes that are not UTF-8
 * with U+FFFD in JSON strings, so each value is decoded leniently.
 */
function splitJson(bytes: Uint8Array): RawDocument[] {
  const out: RawDocument[] = [];
  let consumed = 0; // where the last value decoded ends
  let consumedLine = 1;
  let i = 0;
  let line = 1;
  for (;;) {
    while (i < bytes.length && isJsonSpace(bytes[i])) {
      if (bytes[i] === 0x0a) line++;
      i++;
    }
    if (i >= bytes.length) return out;
    const end = jsonValueEnd(bytes, i);
    const text = end < 0 ? undefined : lenient.decode(bytes.subarray(i, end));
    if (text !== undefined && isJson(text)) {
      out.push({ line, text, json: true });
      line += countLines(bytes.subarray(i, end), end - i);
      consumed = i = end;
      consumedLine = line;
      continue;
    }
    if (out.length > 1) {
      out.push({
        line,
        error: {
          code: 'json-invalid',
          message: `is not valid JSON from line ${line} on; after two JSON values kubectl reads the stream as JSON only and stops there`,
          line,
          fix: 'fix the JSON (a stream of JSON objects, or YAML documents separated by "---")',
        },
      });
      return out;
    }
    // The rest is YAML, from after the white space up to and including the first newline (unicode.IsSpace).
    let p = consumed;
    let l = consumedLine;
    for (;;) {
      const space = unicodeSpaceAt(bytes, p);
      if (space === 0) break;
      p += space;
      if (bytes[p - 1] === 0x0a) {
        l++;
        break;
      }
    }
    if (p >= bytes.length) {
      // Only white space that JSON does not allow is left: consumeWhitespace meets the end, and the JSON error stands.
      out.push({
        line,
        error: {
          code: 'json-invalid',
          message: `ends with white space JSON does not allow (line ${line}); kubectl refuses the stream there`,
          line,
          fix: 'remove the trailing white space',
        },
      });
      return out;
    }
    out.push(...splitYaml(bytes, p, l));
    return out;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The length of the `unicode.IsSpace` rune at `p` in UTF-8, or 0. */
function unicodeSpaceAt(b: Uint8Array, p: number): number {
  const c = b[p];
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return 1;
  if (c === 0xc2 && (b[p + 1] === 0x85 || b[p + 1] === 0xa0)) return 2;
  if (c === 0xe1 && b[p + 1] === 0x9a && b[p + 2] === 0x80) return 3; // U+1680
  if (
    c === 0xe2 &&
    b[p + 1] === 0x80 &&
    ((b[p + 2] >= 0x80 && b[p + 2] <= 0x8a) || b[p + 2] === 0xa8 || b[p + 2] === 0xa9 || b[p + 2] === 0xaf)
  )
    return 3; // U+2000-U+200A, U+2028, U+2029, U+202F
  if (c === 0xe2 && b[p + 1] === 0x81 && b[p + 2] === 0x9f) return 3; // U+205F
  if (c === 0xe3 && b[p + 1] === 0x80 && b[p + 2] === 0x80) return 3; // U+3000
  return 0;
}

/** Where the JSON value starting at `i` ends (by brackets and strings, over bytes: they are ASCII), or -1. */
function jsonValueEnd(b: Uint8Array, i: number): number {
  const open = b[i];
  if (open === 0x22) return stringEnd(b, i);
  if (open !== 0x7b && open !== 0x5b) {
    let j = i;
    while (
      j < b.length &&
      !isJsonSpace(b[j]) &&
      b[j] !== 0x7b &&
      b[j] !== 0x5b &&
      b[j] !== 0x22 &&
      b[j] !== 0x7d &&
      b[j] !== 0x5d &&
      b[j] !== 0x2c
    )
      j++;
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const c = b[j];
    if (c === 0x22) {
      j = stringEnd(b, j) - 1;
      if (j < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** The end (after the closing quote) of the JSON string starting at `i`, or -1. */
function stringEnd(b: Uint8Array, i: number): number {
  for (let j = i + 1; j < b.length; j++) {
    if (b[j] === 0x5c) j++;
    else if (b[j] === 0x22) return j + 1;
  }
  return -1;
}
