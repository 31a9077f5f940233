// Checks of a Barman Cloud `ObjectStore` spec, over its wire shape: the builder runs them over the spec it emits
// (fields named as props), the admission layer over any ObjectStore (fields named as paths in the object).
// The plugin (plugin-barman-cloud v0.14.0) has no webhook: what its CRD does not refuse fails only later, in the
// sidecar (barman-cloud pkg/credentials/env.go: "ObjectStoreConfiguration invalid: no credentials defined").
// Its `configuration` is barman-cloud's BarmanObjectStoreConfiguration, which CNPG validates for the in-tree
// `barmanObjectStore` with barman-cloud v0.5.1 pkg/api/webhooks/config.go, ValidateBackupConfiguration: the same
// rules hold for the plugin's store, and the library applies them to both.
import { NO_PROBLEMS } from '../errors';
import type { Finding } from '../findings';
import { checkDnsSubdomain, DNS_SUBDOMAIN_MAX_LENGTH, isDnsSubdomain } from '../names';

/** A key of a Kubernetes Secret in the object's namespace: `{ name, key }`. Credentials are only ever referenced. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly name: string;
  /** Key in the Secret's data. */
  readonly key: string;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const at = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Findings of a Secret key reference: the shape `{ name, key }`, never an inline value. */
export function checkSecretKeyReference(field: string, ref: unknown): Finding[] {
  if (ref === undefined || isCleanReference(ref)) return NO_PROBLEMS;
  if (!isObject(ref)) {
    return [
      {
        code: 'secret-reference-inline',
        field,
        message:
          'must reference a key of a Secret ({ name, key }); credentials written into a manifest end up in git, CI logs and the state',
        // The value is not shown: it may be a credential.
        fix: 'create a Secret (kubectl create secret generic ...) and reference it: { name: "backup-creds", key: "ACCESS_KEY_ID" }',
      },
    ];
  }
  const out: Finding[] = [];
  for (const k of Object.keys(ref)) {
    if (k !== 'name' && k !== 'key') {
      out.push({
        code: k === 'value' ? 'secret-reference-inline' : 'unknown-key',
        field: at(field, k),
        message:
          k === 'value' ? 'is an inline secret value: only references to Secrets are accepted' : 'is not a field of a Secret key reference',
        ...(k === 'value' ? {} : { value: k }),
        fix: 'reference a key of a Secret: { name, key }',
      });
    }
  }
  out.push(...checkDnsSubdomain(at(field, 'name'), ref.name, 'a Secret name'));
  if (typeof ref.key !== 'string' || !SECRET_KEY.test(ref.key) || ref.key.length > DNS_SUBDOMAIN_MAX_LENGTH) {
    out.push({
      code: 'secret-key-invalid',
      field: at(field, 'key'),
      message: 'must be a key of the Secret (letters, digits, "-", "_" and ".")',
      value: ref.key,
      fix: 'use the key the Secret holds the value under, such as "ACCESS_KEY_ID"',
    });
  }
  return out;
}

/** The common case, answered without allocating: `{ name, key }` and nothing else, both valid. */
function isCleanReference(ref: unknown): boolean {
  if (!isObject(ref)) return false;
  for (const k in ref) if (k !== 'name' && k !== 'key') return false;
  const { name, key } = ref;
  return (
    typeof name === 'string' &&
    isDnsSubdomain(name) &&
    typeof key === 'string' &&
    key.length <= DNS_SUBDOMAIN_MAX_LENGTH &&
    SECRET_KEY.test(key)
  );
}

/** The cloud a store's credentials name (barman-cloud appendCloudProviderOptions: the first of S3, Azure, Google). */
export type ObjectStoreProvider = 's3' | 'azure' | 'google';

const SCHEMES: Readonly<Record<ObjectStoreProvider, { readonly pattern: RegExp; readonly example: string }>> = {
  s3: { pattern: /^s3:\/\/[^/\s]+(\/\S*)?$/, example: 's3://my-bucket/path' },
  google: { pattern: /^gs:\/\/[^/\s]+(\/\S*)?$/, example: 'gs://my-bucket/path' },
  azure: { pattern: /^https?:\/\/[^/\s]+\/\S+$/, example: 'https://<account>.blob.core.windows.net/<container>/path' },
};

