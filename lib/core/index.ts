/**
 * cnpg-constructs core: the framework-free model of CloudNativePG clusters with extension images.
 * It loads neither cdk8s nor Pulumi; `cnpg-constructs/cdk8s` and `cnpg-constructs/pulumi` build on it.
 *
 * The public API, by name: what a platform repository declares (props), builds (models and the plain objects of
 * each kind), checks (findings, errors, the validators) and plans. The rules' building blocks (name checks, SQL
 * planning, admission rule registration, ...) stay in their modules and are not exported here.
 *
 * @module cnpg-constructs
 */

// Extension images and the catalog.
export {
  CATALOG,
  type CatalogImage,
  CNPG_MANAGED_EXTENSIONS,
  CNPG_MANAGED_MODULES,
  type Distro,
  EXTENSION_IMAGE_DISTROS,
  type SqlExtensionInfo,
} from './extension-catalog';
export { ExtensionImage } from './extension-image';
export type {
  CatalogImageOptions,
  ExtensionImageProps,
  ImagePullPolicy,
  PgauditImageOptions,
  PostgisImageOptions,
  SqlExtension,
  Wal2jsonImageOptions,
} from './extension-image-props';

// Clusters and databases: props, builders, models, plain objects.
export {
  type AvailableSqlExtension,
  buildCluster,
  type ClusterModel,
  type ImageCatalogReference,
  type PostgresClusterProps,
  type PostgresqlProps,
  type StorageProps,
} from './cluster';
export { buildDatabase, type DatabaseExtension, type DatabaseModel, type DatabaseProps, type DependencyOrder } from './database';
export type { Quantity, ResourceRequirements } from './resources';
export {
  buildImageCatalog,
  type CatalogImageEntry,
  type CheckedCatalogReference,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
} from './image-catalog';
export { CNPG_API_VERSION, clusterManifest, databaseManifest, imageCatalogManifest } from './manifests';
/** The generated CNPG spec types and enums (pure: no cdk8s), for typed pass-through props. */
export * as cnpg from '../../imports/postgresql.cnpg.io.spec';

// The operator, its release manifest and CNPG versions.
export {
  buildOperatorObjects,
  DEFAULT_OPERATOR_NAMESPACE,
  type OperatorInstall,
  type OperatorObjects,
  type OperatorProps,
  type Toleration,
} from './operator';
export {
  KNOWN_OPERATOR_RELEASES,
  type KubeObject,
  MANIFEST_ENV,
  type ManifestOrigin,
  OperatorManifest,
  OperatorManifestError,
  type ReleaseOptions,
  SHIPPED_OPERATOR_RELEASES,
} from './operator-manifest';
export { DEFAULT_OPERATOR_VERSION, FEATURES, supportsFeature } from './compat';
export { SHIPPED_CRDS, type ShippedCrd } from './crds';
export type { ShippedFile } from './shipped';

// kind clusters.
export {
  buildKindConfig,
  DEFAULT_KIND_RELEASE,
  DEFAULT_KUBERNETES_VERSION,
  KIND_NODE_IMAGES,
  type KindClusterConfig,
  type KindConfigProps,
  type KindPortMapping,
} from './kind';

// Image locks.
export { IMAGE_LOCK_FILE, ImageLock, type ImageLockEntry, type ImageLockFile, imageReferencesIn } from './image-lock';

// Findings, errors and validation.
export { errorsOf, type Finding, isError, isWarning, type Severity, warningsOf } from './findings';
export { CnpgValidationError, formatProblem, type Problem } from './errors';
export { cnpgSchemaErrors, hasCrdFor, isCnpgObject, validateAgainstSchema, validateCnpgObject, validateObject } from './validator';
export type { Schema, SchemaError, ValidateOptions } from './schema';
export { type AdmissionOptions, admissionFindings } from './admission';
export type { ObjectFinding } from './admission/rule';
export { type SemanticFinding, semanticFindings } from './yaml-checks';
export { type Cdk8sValidationContext, CnpgValidation, type CnpgValidationProperties } from './cdk8s-validation';

