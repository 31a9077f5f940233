/**
 * cnpg-constructs for Pulumi. Loads @pulumi/pulumi and @pulumi/kubernetes; never cdk8s.
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/pulumi');

export * from '../core';
export * from './components';
export * from './postgres-extensions';
