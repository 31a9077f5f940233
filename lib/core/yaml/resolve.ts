// From the node tree to the JSON kubectl sends: go-yaml v2's resolution of scalars (YAML 1.1: yes/no/on/off/y/n are
// booleans, 0755 is octal, 1_000 is 1000; timestamps stay strings), its decoding into interface{} (merge keys, the
// last of two equal keys wins, excessive aliasing refused), then sigs.k8s.io/yaml's conversion to JSON (non-string
// keys become strings, NaN and infinities are refused). go.yaml.in/yaml/v2 v2.4.2 resolve.go and decode.go;
// sigs.k8s.io/yaml v1.6.0 yaml.go, convertToJSONableObject.
import { type MapNode, type ScalarNode, YAML_TAG_PREFIX, type YamlNode, YamlError } from './node';

/** A doubtful construct kubectl accepts (its meaning is kept, and reported). */
export interface DecodeWarning {
  readonly code: string;
  readonly message: string;
  readonly line: number;
}

const T = (name: string) => YAML_TAG_PREFIX + name;
const STR = T('str');
const BOOL = T('bool');
const INT = T('int');
const FLOAT = T('float');
const NULL = T('null');
const TIMESTAMP = T('timestamp');
const BINARY = T('binary');
const MERGE = T('merge');
const RESOLVABLE = new Set(['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);
/** Tags go-yaml gives a meaning; any other tag is dropped on decoding (and warned about here). */
const KNOWN_SCALAR_TAGS = new Set([STR, BOOL, INT, FLOAT, NULL, TIMESTAMP, BINARY, MERGE, '!']);

const MAP_VALUES: ReadonlyMap<string, [string, unknown]> = new Map<string, [string, unknown]>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, [BOOL, true]] as [string, [string, unknown]]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (s) => [s, [BOOL, false]] as [string, [string, unknown]],
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, [NULL, null]] as [string, [string, unknown]]),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, [FLOAT, Number.NaN]] as [string, [string, unknown]]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, [FLOAT, Number.POSITIVE_INFINITY]] as [string, [string, unknown]]),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, [FLOAT, Number.NEGATIVE_INFINITY]] as [string, [string, unknown]]),
  ['<<', [MERGE, '<<']],
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** A resolved scalar: its tag and value (integers beyond 64 bits signed are flagged `uint`). */
interface Resolved {
  readonly tag: string;
  readonly value: unknown;
  readonly uint?: boolean;
}

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` after go-yaml removed the underscores. */
function goParseInt(s: string): { value: bigint; uint: boolean } | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2];
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const v = BigInt(body);
  const signed = m[1] === '-' ? -v : v;
  if (signed <= INT64_MAX && signed >= -INT64_MAX - 1n) return { value: signed, uint: false };
  if (m[1] === '' && v <= UINT64_MAX) return { value: v, uint: true };
  return undefined;
}

/** `resolve` of go-yaml v2 resolve.go. */
export function resolveScalar(tag: string, text: string, line: number): Resolved {
  if (!RESOLVABLE.has(tag)) return { tag, value: text };
  let r: Resolved | undefined;
  const c = text[0];
  const hint =
    text === '' ? 'N' : c >= '0' && c <= '9' ? 'D' : c === '+' || c === '-' ? 'S' : c === '.' ? '.' : 'yYnNtTfFoO~'.includes(c) ? 'M' : '';
  if (hint !== '' && tag !== STR) {
    const known = MAP_VALUES.get(text);
    if (known) r = { tag: known[0], value: known[1] };
    else if (hint === '.') {
      if (/^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+)?$/.test(text)) r = finite(Number(text.replaceAll('_', '')));
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === TIMESTAMP) && isTimestamp(text)) r = { tag: TIMESTAMP, value: text };
      const plain = text.replaceAll('_', '');
      const i = r ? undefined : goParseInt(plain);
      if (i) r = { tag: INT, value: Number(i.value), uint: i.uint };
      else if (!r && YAML_STYLE_FLOAT.test(plain)) r = finite(Number(plain));
      if (!r && /^-?0b[01]+$/.test(plain)) {
        const b = BigInt(plain.replace(/^-?0b/, '0b')) * (plain.startsWith('-') ? -1n : 1n);
        if (b <= UINT64_MAX && b >= -INT64_MAX - 1n) r = { tag: INT, value: Number(b), uint: b > INT64_MAX };
      }
    }
  }
  r ??= { tag: STR, value: text };
  if (tag === '' || tag === r.tag || tag === STR) return r;
  if (tag === FLOAT && r.tag === INT) return { tag: FLOAT, value: Number(r.value) };
  throw new YamlError(`cannot decode ${shortTag(r.tag)} \`${text}\` as a ${shortTag(tag)}`, line);
}

