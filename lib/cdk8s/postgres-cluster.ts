import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster } from '../../imports/postgresql.cnpg.io';
import { buildCluster, type ClusterModel, clusterManifest, clusterObjectNames, type PostgresClusterProps } from '../core';
import { CnpgOperator } from './operator';
import { effectiveNamespace, registerClaims } from './uniqueness';

export type { PostgresClusterProps } from '../core';

/**
 * A CloudNativePG `Cluster`, with extension images mounted through ImageVolume.
 *
 * Props are validated when the construct is created; a mistake throws a `CnpgValidationError`
 * naming this construct's path, the field and the fix. The object is named `name` (default: the id)
 * with no hash suffix. Fields are checked against the operator version (`operatorVersion`, else the
 * version of a `CnpgOperator` in the same app, else 1.30.0).
 *
 * @example
 * new PostgresCluster(chart, 'angus', {
 *   imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
 *   storage: { size: '1Gi' },
 *   extensions: [ExtensionImage.pgvector('0.8.1')],
 * });
 */
export class PostgresCluster extends Construct {
  /** Name of the `Cluster` object. */
  public readonly name: string;
  /** The validated model (spec, PostgreSQL major, available SQL extensions). */
  public readonly model: ClusterModel;
  /**
   * The `Cluster` API object, for escape hatches (`addJsonPatch`). Its spec was serialized once, at
   * construction, by the generated `toJson_ClusterSpec` (cheaper at synth than the generated class).
   */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    // Target the operator version of a CnpgOperator in the same app, unless told otherwise.
    const operatorVersion = props.operatorVersion ?? CnpgOperator.of(this)?.version;
    // The chart's namespace is the cluster's when none is given: the model knows it, so that its databases follow.
    const namespace = props.namespace ?? Chart.of(this).namespace;
    this.model = buildCluster(this.node.path, id, { ...props, operatorVersion, ...(namespace !== undefined ? { namespace } : {}) });
    this.name = this.model.name;
    this.apiObject = new ApiObject(this, 'Resource', { ...clusterManifest(this.model), ...Cluster.GVK });
  }

  /** Namespace of the `Cluster` object: the given one, else the chart's (undefined: kubectl's). */
  public get namespace(): string | undefined {
    return this.model.namespace;
  }

  /** Name of the Secret CNPG creates for the application user (`<name>-app`). */
  public get appSecretName(): string {
    return clusterObjectNames(this.name).appSecret;
  }

  /** Name of the Secret CNPG creates for `postgres` when superuser access is enabled (`<name>-superuser`). */
  public get superuserSecretName(): string {
    return clusterObjectNames(this.name).superuserSecret;
  }

  /** Read-write Service (`<name>-rw`). */
  public get readWriteServiceName(): string {
    return clusterObjectNames(this.name).readWriteService;
  }
}

// Two Cluster objects with one name in one namespace: Kubernetes keeps one (checked by synthesize()).
registerClaims(PostgresCluster, (c) => {
  const ns = effectiveNamespace(c, c.model.namespace);
  return [
    {
      key: `Cluster/${ns}/${c.name}`,
      what: `Cluster (${c.name} in namespace "${ns}")`,
      field: 'name',
      value: c.name,
      fix: 'give each cluster its own name (or namespace)',
    },
  ];
});
