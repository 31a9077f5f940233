// What the serving builders (pooler, roles, monitoring, endpoints) share: the cluster they serve, the operator
// versions that honour their fields, and the object metadata they emit.
import { DEFAULT_OPERATOR_VERSION, parseVersion } from '../compat';
import type { ClusterModel } from '../cluster';
import type { Problem } from '../errors';
import { withFrontEndKeys } from '../keys';
import { objectMetadata } from '../manifests';
import { DNS_1035_LABEL_PATTERN } from '../names';

/** A cluster that is not declared in this app: its name and namespace (`PostgresCluster.fromClusterName`). */
export interface ClusterReference {
  /** Name of the `Cluster` object. */
  readonly name: string;
  /**
   * Namespace of the `Cluster`.
   * @default - none: the namespace of kubectl's context
   */
  readonly namespace?: string;
}

/** The cluster a pooler, role or monitor serves: the checked model of a cluster of this app, or a reference. */
export type ServedCluster = ClusterModel | ClusterReference;

/** Whether `c` is a checked cluster of this app (whose roles, bootstrap and instances are known). */
export function isClusterModel(c: ServedCluster): c is ClusterModel {
  return (c as ClusterModel).spec !== undefined && typeof (c as ClusterModel).sqlExtension === 'function';
}

/** The operator version a served cluster targets (a reference: the default). */
export function servedOperatorVersion(c: ServedCluster, given?: string): string {
  return given ?? (isClusterModel(c) ? c.operatorVersion : DEFAULT_OPERATOR_VERSION);
}

/**
 * The first CNPG release that honours each serving field (read in cloudnative-pg's `api/v1` at each tag:
 * `database_types.go` `FDWs`/`Servers` from v1.28.0; `pooler_types.go` `ServiceAccountName` from v1.29.0 and
 * `PgBouncerSpec.Image`/`ImageCatalogRef`, `PoolerMonitoringConfiguration.TLSConfig` and `databaserole_types.go`
 * from v1.30.0).
 */
export const SERVING_FEATURES = {
  databaseFdws: { since: '1.28.0', what: 'foreign-data wrappers and foreign servers in a Database' },
  poolerServiceAccount: { since: '1.29.0', what: 'Pooler serviceAccountName' },
  poolerImage: { since: '1.30.0', what: 'Pooler pgbouncer.image and pgbouncer.imageCatalogRef' },
  poolerMetricsTls: { since: '1.30.0', what: 'TLS on the Pooler metrics endpoint' },
  databaseRole: { since: '1.30.0', what: 'the DatabaseRole kind' },
} as const;

/** A problem when `version` predates `feature` (nothing for a version that does not parse: the cluster reports it). */
export function checkServingFeature(version: string, feature: keyof typeof SERVING_FEATURES, field: string): Problem[] {
  const v = parseVersion(version);
  const f = SERVING_FEATURES[feature];
  const min = parseVersion(f.since) as [number, number, number];
  if (!v) return [];
  for (let i = 0; i < 3; i++) {
    if (v[i] > min[i]) return [];
    if (v[i] < min[i])
      return [
        {
          code: 'operator-version-too-old',
          field,
          message: `${f.what} needs CNPG ${f.since} or later, but the target operator is ${version}`,
          value: version,
          fix: `target CNPG ${f.since}+ (operatorVersion) or remove it`,
        },
      ];
  }
  return [];
}

export { DNS_1035_LABEL_PATTERN };

/** A problem when `name` cannot name the Service (and Deployment) an object becomes. */
export function checkServiceName(field: string, name: unknown, what: string): Problem[] {
  if (typeof name === 'string' && name.length <= 63 && DNS_1035_LABEL_PATTERN.test(name)) return [];
  return [
    {
      code: 'name-not-dns1035-label',
      field,
      message: `${what} names a Service, which must be a lowercase RFC 1035 label of at most 63 characters (a letter first)`,
      value: name,
      fix: 'use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit',
    },
  ];
}

/**
 * A pooler, a role or a monitor is reconciled only in its cluster's namespace (`spec.cluster` is a
 * `LocalObjectReference`; a PodMonitor elsewhere needs a namespace selector, which the builder adds).
 */
export function checkSameNamespace(what: string, namespace: string | undefined, cluster: ServedCluster): Problem[] {
  if (namespace === undefined || namespace === cluster.namespace) return [];
  return [
    {
      code: 'serving-namespace-mismatch',
      field: 'namespace',
      message: `must be the namespace of cluster ${cluster.name} (${cluster.namespace ?? "none given: the namespace of kubectl's context"}): CNPG looks for the cluster of a ${what} in the ${what}'s own namespace`,
      value: namespace,
      fix: `leave namespace out (the ${what} follows its cluster), or put the cluster in that namespace`,
    },
  ];
}

/** `metadata` of an emitted object: name, namespace, labels, annotations, each only when set. */
export const servingMetadata = objectMetadata;

/** A Kubernetes object name derived from other names (`_` and other characters a name refuses become `-`). */
export function derivedName(...parts: string[]): string {
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
}

const keyLists = new WeakMap<readonly string[], WeakMap<readonly string[], readonly string[]>>();

/**
 * A builder's keys with a front end's own, found by the identity of both lists (front ends pass module-level lists,
 * so a construct costs a lookup, not a join).
 */
export function keysWith(base: readonly string[], frontEndKeys: readonly string[]): readonly string[] {
  if (frontEndKeys.length === 0) return base;
  let byBase = keyLists.get(frontEndKeys);
  if (!byBase) {
    byBase = new WeakMap();
    keyLists.set(frontEndKeys, byBase);
  }
  let list = byBase.get(base);
  if (!list) {
    list = withFrontEndKeys(base, frontEndKeys);
    byBase.set(base, list);
  }
  return list;
}
