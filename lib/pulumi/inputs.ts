import * as pulumi from '@pulumi/pulumi';
import { CnpgValidationError, type Problem } from '../core';
import { CnpgResourceError } from './kube';

/** Whether a value is only known later: an Output or a Promise (what `pulumi.Input` adds to a plain value). */
export function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || v instanceof Promise;
}

/** A prompt value as it is, a deferred one as `undefined` (for the checks that can run now). */
export function promptOrUndefined<T>(v: pulumi.Input<T> | undefined): T | undefined {
  return v === undefined || isDeferred(v) ? undefined : (v as T);
}

/**
 * An Input checked when it resolves: a problem becomes a `pulumi.ResourceError` on `resource` that names
 * the field, the value and the fix, as the synchronous checks do for prompt values.
 */
export function checkedWhenKnown<T>(
  resource: pulumi.Resource,
  what: string,
  field: string,
  value: pulumi.Input<T>,
  check: (field: string, value: T) => Problem[],
): pulumi.Output<T> {
  return pulumi.output(value).apply((v) => checkResolved(resource, what, field, v as T, check));
}

/** The check of {@link checkedWhenKnown} on the resolved value: the value, or a {@link CnpgResourceError} with its problems. */
export function checkResolved<T>(
  resource: pulumi.Resource,
  what: string,
  field: string,
  value: T,
  check: (field: string, value: T) => Problem[],
): T {
  const problems = check(field, value);
  if (problems.length > 0) {
    // `what` is `Kind 'name'`: the error reads as the components' own (`Kind at 'name' is invalid: ...`).
    const m = /^(\S+) '(.*)'$/.exec(what);
    throw new CnpgResourceError(new CnpgValidationError(m ? m[2] : what, m ? m[1] : 'resource', problems), resource);
  }
  return value;
}
