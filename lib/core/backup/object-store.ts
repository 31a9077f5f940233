// The Barman Cloud plugin's `ObjectStore` (barmancloud.cnpg.io/v1; plugin-barman-cloud v0.14.0 api/v1/objectstore_types.go):
// where a cluster's WAL files and base backups go, with the credentials to reach it. One store per cluster is what
// the plugin's docs recommend (concepts.md); clusters sharing one must archive under different server names.
import { errorsOf, type Finding } from '../findings';
import { allProblems, type Problem, throwIfProblems } from '../errors';
import { checkKnownKeys } from '../keys';
import { checkDnsLabel, checkDnsSubdomain } from '../names';
import type { KubeObject } from '../operator-manifest';
import { checkResources } from '../resources';
import { checkRuntimeTypes } from '../runtime-types';
import { BARMAN_CLOUD_API_VERSION } from './constants';
import { checkObjectStoreSpec, type ObjectStoreProvider, objectStoreProvider } from './object-store-checks';
import {
  AZURE_KEYS,
  DATA_KEYS,
  GOOGLE_KEYS,
  type InstanceSidecarProps,
  NESTED_TYPES,
  OBJECT_STORE_KEYS as KEYS,
  OBJECT_STORE_TYPES as TYPES,
  type ObjectStoreProps,
  S3_KEYS,
  SIDECAR_KEYS,
  WAL_KEYS,
} from './object-store-props';

export type {
  AzureCredentialsProps,
  DataBackupProps,
  GoogleCredentialsProps,
  InstanceSidecarProps,
  ObjectStoreProps,
  S3CredentialsProps,
  SidecarEnvVar,
  WalArchiveProps,
} from './object-store-props';

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

const LOG_LEVELS = ['error', 'warning', 'info', 'debug', 'trace'];

/** The defined fields of `o`, in order, as a new object (nested objects are the user's: they are not frozen or shared). */
function defined(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
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
  throwIfProblems(path, 'ObjectStore', allProblems(checkRuntimeTypes('', props, TYPES), ...nestedTypeProblems(props)));
  const name = props.name ?? defaultName;
  const spec: Record<string, unknown> = {
    configuration: defined({
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
  if (props.instanceSidecarConfiguration !== undefined)
    spec.instanceSidecarConfiguration = defined(props.instanceSidecarConfiguration as Record<string, unknown>);
  const allowed = frontEndKeys.length ? [...KEYS, ...frontEndKeys] : KEYS;
  const problems: readonly Finding[] = allProblems(
    serverNameFix(checkKnownKeys('', props, allowed)),
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
    errorsOf(checkObjectStoreSpec('', '', spec)),
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
function serverNameFix(found: readonly Problem[]): readonly Problem[] {
  if (found.length === 0) return found;
  return found.map((p) =>
    p.field === 'serverName'
      ? {
          ...p,
          code: 'object-store-server-name',
          message: 'is not a field of an ObjectStore (its CRD refuses it)',
          fix: "set serverName on the cluster's backup (backup.serverName)",
        }
      : p,
  );
}

function nestedTypeProblems(props: ObjectStoreProps): (readonly Problem[])[] {
  const out: (readonly Problem[])[] = [];
  for (const [k, t] of NESTED_TYPES) {
    const v = (props as unknown as Record<string, unknown> | undefined)?.[k];
    if (v !== undefined) out.push(checkRuntimeTypes(k, v, t));
  }
  return out;
}

/** The `ObjectStore` object, as plain JSON. */
export function objectStoreManifest(model: ObjectStoreModel): KubeObject {
  return { apiVersion: BARMAN_CLOUD_API_VERSION, kind: 'ObjectStore', metadata: metadataOf(model), spec: model.spec };
}

/** The metadata of a backup module's object: name, namespace, labels and annotations when set. @internal */
export function metadataOf(model: {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}): KubeObject['metadata'] {
  const metadata: KubeObject['metadata'] = { name: model.name };
  if (model.namespace) metadata.namespace = model.namespace;
  if (model.labels && Object.keys(model.labels).length) metadata.labels = { ...model.labels };
  if (model.annotations && Object.keys(model.annotations).length) metadata.annotations = { ...model.annotations };
  return metadata;
}
