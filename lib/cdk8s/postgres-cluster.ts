import { type ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  type BasicAuthKey,
  buildCluster,
  type ClusterEndpoints,
  type ClusterModel,
  type CnpgSecretKey,
  type Credentials,
  clusterEndpoints,
  clusterManifest,
  type PostgresClusterProps,
} from '../core';
import { clusterObjectNames } from '../core/names';
import { clusterPropOf } from '../core/manifests';
import { requireClusterCredentials } from '../core/serving/endpoints';
import { type ClusterImportOptions, ImportedPostgresCluster, type IPostgresCluster } from './cluster-reference';
import { BuiltApiObject, type CheckedKind, registerChecks } from './checks';
import { CnpgOperator } from './operator';
import { effectiveNamespace } from './uniqueness';

export type { PostgresClusterProps } from '../core';

const POSTGRESCLUSTER_BRAND = Symbol.for('cnpg-constructs.PostgresCluster');

/**
 * A CloudNativePG `Cluster`, with extension images mounted through ImageVolume.
 *
 * Props are validated when the construct is created; a mistake throws a `CnpgValidationError`
 * naming this construct's path, the field and the fix. What needs the whole app (the same Cluster twice in a
 * namespace, the CRD and CNPG's admission rules over the object as it is rendered, escape hatches included) is
 * checked when the app synthesizes, as construct validations. The object is named `name` (default: the id)
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
export class PostgresCluster extends BuiltApiObject implements IPostgresCluster {
  /** A cluster managed outside this app, by name: poolers, roles, databases and applications can use it. */
  public static fromClusterName(scope: Construct, id: string, name: string, options?: ClusterImportOptions): IPostgresCluster {
    return new ImportedPostgresCluster(scope, id, name, options);
  }

  /**
   * `instanceof` by brand: cdk8s' `ApiObject[Symbol.hasInstance]` (inherited by subclasses) answers true for
   * every ApiObject; this answers for PostgresCluster only, also across two copies of the package.
   */
  public static override [Symbol.hasInstance](o: unknown): o is PostgresCluster {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[POSTGRESCLUSTER_BRAND] === true;
  }

  /** The validated model (spec, PostgreSQL major, available SQL extensions). */
  public readonly model: ClusterModel;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    // The construct is the `Cluster` object itself: no wrapper construct per cluster. Its spec is serialized
    // once, here, by the generated `toJson_ClusterSpec` (cheaper at synth than the generated class).
    const model = PostgresCluster.buildModel(scope, id, props);
    const built = clusterManifest(model, true);
    super(scope, id, built);
    this.model = model;
    registerChecks(this, PostgresCluster.checks);
  }

  /** How clusters take part in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks: CheckedKind<PostgresCluster> = BuiltApiObject.checksWith<PostgresCluster>({
    findings: (c) => c.model.warnings,
    propOf: clusterPropOf,
    // Two Cluster objects with one name in one namespace: Kubernetes keeps one.
    claims: (c) => {
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
    },
  });

  private static buildModel(scope: Construct, id: string, props: PostgresClusterProps): ClusterModel {
    // Target the operator version of a CnpgOperator in the same app, unless told otherwise.
    const operatorVersion = props?.operatorVersion ?? CnpgOperator.of(scope)?.version;
    // The chart's namespace is the cluster's when none is given: the model knows it, so that its databases follow.
    const namespace = props?.namespace ?? Chart.of(scope).namespace;
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    // Copied only when the app adds something (the copy is most of this method's cost in a large app).
    const given = props?.operatorVersion === operatorVersion && props?.namespace === namespace;
    return buildCluster(path, id, given ? props : { ...props, operatorVersion, ...(namespace !== undefined ? { namespace } : {}) });
  }

  /**
   * The `Cluster` API object, for escape hatches (`addJsonPatch`): the construct itself, which is an
   * `ApiObject` (kept so that `cluster.apiObject.addJsonPatch(...)` works as on constructs that wrap their ApiObject).
   */
  public get apiObject(): ApiObject {
    return this;
  }

  /** The namespace of the `Cluster` (the chart's when not given; undefined when neither is set). */
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

  /** The Services applications connect to: read-write, read-only (standbys), any instance. */
  public get endpoints(): ClusterEndpoints {
    return clusterEndpoints(this.model);
  }

  /** The Secret (and its keys) of `app`, `superuser` or a role of `roles` with a `passwordSecret`; throws for others. */
  public credentials(user: string): Credentials<CnpgSecretKey | BasicAuthKey> {
    return requireClusterCredentials(this.node.path, this.model, user);
  }
}

// On the prototype, so that it holds from the first line of the constructor (cdk8s reads objects during super()).
Object.defineProperty(PostgresCluster.prototype, POSTGRESCLUSTER_BRAND, { value: true });