/** Go's ParseFloat refuses values beyond float64 (then go-yaml keeps the text). */
function finite(v: number): Resolved | undefined {
  return Number.isFinite(v) ? { tag: FLOAT, value: v } : undefined;
}

function shortTag(tag: string): string {
  return tag.startsWith(YAML_TAG_PREFIX) ? `!!${tag.slice(YAML_TAG_PREFIX.length)}` : tag;
}

/** go-yaml's `parseTimestamp`: the YYYY-M-D forms time.Parse accepts, with an optional time and zone. */
function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false;
  if (m[4] === undefined) return true;
  if (m[4] === ' ' ? m[9] !== undefined : m[9] === undefined) return false;
  return Number(m[5]) < 24 && Number(m[6]) < 60 && Number(m[7]) < 60;
}

/** Go's `strconv.FormatFloat(v, 'g', -1, 32)` (how sigs.k8s.io/yaml turns a float key into a string). */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Number.POSITIVE_INFINITY) return '.inf';
  if (v === Number.NEGATIVE_INFINITY) return '-.inf';
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  const [mantissa, e] = f.toExponential(p - 1).split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa.replace(/\.?0+$/, '')}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(Number(f.toPrecision(p)));
}

/** The limits of go-yaml's alias expansion (decode.go, `allowedAliasRatio`). */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - (0.89 * (decodeCount - 400_000)) / 3_600_000;
}

/**
 * Decodes one document's node tree the way kubectl does; warnings are pushed to `warnings`. `stats.aliases` counts
 * the nodes decoded through aliases.
 */