function one(field: string, what: string, methods: string[], fix: string): Finding[] {
  if (methods.length === 1) return [];
  return [
    {
      code: methods.length === 0 ? 'object-store-credentials-missing' : 'object-store-credentials-ambiguous',
      field,
      message:
        methods.length === 0
          ? `names no ${what} authentication method`
          : `names ${methods.length} ${what} authentication methods (${methods.join(', ')}); exactly one is used`,
      value: methods,
      fix,
    },
  ];
}

const S3_REFERENCES = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'region'];
const AZURE_REFERENCES = ['connectionString', 'storageAccount', 'storageKey', 'storageSasToken'];

/** barman-cloud v0.5.1 pkg/api/config.go, ValidateAwsCredentials. */
function checkS3(f: string, s3: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  for (const k of S3_REFERENCES) if (s3[k] !== undefined) out.push(...checkSecretKeyReference(at(f, k), s3[k]));
  const methods: string[] = [];
  if (s3.inheritFromIAMRole === true) methods.push('inheritFromIAMRole');
  if (s3.accessKeyId !== undefined || s3.secretAccessKey !== undefined) {
    methods.push('access keys');
    if (s3.accessKeyId === undefined || s3.secretAccessKey === undefined) {
      out.push({
        code: 'object-store-s3-key-pair',
        field: f,
        message: 'when using AWS credentials both accessKeyId and secretAccessKey must be provided',
        value: Object.keys(s3),
        fix: 'reference both keys, e.g. accessKeyId: { name: "aws-creds", key: "ACCESS_KEY_ID" } and secretAccessKey: { name: "aws-creds", key: "ACCESS_SECRET_KEY" }',
      });
    }
  }
  out.push(
    ...one(
      f,
      'S3',
      methods,
      'reference accessKeyId and secretAccessKey in a Secret, or set inheritFromIAMRole: true (IRSA, EKS Pod Identity)',
    ),
  );
  return out;
}

/** barman-cloud v0.5.1 pkg/api/config.go, ValidateAzureCredentials. */
function checkAzure(f: string, az: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  for (const k of AZURE_REFERENCES) if (az[k] !== undefined) out.push(...checkSecretKeyReference(at(f, k), az[k]));
  const methods: string[] = [];
  if (az.inheritFromAzureAD === true) methods.push('inheritFromAzureAD');
  if (az.useDefaultAzureCredentials === true) methods.push('useDefaultAzureCredentials');
  if (az.storageKey !== undefined) methods.push('storageKey');
  if (az.storageSasToken !== undefined) methods.push('storageSasToken');
  if (az.connectionString !== undefined) {
    if (methods.length > 0 || az.storageAccount !== undefined) {
      out.push({
        code: 'object-store-azure-connection-string-alone',
        field: f,
        message: 'when connection string is specified, the other parameters must be empty',
        value: Object.keys(az),
        fix: 'use the connection string alone, or storageAccount with one of storageKey and storageSasToken',
      });
    }
  } else {
    out.push(
      ...one(
        f,
        'Azure',
        methods,
        'reference a connectionString, or a storageAccount with storageKey or storageSasToken, or set inheritFromAzureAD or useDefaultAzureCredentials',
      ),
    );
  }
  if ((az.storageKey !== undefined || az.storageSasToken !== undefined) && az.storageAccount === undefined) {
    out.push({
      code: 'object-store-azure-account-missing',
      field: at(f, 'storageAccount'),
      message: 'storage account must be specified when using storage key or SAS token',
      value: undefined,
      fix: 'reference the storage account name: storageAccount: { name: "azure-creds", key: "AZURE_STORAGE_ACCOUNT" }',
    });
  }
  return out;
}

