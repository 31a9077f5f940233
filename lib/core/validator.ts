// Validates CNPG objects against the openAPIV3Schema of their CRD, offline, the way the API server does
// for `kubectl apply --server-side` with strict field validation: defaults are applied, unknown fields are
// errors, types/patterns/limits/enums are checked, list-map keys must be unique, and the
// `x-kubernetes-validations` CEL rules are evaluated (transition rules, which use oldSelf, only run on
// update and are skipped). The CRDs come from the operator's release manifest (OperatorManifest), so the
// rules are those of the operator version the objects target. Used by synthesize(), the Pulumi components,
// the `cnpg-constructs validate` command, the cdk8s validation plugin and this repository's tests.
import type { Problem } from './errors';
import type { KubeObject, OperatorManifest } from './operator-manifest';

type Schema = {
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

type CelModule = typeof import('@bufbuild/cel');
let cel: CelModule | undefined;
/** Loaded on first use: a program that never validates does not pay for the CEL runtime. */
function celModule(): CelModule {
  cel ??= require('@bufbuild/cel') as CelModule;
  return cel;
}
const programs = new Map<string, (ctx: Record<string, unknown>) => unknown>();
/** A CEL rule parsed and planned once per process (a CRD has a few dozen; objects may be thousands). */
function program(rule: string): (ctx: Record<string, unknown>) => unknown {
  let p = programs.get(rule);
  if (!p) {
    const c = celModule();
    p = c.plan(c.celEnv(), c.parse(rule)) as unknown as (ctx: Record<string, unknown>) => unknown;
    programs.set(rule, p);
  }
  return p;
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

/** JSON → CEL values: objects become Maps, schema integers become bigints. */
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

function applyDefaults(v: Record<string, unknown>, s: Schema): Record<string, unknown> {
  let out = v;
  for (const k in s.properties ?? {}) {
    const d = (s.properties as Record<string, Schema>)[k].default;
    if (v[k] === undefined && d !== undefined) {
      if (out === v) out = { ...v };
      out[k] = structuredClone(d);
    }
  }
  return out;
}

const patterns = new Map<string, RegExp>();
/** A CRD's pattern compiled once per process. */
function pattern(p: string): RegExp {
  let r = patterns.get(p);
  if (!r) {
    r = new RegExp(p, 'u');
    patterns.set(p, r);
  }
  return r;
}

/** Options of the validation. */
export interface ValidateOptions {
  /**
   * Evaluate the `x-kubernetes-validations` CEL rules (schema-only tools such as kubeconform do not).
   * @default true
   */
  readonly cel?: boolean;
}

export function validateAgainstSchema(value: unknown, schema: Schema, path = '', options: ValidateOptions = {}): SchemaError[] {
  const errs: SchemaError[] = [];
  const err = (message: string, p = path) => errs.push({ path: p || '<root>', message });
  if (value === null) {
    if (!schema.nullable) err('must not be null');
    return errs;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))))
      err(`must be an integer or a string, got ${JSON.stringify(value)}`);
  } else if (!typeOk(schema.type, value)) {
    err(`must be of type ${schema.type}, got ${Array.isArray(value) ? 'array' : typeof value}`);
    return errs;
  }
  if (schema.anyOf && !schema['x-kubernetes-int-or-string']) {
    if (!schema.anyOf.some((b) => validateAgainstSchema(value, b, path, options).length === 0)) err('matches none of anyOf');
  }
  for (const b of schema.allOf ?? []) errs.push(...validateAgainstSchema(value, b, path, options));
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    err(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  let self = value;
  if (typeof value === 'string') {
    if (schema.pattern && !pattern(schema.pattern).test(value)) err(`must match ${schema.pattern}, got ${JSON.stringify(value)}`);
    // Characters (code points), not UTF-16 units, as the API server counts them: only surrogate pairs differ.
    const len = /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
    if (schema.minLength !== undefined && len < schema.minLength) err(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && len > schema.maxLength) err(`must be at most ${schema.maxLength} characters, got ${len}`);
  } else if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum))
      err(`must be ${schema.exclusiveMinimum ? '>' : '>='} ${schema.minimum}`);
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum))
      err(`must be ${schema.exclusiveMaximum ? '<' : '<='} ${schema.maximum}`);
  } else if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) err(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) err(`must have at most ${schema.maxItems} items`);
    const lt = schema['x-kubernetes-list-type'];
    if (lt === 'set' || lt === 'map') {
      const keyOf = (x: unknown) =>
        lt === 'set'
          ? JSON.stringify(x)
          : JSON.stringify((schema['x-kubernetes-list-map-keys'] ?? []).map((k) => (x as Record<string, unknown>)[k]));
      const seen = new Set<string>();
      value.forEach((x, i) => {
        const k = keyOf(x);
        if (seen.has(k)) err(`duplicate ${lt === 'set' ? 'value' : 'key'} ${k}`, `${path}[${i}]`);
        seen.add(k);
      });
    }
    if (schema.items)
      value.forEach((x, i) => {
        errs.push(...validateAgainstSchema(x, schema.items as Schema, `${path}[${i}]`, options));
      });
  } else if (isObject(value)) {
    const obj = applyDefaults(value, schema);
    self = obj;
    const props = schema.properties ?? {};
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const r of schema.required ?? []) if (obj[r] === undefined) err(`required field "${r}" is missing`, `${path}.${r}`);
    const n = Object.keys(obj).length;
    if (schema.minProperties !== undefined && n < schema.minProperties) err(`must have at least ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && n > schema.maxProperties) err(`must have at most ${schema.maxProperties} properties`);
    for (const [k, v] of Object.entries(obj)) {
      const p = `${path}.${k}`;
      if (props[k]) errs.push(...validateAgainstSchema(v, props[k], p, options));
      else if (typeof schema.additionalProperties === 'object')
        errs.push(...validateAgainstSchema(v, schema.additionalProperties, p, options));
      else if (schema.additionalProperties === true || preserve || schema['x-kubernetes-embedded-resource']) continue;
      else err(`unknown field "${k}"`, p);
    }
  }
  for (const rule of options.cel === false ? [] : (schema['x-kubernetes-validations'] ?? [])) {
    if (/\boldSelf\b/.test(rule.rule)) continue;
    let ok: unknown;
    try {
      ok = program(rule.rule)({ self: toCel(self, schema) });
    } catch (e) {
      ok = e;
    }
    if (ok !== true && celModule().isCelError(ok)) {
      // The API server rejects an object whose rule cannot be evaluated (e.g. "no such key"), with the rule's message.
      errs.push({
        path: path || '<root>',
        message: `${rule.message ?? 'failed rule'} (the rule could not be evaluated: ${(ok as Error).message})`,
        rule: rule.rule,
      });
    } else if (ok !== true) {
      errs.push({ path: path || '<root>', message: rule.message ?? 'failed rule', rule: rule.rule });
    }
  }
  return errs;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether an object is of a kind this validator knows the CRD of (`postgresql.cnpg.io/*`). */
export function isCnpgObject(obj: unknown): obj is KubeObject {
  return typeof obj === 'object' && obj !== null && String((obj as KubeObject).apiVersion ?? '').startsWith('postgresql.cnpg.io/');
}

/** Validates a CNPG object against its CRD in `manifest` (the operator release the object targets). */
export function validateCnpgObject(obj: KubeObject, manifest: OperatorManifest, options: ValidateOptions = {}): SchemaError[] {
  const errs: SchemaError[] = [];
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name))
    errs.push({ path: '.metadata.name', message: `invalid object name ${JSON.stringify(name)}` });
  const { metadata: _m, ...rest } = obj;
  // Fleets repeat the same spec under many names: each distinct object body is walked once per manifest.
  const key = `${options.cel === false ? 0 : 1}${JSON.stringify(rest)}`;
  let byBody = results.get(manifest);
  if (!byBody) {
    byBody = new Map();
    results.set(manifest, byBody);
  }
  let found = byBody.get(key);
  if (!found) {
    found = validateBody(rest, manifest, options);
    if (byBody.size >= RESULT_CACHE_LIMIT) byBody.clear();
    byBody.set(key, found);
  }
  return errs.length === 0 ? [...found] : [...errs, ...found];
}

