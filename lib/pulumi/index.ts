/**
 * cnpg-constructs for Pulumi. Loads @pulumi/pulumi and @pulumi/kubernetes; never cdk8s.
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/pulumi');

export * from '../core';
export * from './extension-database';
export * from './image-catalog';
export { AWAIT_ANNOTATIONS, CnpgResourceError } from './kube';
export * from './operator';
export * from './postgres-cluster';
export * from './postgres-extensions';
export * from './backup';
