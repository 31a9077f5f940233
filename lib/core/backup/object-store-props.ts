// The props of a Barman Cloud plugin `ObjectStore` (plugin-barman-cloud v0.14.0 api/v1/objectstore_types.go; its
// `configuration` is barman-cloud's BarmanObjectStoreConfiguration), with their key lists and runtime types.
import { propsSchema } from '../props-schema';
import type { ResourceRequirements } from '../resources';
import type { RuntimeType } from '../runtime-types';
import type { SecretKeyReference } from './object-store-checks';

/** S3 (or an S3-compatible store) credentials: keys in a Secret, or the pod's IAM role. */
export interface S3CredentialsProps {
  /**
   * The access key id, in a Secret.
   * @default - none (with `inheritFromIAMRole`)
   */
  readonly accessKeyId?: SecretKeyReference;
  /**
   * The secret access key, in a Secret.
   * @default - none (with `inheritFromIAMRole`)
   */
  readonly secretAccessKey?: SecretKeyReference;
  /**
   * A session token, in a Secret.
   * @default - none
   */
  readonly sessionToken?: SecretKeyReference;
  /**
   * The region, in a Secret.
   * @default - the SDK's (from the endpoint or the environment)
   */
  readonly region?: SecretKeyReference;
  /**
   * Use the pod's role (IRSA: annotate the cluster's ServiceAccount with `eks.amazonaws.com/role-arn`).
   * @default false
   */
  readonly inheritFromIAMRole?: boolean;
}

/** Azure Blob Storage credentials: a connection string, an account with a key or SAS token, or a managed identity. */
export interface AzureCredentialsProps {
  /**
   * A connection string, in a Secret (then nothing else).
   * @default - none
   */
  readonly connectionString?: SecretKeyReference;
  /**
   * The storage account name, in a Secret (with `storageKey` or `storageSasToken`).
   * @default - none
   */
  readonly storageAccount?: SecretKeyReference;
  /**
   * The storage account key, in a Secret.
   * @default - none
   */
  readonly storageKey?: SecretKeyReference;
  /**
   * A shared access signature, in a Secret.
   * @default - none
   */
  readonly storageSasToken?: SecretKeyReference;
  /**
   * Use the pod's managed identity (Azure AD workload identity).
   * @default false
   */
  readonly inheritFromAzureAD?: boolean;
  /**
   * Use the Azure SDK's DefaultAzureCredential chain.
   * @default false
   */
  readonly useDefaultAzureCredentials?: boolean;
}

/** Google Cloud Storage credentials: a service account key in a Secret, or GKE Workload Identity. */
export interface GoogleCredentialsProps {
  /**
   * A service account JSON key, in a Secret.
   * @default - none (with `gkeEnvironment`)
   */
  readonly applicationCredentials?: SecretKeyReference;
  /**
   * Use GKE Workload Identity (annotate the cluster's ServiceAccount with `iam.gke.io/gcp-service-account`).
   * @default false
   */
  readonly gkeEnvironment?: boolean;
}

/** How WAL files are archived and restored. */
export interface WalArchiveProps {
  /**
   * Compression: `gzip`, `bzip2`, `lz4`, `snappy`, `xz` or `zstd`.
   * @default - none (uncompressed, as the plugin)
   */
  readonly compression?: 'bzip2' | 'gzip' | 'lz4' | 'snappy' | 'xz' | 'zstd';
  /**
   * Server-side encryption: `AES256` or `aws:kms`.
   * @default - the bucket's policy
   */
  readonly encryption?: 'AES256' | 'aws:kms';
  /**
   * WAL files archived (or restored) in parallel.
   * @default - one at a time
   */
  readonly maxParallel?: number;
  /**
   * Extra arguments of `barman-cloud-wal-archive`.
   * @default - none
   */
  readonly archiveAdditionalCommandArgs?: readonly string[];
  /**
   * Extra arguments of `barman-cloud-wal-restore`.
   * @default - none
   */
  readonly restoreAdditionalCommandArgs?: readonly string[];
}

