/**
 * "Did you mean" for misspelt keys: the edit distance, the closest valid key, and the unknown-key check that
 * the builders (`keys.ts`) and the Pulumi provider's `check` share. Imports nothing at run time, so that the
 * provider may capture it when Pulumi serializes the provider by value.
 */
import type { Finding } from './findings';

/** Edit distance (case-insensitive), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The allowed key closest to `key`, when it is close enough to be a likely typo. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const a of allowed) {
    const d = editDistance(key, a);
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * One `unknown-key` finding per own key of `obj` that is not in `allowed` (a misspelt option would otherwise be
 * ignored and a default used silently), naming the closest valid key; undefined when every key is known, so
 * that the usual case allocates nothing. `known` answers membership when the caller keeps a Set of `allowed`.
 */
export function unknownKeyFindings(
  field: string,
  obj: object,
  allowed: readonly string[],
  known: { has(key: string): boolean } = { has: (k) => allowed.includes(k) },
): Finding[] | undefined {
  let out: Finding[] | undefined;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key) || known.has(key)) continue;
    const near = closestKey(key, allowed);
    out ??= [];
    out.push({
      code: 'unknown-key',
      field: field ? `${field}.${key}` : key,
      message: 'is not a known option',
      value: key,
      fix: near ? `did you mean "${near}"? Valid: ${allowed.join(', ')}` : `use one of ${allowed.join(', ')}`,
    });
  }
  return out;
}
