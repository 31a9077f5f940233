import { type ApiObject, Chart, JsonPatch } from 'cdk8s';
import { CLUSTER_SCOPED_KINDS } from '../core/operator';

/**
 * cdk8s stamps the chart's namespace on every object without one; a cluster-scoped object must have none
 * (the API server drops it, and GitOps tools then show drift forever). Removes it again for such kinds.
 */
export function keepClusterScoped(api: ApiObject): ApiObject {
  if (CLUSTER_SCOPED_KINDS.has(api.kind) && Chart.of(api).namespace !== undefined)
    api.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return api;
}
