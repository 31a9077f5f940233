import { type ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { buildDatabase, type ClusterModel, type DatabaseModel, type DatabaseProps, databaseManifest } from '../core';
import { databasePropOf } from '../core/manifests';
import { BuiltApiObject, type CheckedKind, registerChecks } from './checks';
import { ImportedPostgresCluster, type IPostgresCluster } from './cluster-reference';
import { PostgresCluster } from './postgres-cluster';
import { effectiveNamespace } from './uniqueness';

/** Props of {@link ExtensionDatabase}. */
export interface ExtensionDatabaseProps extends DatabaseProps {
  /**
   * The cluster the database lives in. With a `PostgresCluster`, every extension is checked against
   * the images it mounts; with `PostgresCluster.fromClusterName(...)` or a name (a cluster managed elsewhere) it is not.
   */
  readonly cluster: PostgresCluster | IPostgresCluster | string;
}

const EXTENSIONDATABASE_BRAND = Symbol.for('cnpg-constructs.ExtensionDatabase');

/**
 * A CloudNativePG `Database` whose `spec.extensions` CNPG creates, updates and drops inside
 * PostgreSQL. Extensions are checked against the images the cluster mounts, and ordered so that
 * each comes after those it requires (CNPG runs CREATE EXTENSION without CASCADE, in list order).
 */
export class ExtensionDatabase extends BuiltApiObject {
  /**
   * `instanceof` by brand: cdk8s' `ApiObject[Symbol.hasInstance]` (inherited by subclasses) answers true for
   * every ApiObject; this answers for ExtensionDatabase only, also across two copies of the package.
   */
  public static override [Symbol.hasInstance](o: unknown): o is ExtensionDatabase {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[EXTENSIONDATABASE_BRAND] === true;
  }

  /** The validated model (spec, object name, the SQL extensions in creation order). */
  public readonly model: DatabaseModel;

  constructor(scope: Construct, id: string, props: ExtensionDatabaseProps) {
    // The construct is the `Database` object itself: no wrapper construct per database.
    const model = ExtensionDatabase.buildModel(scope, id, props);
    const built = databaseManifest(model, true);
    super(scope, id, built);
    this.model = model;
    registerChecks(this, ExtensionDatabase.checks);
    // No node.addDependency(cluster): the cluster construct necessarily exists before this one, so
    // the Cluster already precedes the Database in the output, and cdk8s resolves every explicit
    // dependency with a walk over both subtrees at synth time (a third of synth time at 1000 pairs).
  }

  private static buildModel(scope: Construct, id: string, props: ExtensionDatabaseProps): DatabaseModel {
    const imported = props?.cluster instanceof ImportedPostgresCluster ? props.cluster : undefined;
    const cluster = props?.cluster instanceof PostgresCluster ? props.cluster.model : imported ? imported.name : props?.cluster;
    // A Database follows its cluster's namespace (emitted explicitly, so the chart's is not stamped on it). A
    // cluster without one lands in kubectl's namespace: a chart namespace here could then be another one.
    const chartNamespace = Chart.of(scope).namespace;
    const namespace =
      props?.namespace ??
      imported?.namespace ??
      (typeof cluster !== 'string' && cluster?.namespace === undefined ? chartNamespace : undefined);
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const own = namespace === undefined || props?.namespace === namespace ? props : { ...props, namespace };
    return buildDatabase(path, cluster as ClusterModel | string, own, ['cluster']);
  }

  /** The `Database` API object, for escape hatches: the construct itself (see {@link PostgresCluster.apiObject}). */
  public get apiObject(): ApiObject {
    return this;
  }

  /** How databases take part in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks: CheckedKind<ExtensionDatabase> = BuiltApiObject.checksWith<ExtensionDatabase>({
    findings: (d) => d.model.warnings,
    propOf: databasePropOf,
    // One Database object per name and namespace, and one per database of a cluster.
    claims: (d) => {
      const ns = effectiveNamespace(d, d.model.namespace);
      const cluster = d.model.spec.cluster.name;
      return [
        {
          key: `Database/${ns}/${d.model.resourceName}`,
          what: `Database object (${d.model.resourceName} in namespace "${ns}"; names such as "app_db" and "app-db" map to one)`,
          field: 'resourceName',
          value: d.model.resourceName,
          fix: 'set resourceName to tell them apart, or use one ExtensionDatabase',
        },
        {
          key: `DatabaseOf/${ns}/${cluster}/${d.model.spec.name}`,
          what: `database ${d.model.spec.name} of cluster ${cluster}`,
          field: 'name',
          value: d.model.spec.name,
          fix: 'manage each database of a cluster from one ExtensionDatabase',
        },
      ];
    },
  });
}

// On the prototype, so that it holds from the first line of the constructor (cdk8s reads objects during super()).
Object.defineProperty(ExtensionDatabase.prototype, EXTENSIONDATABASE_BRAND, { value: true });
