/**
 * cnpg-constructs for cdk8s. Loads cdk8s and constructs; never @pulumi/*.
 */
export * from '../core';
export * from './extension-database';
export * from './image-catalog';
export * from './kind';
export * from './operator';
export * from './postgres-cluster';
