import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { Finding } from '../core';

/** One thing the API server (or the file system) can hold once: what names it. @internal */
export interface Claim {
  readonly key: string;
  readonly what: string;
  readonly field: string;
  readonly value: string;
  readonly fix: string;
}

/** The namespace an object of `c` lands in: its own, else its chart's, else kubectl's (''). */
export function effectiveNamespace(c: IConstruct, own: string | undefined): string {
  return own ?? Chart.of(c).namespace ?? '';
}

/**
 * The second and later constructs that claim what an earlier one claimed (in tree order), each with its findings:
 * Kubernetes would keep only one of the objects, and which one depends on apply order. @internal
 */
export function duplicateClaims(
  claimers: readonly { readonly construct: IConstruct; readonly claims: readonly Claim[] }[],
): Map<IConstruct, Finding[]> {
  const seen = new Map<string, string>();
  const out = new Map<IConstruct, Finding[]>();
  for (const { construct, claims } of claimers) {
    for (const claim of claims) {
      const first = seen.get(claim.key);
      if (first === undefined) {
        seen.set(claim.key, construct.node.path);
        continue;
      }
      const found = out.get(construct) ?? [];
      found.push({
        code: 'duplicate-object-name',
        field: claim.field,
        message: `names the same ${claim.what} as '${first}'`,
        value: claim.value,
        fix: claim.fix,
      });
      out.set(construct, found);
    }
  }
  return out;
}
