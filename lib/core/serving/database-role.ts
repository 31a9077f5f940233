// The DatabaseRole kind (CNPG 1.30+): one PostgreSQL role as its own object, with a reclaim policy and an optional
// client certificate (cloudnative-pg v1.30.0 `api/v1/databaserole_types.go`).
import { CNPG_API_VERSION } from '../manifests';
import { allProblems, CnpgValidationError, type Problem, throwIfProblems } from '../errors';
import { propsSchema } from '../props-schema';
import type { KubeObject } from '../operator-manifest';
import { checkDnsSubdomain } from '../names';
import { checkRuntimeTypes } from '../runtime-types';
import {
  checkSameNamespace,
  checkServingFeature,
  derivedName,
  type ServedCluster,
  servedOperatorVersion,
  servingMetadata,
  keysWith,
} from './common';
import { CLIENT_CERTIFICATE_KEYS, type ClientCertificateKey, type Credentials, roleCredentials, type BasicAuthKey } from './endpoints';
import { checkRole, ROLE_SCHEMA, type RoleProps, roleToWire } from './roles';

/** Props of a `DatabaseRole`, shared by the cdk8s construct and the Pulumi component. */
export interface DatabaseRoleProps extends RoleProps {
  /**
   * Name of the `DatabaseRole` object.
   * @default `<cluster name>-<role name>` (with `_` replaced by `-`)
   */
  readonly resourceName?: string;
  /**
   * Namespace of the `DatabaseRole`: its cluster's.
   * @default - the cluster's namespace
   */
  readonly namespace?: string;
  /**
   * `delete` drops the role from PostgreSQL when the object is deleted (refused while the role owns objects).
   * @default - not emitted (CNPG's `retain`)
   */
  readonly databaseRoleReclaimPolicy?: 'retain' | 'delete';
  /**
   * Have CNPG issue (and renew) a TLS client certificate for the role, signed by the cluster's client CA, in the
   * Secret `<object name>-client-cert` (`tls.crt`, `tls.key`). Needs `login: true` and a `hostssl ... cert` line in
   * the cluster's `pg_hba`.
   * @default false
   */
  readonly clientCertificate?: boolean;
  /**
   * CNPG version the object targets (the DatabaseRole kind is CNPG 1.30+).
   * @default - the cluster's, else '1.30.0'
   */
  readonly operatorVersion?: string;
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

/** Keys and run-time types of {@link DatabaseRoleProps}. */
const DATABASE_ROLE_SCHEMA = propsSchema<DatabaseRoleProps>()({
  ...ROLE_SCHEMA.declaration,
  resourceName: 'string',
  namespace: 'string',
  databaseRoleReclaimPolicy: null,
  clientCertificate: 'boolean',
  operatorVersion: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
});
const ENSURE_KEY: readonly string[] = ['ensure'];

/** A checked DatabaseRole. */
export interface DatabaseRoleModel {
  readonly resourceName: string;
  readonly namespace?: string;
  readonly cluster: ServedCluster;
  /** The role's name in PostgreSQL. */
  readonly role: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** `spec` as CNPG reads it. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly passwordSecret?: string;
  readonly clientCertificate: boolean;
}

/**
 * Checks a DatabaseRole's props (throwing a CnpgValidationError naming `path`) and builds its model: the role's
 * rules (those of the cluster's managed roles), the kind's CEL rules (cloudnative-pg v1.30.0
 * `api/v1/databaserole_types.go`: no `ensure: absent`, `clientCertificate` needs `login`) and its namespace.
 */
export function buildDatabaseRole(
  path: string,
  cluster: ServedCluster,
  props: DatabaseRoleProps,
  frontEndKeys: readonly string[] = [],
): DatabaseRoleModel {
  throwIfProblems(path, 'DatabaseRole', checkRuntimeTypes('', props, DATABASE_ROLE_SCHEMA.types));
  const keys = keysWith(DATABASE_ROLE_SCHEMA.keys, frontEndKeys);
  const own = props as DatabaseRoleProps & { ensure?: unknown };
  const resourceName = props.resourceName ?? derivedName(cluster.name, String(props.name));
  const problems: Problem[] = [];
  if ('ensure' in own)
    problems.push({
      code: 'database-role-ensure-unsupported',
      field: 'ensure',
      message: 'is not supported by DatabaseRole: a role is removed by deleting the object',
      value: own.ensure,
      fix: "delete the DatabaseRole with databaseRoleReclaimPolicy: 'delete' to drop the role, or use the cluster's roles with ensure: 'absent'",
    });
  if (props.clientCertificate === true && props.login !== true)
    problems.push({
      code: 'role-client-certificate-needs-login',
      field: 'clientCertificate',
      message: 'needs login: true: a certificate is only of use to a role that logs in',
      value: props.clientCertificate,
      fix: 'set login: true, or leave clientCertificate out',
    });
  const policy = props.databaseRoleReclaimPolicy;
  if (policy !== undefined && policy !== 'retain' && policy !== 'delete')
    problems.push({
      code: 'database-role-reclaim-policy-invalid',
      field: 'databaseRoleReclaimPolicy',
      message: 'must be "retain" or "delete"',
      value: policy,
      fix: 'use "retain" (keep the role in PostgreSQL) or "delete" (DROP ROLE when the object is deleted)',
    });
  throwIfProblems(
    path,
    'DatabaseRole',
    allProblems(
      checkRole('', props, 'ensure' in own ? keysWith(keys, ENSURE_KEY) : keys),
      problems,
      checkDnsSubdomain(
        props.resourceName === undefined ? 'resourceName (defaulted to <cluster>-<name>)' : 'resourceName',
        resourceName,
        'the DatabaseRole object name',
      ),
      checkSameNamespace('DatabaseRole', props.namespace, cluster),
      checkServingFeature(servedOperatorVersion(cluster, props.operatorVersion), 'databaseRole', 'operatorVersion'),
    ),
  );
  const spec: Record<string, unknown> = { cluster: { name: cluster.name }, ...roleToWire(props) };
  if (policy !== undefined) spec.databaseRoleReclaimPolicy = policy;
  if (props.clientCertificate === true) spec.clientCertificate = { enabled: true };
  return {
    resourceName,
    namespace: props.namespace ?? cluster.namespace,
    cluster,
    role: props.name,
    labels: props.labels,
    annotations: props.annotations,
    spec,
    passwordSecret: props.passwordSecret,
    clientCertificate: props.clientCertificate === true,
  };
}

/** The `DatabaseRole` object. */
export function databaseRoleManifest(model: DatabaseRoleModel): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'DatabaseRole',
    metadata: servingMetadata(model.resourceName, model.namespace, model.labels, model.annotations),
    spec: { ...model.spec },
  };
}

