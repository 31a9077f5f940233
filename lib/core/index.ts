/**
 * cnpg-constructs core: the framework-free model of CloudNativePG clusters with extension images.
 * It loads neither cdk8s nor Pulumi; `cnpg-constructs/cdk8s` and `cnpg-constructs/pulumi` build on it.
 */
export * from './extension-catalog';
export * from './cluster';
export * from './compat';
export * from './database';
export * from './errors';
export * from './findings';
export * from './extension-image';
export * from './extension-image-props';
export * from './image-catalog';
export * from './image-lock';
export * from './image-ref';
export * from './operator-manifest';
export * from './kind';
export * from './names';
export * from './operator';
export * from './parameters';
export * from './peers';
export * from './resources';
export * from './sql';
export * from './validator';
export { SHIPPED_CRDS, type ShippedCrd } from './crds';
export type { ShippedFile } from './shipped';
export * from './yaml-checks';
export * from './admission';
export * from './backup';
export * from './cdk8s-validation';
export * from './manifests';
export * from './serving';
/** The generated CNPG spec types and enums (pure: no cdk8s), for typed pass-through props. */
export * as cnpg from '../../imports/postgresql.cnpg.io.spec';
export * from './plan';
