/**
 * The one kind of finding of the whole library: what the builders, the front ends, the provider's check,
 * `cnpg-constructs validate` and `cnpg-constructs images` report.
 *
 * A finding says where (a construct path, a Pulumi resource name, `file:document Kind/namespace/name`, an image
 * reference), which field, what is wrong, what was given and how to fix it, with a stable `code` that tools can
 * match on and a severity: an `error` stops synth, registration or the command; a `warning` is reported and lets
 * it go on (unless the user asks for strictness).
 */
export type Severity = 'error' | 'warning';

/** One thing wrong (or doubtful) with an input, an object or an image. */
export interface Finding {
  /**
   * `error`: CNPG, PostgreSQL or the API server would refuse it, or it would not work; `warning`: it works but
   * probably not as meant (a deprecated field, a version the catalog does not know).
   * @default 'error'
   */
  readonly severity?: Severity;
  /**
   * Stable identifier of the rule that found it, in kebab-case (`cluster-name-not-dns1035`,
   * `image-missing-library`). Codes do not change between releases; messages may.
   */
  readonly code: string;
  /**
   * Where it was found, when the finding travels on its own: a construct path, a Pulumi resource name,
   * `file:document Kind/namespace/name`, an image reference.
   * @default - the object or construct the finding is attached to
   */
  readonly where?: string;
  /**
   * The field that is wrong: a dotted path in the props (`postgresql.parameters.port`), a path in the object CNPG
   * receives (`.spec.instances`), or a path inside an image (`share/extension/vector.control`).
   */
  readonly field: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What the user gave. Omitted when it must not be shown (secrets). */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** Whether a finding stops synth, registration or a command (`severity` is `error` or absent). */
export function isError(f: Finding): boolean {
  return f.severity !== 'warning';
}

/** Whether a finding is a warning. */
export function isWarning(f: Finding): boolean {
  return f.severity === 'warning';
}

/** The errors among `findings` (the list itself when all are errors: nothing is copied in the usual case). */
export function errorsOf<T extends Finding>(findings: readonly T[]): readonly T[] {
  for (let i = 0; i < findings.length; i++) if (findings[i].severity === 'warning') return findings.filter(isError);
  return findings;
}

/** The warnings among `findings`. */
export function warningsOf<T extends Finding>(findings: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < findings.length; i++) if (findings[i].severity === 'warning') out.push(findings[i]);
  return out;
}

/** A finding as a warning (the same finding with `severity: 'warning'`). */
export function asWarning<T extends Finding>(f: T): T {
  return { ...f, severity: 'warning' };
}

/** The pattern every `code` follows (checked by the tests over every code the library can emit). */
export const FINDING_CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
