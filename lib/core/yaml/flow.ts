// Flow collections (`[...]`, `{...}`, on one line or several), node properties (anchors and tags) and aliases, as
// libyaml reads them: a "?" in a flow collection starts an explicit key, ":" and "?" cannot start a node there, an
// implicit key lives on one line, an empty entry before "," is an error (go-yaml v2.4 scannerc.go, parserc.go).
import { Cursor, HASH, LF, SPACE, TAB } from './cursor';
import { type AliasNode, MAX_DEPTH, type MapNode, type SeqNode, YAML_TAG_PREFIX, type YamlNode, YamlError, Unsupported } from './node';

/** The node of an anchor whose node is being read. */
export const PENDING: YamlNode = { kind: 'scalar', value: '', plain: true, line: -1 };

export interface Props {
  anchor?: string;
  tag?: string;
}

export class FlowReader extends Cursor {
  protected depth = 0;
  protected readonly anchors = new Map<string, YamlNode>();

  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw new YamlError(`nested deeper than ${MAX_DEPTH} levels`, this.line);
  }

  // --- nodes ---

  protected properties(): Props {
    const props: Props = {};
    for (;;) {
      const c = this.at();
      if (c === 0x26 /* & */) {
        if (props.anchor !== undefined) throw new Unsupported();
        props.anchor = this.word(1);
      } else if (c === 0x21 /* ! */) {
        if (props.tag !== undefined) throw new Unsupported();
        props.tag = tagName(this.word(0));
      } else return props;
      this.skipSpaces();
    }
  }

  /** A run of non-blank, non-flow-indicator characters (anchor names, tags, alias names). */
  protected word(skip: number): string {
    const start = this.pos + skip;
    let i = start;
    for (;;) {
      const c = this.src.charCodeAt(i);
      if (Number.isNaN(c) || c === SPACE || c === TAB || c === LF || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d)
        break;
      i++;
    }
    if (i === start) throw new Unsupported();
    this.pos = i;
    return this.src.slice(start, i);
  }

  protected withProps(node: YamlNode, props: Props): YamlNode {
    if (props.tag !== undefined) {
      if (node.kind === 'alias') throw new Unsupported();
      node = { ...node, tag: props.tag } as YamlNode;
    }
    return this.register(node, props);
  }

  protected register<T extends YamlNode>(node: T, props: Props): T {
    if (props.anchor !== undefined) this.anchors.set(props.anchor, node);
    return node;
  }

  protected alias(): AliasNode {
    const line = this.line;
    const name = this.word(1);
    const target = this.anchors.get(name);
    if (!target) throw new YamlError(`unknown anchor '${name}' referenced`, line);
    if (target === PENDING) throw new YamlError(`anchor '${name}' value contains itself`, line);
    return { kind: 'alias', name, target, line };
  }

  // --- block collections ---

  /** Spaces, line breaks and comments inside a flow collection. */
  protected flowSpace(): void {
    for (;;) {
      const c = this.at();
      if (c === SPACE || c === TAB) this.pos++;
      else if (c === LF) this.nextLine();
      else if (
        c === HASH &&
        (this.pos === this.ls || this.src.charCodeAt(this.pos - 1) === SPACE || this.src.charCodeAt(this.pos - 1) === TAB)
      ) {
        const nl = this.src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.src.length : nl;
      } else return;
    }
  }

  protected flowCollection(props: Props): MapNode | SeqNode {
    this.enter();
    const line = this.line;
    const seq = this.at() === 0x5b;
    this.pos++;
    const node: MapNode | SeqNode = seq
      ? { kind: 'seq', items: [], line, tag: props.tag }
      : { kind: 'map', pairs: [], line, tag: props.tag };
    this.register(node, props);
    const close = seq ? 0x5d : 0x7d;
    const empty = (): YamlNode => ({ kind: 'scalar', value: '', plain: true, line: this.line });
    const ends = () => this.at() === 0x2c || this.at() === close || this.at() === 0x3a;
    for (;;) {
      this.flowSpace();
      if (this.at() === close) break;
      if (this.at() === 0x2c) throw new YamlError('did not find expected node content', this.line);
      // "?" starts an explicit key in a flow collection, a blank after it or not (libyaml fetch_key).
      const explicit = this.at() === 0x3f;
      if (explicit) {
        this.pos++;
        this.flowSpace();
      }
      const keyLine = this.line;
      const item = explicit && ends() ? empty() : this.flowNode();
      this.flowSpace();
      let value: YamlNode | undefined;
      if (this.at() === 0x3a) {
        // An implicit key lives on one line (libyaml's simple keys).
        if (!explicit && this.line !== keyLine) throw new YamlError(`did not find expected ',' or '${seq ? ']' : '}'}'`, this.line);
        this.pos++;
        this.flowSpace();
        value = this.at() === 0x2c || this.at() === close ? empty() : this.flowNode();
        this.flowSpace();
      }
      if (seq) {
        // A pair in a flow sequence is a mapping of one pair.
        (node as SeqNode).items.push(
          value !== undefined || explicit ? { kind: 'map', pairs: [item, value ?? empty()], line: item.line } : item,
        );
      } else (node as MapNode).pairs.push(item, value ?? empty());
      const c = this.at();
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === close) break;
      if (Number.isNaN(c) || (c === 0x2e && this.col === 0) || (c === 0x2d && this.col === 0)) throw new Unsupported();
      throw new YamlError(`did not find expected ',' or '${seq ? ']' : '}'}'`, this.line);
    }
    this.pos++;
    this.depth--;
    return node;
  }

  protected flowNode(): YamlNode {
    const line = this.line;
    const props = this.properties();
    const c = this.at();
    if (c === 0x5b || c === 0x7b) return this.flowCollection(props);
    if (c === 0x2a) {
      if (props.anchor !== undefined || props.tag !== undefined) throw new Unsupported();
      return this.alias();
    }
    if (c === 0x22 || c === 0x27) {
      const value = c === 0x22 ? this.doubleQuoted() : this.singleQuoted();
      return this.register({ kind: 'scalar', value, plain: false, line, tag: props.tag }, props);
    }
    if (c === 0x2c || c === 0x5d || c === 0x7d)
      return this.register({ kind: 'scalar', value: '', plain: true, line, tag: props.tag }, props);
    if (c === 0x3a || c === 0x3f) throw new YamlError('did not find expected node content', line);
    if (!this.plainStart(true)) throw new YamlError('found character that cannot start any token', line);
    return this.register({ kind: 'scalar', value: this.flowPlain(), plain: true, line, tag: props.tag }, props);
  }

  /**
   * A plain scalar in a flow collection (libyaml `yaml_parser_scan_plain_scalar` with flow_level > 0): it ends at
   * ", [ ] { } ?", at ": " and at " #", and goes on across line breaks (one break folds to a space, more to newlines).
   */
  protected flowPlain(): string {
    const s = this.src;
    let out = '';
    for (;;) {
      const start = this.pos;
      let i = start;
      let end = start;
      for (; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        if (ch === LF || ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d || ch === 0x3f) break;
        if (ch === HASH && (s.charCodeAt(i - 1) === SPACE || s.charCodeAt(i - 1) === TAB)) break;
        if (ch === 0x3a) {
          const n = s.charCodeAt(i + 1);
          if (Number.isNaN(n) || n === SPACE || n === TAB || n === LF) break;
        }
        if (ch !== SPACE && ch !== TAB) end = i + 1;
      }
      out += s.slice(start, end);
      this.pos = end;
      if (s.charCodeAt(i) !== LF) return out;
      // Across the line break: blank lines are newlines; a flow indicator, ": " or a comment ends the scalar.
      let j = i;
      let breaks = 0;
      while (j < s.length && (s.charCodeAt(j) === LF || s.charCodeAt(j) === SPACE || s.charCodeAt(j) === TAB)) {
        if (s.charCodeAt(j) === LF) breaks++;
        j++;
      }
      const c = s.charCodeAt(j);
      const n = s.charCodeAt(j + 1);
      const stops = Number.isNaN(c) || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x3f || c === HASH;
      if (stops || (c === 0x3a && (Number.isNaN(n) || n === SPACE || n === TAB || n === LF))) return out;
      if ((s.startsWith('---', j) || s.startsWith('...', j)) && s.charCodeAt(j - 1) === LF) throw new Unsupported();
      for (let k = i; k < j; k++) {
        if (s.charCodeAt(k) === LF) {
          this.line++;
          this.ls = k + 1;
        }
      }
      this.pos = j;
      out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
    }
  }
}

/** A tag as written (`!!str`, `!foo`, `!<tag:x>`) in long form. */
function tagName(t: string): string {
  if (t.startsWith('!<') && t.endsWith('>')) return t.slice(2, -1);
  if (t.startsWith('!!')) return YAML_TAG_PREFIX + t.slice(2);
  if (t.slice(1).includes('!')) throw new Unsupported(); // named tag handles need %TAG
  return t;
}