export function toJsonValue(root: YamlNode, warnings: DecodeWarning[], stats?: { aliases: number }): unknown {
  const d = new Decoder(warnings);
  const value = d.decode(root);
  if (stats) stats.aliases = d.aliasDecodes;
  return value;
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly active = new Set<YamlNode>();
  /** Values of alias targets, decoded once and shared by every alias (nothing downstream mutates them). */
  private readonly shared = new Map<YamlNode, unknown>();
  private readonly sizes = new Map<YamlNode, number>();

  get aliasDecodes(): number {
    return this.aliasCount;
  }

  constructor(private readonly warnings: DecodeWarning[]) {}

  private count(n: number, line: number): void {
    this.decodeCount += n;
    if (this.aliasDepth > 0) this.aliasCount += n;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlError('document contains excessive aliasing', line);
    }
  }

  decode(node: YamlNode): unknown {
    this.count(1, node.line);
    switch (node.kind) {
      case 'alias': {
        if (this.active.has(node)) throw new YamlError(`anchor '${node.name}' value contains itself`, node.line);
        this.active.add(node);
        this.aliasDepth++;
        let v: unknown;
        if (this.shared.has(node.target)) {
          v = this.shared.get(node.target);
          this.count(this.size(node.target), node.line);
        } else {
          v = this.decode(node.target);
          this.shared.set(node.target, v);
        }
        this.aliasDepth--;
        this.active.delete(node);
        return v;
      }
      case 'scalar':
        return this.scalar(node);
      case 'seq':
        this.tagWarning(node.tag, SEQ_TAG, node.line);
        return node.items.map((item) => this.decode(item));
      default:
        this.tagWarning(node.tag, MAP_TAG, node.line);
        return this.mapping(node);
    }
  }

  /** How many decode steps a node takes (go-yaml counts every node, and every node of every alias expansion). */
  private size(node: YamlNode): number {
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    this.sizes.set(node, Number.POSITIVE_INFINITY);
    let n = 1;
    if (node.kind === 'alias') n += this.size(node.target);
    else if (node.kind === 'seq') for (const i of node.items) n += this.size(i);
    else if (node.kind === 'map') for (const p of node.pairs) n += this.size(p);
    if (!Number.isFinite(n)) throw new YamlError('an anchor value contains itself', node.line);
    this.sizes.set(node, n);
    return n;
  }

  private tagWarning(tag: string | undefined, expected: string, line: number): void {
    if (tag !== undefined && tag !== expected && tag !== '!') {
      this.warnings.push({
        code: 'yaml-tag-ignored',
        message: `the tag ${shortTag(tag)} is ignored by kubectl (go-yaml reads the node as if it had none)`,
        line,
      });
    }
  }

  private scalar(node: ScalarNode): unknown {
    let tag: string;
    let value: unknown;
    if (node.tag === undefined && !node.plain) {
      tag = STR;
      value = node.value;
    } else {
      const r = resolveScalar(node.tag ?? '', node.value, node.line);
      tag = r.tag;
      value = r.value;
      if (node.tag !== undefined && !KNOWN_SCALAR_TAGS.has(node.tag)) {
        this.warnings.push({
          code: 'yaml-tag-ignored',
          message: `the tag ${shortTag(node.tag)} is ignored by kubectl, which reads the value as the string ${JSON.stringify(node.value)}`,
          line: node.line,
        });
      }
      if (tag === BINARY) {
        const text = node.value.replace(/[\r\n]/g, '');
        const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : undefined;
        if (!bytes || bytes.toString('base64') !== text) throw new YamlError('!!binary value contains invalid base64 data', node.line);
        value = bytes.toString('utf8');
      } else if (tag === TIMESTAMP) {
        value = node.value;
      } else if (tag === FLOAT && typeof value === 'number' && !Number.isFinite(value)) {
        throw new YamlError(`${node.value} is not a number JSON can carry (json: unsupported value)`, node.line);
      } else if (tag === INT && typeof value === 'number' && !Number.isSafeInteger(value)) {
        this.warnings.push({
          code: 'yaml-integer-imprecise',
          message: `the integer ${node.value} is beyond 2^53; this tool reads it as ${value}`,
          line: node.line,
        });
      }
    }
    return value;
  }

  /**
   * go-yaml `mapping` into `map[interface{}]interface{}` (later entries win, a merge applies where it stands), then
   * the key conversion of sigs.k8s.io/yaml. Built with Object.fromEntries: linear, and "__proto__" is a plain key.
   */
  private mapping(node: MapNode): Record<string, unknown> {
    const pairs = node.pairs;
    const entries: [string, unknown][] = [];
    let merges = false;
    for (let i = 0; i < pairs.length; i += 2) {
      const k = pairs[i];
      if (k.kind === 'scalar' && k.value === '<<' && ((k.plain && k.tag === undefined) || k.tag === MERGE)) {
        merges = true;
        for (const [mk, mv] of this.merge(pairs[i + 1])) entries.push([mk, mv]);
        continue;
      }
      const key = this.key(k);
      entries.push([key, this.decode(pairs[i + 1])]);
    }
    const out = Object.fromEntries(entries);
    if (merges || Object.keys(out).length < entries.length) this.duplicates(pairs);
    return out;
  }

  /** Warns about keys written twice in one mapping (keys a merge brought in may be overridden freely). */
  private duplicates(pairs: readonly YamlNode[]): void {
    const seen = new Set<string>();
    for (let i = 0; i < pairs.length; i += 2) {
      const k = pairs[i];
      if (k.kind === 'scalar' && k.value === '<<' && ((k.plain && k.tag === undefined) || k.tag === MERGE)) continue;
      const key = this.keyText(k);
      if (seen.has(key))
        this.warnings.push({
          code: 'yaml-duplicate-key',
          message: `the key ${JSON.stringify(key)} appears twice in one mapping; kubectl keeps the last value and drops the first without a word`,
          line: k.line,
        });
      seen.add(key);
    }
  }

  /** A merge key's value: a mapping, an alias of one, or a sequence of those (later ones applied first). */
  private merge(value: YamlNode): [string, unknown][] {
    const out: [string, unknown][] = [];
    const one = (n: YamlNode) => {
      const target = n.kind === 'alias' ? n.target : n;
      if (target.kind !== 'map') throw new YamlError('map merge requires map or sequence of maps as the value', n.line);
      const merged = this.decode(n) as Record<string, unknown>;
      for (const k of Object.keys(merged)) out.push([k, merged[k]]);
    };
    if (value.kind === 'seq') for (let i = value.items.length - 1; i >= 0; i--) one(value.items[i]);
    else one(value);
    return out;
  }

  private key(k: YamlNode): string {
    this.count(1, k.line);
    return this.keyText(k);
  }

  private keyText(k: YamlNode): string {
    const target = k.kind === 'alias' ? k.target : k;
    if (target.kind !== 'scalar') throw new YamlError('invalid map key: a mapping or sequence cannot be a key', k.line);
    const node = target;
    if (node.tag === undefined && !node.plain) return node.value;
    const r = resolveScalar(node.tag ?? '', node.value, node.line);
    if (r.tag === NULL) throw new YamlError('unsupported map key of type <nil> (a null key)', k.line);
    if (r.uint) throw new YamlError(`unsupported map key of type uint64 (${node.value})`, k.line);
    if (r.tag === BOOL) return r.value ? 'true' : 'false';
    if (r.tag === INT) return String(r.value);
    if (r.tag === FLOAT) return formatFloat32(r.value as number);
    if (r.tag === BINARY) return Buffer.from(node.value, 'base64').toString('utf8');
    return node.value;
  }
}

const MAP_TAG = T('map');
const SEQ_TAG = T('seq');
