import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  buildDatabaseRole,
  type DatabaseRoleModel,
  type DatabaseRoleProps,
  databaseRoleManifest,
  requireDatabaseRoleCredentials,
} from '../core/serving/database-role';
import type { BasicAuthKey, ClientCertificateKey, Credentials } from '../core/serving/endpoints';
import { type IPostgresCluster, servedCluster } from './cluster-reference';
import { BuiltApiObject, registerChecks } from './checks';
import { effectiveNamespace } from './uniqueness';

export type { DatabaseRoleProps } from '../core/serving/database-role';

/** Props of {@link DatabaseRole}. */
export interface DatabaseRoleConstructProps extends DatabaseRoleProps {
  /** The cluster the role lives in. */
  readonly cluster: IPostgresCluster;
}

const DATABASE_ROLE_BRAND = Symbol.for('cnpg-constructs.DatabaseRole');
const CLUSTER_KEY: readonly string[] = ['cluster'];

/**
 * A CNPG `DatabaseRole` (CNPG 1.30+): one PostgreSQL role as its own object, with its password from a basic-auth
 * Secret, a reclaim policy, and optionally a client certificate CNPG issues.
 */
export class DatabaseRole extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is DatabaseRole {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[DATABASE_ROLE_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: DatabaseRoleModel;

  constructor(scope: Construct, id: string, props: DatabaseRoleConstructProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const cluster = servedCluster(path, scope, props?.cluster);
    const namespace = props.namespace ?? (cluster.namespace === undefined ? Chart.of(scope).namespace : undefined);
    const model = buildDatabaseRole(path, cluster, namespace === props.namespace ? props : { ...props, namespace }, CLUSTER_KEY);
    super(scope, id, databaseRoleManifest(model));
    registerChecks(this, DatabaseRole.checks);
    this.model = model;
  }

  /** The role's password Secret (`username`, `password`); throws for a role without `passwordSecret`. */
  public credentials(): Credentials<BasicAuthKey> {
    return requireDatabaseRoleCredentials(this.node.path, this.model, 'password');
  }

  /** The client certificate CNPG issues (`<name>-client-cert`: `tls.crt`, `tls.key`); throws without `clientCertificate`. */
  public certificate(): Credentials<ClientCertificateKey> {
    return requireDatabaseRoleCredentials(this.node.path, this.model, 'certificate');
  }
  /** The names it claims in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks = BuiltApiObject.checksWith<DatabaseRole>({
    claims: (r) => {
      const ns = effectiveNamespace(r, r.model.namespace);
      return [
        {
          key: `DatabaseRole/${ns}/${r.model.resourceName}`,
          what: `DatabaseRole object (${r.model.resourceName} in namespace "${ns}")`,
          field: 'resourceName',
          value: r.model.resourceName,
          fix: 'set resourceName to tell them apart',
        },
        {
          key: `RoleOf/${ns}/${r.model.cluster.name}/${r.model.role}`,
          what: `role ${r.model.role} of cluster ${r.model.cluster.name}`,
          field: 'name',
          value: r.model.role,
          fix: 'manage each role of a cluster from one DatabaseRole',
        },
      ];
    },
  });
}

Object.defineProperty(DatabaseRole.prototype, DATABASE_ROLE_BRAND, { value: true });
