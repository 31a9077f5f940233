// The fast YAML reader: block mappings and sequences, flow collections on one or more lines, plain, quoted and block
// scalars, comments, anchors, aliases and tags, scanned the way libyaml scans them (go-yaml v2.4 scannerc.go: plain
// scalars end at ": " and " #", folding of quoted and block scalars, block scalar indentation). Linear in the input.
// Anything else (explicit "? " keys, directives, multi-line plain scalars in flow, odd indentation) throws
// `Unsupported` and the general reader (compose.ts) reads the document instead; so does anything invalid, which
// that reader reports.
import { INDICATORS, HASH, LF, SPACE, TAB } from './cursor';
import { FlowReader, PENDING } from './flow';
import { type MapNode, type ScalarNode, type SeqNode, Unsupported, type YamlNode, YamlError } from './node';

export interface FastDocument {
  readonly root: YamlNode | undefined;
  /** Content after a flow or quoted root node, which go-yaml never reads (it decodes the first node only). */
  readonly ignoredTail: boolean;
}

/** The root node of one document (undefined when it is empty), or `Unsupported`. */
export function parseFast(src: string): FastDocument {
  // Lines the fast reader leaves to the general one: directives, document end markers, tabs in indentation, and
  // the line breaks of YAML 1.1 that are not "\n" (NEL, LS, PS, a lone CR).
  if (/^(%|\.\.\.([ \t]|$))|^ *\t|[\r\u0085\u2028\u2029]/m.test(src)) throw new Unsupported();
  return new Reader(src).document();
}

class Reader extends FlowReader {
  document(): FastDocument {
    this.skipBlankLines();
    if (this.pos >= this.src.length) return { root: undefined, ignoredTail: false };
    if (this.pos !== this.ls) throw new Unsupported();
    const first = this.at();
    const node = this.value(-1, true, false);
    this.skipBlankLines();
    if (this.pos >= this.src.length) return { root: node, ignoredTail: false };
    // After a flow collection or a quoted scalar at the root, go-yaml ends the document at the next token, which it
    // scans (and may refuse) but never reads.
    if (first === 0x5b || first === 0x7b || first === 0x22 || first === 0x27) {
      if (this.at() === HASH) this.skipBlankLines();
      if (this.pos >= this.src.length) return { root: node, ignoredTail: false };
      const c = this.at();
      if (c === 0x40 || c === 0x60) throw new YamlError('found character that cannot start any token', this.line);
      if (c === 0x22) this.doubleQuoted();
      else if (c === 0x27) this.singleQuoted();
      else if (c === 0x25 || c === 0x2e || c === 0x2d) throw new Unsupported();
      return { root: node, ignoredTail: true };
    }
    throw new Unsupported();
  }

  // --- positions ---