const RESULT_CACHE_LIMIT = 10_000;
const results = new WeakMap<OperatorManifest, Map<string, readonly SchemaError[]>>();

function validateBody(rest: Omit<KubeObject, 'metadata'>, manifest: OperatorManifest, options: ValidateOptions): readonly SchemaError[] {
  const [group, version] = String(rest.apiVersion).split('/');
  const crd = manifest.crds().find((c) => {
    const spec = c.spec as { group: string; names: { kind: string } };
    return spec.group === group && spec.names.kind === rest.kind;
  });
  if (!crd) return [{ path: '.kind', message: `CNPG ${manifest.version} has no CRD for ${rest.apiVersion} ${rest.kind}` }];
  const versions = (crd.spec as { versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] }).versions;
  const v = versions.find((x) => x.name === version && x.served);
  if (!v) return [{ path: '.apiVersion', message: `version ${version} is not served by the ${rest.kind} CRD` }];
  return Object.freeze(validateAgainstSchema({ ...rest, metadata: {} }, v.schema.openAPIV3Schema, '', options));
}

/** `kind/namespace/name` (or `kind/name`) of an object, for findings. */
export function objectId(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** Every schema error of every CNPG object among `objects`, as `kind/namespace/name path: message (rule)` lines. */
export function cnpgSchemaErrors(objects: readonly unknown[], manifest: OperatorManifest): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (!isCnpgObject(o)) continue;
    for (const e of validateCnpgObject(o, manifest)) out.push(`${objectId(o)} ${e.path}: ${e.message}${e.rule ? ` (CEL: ${e.rule})` : ''}`);
  }
  return out;
}

/** Schema errors of an object a front end was about to emit, as Problems (the field, the rule, the fix). */
export function crdProblems(errors: readonly SchemaError[], manifest: OperatorManifest, fix: string): Problem[] {
  return errors.map((e) => ({
    code: 'crd-schema',
    field: e.path,
    message: `${e.message}${e.rule ? ` (CEL rule: ${e.rule})` : ''}: the CNPG ${manifest.version} CRD refuses it`,
    fix,
  }));
}
