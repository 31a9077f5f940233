// What CNPG's defaulting webhook sets before the CRD's validation rules run: the API server calls mutating webhooks
// after the schema defaults and before the schema validation and the CEL rules, so a CEL rule may read a field only
// CNPG's `Cluster.Default` (cloudnative-pg v1.30.0 api/v1/cluster_defaults.go) fills in.
import type { KubeObject } from '../operator-manifest';
import { rec } from './cluster-view';

/**
 * `object` with the fields CNPG's defaulting webhook sets that the CRD's rules read: a Cluster's
 * `postgresql.synchronous.dataDurability` (`required`), which the rule on `synchronous` reads without `has()`.
 * The same object when there is nothing to set.
 */
export function cnpgDefaulted(object: KubeObject): KubeObject {
  if (object.kind !== 'Cluster') return object;
  const spec = rec(object.spec);
  const pg = rec(spec?.postgresql);
  const sync = rec(pg?.synchronous);
  if (!spec || !pg || !sync || sync.dataDurability !== undefined) return object;
  return { ...object, spec: { ...spec, postgresql: { ...pg, synchronous: { ...sync, dataDurability: 'required' } } } };
}
