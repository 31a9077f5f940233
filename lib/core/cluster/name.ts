// The name of a Cluster as CNPG's webhook checks it (cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go,
// validateName): a DNS-1035 label (CNPG names the cluster's Services after it, which must be DNS-1035 labels), and
// at most 50 characters (pods, PVCs and jobs append suffixes to it). Both are reported when both apply, as there.
import type { Problem } from '../errors';

/** `validationutil.IsDNS1035Label` (k8s.io/apimachinery): at most 63 characters of this pattern. */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** validateName: "the maximum length of a cluster name is 50 characters". */
const MAX_CLUSTER_NAME_LENGTH = 50;

/** Problems of a Cluster's name (`what` names it in messages: "the cluster name", "the name of the cluster"). */
export function checkClusterName(field: string, name: unknown, what: string): Problem[] {
  if (typeof name !== 'string' || name.length === 0) {
    return [
      { code: 'name-required', field, message: `${what} is required`, value: name, fix: 'set a lowercase DNS label such as "angus"' },
    ];
  }
  const out: Problem[] = [];
  if (!DNS1035_LABEL.test(name) || name.length > 63) {
    out.push({
      code: 'cluster-name-not-dns1035',
      field,
      message: `${what} must be a lowercase DNS-1035 label of at most 63 characters (CNPG names Services after it)`,
      value: name,
      fix: 'use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, such as "angus" or "db-1"',
    });
  }
  if (name.length > MAX_CLUSTER_NAME_LENGTH) {
    out.push({
      code: 'cluster-name-too-long',
      field,
      message: `${what} is ${name.length} characters long; CNPG allows at most ${MAX_CLUSTER_NAME_LENGTH}`,
      value: name,
      fix: `use a name of at most ${MAX_CLUSTER_NAME_LENGTH} characters`,
    });
  }
  return out;
}
