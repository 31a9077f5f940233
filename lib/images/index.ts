/**
 * cnpg-constructs/images: extension images checked before they are mounted. A registry client (OCI
 * distribution API, token and Basic auth, digests verified), a safe unpacker, the inspection of CNPG's layout,
 * control files, scripts and shared-library needs (read the way PostgreSQL 18 reads them), the operand image
 * measured, verification of what the code says against the images, the image lock, and the PostgreSQL smoke
 * test. Loads neither cdk8s nor Pulumi.
 */
export { type ControlFile, ControlFileError, parseControlFile, parseBool, splitIdentifierString } from './control';
export * from './credentials';
export * from './elf';
export * from './inspect';
export * from './inspect-image';
export * from './lock';
export { type ModuleReference, moduleReferences } from './modules';
export { builtInOperand, type OperandProvides, operandFromPaths } from './operand';
export { measureOperand } from './operand-image';
export * from './pull';
export * from './reference';
export * from './registry';
export * from './smoke';
export * from './unpack';
export * from './verify';
export { compareVersions, type InstallPlan, installableVersions, installPlan, type ScriptSet, scriptsOf, updatePath } from './versions';
export { IMAGE_LOCK_FILE, ImageLock, type ImageLockEntry, type ImageLockFile, imageReferencesIn } from '../core/image-lock';
export { checkUpdatePaths, type ImageInspector, type InspectedImage, type UpdatePathOptions } from './update-paths';
