// An openAPIV3Schema (a CRD version's) compiled for validation, the way the API server checks an object for
// `kubectl apply --server-side` with strict field validation: defaults are applied, unknown fields are errors,
// types/patterns/limits/enums are checked, list-map keys must be unique, and the `x-kubernetes-validations` CEL rules
// are evaluated (transition rules, which use oldSelf, only run on update and are skipped). Each schema node is
// compiled once per process, when an object first reaches it: the work is proportional to what objects set, not to
// the schema's size. A frozen value (the spec clusters share) is validated once per node it meets.
import { type CelProgram, CelError, celProgram } from './cel';

/** An OpenAPI v3 schema as CRDs write it. */
export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  default?: unknown;
  anyOf?: Schema[];
  allOf?: Schema[];
  oneOf?: Schema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string }[];
};

/** One way an object breaks its CRD: where (`.spec.instances`), what, and the CEL rule when one failed. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
  /** The CEL expression of an `x-kubernetes-validations` rule that failed. */
  readonly rule?: string;
}

/** Options of the validation. */
export interface ValidateOptions {
  /**
   * Evaluate the `x-kubernetes-validations` CEL rules (schema-only tools such as kubeconform do not).
   * @default true
   */
  readonly cel?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOk(type: string | undefined, v: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

/** JSON → @bufbuild/cel values: objects become Maps, schema integers become bigints. */
function toCel(v: unknown, s: Schema | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => toCel(x, s?.items));
  if (isObject(v)) {
    return new Map(
      Object.entries(v).map(([k, x]) => {
        const child = s?.properties?.[k] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
        return [k, toCel(x, child)];
      }),
    );
  }
  if (typeof v === 'number' && (s?.type === 'integer' || (s === undefined && Number.isInteger(v)))) return BigInt(v);
  return v;
}

const patterns = new Map<string, RegExp>();
const NO_ERRORS: readonly SchemaError[] = Object.freeze([]);

interface Rule {
  readonly rule: string;
  readonly message: string;
  readonly program: CelProgram;
}

/** A schema node, compiled on first use; its children are compiled when a value first reaches them. */
class Node {
  // Everything `check` reads, as fields of one shape (the schema objects are large dictionaries).
  public readonly type: string | undefined;
  public readonly intOrString: boolean;
  public readonly nullable: boolean;
  public readonly pattern: RegExp | undefined;
  public readonly enumValues: ReadonlySet<unknown> | undefined;
  public readonly enumJson: ReadonlySet<string> | undefined;
  public readonly defaults: readonly (readonly [string, unknown])[];
  public readonly required: readonly string[] | undefined;
  public readonly lengths: boolean;
  public readonly bounds: boolean;
  public readonly counts: boolean;
  public readonly listType: 'set' | 'map' | undefined;
  public readonly combined: boolean;
  public readonly rules: readonly Rule[];
  public readonly openKeys: boolean;
  /** Results for frozen values (they cannot change), with paths relative to this node. */
  public readonly frozen = new WeakMap<object, readonly SchemaError[]>();
  private readonly children = new Map<string, Node | undefined>();
  private itemsNode: Node | undefined = undefined;
  private additionalNode: Node | undefined = undefined;
  private branches: { anyOf: readonly Node[]; allOf: readonly Node[] } | undefined = undefined;