/** How base backups are taken and restored. */
export interface DataBackupProps {
  /**
   * Compression: `gzip`, `bzip2`, `lz4` or `snappy`.
   * @default - none (uncompressed, as the plugin)
   */
  readonly compression?: 'bzip2' | 'gzip' | 'lz4' | 'snappy';
  /**
   * Server-side encryption: `AES256` or `aws:kms`.
   * @default - the bucket's policy
   */
  readonly encryption?: 'AES256' | 'aws:kms';
  /**
   * Parallel upload jobs.
   * @default - barman's (2)
   */
  readonly jobs?: number;
  /**
   * Start the backup with an immediate checkpoint instead of a spread one.
   * @default false
   */
  readonly immediateCheckpoint?: boolean;
  /**
   * Extra arguments of `barman-cloud-backup`.
   * @default - none
   */
  readonly additionalCommandArgs?: readonly string[];
  /**
   * Extra arguments of `barman-cloud-restore`.
   * @default - none
   */
  readonly restoreAdditionalCommandArgs?: readonly string[];
}

/** An environment variable of the plugin's sidecar (a value, or a key of a Secret or ConfigMap). */
export interface SidecarEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: SecretKeyReference & { readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  };
}

/** The plugin's sidecar in each PostgreSQL pod (for the clusters that archive to this store). */
export interface InstanceSidecarProps {
  /**
   * Requests and limits of the sidecar.
   * @default - none
   */
  readonly resources?: ResourceRequirements;
  /**
   * Environment of the sidecar (e.g. `AWS_REQUEST_CHECKSUM_CALCULATION=when_required` for some S3-compatible stores).
   * @default - none
   */
  readonly env?: readonly SidecarEnvVar[];
  /**
   * How often the retention policy is enforced, in seconds.
   * @default 1800 (as the plugin)
   */
  readonly retentionPolicyIntervalSeconds?: number;
  /**
   * Log level of the sidecar.
   * @default 'info' (as the plugin)
   */
  readonly logLevel?: 'error' | 'warning' | 'info' | 'debug' | 'trace';
  /**
   * Extra arguments of the sidecar (not `--log-level`: use `logLevel`).
   * @default - none
   */
  readonly additionalContainerArgs?: readonly string[];
}

