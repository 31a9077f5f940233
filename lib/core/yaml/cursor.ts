// The characters of one YAML document as libyaml's scanner reads them (go-yaml v2.4 scannerc.go): positions and
// lines, comments and blank lines, and the scalars whose text needs folding or escapes (single- and double-quoted,
// literal and folded block scalars). The structure is read by flow.ts and parse.ts on top of it.
import { type ScalarNode, Unsupported, YamlError } from './node';

export const SPACE = 32;
export const TAB = 9;
export const LF = 10;
export const HASH = 35;

/** Characters that cannot start a plain scalar (libyaml `check_plain`; `-`, `?`, `:` are checked with what follows). */
export const INDICATORS = new Set([...',[]{}#&*!|>\'"%@`']);

export class Cursor {
  protected pos = 0;
  /** Start of the current line. */
  protected ls = 0;
  protected line = 0;

  constructor(protected readonly src: string) {}

  protected get col(): number {
    return this.pos - this.ls;
  }

  protected at(offset = 0): number {
    return this.src.charCodeAt(this.pos + offset);
  }

  protected blankOrEnd(offset = 0): boolean {
    const c = this.at(offset);
    return Number.isNaN(c) || c === SPACE || c === TAB || c === LF;
  }

  protected skipSpaces(): void {
    let c = this.at();
    while (c === SPACE || c === TAB) c = this.src.charCodeAt(++this.pos);
  }

  /** Past the end of the current line (a comment may end it). */
  protected nextLine(): void {
    const nl = this.src.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.src.length : nl + 1;
    this.ls = this.pos;
    this.line++;
  }

  /** At the end of the line (spaces and a comment allowed): moves to the next line. Else Unsupported. */
  protected endOfLine(): void {
    this.skipSpaces();
    const c = this.at();
    if (!(Number.isNaN(c) || c === LF || c === HASH)) throw new Unsupported();
    this.nextLine();
  }

  /** Skips empty, space-only and comment-only lines; leaves `pos` at the first content character of a line. */
  protected skipBlankLines(): void {
    for (;;) {
      this.skipSpaces();
      const c = this.at();
      if (c === LF || c === HASH) {
        this.nextLine();
        continue;
      }
      return;
    }
  }

  /** libyaml `check_plain`: may a plain scalar start at `pos`? */
  protected plainStart(flow: boolean): boolean {
    const c = this.src[this.pos];
    if (c === undefined || c === ' ' || c === '\t' || c === '\n') return false;
    if (c === '-') return !this.blankOrEnd(1);
    if (c === '?' || c === ':') return !flow && !this.blankOrEnd(1);
    return !INDICATORS.has(c);
  }

