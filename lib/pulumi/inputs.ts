import * as pulumi from '@pulumi/pulumi';
import { formatProblem, type Problem } from '../core';

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
  return pulumi.output(value).apply((v) => {
    const problems = check(field, v as T);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`${what} is invalid: ${problems.map(formatProblem).join('; ')}`, resource);
    }
    return v as T;
  });
}