/** barman-cloud v0.5.1 pkg/api/config.go, ValidateGCSCredentials. */
function checkGoogle(f: string, g: Record<string, unknown>): Finding[] {
  const out = [...checkSecretKeyReference(at(f, 'applicationCredentials'), g.applicationCredentials)];
  const methods = [
    ...(g.gkeEnvironment === true ? ['gkeEnvironment'] : []),
    ...(g.applicationCredentials !== undefined ? ['applicationCredentials'] : []),
  ];
  out.push(
    ...one(
      f,
      'Google',
      methods,
      'reference applicationCredentials (a service account JSON key) or set gkeEnvironment: true (Workload Identity)',
    ),
  );
  return out;
}

const PROVIDERS: readonly ObjectStoreProvider[] = ['s3', 'azure', 'google'];
const CREDENTIALS = { s3: 's3Credentials', azure: 'azureCredentials', google: 'googleCredentials' } as const;
const PROVIDER_CHECKS = { s3: checkS3, azure: checkAzure, google: checkGoogle } as const;

/** The provider the credentials of a configuration name, when exactly one does. */
export function objectStoreProvider(configuration: unknown): ObjectStoreProvider | undefined {
  if (!isObject(configuration)) return undefined;
  let found: ObjectStoreProvider | undefined;
  for (const p of PROVIDERS) {
    if (configuration[CREDENTIALS[p]] === undefined) continue;
    if (found !== undefined) return undefined;
    found = p;
  }
  return found;
}

const RETENTION = /^[1-9][0-9]*[dwm]$/;

/** Findings of a retention policy (`30d`, `4w`, `6m`): the ObjectStore CRD's pattern, barman's `RECOVERY WINDOW OF`. */
export function checkRetentionPolicy(field: string, policy: unknown): Finding[] {
  if (policy === undefined || (typeof policy === 'string' && RETENTION.test(policy))) return NO_PROBLEMS;
  return [
    {
      code: 'retention-policy-invalid',
      field,
      message: 'is not a retention policy: a positive number of days, weeks or months (barman "RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS")',
      value: policy,
      fix: 'use e.g. "30d" (30 days), "4w" (4 weeks) or "6m" (6 months: m is months, not minutes)',
    },
  ];
}

const WAL_COMPRESSION = ['bzip2', 'gzip', 'lz4', 'snappy', 'xz', 'zstd'];
const DATA_COMPRESSION = ['bzip2', 'gzip', 'lz4', 'snappy'];
const ENCRYPTION = ['AES256', 'aws:kms'];

function checkEnum(field: string, v: unknown, allowed: readonly string[], code: string, fix: string): Finding[] {
  if (v === undefined || (typeof v === 'string' && allowed.includes(v))) return NO_PROBLEMS;
  return [{ code, field, message: `must be one of ${allowed.join(', ')}`, value: v, fix }];
}

function checkPositive(field: string, v: unknown, code: string): Finding[] {
  if (v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 2 ** 31 - 1)) return NO_PROBLEMS;
  return [{ code, field, message: 'must be a whole number of at least 1', value: v, fix: 'use 1 or more (e.g. 2, 4, 8)' }];
}

/**
 * Findings of an ObjectStore spec. `configPrefix` and `specPrefix` name where `spec.configuration` and `spec` are:
 * `''` for props (whose fields are the configuration's), `.spec.configuration` and `.spec` for an object.
 */
