// The Barman Cloud plugin's `ObjectStore` (barmancloud.cnpg.io/v1; plugin-barman-cloud v0.14.0 api/v1/objectstore_types.go):
// where a cluster's WAL files and base backups go, with the credentials to reach it. One store per cluster is what
// the plugin's docs recommend (concepts.md); clusters sharing one must archive under different server names.
import type { Finding } from '../findings';
import { allProblems, type Problem, throwIfProblems } from '../errors';
import { checkKnownKeys, keysOf } from '../keys';
import { checkDnsLabel, checkDnsSubdomain } from '../names';
import type { KubeObject } from '../operator-manifest';
import { checkResources, type ResourceRequirements } from '../resources';
import { checkRuntimeTypes, type RuntimeType } from '../runtime-types';
import { BARMAN_CLOUD_API_VERSION } from './constants';
import { checkObjectStoreSpec, objectStoreProvider, type ObjectStoreProvider, type SecretKeyReference } from './object-store-checks';

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

/** A validated object store. */
export interface ObjectStoreModel {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The spec, as the plugin reads it. */
  readonly spec: Record<string, unknown>;
  /** Which cloud the credentials are for. */
  readonly provider: ObjectStoreProvider;
  readonly destinationPath: string;
}

const KEYS = keysOf<ObjectStoreProps>()({
  name: true,
  namespace: true,
  destinationPath: true,
  endpointURL: true,
  endpointCA: true,
  s3Credentials: true,
  azureCredentials: true,
  googleCredentials: true,
  wal: true,
  data: true,
  tags: true,
  historyTags: true,
  retentionPolicy: true,
  instanceSidecarConfiguration: true,
  labels: true,
  annotations: true,
});
const S3_KEYS = keysOf<S3CredentialsProps>()({
  accessKeyId: true,
  secretAccessKey: true,
  sessionToken: true,
  region: true,
  inheritFromIAMRole: true,
});
const AZURE_KEYS = keysOf<AzureCredentialsProps>()({
  connectionString: true,
  storageAccount: true,
  storageKey: true,
  storageSasToken: true,
  inheritFromAzureAD: true,
  useDefaultAzureCredentials: true,
});
const GOOGLE_KEYS = keysOf<GoogleCredentialsProps>()({ applicationCredentials: true, gkeEnvironment: true });
const WAL_KEYS = keysOf<WalArchiveProps>()({
  compression: true,
  encryption: true,
  maxParallel: true,
  archiveAdditionalCommandArgs: true,
  restoreAdditionalCommandArgs: true,
});
const DATA_KEYS = keysOf<DataBackupProps>()({
  compression: true,
  encryption: true,
  jobs: true,
  immediateCheckpoint: true,
  additionalCommandArgs: true,
  restoreAdditionalCommandArgs: true,
});
const SIDECAR_KEYS = keysOf<InstanceSidecarProps>()({
  resources: true,
  env: true,
  retentionPolicyIntervalSeconds: true,
  logLevel: true,
  additionalContainerArgs: true,
});
const TYPES: Readonly<Record<string, RuntimeType>> = {
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
};
const NESTED_TYPES: readonly [string, Readonly<Record<string, RuntimeType>>][] = [
  ['s3Credentials', { inheritFromIAMRole: 'boolean' }],
  ['azureCredentials', { inheritFromAzureAD: 'boolean', useDefaultAzureCredentials: 'boolean' }],
  ['googleCredentials', { gkeEnvironment: 'boolean' }],
  [
    'wal',
    {
      compression: 'string',
      encryption: 'string',
      maxParallel: 'int32',
      archiveAdditionalCommandArgs: 'stringArray',
      restoreAdditionalCommandArgs: 'stringArray',
    },
  ],
  [
    'data',
    {
      compression: 'string',
      encryption: 'string',
      jobs: 'int32',
      immediateCheckpoint: 'boolean',
      additionalCommandArgs: 'stringArray',
      restoreAdditionalCommandArgs: 'stringArray',
    },
  ],
  [
    'instanceSidecarConfiguration',
    {
      resources: 'object',
      env: 'array',
      retentionPolicyIntervalSeconds: 'int32',
      logLevel: 'string',
      additionalContainerArgs: 'stringArray',
    },
  ],
];
const LOG_LEVELS = ['error', 'warning', 'info', 'debug', 'trace'];

