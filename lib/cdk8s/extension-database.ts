import { Construct } from 'constructs';
import { Database } from '../../imports/postgresql.cnpg.io';
import { buildDatabase, type DatabaseModel, type DatabaseProps } from '../core';
import { PostgresCluster } from './postgres-cluster';

/** Props of {@link ExtensionDatabase}. */
export interface ExtensionDatabaseProps extends DatabaseProps {
  /**
   * The cluster the database lives in. With a `PostgresCluster`, every extension is checked against
   * the images it mounts; with a name (a cluster managed elsewhere) it is not.
   */
  readonly cluster: PostgresCluster | string;
}

/**
 * A CloudNativePG `Database` whose `spec.extensions` CNPG creates, updates and drops inside
 * PostgreSQL. Extensions are checked against the images the cluster mounts, and ordered so that
 * each comes after those it requires (CNPG runs CREATE EXTENSION without CASCADE, in list order).
 */
export class ExtensionDatabase extends Construct {
  /** The validated model. */
  public readonly model: DatabaseModel;
  /** The generated `Database` API object. */
  public readonly apiObject: Database;

  constructor(scope: Construct, id: string, props: ExtensionDatabaseProps) {
    super(scope, id);
    const cluster = props.cluster instanceof PostgresCluster ? props.cluster.model : props.cluster;
    this.model = buildDatabase(this.node.path, cluster, props);
    this.apiObject = new Database(this, 'Resource', {
      metadata: { name: this.model.resourceName, namespace: this.model.namespace },
      spec: this.model.spec,
    });
    if (props.cluster instanceof PostgresCluster) this.node.addDependency(props.cluster);
  }
}
