import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { CnpgValidationError, type Problem } from '../core';

/** One thing the API server (or the file system) can hold once: what names it, and who named it first. */
interface Claim {
  readonly key: string;
  readonly what: string;
  readonly field: string;
  readonly value: string;
  readonly fix: string;
}

/** Constructs that claim names; each front-end class registers how to read its claims. */
const claimers: { readonly is: (c: IConstruct) => boolean; readonly claims: (c: IConstruct) => Claim[] }[] = [];

/** Registers a construct class whose instances must not claim a name twice in one app. */
export function registerClaims<T extends IConstruct>(cls: abstract new (...args: never[]) => T, claims: (c: T) => Claim[]): void {
  claimers.push({ is: (c) => c instanceof cls, claims: (c) => claims(c as T) });
}

/** The namespace an object of `c` lands in: its own, else its chart's, else kubectl's (''). */
export function effectiveNamespace(c: IConstruct, own: string | undefined): string {
  return own ?? Chart.of(c).namespace ?? '';
}

/**
 * Throws a CnpgValidationError at the second construct that names the same object (or file) as an earlier one:
 * Kubernetes would keep only one of them, and which one depends on apply order.
 */
export function checkUniqueness(root: IConstruct): void {
  const seen = new Map<string, string>();
  for (const c of root.node.findAll()) {
    const claimer = claimers.find((x) => x.is(c));
    if (!claimer) continue;
    const problems: Problem[] = [];
    for (const claim of claimer.claims(c)) {
      const first = seen.get(claim.key);
      if (first === undefined) seen.set(claim.key, c.node.path);
      else
        problems.push({
          code: 'duplicate-object-name',
          field: claim.field,
          message: `names the same ${claim.what} as '${first}'`,
          value: claim.value,
          fix: claim.fix,
        });
    }
    if (problems.length > 0) throw new CnpgValidationError(c.node.path, c.constructor.name, problems);
  }
}
