import { NO_PROBLEMS, type Problem } from './errors';
import { unknownKeyFindings } from './suggest';

/**
 * The keys of a props type, as a list the compiler keeps complete: `keysOf<Props>()({ a: true, b: true })`
 * fails to compile when a key of `Props` is missing or one is extra.
 */
export function keysOf<T>(): (all: { readonly [K in keyof Required<T>]: true }) => readonly string[] {
  return (all) => Object.freeze(Object.keys(all));
}

/**
 * One problem per key of `obj` that is not in `allowed` (a misspelt option would otherwise be ignored and
 * a default used silently), naming the closest valid key. Nothing for a value that is not an object.
 */
export function checkKnownKeys(field: string, obj: unknown, allowed: readonly string[]): Problem[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return NO_PROBLEMS;
  // Runs for every construct's props: a Set per (frozen, module-level) key list, and nothing allocated when all is well.
  let known = allowedSets.get(allowed);
  if (!known) {
    known = new Set(allowed);
    allowedSets.set(allowed, known);
  }
  return unknownKeyFindings(field, obj, allowed, known) ?? NO_PROBLEMS;
}

const allowedSets = new WeakMap<readonly string[], ReadonlySet<string>>();

const combined = new WeakMap<readonly string[], Map<string, readonly string[]>>();

/** `base` and a front end's own keys as one list, built once per pair (not per construct). */
export function withFrontEndKeys(base: readonly string[], frontEndKeys: readonly string[]): readonly string[] {
  let byFront = combined.get(base);
  if (!byFront) {
    byFront = new Map();
    combined.set(base, byFront);
  }
  const key = frontEndKeys.join(',');
  let list = byFront.get(key);
  if (!list) {
    list = Object.freeze([...base, ...frontEndKeys]);
    byFront.set(key, list);
  }
  return list;
}