/** Props of a Barman Cloud `ObjectStore`, shared by the cdk8s construct and the Pulumi component. */
export interface ObjectStoreProps {
  /**
   * Name of the `ObjectStore` (a DNS subdomain); clusters reference it by this name, in their own namespace.
   * @default - the construct id (cdk8s) or resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * Namespace: the plugin looks the store up in the namespace of the cluster that uses it.
   * @default - the chart's namespace (cdk8s) or the provider's (Pulumi)
   */
  readonly namespace?: string;
  /** Where backups go: `s3://bucket/path`, `gs://bucket/path`, `https://<account>.blob.core.windows.net/<container>/path`. */
  readonly destinationPath: string;
  /**
   * Endpoint of an S3-compatible store (MinIO, Ceph RGW, ...).
   * @default - the provider's own endpoint
   */
  readonly endpointURL?: string;
  /**
   * CA bundle of the endpoint, in a Secret (S3 and Azure).
   * @default - the system's CAs
   */
  readonly endpointCA?: SecretKeyReference;
  /**
   * S3 credentials. Exactly one of `s3Credentials`, `azureCredentials` and `googleCredentials`.
   * @default - none
   */
  readonly s3Credentials?: S3CredentialsProps;
  /**
   * Azure Blob Storage credentials.
   * @default - none
   */
  readonly azureCredentials?: AzureCredentialsProps;
  /**
   * Google Cloud Storage credentials.
   * @default - none
   */
  readonly googleCredentials?: GoogleCredentialsProps;
  /**
   * WAL archiving.
   * @default - uncompressed, one file at a time
   */
  readonly wal?: WalArchiveProps;
  /**
   * Base backups.
   * @default - uncompressed, barman's two jobs
   */
  readonly data?: DataBackupProps;
  /**
   * Tags of base backups and WAL files.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Tags of history files.
   * @default - none
   */
  readonly historyTags?: Readonly<Record<string, string>>;
  /**
   * How long backups are kept: `30d`, `4w`, `6m` (months). Older backups and their WAL are deleted.
   * @default - none: nothing is deleted (the bucket's lifecycle rules apply)
   */
  readonly retentionPolicy?: string;
  /**
   * The plugin's sidecar in the PostgreSQL pods.
   * @default - the plugin's
   */
  readonly instanceSidecarConfiguration?: InstanceSidecarProps;
  /**
   * Labels of the object.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Keys and run-time types of {@link ObjectStoreProps}. @internal */
export const OBJECT_STORE_SCHEMA = propsSchema<ObjectStoreProps>()({
  name: 'string',
  namespace: 'string',
  destinationPath: 'string',
  endpointURL: 'string',
  endpointCA: 'object',
  s3Credentials: 'object',
  azureCredentials: 'object',
  googleCredentials: 'object',
  wal: 'object',
  data: 'object',
  tags: 'stringMap',
  historyTags: 'stringMap',
  retentionPolicy: 'string',
  instanceSidecarConfiguration: 'object',
  labels: 'stringMap',
  annotations: 'stringMap',
});
/** Every key of {@link ObjectStoreProps}. @internal */
export const OBJECT_STORE_KEYS: readonly string[] = OBJECT_STORE_SCHEMA.keys;

/** Keys and run-time types of {@link S3CredentialsProps}. @internal */
export const S3_SCHEMA = propsSchema<S3CredentialsProps>()({
  accessKeyId: null,
  secretAccessKey: null,
  sessionToken: null,
  region: null,
  inheritFromIAMRole: 'boolean',
});
/** Every key of {@link S3CredentialsProps}. @internal */
export const S3_KEYS: readonly string[] = S3_SCHEMA.keys;

/** Keys and run-time types of {@link AzureCredentialsProps}. @internal */
export const AZURE_SCHEMA = propsSchema<AzureCredentialsProps>()({
  connectionString: null,
  storageAccount: null,
  storageKey: null,
  storageSasToken: null,
  inheritFromAzureAD: 'boolean',
  useDefaultAzureCredentials: 'boolean',
});
/** Every key of {@link AzureCredentialsProps}. @internal */
export const AZURE_KEYS: readonly string[] = AZURE_SCHEMA.keys;

/** Keys and run-time types of {@link GoogleCredentialsProps}. @internal */
export const GOOGLE_SCHEMA = propsSchema<GoogleCredentialsProps>()({
  applicationCredentials: null,
  gkeEnvironment: 'boolean',
});
/** Every key of {@link GoogleCredentialsProps}. @internal */
export const GOOGLE_KEYS: readonly string[] = GOOGLE_SCHEMA.keys;

/** Keys and run-time types of {@link WalArchiveProps}. @internal */
export const WAL_SCHEMA = propsSchema<WalArchiveProps>()({
  compression: 'string',
  encryption: 'string',
  maxParallel: 'int32',
  archiveAdditionalCommandArgs: 'stringArray',
  restoreAdditionalCommandArgs: 'stringArray',
});
/** Every key of {@link WalArchiveProps}. @internal */
export const WAL_KEYS: readonly string[] = WAL_SCHEMA.keys;

/** Keys and run-time types of {@link DataBackupProps}. @internal */
export const DATA_SCHEMA = propsSchema<DataBackupProps>()({
  compression: 'string',
  encryption: 'string',
  jobs: 'int32',
  immediateCheckpoint: 'boolean',
  additionalCommandArgs: 'stringArray',
  restoreAdditionalCommandArgs: 'stringArray',
});
/** Every key of {@link DataBackupProps}. @internal */
export const DATA_KEYS: readonly string[] = DATA_SCHEMA.keys;

/** Keys and run-time types of {@link InstanceSidecarProps}. @internal */
export const SIDECAR_SCHEMA = propsSchema<InstanceSidecarProps>()({
  resources: 'object',
  env: 'array',
  retentionPolicyIntervalSeconds: 'int32',
  logLevel: 'string',
  additionalContainerArgs: 'stringArray',
});
/** Every key of {@link InstanceSidecarProps}. @internal */
export const SIDECAR_KEYS: readonly string[] = SIDECAR_SCHEMA.keys;

/** Run-time types of {@link ObjectStoreProps}. @internal */
export const OBJECT_STORE_TYPES: Readonly<Record<string, RuntimeType>> = OBJECT_STORE_SCHEMA.types;
/** Run-time types of the nested props of {@link ObjectStoreProps}, by key. @internal */
export const NESTED_TYPES: readonly [string, Readonly<Record<string, RuntimeType>>][] = [
  ['s3Credentials', S3_SCHEMA.types],
  ['azureCredentials', AZURE_SCHEMA.types],
  ['googleCredentials', GOOGLE_SCHEMA.types],
  ['wal', WAL_SCHEMA.types],
  ['data', DATA_SCHEMA.types],
  ['instanceSidecarConfiguration', SIDECAR_SCHEMA.types],
];
