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
 * The changed leaves between `a` and `b`: plain objects are compared key by key, anything else (arrays,
 * scalars) as a whole. Keys in `stop` (at any depth, by full path joined with '.') are compared as a whole.
 */
export function changedLeaves(a: unknown, b: unknown, stop: ReadonlySet<string> = new Set(), path: readonly string[] = []): Leaf[] {
  if (isObject(a) && isObject(b) && !stop.has(path.join('.'))) {
    const out: Leaf[] = [];
    for (const k in a) if (!deepEqual(a[k], b[k])) out.push(...changedLeaves(a[k], b[k], stop, [...path, k]));
    for (const k in b) if (!(k in a) && b[k] !== undefined) out.push(...changedLeaves(undefined, b[k], stop, [...path, k]));
    return out;
  }
  return deepEqual(a, b) ? [] : [{ path, before: a, after: b }];
}

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
  return path.map((k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
}
