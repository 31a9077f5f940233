/**
 * cnpg-constructs/images: extension images checked before they are mounted. A registry client (OCI
 * distribution API, token and Basic auth, digests verified), a safe unpacker, the inspection of CNPG's layout,
 * control files, scripts and shared-library needs (read the way PostgreSQL 18 reads them), the operand image
 * measured, verification of what the code says against the images, the image lock, and the PostgreSQL smoke
 * test. Loads neither cdk8s nor Pulumi.
 *
 * @module cnpg-constructs/images
 */
export { type ControlFile, ControlFileError, type IncludeReader, parseControlFile } from './control';
export { type CredentialLookup, dockerConfigCredentials, type RegistryCredentials } from './credentials';
export { type ElfDynamicInfo, readElfDynamic, readElfFile } from './elf';
export {
  type ExtensionScript,
  type ImageExtension,
  type ImageInspection,
  type ImageLibrary,
  type InspectOptions,
  inspectImageDir,
  type LoadedModule,
  type MountPaths,
  type OperandSummary,
  type SecondaryControl,
} from './inspect';
export { type ImageReport, type InspectImageOptions, inspectImage } from './inspect-image';
export { collectReferences, type LockedReference, type LockOptions, type LockProblem, type LockResult, lockReferences } from './lock';
export { type ModuleReference, moduleReferences } from './modules';
export { builtInOperand, type OperandProvides, operandFromPaths } from './operand';
export { measureOperand } from './operand-image';
export { type PulledImage, type PullOptions, pullImage } from './pull';
export { type RemoteReference, remoteReference } from './reference';
export {
  DEFAULT_PLATFORM,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  MEDIA_TYPES,
  type Platform,
  type ProxyEnvironment,
  parsePlatform,
  RegistryClient,
  type RegistryClientOptions,
  RegistryError,
  type RegistryErrorDetails,
  type RegistryEvent,
  type ResolvedImage,
} from './registry';
export { type Sandbox, type SmokeImage, type SmokeOptions, type SmokeReport, type SmokeStep, smokeTest } from './smoke';
export { type LayerSource, type UnpackLimits, type UnpackResult, UnsafeLayerError, unpackLayers } from './unpack';
export {
  type MountedImage,
  type VerifyFinding,
  type VerifyOptions,
  type VerifyReport,
  verifyExtensionImages,
  verifyObjects,
} from './verify';
export { compareVersions, type InstallPlan, installableVersions, installPlan, type ScriptSet, scriptsOf, updatePath } from './versions';
export { IMAGE_LOCK_FILE, ImageLock, type ImageLockEntry, type ImageLockFile, imageReferencesIn } from '../core/image-lock';
export { checkUpdatePaths, type ImageInspector, type InspectedImage, type UpdatePathOptions } from './update-paths';
