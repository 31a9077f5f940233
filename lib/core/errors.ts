import type { Finding } from './findings';

/**
 * One thing wrong with the input of a construct, component or resource: a {@link Finding} (the library's one
 * finding type; the name reads better where props are checked).
 */
export type Problem = Finding;

/**
 * Thrown when the props of a construct or component are invalid. The message names the
 * construct path (or Pulumi resource name), every offending field with its value, and the fix.
 */
export class CnpgValidationError extends Error {
  public override readonly name = 'CnpgValidationError';
  constructor(
    /** Construct path (cdk8s) or resource name (Pulumi) of what was being built. */
    public readonly path: string,
    /** What is being built, e.g. `PostgresCluster`. */
    public readonly what: string,
    public readonly problems: readonly Problem[],
  ) {
    super(formatProblems(path, what, problems));
  }
}

export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A problem as one line: `field: message (got value). Fix: fix` (the value is left out when the problem hides it). */
export function formatProblem(p: Problem): string {
  // `value` absent: not to be shown (secrets); present but undefined: the user did not set it.
  const got = !('value' in p) ? '' : p.value === undefined ? ' (not set)' : ` (got ${formatValue(p.value)})`;
  return `${p.field}: ${p.message}${got}. Fix: ${p.fix}`;
}

function formatProblems(path: string, what: string, problems: readonly Problem[]): string {
  const head = `${what} at '${path}' is invalid`;
  if (problems.length === 1) return `${head}: ${formatProblem(problems[0])}`;
  return `${head} (${problems.length} problems):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`;
}

/** Throws a {@link CnpgValidationError} when `problems` is not empty. */
export function throwIfProblems(path: string, what: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new CnpgValidationError(path, what, problems);
}

/**
 * The problems of several checks in order, as one list. Every construct runs a dozen checks that almost always
 * find nothing: this allocates only when one did (the lists given are not changed; the result may be one of them).
 * @internal
 */
export function allProblems(...lists: readonly (readonly Problem[])[]): readonly Problem[] {
  let out: readonly Problem[] = NO_PROBLEMS;
  let owned = false;
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    if (list.length === 0) continue;
    if (out.length === 0) out = list;
    else if (owned) (out as Problem[]).push(...list);
    else {
      out = [...out, ...list];
      owned = true;
    }
  }
  return out;
}

/**
 * The one shared "no problems" answer of checks that usually find nothing (frozen: a caller that pushed to it would
 * throw, not corrupt it). @internal
 */
export const NO_PROBLEMS: Problem[] = Object.freeze([]) as unknown as Problem[];

/** Prefixes every field of `problems` with `prefix.` (for nested props). */
export function nested(prefix: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, field: p.field ? `${prefix}.${p.field}` : prefix }));
}
