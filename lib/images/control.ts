// Extension control files, read the way PostgreSQL 18 reads them.
// - The file is lexed and parsed by GUC's configuration-file parser: src/backend/utils/misc/guc-file.l (the
//   flex rules ID, QUALIFIED_ID, STRING, UNQUOTED_STRING, INTEGER, REAL, "=", and ParseConfigFp: `name [=] value`
//   per line, `include`/`include_if_exists`/`include_dir` processed on the spot, DeescapeQuotedString for quoted
//   values). An extension control file is parsed at elevel ERROR, so the first error is the only one.
// - The values are then read by src/backend/commands/extension.c, parse_extension_control_file: the known keys,
//   parse_bool for booleans, pg_valid_server_encoding for `encoding`, SplitIdentifierString for `requires` and
//   `no_relocate`, "schema cannot be specified when relocatable is true", and `directory`/`default_version`
//   refused in a secondary control file (`<name>--<version>.control`, read over the primary one).
import { posix as path } from 'node:path';

/** A control file's values as PostgreSQL holds them (extension.c, ExtensionControlFile), defaults applied. */
export interface ControlFile {
  readonly directory?: string;
  readonly default_version?: string;
  readonly module_pathname?: string;
  readonly comment?: string;
  readonly schema?: string;
  /** @default false */
  readonly relocatable: boolean;
  /** @default true */
  readonly superuser: boolean;
  /** @default false */
  readonly trusted: boolean;
  readonly encoding?: string;
  /** Extension names, split and downcased as SQL identifiers. */
  readonly requires: readonly string[];
  readonly no_relocate: readonly string[];
}

/** Why PostgreSQL refuses a control file, with the stable finding code of the rule. */
export class ControlFileError extends Error {
  public override readonly name = 'ControlFileError';
  constructor(
    /** `control-syntax` (guc-file.l), `control-include`, `control-unknown-key`, `control-invalid-value`. */
    public readonly code: 'control-syntax' | 'control-include' | 'control-unknown-key' | 'control-invalid-value',
    /** The file the error is in (an included file, when it is there). */
    public readonly file: string,
    message: string,
    public readonly line?: number,
  ) {
    super(message);
  }
}

/** One `name = value` of a configuration file, in the order PostgreSQL hands them on (ConfigVariable). */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

/** What an `include` of a control file reads: a file's text, the files of a directory, or undefined if absent. */
export interface IncludeReader {
  readFile(file: string): string | undefined;
  listDir(dir: string): readonly string[] | undefined;
}

type Token = 'EOL' | 'ID' | 'QUALIFIED_ID' | 'STRING' | 'UNQUOTED_STRING' | 'INTEGER' | 'REAL' | 'EQUALS' | 'ERROR' | 'EOF';

// guc-file.l: LETTER [A-Za-z_\200-\377]: every byte of a non-ASCII UTF-8 character is >= 0x80, so any
// non-ASCII character counts as letters.
const isLetter = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isLetterOrDigit = (c: string) => isLetter(c) || /[0-9]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** The length each flex rule matches at `i` (0: no match). */
function matchLengths(s: string, i: number): Record<Exclude<Token, 'EOL' | 'ERROR' | 'EOF'>, number> {
  const idAt = (j: number) => {
    if (j >= s.length || !isLetter(s[j])) return 0;
    let k = j + 1;
    while (k < s.length && isLetterOrDigit(s[k])) k++;
    return k - j;
  };
  const id = idAt(i);
  const qualified = id && s[i + id] === '.' && idAt(i + id + 1) ? id + 1 + idAt(i + id + 1) : 0;
  let unquoted = 0;
  if (id) {
    let k = i + 1;
    while (k < s.length && (isLetterOrDigit(s[k]) || '-._:/'.includes(s[k]))) k++;
    unquoted = k - i;
  }
  let str = 0;
  if (s[i] === "'") {
    let k = i + 1;
    for (;;) {
      if (k >= s.length || s[k] === '\n') break;
      if (s[k] === '\\') {
        if (k + 1 >= s.length || s[k + 1] === '\n') break;
        k += 2;
      } else if (s[k] === "'") {
        if (s[k + 1] === "'") k += 2;
        else {
          str = k + 1 - i;
          break;
        }
      } else k++;
    }
  }
  // INTEGER {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*   REAL {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?
  const sign = s[i] === '-' || s[i] === '+' ? 1 : 0;
  let integer = 0;
  {
    let k = i + sign;
    if (s[k] === '0' && s[k + 1] === 'x' && /[0-9a-fA-F]/.test(s[k + 2] ?? '')) {
      k += 2;
      while (k < s.length && /[0-9a-fA-F]/.test(s[k])) k++;
    } else while (k < s.length && isDigit(s[k])) k++;
    if (k > i + sign) {
      while (k < s.length && /[a-zA-Z]/.test(s[k])) k++;
      integer = k - i;
    }
  }
  let real = 0;
  {
    let k = i + sign;
    while (k < s.length && isDigit(s[k])) k++;
    if (s[k] === '.') {
      k++;
      while (k < s.length && isDigit(s[k])) k++;
      const e = k;
      if (s[e] === 'e' || s[e] === 'E') {
        let m = e + 1;
        if (s[m] === '-' || s[m] === '+') m++;
        const digits = m;
        while (m < s.length && isDigit(s[m])) m++;
        if (m > digits) k = m;
      }
      real = k - i;
    }
  }
  return {
    ID: id,
    QUALIFIED_ID: qualified,
    STRING: str,
    UNQUOTED_STRING: unquoted,
    INTEGER: integer,
    REAL: real,
    EQUALS: s[i] === '=' ? 1 : 0,
  };
}

