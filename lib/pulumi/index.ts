/**
 * cnpg-constructs for Pulumi. Loads @pulumi/pulumi and @pulumi/kubernetes; never cdk8s.
 */
export * from '../core';
export * from './components';
export * from './postgres-extensions';
