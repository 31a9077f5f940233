/**
 * cnpg-constructs for Pulumi: the components over the core, and the core itself. Loads @pulumi/pulumi and
 * @pulumi/kubernetes; never cdk8s.
 *
 * @module cnpg-constructs/pulumi
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/pulumi');

export * from '../core';
export * from './database-role';
export * from './extension-database';
export * from './image-catalog';
export { AWAIT_ANNOTATIONS, CnpgResourceError } from './kube';
export * from './monitoring';
export * from './operator';
export { Pooler, type PoolerArgs } from './pooler';
export * from './postgres-cluster';
export {
  type ConnectionInfo,
  type ConnectionInput,
  type PostgresExtensionInput,
  PostgresExtensions,
  type PostgresExtensionsArgs,
} from './postgres-extensions';
export * from './backup';
export type { CascadedDrop, DependentObject, InstalledExtension } from '../core/sql';
export {
  type ClusterEndpointsOutput,
  type ClusterReferenceArgs,
  type ConnectionOptions,
  connectionEnvInput,
  type EndpointOutput,
  PostgresClusterReference,
} from './serving';