/** guc-file.l's scanner over `text`: the next token from `pos`, longest match first, then the earlier rule. */
function* tokens(text: string): Generator<{ token: Token; text: string; line: number }> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      yield { token: 'EOL', text: '\n', line };
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const lengths = matchLengths(text, i);
    let best: Token = 'ERROR';
    let len = 1;
    for (const t of ['ID', 'QUALIFIED_ID', 'STRING', 'UNQUOTED_STRING', 'INTEGER', 'REAL', 'EQUALS'] as const) {
      if (lengths[t] > (best === 'ERROR' ? 0 : len)) {
        best = t;
        len = lengths[t];
      }
    }
    yield { token: best, text: text.slice(i, i + len), line };
    i += len;
  }
  yield { token: 'EOF', text: '', line };
}

/** guc-file.l DeescapeQuotedString: strips the quotes; `\b \f \n \r \t`, octal `\ooo`, `\x` is x, `''` is '. */
export function deescapeQuotedString(s: string): string {
  let out = '';
  for (let i = 1; i < s.length - 1; i++) {
    if (s[i] === '\\') {
      i++;
      const c = s[i];
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (c in simple) out += simple[c];
      else if (c >= '0' && c <= '7') {
        let k = 0;
        let v = 0;
        while (k < 3 && s[i + k] >= '0' && s[i + k] <= '7') {
          v = (v << 3) + (s.charCodeAt(i + k) - 48);
          k++;
        }
        i += k - 1;
        out += String.fromCharCode(v & 0xff);
      } else out += c;
    } else if (s[i] === "'" && s[i + 1] === "'") {
      out += "'";
      i++;
    } else out += s[i];
  }
  // The value is a C string: an escaped NUL ends it.
  const nul = out.indexOf('\u0000');
  return nul < 0 ? out : out.slice(0, nul);
}

const CONF_FILE_MAX_DEPTH = 10;
const caseFold = (s: string) => s.toLowerCase();

/**
 * ParseConfigFp at elevel ERROR: the entries of a configuration file, includes read through `reader`
 * (relative paths from the including file's directory, as AbsoluteConfigLocation resolves them). Throws
 * {@link ControlFileError} on the first error, as PostgreSQL does.
 */