/** A plain copy of the defined fields of `o` (the user's objects are never emitted or frozen themselves). */
function copy(o: object | undefined): Record<string, unknown> | undefined {
  if (o === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : typeof v === 'object' && v !== null ? copy(v) : v;
  return out;
}

function sidecarProblems(s: InstanceSidecarProps | undefined): Problem[] {
  if (s === undefined) return [];
  const out: Problem[] = [...checkResources('instanceSidecarConfiguration.resources', s.resources)];
  if (s.logLevel !== undefined && !LOG_LEVELS.includes(s.logLevel)) {
    out.push({
      code: 'object-store-sidecar-log-level-invalid',
      field: 'instanceSidecarConfiguration.logLevel',
      message: 'is not a log level of the plugin',
      value: s.logLevel,
      fix: 'use error, warning, info, debug or trace',
    });
  }
  if (s.retentionPolicyIntervalSeconds !== undefined && s.retentionPolicyIntervalSeconds < 1) {
    out.push({
      code: 'object-store-retention-interval-invalid',
      field: 'instanceSidecarConfiguration.retentionPolicyIntervalSeconds',
      message: 'must be a positive number of seconds',
      value: s.retentionPolicyIntervalSeconds,
      fix: 'use e.g. 1800 (the plugin default)',
    });
  }
  s.env?.forEach((e, i) => {
    out.push(...checkKnownKeys(`instanceSidecarConfiguration.env[${i}]`, e, ['name', 'value', 'valueFrom']));
    if (typeof e?.name !== 'string' || e.name === '') {
      out.push({
        code: 'object-store-sidecar-env-name',
        field: `instanceSidecarConfiguration.env[${i}].name`,
        message: 'is required',
        value: e?.name,
        fix: 'name the variable, e.g. AWS_REQUEST_CHECKSUM_CALCULATION',
      });
    }
  });
  return out;
}

/**
 * Checks an object store's props (throwing a `CnpgValidationError` naming `path`, each field and its fix) and builds
 * its model. `frontEndKeys`: props a front end accepts besides these.
 */
export function buildObjectStore(
  path: string,
  defaultName: string,
  props: ObjectStoreProps,
  frontEndKeys: readonly string[] = [],
): ObjectStoreModel {
  throwIfProblems(
    path,
    'ObjectStore',
    allProblems(
      checkRuntimeTypes('', props, TYPES),
      ...NESTED_TYPES.map(([k, t]) => checkRuntimeTypes(k, (props as unknown as Record<string, unknown>)?.[k], t)),
    ),
  );
  const name = props.name ?? defaultName;
  const spec: Record<string, unknown> = {
    configuration: copy({
      destinationPath: props.destinationPath,
      endpointURL: props.endpointURL,
      endpointCA: props.endpointCA,
      s3Credentials: props.s3Credentials,
      azureCredentials: props.azureCredentials,
      googleCredentials: props.googleCredentials,
      wal: props.wal,
      data: props.data,
      tags: props.tags,
      historyTags: props.historyTags,
    }),
  };
  if (props.retentionPolicy !== undefined) spec.retentionPolicy = props.retentionPolicy;
  if (props.instanceSidecarConfiguration !== undefined) spec.instanceSidecarConfiguration = copy(props.instanceSidecarConfiguration);
  const allowed = frontEndKeys.length ? [...KEYS, ...frontEndKeys] : KEYS;
  const problems: readonly Finding[] = allProblems(
    checkKnownKeys('', props, allowed).map(serverNameFix),
    checkKnownKeys('s3Credentials', props.s3Credentials, S3_KEYS),
    checkKnownKeys('azureCredentials', props.azureCredentials, AZURE_KEYS),
    checkKnownKeys('googleCredentials', props.googleCredentials, GOOGLE_KEYS),
    checkKnownKeys('wal', props.wal, WAL_KEYS),
    checkKnownKeys('data', props.data, DATA_KEYS),
    checkKnownKeys('instanceSidecarConfiguration', props.instanceSidecarConfiguration, SIDECAR_KEYS),
    props.name === undefined
      ? checkDnsSubdomain('name (defaulted from the id)', name, 'the object store name')
      : checkDnsSubdomain('name', name, 'the object store name'),
    props.namespace !== undefined ? checkDnsLabel('namespace', props.namespace, 'the namespace') : [],
    // The same rules as the admission layer's, over the spec as emitted (its configuration's fields are the props').
    checkObjectStoreSpec('', '', spec).filter((f) => f.severity !== 'warning'),
    sidecarProblems(props.instanceSidecarConfiguration),
  );
  throwIfProblems(path, 'ObjectStore', problems);
  return {
    name,
    namespace: props.namespace,
    labels: props.labels,
    annotations: props.annotations,
    spec,
    provider: objectStoreProvider(spec.configuration) as ObjectStoreProvider,
    destinationPath: props.destinationPath,
  };
}

/** `serverName` belongs to the cluster (the plugin's CRD refuses it in a store): say so instead of "unknown key". */
function serverNameFix(p: Problem): Problem {
  return p.field === 'serverName'
    ? {
        ...p,
        code: 'object-store-server-name',
        message: 'is not a field of an ObjectStore (its CRD refuses it)',
        fix: "set serverName on the cluster's backup (backup.serverName)",
      }
    : p;
}

/** The `ObjectStore` object, as plain JSON. */
export function objectStoreManifest(model: ObjectStoreModel): KubeObject {
  const metadata: KubeObject['metadata'] = { name: model.name };
  if (model.namespace) metadata.namespace = model.namespace;
  if (model.labels && Object.keys(model.labels).length) metadata.labels = { ...model.labels };
  if (model.annotations && Object.keys(model.annotations).length) metadata.annotations = { ...model.annotations };
  return { apiVersion: BARMAN_CLOUD_API_VERSION, kind: 'ObjectStore', metadata, spec: structuredClone(model.spec) };
}