// Backups, recovery and replica clusters (Barman Cloud plugin).
export {
  type AzureCredentialsProps,
  BARMAN_CLOUD_API_VERSION,
  BARMAN_CLOUD_PLUGIN,
  type BackupClusterTarget,
  type BackupModel,
  type BackupProps,
  type BarmanCloudDownloadOptions,
  BarmanCloudManifest,
  type BarmanCloudPluginObjects,
  type BarmanCloudPluginProps,
  backupManifest,
  buildBackup,
  buildBarmanCloudPluginObjects,
  buildObjectStore,
  type ClusterBackupProps,
  type ClusterBackupRecoveryProps,
  type ClusterRecoveryProps,
  type ClusterReplicaProps,
  type ClusterSource,
  DEFAULT_BARMAN_CLOUD_VERSION,
  type DataBackupProps,
  type ExternalClusterProps,
  type GoogleCredentialsProps,
  type InstanceSidecarProps,
  type ObjectStoreModel,
  type ObjectStoreProps,
  type ObjectStoreProvider,
  type ObjectStoreReference,
  type ObjectStoreTarget,
  objectStoreManifest,
  type RecoveryTargetProps,
  type S3CredentialsProps,
  type ScheduledBackupProps,
  type SecretKeyReference,
  type SidecarEnvVar,
  type WalArchiveProps,
} from './backup';

// Serving: poolers, roles, endpoints and credentials, monitoring.
export {
  type AlertRulesModel,
  type AlertRulesProps,
  type AlertThresholds,
  alertRulesManifest,
  BASIC_AUTH_KEYS,
  type BasicAuthKey,
  buildAlertRules,
  buildDatabaseRole,
  buildPodMonitor,
  buildPooler,
  CLIENT_CERTIFICATE_KEYS,
  CLUSTER_ALERTS,
  CNPG_SECRET_KEYS,
  type ClientCertificateKey,
  type ClusterAlert,
  type ClusterEndpoints,
  type ClusterReference,
  type ClusterUser,
  type CnpgSecretKey,
  type ConnectionEnvOptions,
  type Credentials,
  clusterCredentials,
  clusterEndpoints,
  componentImageRef,
  connectionEnv,
  DEFAULT_CLUSTER_DOMAIN,
  type DatabaseObjectsProps,
  type DatabaseRoleModel,
  type DatabaseRoleProps,
  type DatabaseSchema,
  type Ensure,
  databaseRoleCertificate,
  databaseRoleManifest,
  databaseRolePassword,
  type Endpoint,
  type EnvVar,
  type ForeignDataWrapper,
  type ForeignServer,
  MONITORING_API_VERSION,
  type ManagedRoleProps,
  type MonitorTarget,
  type ObjectOption,
  PGBOUNCER_PARAMETERS,
  POSTGRES_PORT,
  type PodMonitorModel,
  type PodMonitorProps,
  type PoolerImageCatalogRef,
  type PoolerModel,
  type PoolerProps,
  type PoolerTemplate,
  type PoolerType,
  type PoolMode,
  podMonitorManifest,
  poolerManifest,
  type RelabelConfig,
  type RoleProps,
  roleCredentials,
  type SecretKeyRef,
  type ServedCluster,
  secretKeyRef,
  serviceEndpoint,
  type UsageGrant,
} from './serving';

// The change plan.
export {
  type ChangePlan,
  type Citation,
  EFFECTS,
  type Effect,
  type FailOn,
  manualRestartClusters,
  type ObjectPlan,
  type PlanChange,
  type PlanOptions,
  type PlanSummary,
  planChanges,
  planFails,
  RESTART_ANNOTATION,
  type Rollout,
  renderMarkdown,
  renderText,
  type SqlStatement,
  stampRestart,
  type UpdateCheck,
} from './plan';