export function parseConfigEntries(text: string, file: string, reader?: IncludeReader, depth = 0): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  const it = tokens(text);
  type Tok = { token: Token; text: string; line: number };
  let t = it.next().value as Tok;
  // Reads the next token; returns it typed as any token (the checks below test it again).
  const next = (): Tok => {
    t = it.next().value as Tok;
    return t;
  };
  const syntaxError = (): never => {
    const where = t.token === 'EOL' || t.token === 'EOF' ? 'near end of line' : `near token "${t.text}"`;
    throw new ControlFileError('control-syntax', file, `syntax error in file "${file}" line ${t.line}, ${where}`, t.line);
  };
  while (t.token !== 'EOF') {
    if (t.token === 'EOL') {
      next();
      continue;
    }
    if (t.token !== 'ID' && t.token !== 'QUALIFIED_ID') syntaxError();
    const name = t.text;
    const line = t.line;
    next();
    if (t.token === 'EQUALS') next();
    if (!['ID', 'STRING', 'INTEGER', 'REAL', 'UNQUOTED_STRING'].includes(t.token)) syntaxError();
    const value = t.token === 'STRING' ? deescapeQuotedString(t.text) : t.text;
    const after = next().token;
    if (after !== 'EOL' && after !== 'EOF') syntaxError();
    const directive = caseFold(name);
    if (directive === 'include' || directive === 'include_if_exists' || directive === 'include_dir') {
      out.push(...includeEntries(directive, value, file, line, reader, depth + 1));
    } else out.push({ name, value, file, line });
    if ((t as Tok).token === 'EOL') next();
  }
  return out;
}

function includeEntries(
  directive: string,
  value: string,
  callingFile: string,
  line: number,
  reader: IncludeReader | undefined,
  depth: number,
): ConfigEntry[] {
  const target = path.isAbsolute(value) ? value : path.join(path.dirname(callingFile), value);
  const fail = (message: string): never => {
    throw new ControlFileError('control-include', callingFile, message, line);
  };
  if (depth > CONF_FILE_MAX_DEPTH)
    fail(`could not open configuration file "${target}": maximum nesting depth exceeded (${callingFile} line ${line})`);
  if (directive === 'include_dir') {
    const files = reader?.listDir(target);
    if (!files) return fail(`could not open configuration directory "${target}" (${callingFile} line ${line})`);
    // ParseConfigDirectory: files ending in .conf, not hidden, in strcmp order.
    return [...files]
      .filter((f) => f.endsWith('.conf') && !f.startsWith('.'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap((f) => includeEntries('include', path.join(target, f), callingFile, line, reader, depth));
  }
  if (target === callingFile) fail(`configuration file recursion in "${target}"`);
  const text = reader?.readFile(target);
  if (text === undefined) {
    if (directive === 'include_if_exists') return [];
    fail(`could not open configuration file "${target}": No such file or directory (${callingFile} line ${line})`);
  }
  return parseConfigEntries(text as string, target, reader, depth);
}

/** PostgreSQL's parse_bool: a prefix of true/false/yes/no (any case), on/off (at least two letters), 1/0. */
export function parseBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (s === '') return undefined;
  const prefixOf = (word: string, min = 1) => s.length >= min && word.startsWith(s);
  if (prefixOf('true')) return true;
  if (prefixOf('false')) return false;
  if (prefixOf('yes')) return true;
  if (prefixOf('no')) return false;
  if (s[0] === 'o') {
    if (prefixOf('on', 2)) return true;
    if (prefixOf('off', 2)) return false;
    return undefined;
  }
  if (s === '1') return true;
  if (s === '0') return false;
  return undefined;
}

// src/common/encnames.c: pg_encname_tbl names (compared after clean_encoding_name: alphanumerics, lowercased)
// of the server-side encodings (PG_VALID_BE_ENCODING); SJIS, BIG5, GBK, UHC, GB18030, JOHAB and
// SHIFT_JIS_2004 are client-only and refused.
const SERVER_ENCODINGS = new Set(
  (
    'abc alt euccn eucjis2004 eucjp euckr euctw iso88591 iso885910 iso885913 iso885914 iso885915 iso885916 ' +
    'iso88592 iso88593 iso88594 iso88595 iso88596 iso88597 iso88598 iso88599 koi8 koi8r koi8u latin1 latin2 ' +
    'latin3 latin4 latin5 latin6 latin7 latin8 latin9 latin10 muleinternal sqlascii tcvn tcvn5712 unicode utf8 ' +
    'vscii win win1250 win1251 win1252 win1253 win1254 win1255 win1256 win1257 win1258 win866 win874 ' +
    'windows1250 windows1251 windows1252 windows1253 windows1254 windows1255 windows1256 windows1257 ' +
    'windows1258 windows866 windows874'
  ).split(' '),
);

/** pg_valid_server_encoding: whether `name` names a server encoding. */
export function isServerEncoding(name: string): boolean {
  return SERVER_ENCODINGS.has(name.replace(/[^A-Za-z0-9]/g, '').toLowerCase());
}

const SCANNER_SPACE = ' \t\n\r\f\v';
const MAX_IDENTIFIER_BYTES = 63;

/**
 * SplitIdentifierString (src/backend/utils/adt/varlena.c) with separator ",": names split, unquoted ones
 * downcased and `"quoted"` ones kept as written (`""` is `"`), each truncated to 63 bytes; undefined on a
 * syntax error (an empty name, a stray character, an unclosed quote). An empty string is an empty list.
 */
export function splitIdentifierString(raw: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < raw.length && SCANNER_SPACE.includes(raw[i])) i++;
  };
  skipSpace();
  if (i >= raw.length) return out;
  for (;;) {
    let name: string;
    if (raw[i] === '"') {
      name = '';
      i++;
      for (;;) {
        const end = raw.indexOf('"', i);
        if (end < 0) return undefined;
        name += raw.slice(i, end);
        if (raw[end + 1] === '"') {
          name += '"';
          i = end + 2;
        } else {
          i = end + 1;
          break;
        }
      }
    } else {
      const start = i;
      while (i < raw.length && raw[i] !== ',' && !SCANNER_SPACE.includes(raw[i])) i++;
      if (i === start) return undefined;
      // downcase_identifier: ASCII letters only (multibyte encodings are left alone).
      name = raw.slice(start, i).replace(/[A-Z]/g, (c) => c.toLowerCase());
    }
    skipSpace();
    out.push(truncateIdentifier(name));
    if (i >= raw.length) return out;
    if (raw[i] !== ',') return undefined;
    i++;
    skipSpace();
  }
}

