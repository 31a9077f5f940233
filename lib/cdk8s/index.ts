/**
 * cnpg-constructs for cdk8s. Loads cdk8s and constructs; never @pulumi/*.
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/cdk8s');

export * from '../core';
export { CnpgChecks, type CnpgChecksOptions } from './checks';
export * from './cluster-reference';
export * from './database-role';
export * from './extension-database';
export * from './image-catalog';
export * from './image-lock';
export * from './kind';
export * from './monitoring';
export * from './operator';
export * from './pooler';
export * from './postgres-cluster';
export * from './plan';
export * from './backup';
