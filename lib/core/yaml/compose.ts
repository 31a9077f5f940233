// The general YAML reader, for what the fast reader leaves (explicit keys, directives, odd layouts) and for the
// message of a document that is not valid YAML: the `yaml` package's parser and composer with every scalar kept as
// its source text (the failsafe schema), turned into the same node tree. Only the first document of the text counts,
// as go-yaml's `Unmarshal` decodes only the first.
import type { Document, Node as YNode } from 'yaml';
import { yaml } from '../lazy';
import { MAX_DEPTH, type YamlNode, YamlError } from './node';

export interface Composed {
  readonly root: YamlNode | undefined;
  /** More documents followed the first (after a `...` marker); kubectl ignores them. */
  readonly ignoredDocuments: number;
}

/** The first document of `src` as a node tree; a YamlError when it is not valid YAML. */
export function composeGeneral(src: string): Composed {
  const y = yaml();
  const lines = new y.LineCounter();
  const docs = y.parseAllDocuments(src, { schema: 'failsafe', uniqueKeys: false, merge: false, lineCounter: lines, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0] as Document.Parsed | undefined;
  if (!doc) return { root: undefined, ignoredDocuments: 0 };
  const error = doc.errors[0];
  if (error) throw new YamlError(error.message.split('\n')[0], error.linePos ? error.linePos[0].line - 1 : undefined);
  const lineOf = (n: YNode | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line - 1 : 0);
  const anchors = new Map<string, YamlNode>();
  let depth = 0;
  const convert = (n: unknown): YamlNode => {
    if (++depth > MAX_DEPTH) throw new YamlError(`nested deeper than ${MAX_DEPTH} levels`, lineOf(n as YNode));
    try {
      const node = n as YNode;
      const line = lineOf(node);
      if (n === null || n === undefined) return { kind: 'scalar', value: '', plain: true, line };
      const tag = explicitTag(node);
      let out: YamlNode;
      if (y.isAlias(n)) {
        const target = anchors.get(n.source);
        if (!target) throw new YamlError(`unknown anchor '${n.source}' referenced`, line);
        return { kind: 'alias', name: n.source, target, line };
      }
      if (y.isMap(n)) {
        const m: YamlNode = { kind: 'map', pairs: [], line, tag };
        if (n.anchor) anchors.set(n.anchor, m);
        for (const pair of n.items) m.pairs.push(convert(pair.key), convert(pair.value));
        out = m;
      } else if (y.isSeq(n)) {
        const s: YamlNode = { kind: 'seq', items: [], line, tag };
        if (n.anchor) anchors.set(n.anchor, s);
        for (const item of n.items) s.items.push(convert(item));
        out = s;
      } else if (y.isScalar(n)) {
        out = {
          kind: 'scalar',
          value: typeof n.source === 'string' ? n.source : String(n.value ?? ''),
          plain: n.type === 'PLAIN' || n.type === undefined,
          line,
          tag,
        };
        if (n.anchor) anchors.set(n.anchor, out);
      } else throw new YamlError('unexpected YAML node', line);
      return out;
    } finally {
      depth--;
    }
  };
  const root = doc.contents === null ? undefined : convert(doc.contents);
  return { root, ignoredDocuments: list.length - 1 };
}

/** A node's tag when the source wrote one (the composer sets `tag` only then). */
function explicitTag(n: YNode): string | undefined {
  return (n as { tag?: string }).tag;
}