  /**
   * A node starting at `pos`. `parent` is the indentation of the enclosing block collection (-1 at the root);
   * `compact`: a mapping or sequence may start here (at a line start, or after "- "); `seqAtParent`: a value whose
   * block sequence may sit at the parent's own indentation (mapping values).
   */
  private value(parent: number, compact: boolean, seqAtParent: boolean): YamlNode {
    const line = this.line;
    const props = this.properties();
    const c = this.at();
    if (Number.isNaN(c) || c === LF || c === HASH) {
      this.nextLine();
      // go-yaml registers an anchor when its node starts: an alias inside the node is a recursion.
      if (props.anchor !== undefined) this.anchors.set(props.anchor, PENDING);
      const node = this.blockValue(parent, seqAtParent, line);
      if (props.anchor !== undefined && this.anchors.get(props.anchor) !== PENDING) props.anchor = undefined;
      return this.withProps(node, props);
    }
    const propsInline = props.anchor !== undefined || props.tag !== undefined;
    if (c === 0x7c /* | */ || c === 0x3e /* > */) return this.register(this.blockScalar(parent, props.tag), props);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      const node = this.flowCollection(props);
      this.skipSpaces();
      if (this.at() === 0x3a /* : */) throw new Unsupported();
      if (parent >= 0) this.endOfLine();
      return node;
    }
    if (c === 0x2a /* * */) {
      if (propsInline) throw new Unsupported();
      const node = this.alias();
      this.skipSpaces();
      if (this.at() === 0x3a) throw new Unsupported();
      this.endOfLine();
      return node;
    }
    if (c === 0x2d /* - */ && this.blankOrEnd(1)) {
      if (!compact || propsInline) throw new Unsupported();
      return this.blockSequence(this.col);
    }
    if ((c === 0x3f /* ? */ || c === 0x3a) && this.blankOrEnd(1)) throw new Unsupported();
    const col = this.col;
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const start = this.pos;
      const startLine = this.line;
      const startLs = this.ls;
      const text = c === 0x22 ? this.doubleQuoted() : this.singleQuoted();
      this.skipSpaces();
      if (this.at() === 0x3a && this.blankOrEnd(1)) {
        if (!compact || propsInline || this.line !== startLine) throw new Unsupported();
        this.pos = start;
        this.ls = startLs;
        this.line = startLine;
        return this.blockMapping(col);
      }
      if (parent >= 0) this.endOfLine();
      return this.register({ kind: 'scalar', value: text, plain: false, line, tag: props.tag }, props);
    }
    if (this.plainKeyAhead()) {
      if (!compact || propsInline) throw new Unsupported();
      return this.blockMapping(col);
    }
    return this.register(this.plainScalar(parent, props.tag, line), props);
  }

  /** The value on the lines after "key:" or "-" (an empty scalar when there is none). */
  private blockValue(parent: number, seqAtParent: boolean, line: number): YamlNode {
    this.skipBlankLines();
    const c = this.at();
    const col = this.col;
    if (Number.isNaN(c) || col < parent || (col === parent && !(seqAtParent && c === 0x2d && this.blankOrEnd(1)))) {
      this.pos = this.ls;
      return { kind: 'scalar', value: '', plain: true, line };
    }
    if (col === parent) return this.blockSequence(col);
    return this.value(parent, true, false);
  }

  private blockMapping(col: number): MapNode {
    this.enter();
    const node: MapNode = { kind: 'map', pairs: [], line: this.line };
    for (;;) {
      node.pairs.push(this.blockKey());
      this.skipSpaces();
      if (this.at() !== 0x3a) throw new Unsupported();
      this.pos++;
      this.skipSpaces();
      node.pairs.push(this.value(col, false, true));
      this.skipBlankLines();
      if (this.pos >= this.src.length) break;
      const c = this.col;
      if (c < col) {
        this.pos = this.ls;
        break;
      }
      if (c > col || (this.at() === 0x2d && this.blankOrEnd(1))) throw new Unsupported();
    }
    this.depth--;
    return node;
  }

  /** A simple key on one line: plain or quoted, at most 1024 characters (libyaml's simple key limit). */
  private blockKey(): ScalarNode {
    const line = this.line;
    const c = this.at();
    const start = this.pos;
    if (c === 0x22 || c === 0x27) {
      const value = c === 0x22 ? this.doubleQuoted() : this.singleQuoted();
      if (this.line !== line || this.pos - start > 1024) throw new Unsupported();
      return { kind: 'scalar', value, plain: false, line };
    }
    if (!this.plainStart(false)) throw new Unsupported();
    const end = this.plainKeyEnd();
    if (end < 0 || end - start > 1024) throw new Unsupported();
    this.pos = end;
    return { kind: 'scalar', value: this.src.slice(start, end).trimEnd(), plain: true, line };
  }

  /** Whether a plain key (`text:` followed by a blank) starts at `pos` on this line. */
  private plainKeyAhead(): boolean {
    return this.plainStart(false) && this.plainKeyEnd() >= 0;
  }

  /** Where the plain key starting at `pos` ends (before its ":"), or -1 when the line holds no such key. */
  private plainKeyEnd(): number {
    const s = this.src;
    for (let i = this.pos; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) return -1;
      if (c === HASH && (s.charCodeAt(i - 1) === SPACE || s.charCodeAt(i - 1) === TAB)) return -1;
      if (c === 0x3a) {
        const n = s.charCodeAt(i + 1);
        if (Number.isNaN(n) || n === SPACE || n === TAB || n === LF) return i;
      }
    }
    return -1;
  }

  private blockSequence(col: number): SeqNode {
    this.enter();
    const node: SeqNode = { kind: 'seq', items: [], line: this.line };
    for (;;) {
      const line = this.line;
      this.pos++; // "-"
      this.skipSpaces();
      const c = this.at();
      if (Number.isNaN(c) || c === LF || c === HASH) {
        this.nextLine();
        node.items.push(this.blockValue(col, false, line));
      } else {
        node.items.push(this.value(col, true, false));
      }
      this.skipBlankLines();
      if (this.pos >= this.src.length) break;
      const c2 = this.col;
      if (c2 < col || (c2 === col && !(this.at() === 0x2d && this.blankOrEnd(1)))) {
        this.pos = this.ls;
        break;
      }
      if (c2 > col) throw new Unsupported();
    }
    this.depth--;
    return node;
  }

  // --- scalars ---

  /** A plain scalar in block context, with its continuation lines (indented beyond `parent`). */
  private plainScalar(parent: number, tag: string | undefined, line: number): ScalarNode {
    if (!this.plainStart(false)) throw new Unsupported();
    let out = this.plainLine();
    for (;;) {
      // At the end of a line: look for a continuation.
      this.nextLine();
      let breaks = 0;
      for (;;) {
        this.skipSpaces();
        if (this.at() === LF) {
          breaks++;
          this.nextLine();
          continue;
        }
        break;
      }
      const c = this.at();
      if (Number.isNaN(c) || this.col <= parent || c === HASH) {
        this.pos = this.ls;
        break;
      }
      if (INDICATORS.has(this.src[this.pos]) || c === 0x2d || c === 0x3f || c === 0x3a) throw new Unsupported();
      out += breaks === 0 ? ' ' : '\n'.repeat(breaks);
      out += this.plainLine();
    }
    return { kind: 'scalar', value: out, plain: true, line, tag };
  }

  /** The rest of a plain scalar on the current line; Unsupported at ": " (a key where none may be). */
  private plainLine(): string {
    const s = this.src;
    const start = this.pos;
    let i = start;
    let end = start;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === LF) break;
      if (c === HASH && (s.charCodeAt(i - 1) === SPACE || s.charCodeAt(i - 1) === TAB)) break;
      if (c === 0x3a) {
        const n = s.charCodeAt(i + 1);
        if (Number.isNaN(n) || n === SPACE || n === TAB || n === LF) throw new Unsupported();
      }
      if (c !== SPACE && c !== TAB) end = i + 1;
    }
    this.pos = i;
    return s.slice(start, end);
  }
}