export function checkObjectStoreSpec(configPrefix: string, specPrefix: string, spec: Record<string, unknown>): Finding[] {
  const c = isObject(spec.configuration) ? spec.configuration : {};
  const out: Finding[] = [];
  const named: ObjectStoreProvider[] = [];
  for (const p of PROVIDERS) if (c[CREDENTIALS[p]] !== undefined) named.push(p);
  if (named.length !== 1) {
    out.push({
      code: named.length === 0 ? 'object-store-provider-missing' : 'object-store-provider-ambiguous',
      field: configPrefix || 's3Credentials',
      message:
        named.length === 0
          ? 'names no credentials: the plugin then fails on every archive and backup ("no credentials defined")'
          : `names credentials for ${named.join(' and ')}: one and only one of s3Credentials, azureCredentials and googleCredentials is used`,
      value: named,
      fix: 'set exactly one of s3Credentials, azureCredentials and googleCredentials (workload identity: inheritFromIAMRole, inheritFromAzureAD, gkeEnvironment)',
    });
  }
  for (const p of named) {
    const f = at(configPrefix, CREDENTIALS[p]);
    const creds = c[CREDENTIALS[p]];
    if (isObject(creds)) out.push(...PROVIDER_CHECKS[p](f, creds));
    else
      out.push({
        code: 'object-store-credentials-not-object',
        field: f,
        message: 'must be an object',
        value: creds,
        fix: 'see the plugin docs',
      });
  }
  const dest = c.destinationPath;
  const provider = named.length === 1 ? named[0] : undefined;
  if (typeof dest !== 'string' || dest === '') {
    out.push({
      code: 'object-store-destination-required',
      field: at(configPrefix, 'destinationPath'),
      message: 'is required: the bucket and path WAL files and base backups go to',
      value: dest,
      fix: `set destinationPath, e.g. "${SCHEMES[provider ?? 's3'].example}"`,
    });
  } else if (provider && !SCHEMES[provider].pattern.test(dest)) {
    out.push({
      code: 'object-store-destination-scheme',
      field: at(configPrefix, 'destinationPath'),
      message: `does not match the ${provider} credentials: barman-cloud runs with --cloud-provider ${{ s3: 'aws-s3', azure: 'azure-blob-storage', google: 'google-cloud-storage' }[provider]}`,
      value: dest,
      fix: `use a path such as "${SCHEMES[provider].example}", or the credentials of the store the path names`,
    });
  }
  out.push(...checkSecretKeyReference(at(configPrefix, 'endpointCA'), c.endpointCA));
  if (c.endpointCA !== undefined && provider === 'google') {
    out.push({
      severity: 'warning',
      code: 'object-store-endpoint-ca-ignored',
      field: at(configPrefix, 'endpointCA'),
      message: 'is ignored with Google credentials: barman-cloud passes the CA bundle to S3 and Azure only',
      value: c.endpointCA,
      fix: 'remove endpointCA',
    });
  }
  const wal = isObject(c.wal) ? c.wal : {};
  const data = isObject(c.data) ? c.data : {};
  out.push(
    ...checkEnum(
      at(configPrefix, 'wal.compression'),
      wal.compression,
      WAL_COMPRESSION,
      'object-store-wal-compression-invalid',
      'use gzip, bzip2, lz4, snappy, xz or zstd',
    ),
    ...checkEnum(
      at(configPrefix, 'data.compression'),
      data.compression,
      DATA_COMPRESSION,
      'object-store-data-compression-invalid',
      'use gzip, bzip2, lz4 or snappy (xz and zstd are for WAL files only)',
    ),
    ...checkEnum(
      at(configPrefix, 'wal.encryption'),
      wal.encryption,
      ENCRYPTION,
      'object-store-encryption-invalid',
      'use "AES256" or "aws:kms"',
    ),
    ...checkEnum(
      at(configPrefix, 'data.encryption'),
      data.encryption,
      ENCRYPTION,
      'object-store-encryption-invalid',
      'use "AES256" or "aws:kms"',
    ),
    ...checkPositive(at(configPrefix, 'wal.maxParallel'), wal.maxParallel, 'object-store-max-parallel-invalid'),
    ...checkPositive(at(configPrefix, 'data.jobs'), data.jobs, 'object-store-jobs-invalid'),
    ...checkRetentionPolicy(at(specPrefix, 'retentionPolicy'), spec.retentionPolicy),
  );
  const sidecar = isObject(spec.instanceSidecarConfiguration) ? spec.instanceSidecarConfiguration : {};
  const args = sidecar.additionalContainerArgs;
  if (Array.isArray(args) && args.some((a) => typeof a === 'string' && a.startsWith('--log-level'))) {
    out.push({
      code: 'object-store-sidecar-log-level-arg',
      field: at(specPrefix, 'instanceSidecarConfiguration.additionalContainerArgs'),
      message: 'sets --log-level, which the ObjectStore CRD refuses (a CEL rule)',
      value: args,
      fix: 'remove the argument and set instanceSidecarConfiguration.logLevel',
    });
  }
  return out;
}
