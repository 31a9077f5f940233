import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  type BasicAuthKey,
  buildDatabaseRole,
  type ClientCertificateKey,
  type Credentials,
  type DatabaseRoleModel,
  type DatabaseRoleProps,
  databaseRoleManifest,
} from '../core';
import { isClusterModel } from '../core/serving/common';
import { requireDatabaseRoleCredentials } from '../core/serving/database-role';
import { promptOrUndefined } from './inputs';
import { awaited, checkAgainstCrds, customResource, namespaceInput, validated } from './kube';
import { withNamespace } from './pooler';
import type { PostgresCluster } from './postgres-cluster';
import type { ConnectionInput } from './postgres-extensions';
import { type ConnectionOptions, type PostgresClusterReference, secretConnection, servedOf } from './serving';

/** Args of the Pulumi {@link DatabaseRole}. */
export interface DatabaseRoleArgs extends Omit<DatabaseRoleProps, 'namespace'> {
  /** The cluster the role lives in. */
  readonly cluster: PostgresCluster | PostgresClusterReference;
  /**
   * Namespace: its cluster's.
   * @default - the cluster's namespace (also when that is an Output)
   */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * A CNPG `DatabaseRole` (CNPG 1.30+), validated like the cdk8s construct and awaited until `status.applied`.
 * Type token `cnpg-constructs:index:DatabaseRole`.
 */
export class DatabaseRole extends pulumi.ComponentResource {
  /** The validated model (as on the cdk8s construct). */
  public readonly model: DatabaseRoleModel;
  /** The `DatabaseRole` custom resource. */
  public readonly role: k8s.apiextensions.CustomResource;
  private readonly namespace?: pulumi.Input<string>;

  constructor(name: string, args: DatabaseRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:DatabaseRole', name, {}, opts);
    const { cluster, ...rest } = args;
    const { served, namespace: clusterNamespace } = servedOf(cluster);
    this.model = validated(this, () => buildDatabaseRole(name, served, { ...rest, namespace: promptOrUndefined(args.namespace) }));
    this.namespace = namespaceInput(this, `DatabaseRole '${name}'`, args.namespace) ?? clusterNamespace;
    const manifest = withNamespace(databaseRoleManifest(this.model), this.namespace);
    checkAgainstCrds(this, name, manifest, undefined, isClusterModel(served) ? served.operatorVersion : undefined, () => undefined, []);
    this.role = customResource(`${name}-role`, awaited(manifest, 'DatabaseRole'), {
      parent: this,
      dependsOn: isClusterModel(served) ? [cluster as pulumi.Resource] : [],
    });
    this.registerOutputs({ roleName: this.model.role });
  }

  /** The role's password Secret (`username`, `password`); throws without `passwordSecret`. */
  public credentials(): Credentials<BasicAuthKey> {
    return validated(this, () => requireDatabaseRoleCredentials(this.model.resourceName, this.model, 'password'));
  }

  /** The client certificate CNPG issues (`<name>-client-cert`); throws without `clientCertificate`. */
  public certificate(): Credentials<ClientCertificateKey> {
    return validated(this, () => requireDatabaseRoleCredentials(this.model.resourceName, this.model, 'certificate'));
  }

  /** A PostgresExtensions provider connection as this role, from its password Secret (read once the role is applied). */
  public connection(options: ConnectionOptions): ConnectionInput {
    const cluster = this.model.cluster.name;
    return secretConnection(this, this.model.resourceName, cluster, this.namespace, this.credentials(), options, [this.role]);
  }
}
