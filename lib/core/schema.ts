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
  public readonly type?: string;
  public readonly intOrString: boolean;
  public readonly nullable: boolean;
  public readonly pattern?: RegExp;
  public readonly enumValues?: ReadonlySet<unknown>;
  public readonly enumJson?: ReadonlySet<string>;
  public readonly defaults: readonly (readonly [string, unknown])[];
  public readonly rules: readonly Rule[];
  public readonly openKeys: boolean;
  /** Results for frozen values (they cannot change), with paths relative to this node. */
  public readonly frozen = new WeakMap<object, readonly SchemaError[]>();
  private readonly children = new Map<string, Node | undefined>();
  private itemsNode?: Node;
  private additionalNode?: Node;
  private branches?: { anyOf: readonly Node[]; allOf: readonly Node[] };

  constructor(public readonly s: Schema) {
    this.type = s.type;
    this.intOrString = s['x-kubernetes-int-or-string'] === true;
    this.nullable = s.nullable === true;
    if (s.pattern !== undefined) {
      let r = patterns.get(s.pattern);
      if (!r) {
        r = new RegExp(s.pattern, 'u');
        patterns.set(s.pattern, r);
      }
      this.pattern = r;
    }
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

function check(value: unknown, node: Node, path: string, options: ValidateOptions, errs: SchemaError[]): void {
  const s = node.s;
  const err = (message: string, p = path) => errs.push({ path: p || '<root>', message });
  if (value === null) {
    if (!node.nullable) err('must not be null');
    return;
  }
  if (node.intOrString) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))))
      err(`must be an integer or a string, got ${JSON.stringify(value)}`);
  } else if (!typeOk(node.type, value)) {
    err(`must be of type ${node.type}, got ${Array.isArray(value) ? 'array' : typeof value}`);
    return;
  }
  if (s.anyOf !== undefined || s.allOf !== undefined) {
    const { anyOf, allOf } = node.combinators();
    if (anyOf.length > 0 && !anyOf.some((b) => validateValue(value, b, path, options).length === 0)) err('matches none of anyOf');
    for (const b of allOf) walk(value, b, path, options, errs);
  }
  if (node.enumValues ? !node.enumValues.has(value) : node.enumJson ? !node.enumJson.has(JSON.stringify(value)) : false) {
    err(`must be one of ${(s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  let self = value;
  if (typeof value === 'string') {
    if (node.pattern && !node.pattern.test(value)) err(`must match ${s.pattern}, got ${JSON.stringify(value)}`);
    if (s.minLength !== undefined || s.maxLength !== undefined) {
      // Characters (code points), not UTF-16 units, as the API server counts them: only surrogate pairs differ.
      const len = /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
      if (s.minLength !== undefined && len < s.minLength) err(`must be at least ${s.minLength} characters`);
      if (s.maxLength !== undefined && len > s.maxLength) err(`must be at most ${s.maxLength} characters, got ${len}`);
    }
  } else if (typeof value === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum))
      err(`must be ${s.exclusiveMinimum ? '>' : '>='} ${s.minimum}`);
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum))
      err(`must be ${s.exclusiveMaximum ? '<' : '<='} ${s.maximum}`);
  } else if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) err(`must have at least ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) err(`must have at most ${s.maxItems} items`);
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'set' || lt === 'map') {
      const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        const x = value[i];
        const k = lt === 'set' ? JSON.stringify(x) : JSON.stringify(mapKeys.map((m) => (x as Record<string, unknown>)?.[m]));
        if (seen.has(k)) err(`duplicate ${lt === 'set' ? 'value' : 'key'} ${k}`, `${path}[${i}]`);
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
        obj[k] = structuredClone(d);
      }
    }
    self = obj;
    if (s.required) for (const r of s.required) if (obj[r] === undefined) err(`required field "${r}" is missing`, `${path}.${r}`);
    if (s.minProperties !== undefined || s.maxProperties !== undefined) {
      const n = Object.keys(obj).length;
      if (s.minProperties !== undefined && n < s.minProperties) err(`must have at least ${s.minProperties} properties`);
      if (s.maxProperties !== undefined && n > s.maxProperties) err(`must have at most ${s.maxProperties} properties`);
    }
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const child = node.child(k);
      if (child) walk(obj[k], child, `${path}.${k}`, options, errs);
      else if (!node.openKeys) err(`unknown field "${k}"`, `${path}.${k}`);
    }
  }
  if (options.cel === false) return;
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