/** The password credentials of a DatabaseRole (undefined without a `passwordSecret`). */
export function databaseRolePassword(model: DatabaseRoleModel): Credentials<BasicAuthKey> | undefined {
  return model.passwordSecret ? roleCredentials(model.cluster, model.role, model.passwordSecret) : undefined;
}

/**
 * The client certificate CNPG issues for a DatabaseRole with `clientCertificate` (cloudnative-pg v1.30.0
 * `api/v1/databaserole_funcs.go`, `GetClientCertSecretName`: `<object name>-client-cert`); undefined without it.
 */
export function databaseRoleCertificate(model: DatabaseRoleModel): Credentials<ClientCertificateKey> | undefined {
  if (!model.clientCertificate) return undefined;
  return {
    user: model.role,
    secretName: `${model.resourceName}-client-cert`,
    namespace: model.namespace,
    keys: CLIENT_CERTIFICATE_KEYS,
    kind: 'client-certificate',
  };
}

/** {@link databaseRolePassword} or {@link databaseRoleCertificate}, throwing (naming `path`) when the role has none. */
export function requireDatabaseRoleCredentials(path: string, model: DatabaseRoleModel, kind: 'password'): Credentials<BasicAuthKey>;
/** The role's client certificate Secret, throwing (naming `path`) when it has none. */
export function requireDatabaseRoleCredentials(
  path: string,
  model: DatabaseRoleModel,
  kind: 'certificate',
): Credentials<ClientCertificateKey>;
export function requireDatabaseRoleCredentials(path: string, model: DatabaseRoleModel, kind: 'password' | 'certificate'): Credentials {
  const c = kind === 'password' ? databaseRolePassword(model) : databaseRoleCertificate(model);
  if (c) return c;
  throw new CnpgValidationError(path, 'DatabaseRole', [
    kind === 'password'
      ? {
          code: 'role-has-no-password-secret',
          field: 'passwordSecret',
          message: `role ${model.role} has no passwordSecret, so no secret holds its password`,
          value: undefined,
          fix: 'set passwordSecret, or use its certificate with clientCertificate: true',
        }
      : {
          code: 'role-has-no-client-certificate',
          field: 'clientCertificate',
          message: `CNPG issues a certificate for role ${model.role} only with clientCertificate: true`,
          value: undefined,
          fix: 'set clientCertificate: true (and login: true)',
        },
  ]);
}
