import { NO_PROBLEMS, type Problem } from './errors';

/**
 * What a prop must be at run time. TypeScript checks this for TypeScript callers; JavaScript callers, JSON
 * loaded from a file or an `as never` get a problem naming the field instead of a TypeError further down.
 */
export type RuntimeType =
  | 'string'
  | 'boolean'
  | 'int32'
  | 'object'
  | 'array'
  | 'stringArray'
  | 'stringMap'
  | { readonly instanceOf: abstract new (...args: never[]) => unknown; readonly name: string; readonly arrayOf?: boolean };

const INT32_MAX = 2 ** 31 - 1;
/** Keys that would reach an object's prototype instead of being data. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** An object literal (or one without a prototype): not an array, not a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'no prototype'})` : `a ${typeof v}`;
}

/**
 * Whether a value already has its runtime type: the common case, answered without allocating anything
 * (checkRuntimeTypes runs for every construct; only a failure builds field names and messages).
 */
function hasRuntimeType(value: unknown, type: RuntimeType): boolean {
  if (typeof type === 'object') {
    if (!type.arrayOf) return value instanceof type.instanceOf;
    if (!Array.isArray(value)) return false;
    for (const v of value) if (!(v instanceof type.instanceOf)) return false;
    return true;
  }
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int32':
      return Number.isInteger(value) && Math.abs(value as number) <= INT32_MAX;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    case 'stringArray':
      if (!Array.isArray(value)) return false;
      for (const v of value) if (typeof v !== 'string') return false;
      return true;
    case 'stringMap':
      if (!isPlainObject(value)) return false;
      for (const k in value) if (PROTOTYPE_KEYS.includes(k) || typeof value[k] !== 'string') return false;
      return true;
  }
}

/** Problems of one value against its runtime type; undefined is always fine (required-ness is checked elsewhere). */
export function checkRuntimeType(field: string, value: unknown, type: RuntimeType): Problem[] {
  if (value === undefined || hasRuntimeType(value, type)) return NO_PROBLEMS;
  const bad = (what: string, fix: string): Problem[] => [
    { code: 'wrong-type', field, message: `must be ${what}, not ${describe(value)}`, value, fix },
  ];
  if (typeof type === 'object') {
    if (type.arrayOf) {
      if (!Array.isArray(value)) return bad(`a list of ${type.name}`, `pass [${type.name}, ...]`);
      return value.flatMap((v, i) =>
        v instanceof type.instanceOf
          ? []
          : [
              {
                code: 'wrong-type',
                field: `${field}[${i}]`,
                message: `must be ${type.name}, not ${describe(v)}`,
                value: v,
                fix: `create it with ${type.name} (a factory such as ExtensionImage.pgvector('0.8.1'), or new ${type.name}({...}))`,
              },
            ],
      );
    }
    return value instanceof type.instanceOf ? [] : bad(type.name, `create it with ${type.name}`);
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? [] : bad('a string', `write it as "${String(value)}"`);
    case 'boolean':
      return typeof value === 'boolean'
        ? []
        : bad('true or false', `use ${value === 'false' ? 'false' : value === 'true' ? 'true' : 'true or false'} without quotes`);
    case 'int32':
      return Number.isInteger(value) && Math.abs(value as number) <= INT32_MAX
        ? []
        : bad('a whole number that fits in 32 bits', 'use a small whole number such as 1 or 3');
    case 'array':
      return Array.isArray(value) ? [] : bad('a list', 'wrap it in [ ]');
    case 'object':
      return isPlainObject(value) ? [] : bad('an object', 'pass an object literal { ... }');
    case 'stringArray':
      if (!Array.isArray(value)) return bad('a list of strings', `use [${JSON.stringify(value)}]`);
      return value.flatMap((v, i) =>
        typeof v === 'string'
          ? []
          : [
              {
                code: 'wrong-type',
                field: `${field}[${i}]`,
                message: `must be a string, not ${describe(v)}`,
                value: v,
                fix: 'use a string',
              },
            ],
      );
    case 'stringMap': {
      if (!isPlainObject(value)) {
        return value !== null && typeof value === 'object' && !Array.isArray(value)
          ? [
              {
                code: 'prototype-not-plain',
                field,
                message: 'has a prototype other than a plain object\'s (was "__proto__" used as a key?)',
                value: Object.keys(value),
                fix: 'use a plain object literal with ordinary keys',
              },
            ]
          : bad('an object of strings', 'use { key: "value" }');
      }
      const out: Problem[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (PROTOTYPE_KEYS.includes(k))
          out.push({
            code: 'prototype-key',
            field: `${field}.${k}`,
            message: 'is a key that reaches the object prototype',
            value: k,
            fix: 'use another key',
          });
        else if (typeof v !== 'string')
          out.push({
            code: 'wrong-type',
            field: `${field}.${k}`,
            message: `must be a string, not ${describe(v)}`,
            value: v,
            fix: `write it as "${String(v)}"`,
          });
      }
      return out;
    }
  }
}

/** Problems of every prop whose type is known, in declaration order. */
export function checkRuntimeTypes(prefix: string, props: unknown, types: Readonly<Record<string, RuntimeType>>): Problem[] {
  if (!isPlainObject(props))
    return props === undefined
      ? []
      : [
          {
            code: 'wrong-type',
            field: prefix || 'props',
            message: `must be an object, not ${describe(props)}`,
            value: props,
            fix: 'pass an object literal { ... }',
          },
        ];
  // Called for every construct: only props that are set are looked at, and nothing is allocated when all is well.
  let out: Problem[] | undefined;
  for (const k in props) {
    const t = types[k];
    if (t === undefined || props[k] === undefined || hasRuntimeType(props[k], t)) continue;
    const found = checkRuntimeType(prefix ? `${prefix}.${k}` : k, props[k], t);
    if (found.length > 0) {
      out ??= [];
      out.push(...found);
    }
  }
  return out ?? NO_PROBLEMS;
}