  protected singleQuoted(): string {
    const s = this.src;
    let out = '';
    let i = this.pos + 1;
    let run = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) throw new YamlError('found unexpected end of stream', this.line);
      if (c === 0x27) {
        out += s.slice(run, i);
        if (s.charCodeAt(i + 1) !== 0x27) {
          this.pos = i + 1;
          return out;
        }
        out += "'";
        i += 2;
        run = i;
      } else if (c === LF) {
        out += trimBlanksEnd(s.slice(run, i));
        i = this.fold(i, false, (t) => (out += t));
        run = i;
      } else i++;
    }
  }

  protected doubleQuoted(): string {
    const s = this.src;
    let out = '';
    let i = this.pos + 1;
    let run = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) throw new YamlError('found unexpected end of stream', this.line);
      if (c === 0x22) {
        this.pos = i + 1;
        return out + s.slice(run, i);
      }
      if (c === LF) {
        out += trimBlanksEnd(s.slice(run, i));
        i = this.fold(i, false, (t) => (out += t));
        run = i;
      } else if (c === 0x5c /* \ */) {
        out += s.slice(run, i);
        if (s.charCodeAt(i + 1) === LF) {
          // An escaped line break joins the lines: only the empty lines after it count.
          i = this.fold(i + 1, true, (t) => (out += t));
        } else {
          const [text, length] = escapeSequence(s, i + 1);
          out += text;
          i += 1 + length;
        }
        run = i;
      } else i++;
    }
  }

  /**
   * Folds the line break at `nl` inside a quoted scalar and the empty lines after it (the next line's leading blanks
   * are dropped): one break is a space, n+1 breaks are n newlines; after an escaped break, n+1 breaks are n newlines
   * too, and one is nothing. Returns where the text goes on.
   */
  protected fold(nl: number, escaped: boolean, emit: (text: string) => void): number {
    const s = this.src;
    let i = nl;
    let breaks = 0;
    for (;;) {
      breaks++;
      i++;
      this.line++;
      this.ls = i;
      // A document marker at the start of a line ends the document, even inside quotes.
      const n = s.charCodeAt(i + 3);
      if ((s.startsWith('---', i) || s.startsWith('...', i)) && (Number.isNaN(n) || n === SPACE || n === TAB || n === LF))
        throw new Unsupported();
      while (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB) i++;
      if (s.charCodeAt(i) !== LF) break;
    }
    if (i >= s.length) throw new YamlError('found unexpected end of stream', this.line);
    emit(breaks === 1 ? (escaped ? '' : ' ') : '\n'.repeat(breaks - 1));
    return i;
  }

  /** `|` or `>` with its header, as libyaml's `yaml_parser_scan_block_scalar`. */
  protected blockScalar(parent: number, tag: string | undefined): ScalarNode {
    const line = this.line;
    const literal = this.at() === 0x7c;
    this.pos++;
    let chomping = 0;
    let increment = 0;
    for (let k = 0; k < 2; k++) {
      const c = this.src[this.pos];
      if ((c === '+' || c === '-') && chomping === 0) {
        chomping = c === '+' ? 1 : -1;
        this.pos++;
      } else if (c >= '1' && c <= '9' && increment === 0) {
        increment = Number(c);
        this.pos++;
      }
    }
    this.endOfLine();
    if (parent < 0) throw new Unsupported();
    let indent = increment > 0 ? parent + increment : 0;
    let out = '';
    let leadingBreak = '';
    let trailing = '';
    let leadingBlank = false;
    const breaks = () => {
      let max = 0;
      for (;;) {
        while ((indent === 0 || this.col < indent) && this.at() === SPACE) this.pos++;
        if (this.col > max) max = this.col;
        if ((indent === 0 || this.col < indent) && this.at() === TAB) throw new Unsupported();
        if (this.at() !== LF) break;
        trailing += '\n';
        this.nextLine();
      }
      if (indent === 0) indent = Math.max(max, parent + 1, 1);
    };
    breaks();
    while (this.col === indent && this.pos < this.src.length) {
      const trailingBlank = this.at() === SPACE || this.at() === TAB;
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak === '\n') {
        if (trailing === '') out += ' ';
      } else out += leadingBreak;
      out += trailing;
      leadingBreak = '';
      trailing = '';
      leadingBlank = trailingBlank;
      const nl = this.src.indexOf('\n', this.pos);
      const end = nl < 0 ? this.src.length : nl;
      out += this.src.slice(this.pos, end);
      this.pos = end;
      if (nl >= 0) {
        leadingBreak = '\n';
        this.nextLine();
      }
      breaks();
    }
    if (chomping !== -1) out += leadingBreak;
    if (chomping === 1) out += trailing;
    // Back to the start of the line that ended the scalar (its indentation belongs to the next token).
    this.pos = this.ls;
    return { kind: 'scalar', value: out, plain: false, line, tag };
  }

  // --- flow collections ---
}

function trimBlanksEnd(t: string): string {
  let e = t.length;
  while (e > 0 && (t.charCodeAt(e - 1) === SPACE || t.charCodeAt(e - 1) === TAB)) e--;
  return t.slice(0, e);
}

/** A tag as written (`!!str`, `!foo`, `!<tag:x>`) in long form. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  "'": "'",
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** A double-quoted escape (libyaml `yaml_parser_scan_flow_scalar`): its text and how many characters it took. */
function escapeSequence(s: string, i: number): [string, number] {
  const e = s[i];
  if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) return [SIMPLE_ESCAPES[e], 1];
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  const hex = s.slice(i + 1, i + 1 + width);
  if (width === 0) throw new YamlError('found unknown escape character', undefined);
  if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw new YamlError('did not find expected hexdecimal number', undefined);
  const code = Number.parseInt(hex, 16);
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) throw new YamlError('found invalid Unicode character escape code', undefined);
  return [String.fromCodePoint(code), 1 + width];
}