  constructor(public readonly s: Schema) {
    this.type = s.type;
    this.intOrString = s['x-kubernetes-int-or-string'] === true;
    this.nullable = s.nullable === true;
    this.pattern = undefined;
    if (s.pattern !== undefined) {
      let r = patterns.get(s.pattern);
      if (!r) {
        r = new RegExp(s.pattern, 'u');
        patterns.set(s.pattern, r);
      }
      this.pattern = r;
    }
    this.enumValues = undefined;
    this.enumJson = undefined;
    if (s.enum) {
      if (s.enum.every((e) => e === null || typeof e !== 'object')) this.enumValues = new Set(s.enum);
      else this.enumJson = new Set(s.enum.map((e) => JSON.stringify(e)));
    }
    const defaults: [string, unknown][] = [];
    for (const k in s.properties ?? {}) {
      const d = (s.properties as Record<string, Schema>)[k].default;
      if (d !== undefined) defaults.push([k, d]);
    }
    this.defaults = defaults;
    this.required = s.required && s.required.length > 0 ? s.required : undefined;
    this.lengths = s.minLength !== undefined || s.maxLength !== undefined;
    this.bounds = s.minimum !== undefined || s.maximum !== undefined;
    this.counts = s.minItems !== undefined || s.maxItems !== undefined || s.minProperties !== undefined || s.maxProperties !== undefined;
    const lt = s['x-kubernetes-list-type'];
    this.listType = lt === 'set' || lt === 'map' ? lt : undefined;
    this.combined = (s.anyOf !== undefined && !this.intOrString) || s.allOf !== undefined;
    this.rules = (s['x-kubernetes-validations'] ?? [])
      .filter((r) => !/\boldSelf\b/.test(r.rule))
      .map((r) => ({ rule: r.rule, message: r.message ?? 'failed rule', program: celProgram(r.rule, (self) => toCel(self, s)) }));
    this.openKeys =
      s.additionalProperties === true || s['x-kubernetes-preserve-unknown-fields'] === true || s['x-kubernetes-embedded-resource'] === true;
  }

  /** The node of property `k`, or of additionalProperties; undefined for an unknown field. */
  public child(k: string): Node | undefined {
    let n = this.children.get(k);
    if (n === undefined && !this.children.has(k)) {
      const props = this.s.properties;
      if (props && Object.hasOwn(props, k)) n = compile(props[k]);
      else if (typeof this.s.additionalProperties === 'object') n = this.additionalNode ??= compile(this.s.additionalProperties);
      this.children.set(k, n);
    }
    return n;
  }

  public items(): Node | undefined {
    if (this.s.items === undefined) return undefined;
    this.itemsNode ??= compile(this.s.items);
    return this.itemsNode;
  }

