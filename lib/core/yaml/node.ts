// The node tree both YAML readers produce (the fast one in parse.ts and the general one in compose.ts), before go-yaml's
// resolution rules turn it into values (resolve.ts).

export type YamlNode = ScalarNode | MapNode | SeqNode | AliasNode;

interface NodeBase {
  /** 0-based line of the node in its document. */
  readonly line: number;
  /** The explicit tag in long form (`tag:yaml.org,2002:str`, `!foo`), if any. */
  readonly tag?: string;
}

export interface ScalarNode extends NodeBase {
  readonly kind: 'scalar';
  readonly value: string;
  /** A plain (unquoted, non-block) scalar: only these are resolved to booleans, numbers and null without a tag. */
  readonly plain: boolean;
}

export interface MapNode extends NodeBase {
  readonly kind: 'map';
  /** Keys and values, alternating. */
  readonly pairs: YamlNode[];
}

export interface SeqNode extends NodeBase {
  readonly kind: 'seq';
  readonly items: YamlNode[];
}

export interface AliasNode extends NodeBase {
  readonly kind: 'alias';
  readonly name: string;
  readonly target: YamlNode;
}

/** YAML the reader cannot decode: kubectl would refuse it too. */
export class YamlError extends Error {
  constructor(
    message: string,
    /** 0-based line in the document. */
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** Thrown by the fast reader on anything it does not handle; the general reader takes the document over. */
export class Unsupported extends Error {}

export const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Nesting deeper than this is refused (go-yaml's own limits are 10,000 flow levels and 10,000 indents). */
export const MAX_DEPTH = 1000;