function truncateIdentifier(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= MAX_IDENTIFIER_BYTES) return name;
  // pg_mbcliplen: cut at a character boundary.
  let cut = MAX_IDENTIFIER_BYTES;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

const DEFAULTS: ControlFile = { relocatable: false, superuser: true, trusted: false, requires: [], no_relocate: [] };

/**
 * parse_extension_control_file over parsed entries: a primary control file (`base` undefined) or a secondary one
 * read over `base`. Throws {@link ControlFileError} as PostgreSQL raises its ERROR.
 */
export function controlFromEntries(entries: readonly ConfigEntry[], base?: ControlFile): ControlFile {
  const c: { -readonly [K in keyof ControlFile]: ControlFile[K] } = { ...(base ?? DEFAULTS) };
  for (const e of entries) {
    const invalid = (message: string): never => {
      throw new ControlFileError('control-invalid-value', e.file, message, e.line);
    };
    const bool = () => parseBool(e.value) ?? invalid(`parameter "${e.name}" requires a Boolean value (got ${JSON.stringify(e.value)})`);
    const names = () =>
      splitIdentifierString(e.value) ?? invalid(`parameter "${e.name}" must be a list of extension names (got ${JSON.stringify(e.value)})`);
    switch (e.name) {
      case 'directory':
      case 'default_version':
        if (base) invalid(`parameter "${e.name}" cannot be set in a secondary extension control file`);
        c[e.name] = e.value;
        break;
      case 'module_pathname':
      case 'comment':
      case 'schema':
        c[e.name] = e.value;
        break;
      case 'relocatable':
      case 'superuser':
      case 'trusted':
        c[e.name] = bool();
        break;
      case 'encoding':
        if (!isServerEncoding(e.value)) invalid(`"${e.value}" is not a valid encoding name`);
        c.encoding = e.value;
        break;
      // SplitIdentifierString appends to the list: a key given twice lists both values' names.
      case 'requires':
      case 'no_relocate':
        c[e.name] = [...c[e.name], ...names()];
        break;
      default:
        throw new ControlFileError('control-unknown-key', e.file, `unrecognized parameter "${e.name}" in file "${e.file}"`, e.line);
    }
  }
  if (c.relocatable && c.schema !== undefined) {
    throw new ControlFileError(
      'control-invalid-value',
      entries[0]?.file ?? '',
      'parameter "schema" cannot be specified when "relocatable" is true',
    );
  }
  return c;
}

/** Parses a primary control file (or, with `base`, a secondary one over it). Throws {@link ControlFileError}. */
export function parseControlFile(text: string, file = 'control file', reader?: IncludeReader, base?: ControlFile): ControlFile {
  return controlFromEntries(parseConfigEntries(text, file, reader), base);
}