  public combinators(): { anyOf: readonly Node[]; allOf: readonly Node[] } {
    this.branches ??= {
      anyOf: this.intOrString ? [] : (this.s.anyOf ?? []).map(compile),
      allOf: (this.s.allOf ?? []).map(compile),
    };
    return this.branches;
  }
}

const nodes = new WeakMap<Schema, Node>();

/** The compiled form of a schema (once per schema object). */
export function compile(s: Schema): Node {
  let n = nodes.get(s);
  if (!n) {
    n = new Node(s);
    nodes.set(s, n);
  }
  return n;
}

/** The errors of `value` against a compiled schema, paths starting with `path` (`''`: the object itself). */
export function validateValue(value: unknown, node: Node, path: string, options: ValidateOptions = {}): readonly SchemaError[] {
  const errs: SchemaError[] = [];
  walk(value, node, path, options, errs);
  return errs.length === 0 ? NO_ERRORS : errs;
}

function walk(value: unknown, node: Node, path: string, options: ValidateOptions, errs: SchemaError[]): void {
  if (value !== null && typeof value === 'object' && Object.isFrozen(value) && options.cel !== false) {
    let found = node.frozen.get(value);
    if (found === undefined) {
      const own: SchemaError[] = [];
      check(value, node, '', options, own);
      found = own.length === 0 ? NO_ERRORS : Object.freeze(own);
      node.frozen.set(value, found);
    }
    for (const e of found) errs.push({ ...e, path: e.path === '<root>' ? path || '<root>' : `${path}${e.path}` });
    return;
  }
  check(value, node, path, options, errs);
}

function fail(errs: SchemaError[], path: string, message: string): void {
  errs.push({ path: path || '<root>', message });
}

function check(value: unknown, node: Node, path: string, options: ValidateOptions, errs: SchemaError[]): void {
  if (value === null) {
    if (!node.nullable) fail(errs, path, 'must not be null');
    return;
  }
  if (node.intOrString) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))))
      fail(errs, path, `must be an integer or a string, got ${JSON.stringify(value)}`);
  } else if (!typeOk(node.type, value)) {
    fail(errs, path, `must be of type ${node.type}, got ${Array.isArray(value) ? 'array' : typeof value}`);
    return;
  }
  if (node.combined) {
    const { anyOf, allOf } = node.combinators();
    if (anyOf.length > 0 && !anyOf.some((b) => validateValue(value, b, path, options).length === 0))
      fail(errs, path, 'matches none of anyOf');
    for (const b of allOf) walk(value, b, path, options, errs);
  }
  if (node.enumValues ? !node.enumValues.has(value) : node.enumJson ? !node.enumJson.has(JSON.stringify(value)) : false) {
    fail(errs, path, `must be one of ${(node.s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  let self = value;
  if (typeof value === 'string') {
    if (node.pattern && !node.pattern.test(value)) fail(errs, path, `must match ${node.s.pattern}, got ${JSON.stringify(value)}`);
    if (node.lengths) {
      const { minLength, maxLength } = node.s;
      // Characters (code points), not UTF-16 units, as the API server counts them: only surrogate pairs differ.
      const len = /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
      if (minLength !== undefined && len < minLength) fail(errs, path, `must be at least ${minLength} characters`);
      if (maxLength !== undefined && len > maxLength) fail(errs, path, `must be at most ${maxLength} characters, got ${len}`);
    }
  } else if (typeof value === 'number') {
    if (node.bounds) {
      const s = node.s;
      if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum))
        fail(errs, path, `must be ${s.exclusiveMinimum ? '>' : '>='} ${s.minimum}`);
      if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum))
        fail(errs, path, `must be ${s.exclusiveMaximum ? '<' : '<='} ${s.maximum}`);
    }
  } else if (Array.isArray(value)) {
    if (node.counts) {
      const { minItems, maxItems } = node.s;
      if (minItems !== undefined && value.length < minItems) fail(errs, path, `must have at least ${minItems} items`);
      if (maxItems !== undefined && value.length > maxItems) fail(errs, path, `must have at most ${maxItems} items`);
    }
    if (node.listType !== undefined) {
      const mapKeys = node.s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        const x = value[i];
        const k = node.listType === 'set' ? JSON.stringify(x) : JSON.stringify(mapKeys.map((m) => (x as Record<string, unknown>)?.[m]));
        if (seen.has(k)) fail(errs, `${path}[${i}]`, `duplicate ${node.listType === 'set' ? 'value' : 'key'} ${k}`);
        seen.add(k);
      }
    }
    const items = node.items();
    if (items) for (let i = 0; i < value.length; i++) walk(value[i], items, `${path}[${i}]`, options, errs);
  } else if (isObject(value)) {
    let obj = value;
    for (const [k, d] of node.defaults) {
      if (obj[k] === undefined) {
        if (obj === value) obj = { ...value };
        obj[k] = d !== null && typeof d === 'object' ? structuredClone(d) : d;
      }
    }
    self = obj;
    if (node.required)
      for (const r of node.required) if (obj[r] === undefined) fail(errs, `${path}.${r}`, `required field "${r}" is missing`);
    if (node.counts) {
      const { minProperties, maxProperties } = node.s;
      const n = Object.keys(obj).length;
      if (minProperties !== undefined && n < minProperties) fail(errs, path, `must have at least ${minProperties} properties`);
      if (maxProperties !== undefined && n > maxProperties) fail(errs, path, `must have at most ${maxProperties} properties`);
    }
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const child = node.child(k);
      if (child) walk(obj[k], child, `${path}.${k}`, options, errs);
      else if (!node.openKeys) fail(errs, `${path}.${k}`, `unknown field "${k}"`);
    }
  }
  if (options.cel === false || node.rules.length === 0) return;
  for (const r of node.rules) {
    const ok = r.program(self);
    if (ok === true) continue;
    // The API server rejects an object whose rule cannot be evaluated (e.g. "no such key"), with the rule's message.
    errs.push({
      path: path || '<root>',
      message: ok instanceof CelError ? `${r.message} (the rule could not be evaluated: ${ok.message})` : r.message,
      rule: r.rule,
    });
  }
}
