/**
 * cnpg-constructs/images: extension images checked before they are mounted. A registry client (OCI
 * distribution API, token and Basic auth, digests verified), a safe unpacker, the inspection of CNPG's layout,
 * control files, scripts and shared-library needs, verification of what the code says against the images, the
 * image lock, and the PostgreSQL smoke test. Loads neither cdk8s nor Pulumi.
 */
export * from './control';
export * from './credentials';
export * from './elf';
export * from './inspect';
export * from './lock';
export * from './pull';
export * from './reference';
export * from './registry';
export * from './smoke';
export * from './unpack';
export * from './verify';
export { IMAGE_LOCK_FILE, ImageLock, type ImageLockEntry, type ImageLockFile, imageReferencesIn } from '../core/image-lock';
