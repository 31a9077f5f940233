// Structural comparison of two plain objects (parsed YAML): equality, the changed leaves, values at a path.

type Plain = Record<string, unknown>;

/** Whether `v` is a plain object (not an array, not null). */
export function isObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON-like values (key order does not matter; an absent key equals `undefined`). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  for (const k in a) if (!deepEqual(a[k], b[k])) return false;
  for (const k in b) if (!(k in a) && b[k] !== undefined) return false;
  return true;
}

/** One changed value: `path` is the list of keys from the compared root. */
export interface Leaf {
  readonly path: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * The changed leaves between `a` and `b`: plain objects are compared key by key (an absent one as an empty one,
 * so that what is added or removed is named down to its leaves), anything else (arrays, scalars) as a whole.
 */
export function changedLeaves(a: unknown, b: unknown, path: readonly string[] = []): Leaf[] {
  const out: Leaf[] = [];
  collect(a, b, path, out);
  return out;
}

function collect(a: unknown, b: unknown, path: readonly string[], out: Leaf[]): void {
  if (a === b) return;
  const oa = isObject(a) ? a : a === undefined ? EMPTY : undefined;
  const ob = isObject(b) ? b : b === undefined ? EMPTY : undefined;
  if (!oa || !ob) {
    if (!deepEqual(a, b)) out.push({ path, before: a, after: b });
    return;
  }
  for (const k in oa) collect(oa[k], ob[k], [...path, k], out);
  for (const k in ob) if (!(k in oa)) collect(undefined, ob[k], [...path, k], out);
}
const EMPTY: Plain = Object.freeze({}) as Plain;

/** The value at `path` (undefined when a step is missing). */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const k of path) {
    if (!isObject(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** A path as the plan shows it: `.spec.postgresql.parameters.work_mem`, `.metadata.annotations["cnpg.io/podPatch"]`. */
export function fieldOf(path: readonly string[]): string {
  let out = '';
  for (const k of path) {
    let s = SEGMENTS.get(k);
    if (s === undefined) {
      s = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
      if (SEGMENTS.size < 10_000) SEGMENTS.set(k, s);
    }
    out += s;
  }
  return out;
}
const SEGMENTS = new Map<string, string>();
