import { Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import type { ClusterModel } from '../core/cluster';
import { CnpgValidationError } from '../core/errors';
import type { ClusterReference, ServedCluster } from '../core/serving/common';
import {
  type BasicAuthKey,
  type ClusterEndpoints,
  type CnpgSecretKey,
  type Credentials,
  clusterEndpoints,
  requireClusterCredentials,
  roleCredentials,
} from '../core/serving/endpoints';

/** A cluster pooler, roles, monitors and applications can use: a `PostgresCluster` of this app, or one imported by name. */
export interface IPostgresCluster extends IConstruct {
  /** Name of the `Cluster` object. */
  readonly name: string;
  /** Namespace of the `Cluster`. */
  readonly namespace?: string;
  /** The Services applications connect to. */
  readonly endpoints: ClusterEndpoints;
  /** The Secret and keys of `app`, `superuser` or a managed role with a `passwordSecret`. */
  credentials(user: string): Credentials<CnpgSecretKey | BasicAuthKey>;
}

/** Options of `PostgresCluster.fromClusterName`. */
export interface ClusterImportOptions {
  /**
   * Namespace of the cluster.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Basic-auth secrets of roles applications use, by role name (a cluster managed elsewhere does not say them).
   * @default - none
   */
  readonly roleSecrets?: Readonly<Record<string, string>>;
}

const IMPORTED_BRAND = Symbol.for('cnpg-constructs.ImportedPostgresCluster');

/**
 * A CNPG cluster managed outside this app, known by name: Poolers, DatabaseRoles, Databases and monitors can
 * serve it, and applications get its endpoints and CNPG's default secrets. Emits nothing.
 */
export class ImportedPostgresCluster extends Construct implements IPostgresCluster {
  public static override [Symbol.hasInstance](o: unknown): o is ImportedPostgresCluster {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[IMPORTED_BRAND] === true;
  }

  /** The name and namespace. */
  public readonly reference: ClusterReference;
  private readonly roleSecrets: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, name: string, options: ClusterImportOptions = {}) {
    super(scope, id);
    Object.defineProperty(this, IMPORTED_BRAND, { value: true });
    const namespace = options.namespace ?? Chart.of(scope).namespace;
    this.reference = Object.freeze({ name, ...(namespace !== undefined ? { namespace } : {}) });
    this.roleSecrets = options.roleSecrets ?? {};
  }

  /** The name of the `Cluster`. */
  public get name(): string {
    return this.reference.name;
  }

  /** The namespace of the `Cluster` (undefined: the namespace the objects are applied in). */
  public get namespace(): string | undefined {
    return this.reference.namespace;
  }

  /** The Services CNPG creates for the cluster (`<name>-rw`, `-ro`, `-r`). */
  public get endpoints(): ClusterEndpoints {
    return clusterEndpoints(this.reference);
  }

  /**
   * The credentials of `user`: a role of `roleSecrets` (its basic-auth Secret), or `app` and `superuser` with the
   * secrets CNPG names by default (`<name>-app`, `<name>-superuser`); throws naming the construct for any other user.
   */
  public credentials(user: string): Credentials<CnpgSecretKey | BasicAuthKey> {
    const secret = this.roleSecrets[user];
    return secret ? roleCredentials(this.reference, user, secret) : requireClusterCredentials(this.node.path, this.reference, user);
  }
}

/**
 * What a construct serves: the model of a `PostgresCluster`, or an imported cluster's reference. Throws, naming
 * `path`, for a cluster of another app (its objects would be synthesized elsewhere).
 */
export function servedCluster(path: string, scope: IConstruct, cluster: IPostgresCluster): ServedCluster {
  if (cluster instanceof ImportedPostgresCluster) return cluster.reference;
  const model = (cluster as { model?: ClusterModel } | undefined)?.model;
  if (!model)
    throw new CnpgValidationError(path, 'cluster', [
      {
        code: 'cluster-invalid',
        field: 'cluster',
        message: 'must be a PostgresCluster or PostgresCluster.fromClusterName(...)',
        value: cluster,
        fix: "pass the cluster construct, or PostgresCluster.fromClusterName(this, 'db', 'name') for one managed elsewhere",
      },
    ]);
  if (cluster.node.root !== scope.node.root)
    throw new CnpgValidationError(path, 'cluster', [
      {
        code: 'cluster-not-in-app',
        field: 'cluster',
        message: `cluster ${cluster.node.path} belongs to another cdk8s App: this object would be synthesized without it`,
        value: cluster.node.path,
        fix: 'create both in the same App, or use PostgresCluster.fromClusterName for a cluster managed elsewhere',
      },
    ]);
  return model;
}
