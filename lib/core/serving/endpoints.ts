// How applications reach a cluster: the Services CNPG creates for it (and a pooler's), and the Secrets that hold
// each user's credentials, with the keys CNPG really writes. One model for both front ends.
import { CnpgValidationError, type Problem } from '../errors';
import { type ClusterReference, isClusterModel, type ServedCluster } from './common';

/** The port of PostgreSQL and of PgBouncer in CNPG's Services (cloudnative-pg v1.30.0 `pkg/postgres`, `ServerPort`; `pkg/management/pgbouncer/config`, `PgBouncerPort`). */
export const POSTGRES_PORT = 5432;

/** Kubernetes' default cluster DNS domain, CNPG's default `KUBERNETES_CLUSTER_DOMAIN`. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** A Service applications connect to. */
export interface Endpoint {
  /** Name of the Service (`<cluster>-rw`, a pooler's name). */
  readonly service: string;
  /**
   * Namespace of the Service.
   * @default - none known: the namespace of kubectl's context
   */
  readonly namespace?: string;
  /** Port of the Service: 5432. */
  readonly port: number;
  /** `<service>.<namespace>`, the host CNPG writes into its secrets' URIs (the bare service name without a namespace). */
  readonly host: string;
  /** `<service>.<namespace>.svc.<cluster domain>`, as in the secrets' `fqdn-uri` (the bare service name without a namespace). */
  readonly fqdn: string;
}

/** The three Services CNPG creates for every cluster (cloudnative-pg v1.30.0 `pkg/specs/services.go`). */
export interface ClusterEndpoints {
  /** The primary (`<name>-rw`). */
  readonly readWrite: Endpoint;
  /** The hot standbys only (`<name>-ro`): no endpoint while the cluster has a single instance. */
  readonly readOnly: Endpoint;
  /** Any instance, the primary included (`<name>-r`). */
  readonly read: Endpoint;
}

/** The endpoint of a Service. */
export function serviceEndpoint(service: string, namespace?: string, clusterDomain = DEFAULT_CLUSTER_DOMAIN): Endpoint {
  const host = namespace ? `${service}.${namespace}` : service;
  return { service, namespace, port: POSTGRES_PORT, host, fqdn: namespace ? `${host}.svc.${clusterDomain}` : service };
}

/**
 * The Services of a cluster, by CNPG's suffixes (cloudnative-pg v1.30.0 `api/v1/cluster_types.go`:
 * `ServiceReadWriteSuffix`, `ServiceReadOnlySuffix`, `ServiceReadSuffix`).
 */
export function clusterEndpoints(cluster: ClusterReference, clusterDomain?: string): ClusterEndpoints {
  return {
    readWrite: serviceEndpoint(`${cluster.name}-rw`, cluster.namespace, clusterDomain),
    readOnly: serviceEndpoint(`${cluster.name}-ro`, cluster.namespace, clusterDomain),
    read: serviceEndpoint(`${cluster.name}-r`, cluster.namespace, clusterDomain),
  };
}

/**
 * The keys CNPG writes into the secrets it generates for the application owner and the superuser (cloudnative-pg
 * v1.30.0 `pkg/specs/secrets.go`, `CreateSecret`): `host` is the `-rw` Service, `uri`/`jdbc-uri` use
 * `<service>.<namespace>:5432`, the `fqdn-` ones the full DNS name.
 */
export const CNPG_SECRET_KEYS = [
  'username',
  'user',
  'password',
  'host',
  'port',
  'dbname',
  'uri',
  'jdbc-uri',
  'fqdn-uri',
  'fqdn-jdbc-uri',
  'pgpass',
] as const;
/** A key of a secret CNPG generates. */
export type CnpgSecretKey = (typeof CNPG_SECRET_KEYS)[number];

/** The keys of a `kubernetes.io/basic-auth` Secret: what CNPG reads from a role's `passwordSecret`. */
export const BASIC_AUTH_KEYS = ['username', 'password'] as const;
/** A key of a basic-auth secret. */
export type BasicAuthKey = (typeof BASIC_AUTH_KEYS)[number];

/** The keys of the `<databaserole>-client-cert` Secret CNPG issues for a `DatabaseRole` with `clientCertificate`. */
export const CLIENT_CERTIFICATE_KEYS = ['tls.crt', 'tls.key'] as const;
/** A key of a client-certificate secret. */
export type ClientCertificateKey = (typeof CLIENT_CERTIFICATE_KEYS)[number];

/** One key of one Secret (a container's `secretKeyRef`). */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** How a user of a cluster authenticates, and the Secret that holds it. */
export interface Credentials<K extends string = string> {
  /** The PostgreSQL role. */
  readonly user: string;
  /** The Secret (in the cluster's namespace: Pods can read only Secrets of their own namespace). */
  readonly secretName: string;
  /** Namespace of the Secret: the cluster's. */
  readonly namespace?: string;
  /** The keys the Secret has. */
  readonly keys: readonly K[];
  /** `generated`: CNPG wrote it (every key of {@link CNPG_SECRET_KEYS}); `basic-auth`: yours; `client-certificate`: CNPG issued it for a DatabaseRole. */
  readonly kind: 'generated' | 'basic-auth' | 'client-certificate';
  /** The database the secret is for, when there is one (the application database of `app`). */
  readonly database?: string;
  /** The Service the generated secret's `host` and URIs point at (`<cluster>-rw`). */
  readonly uriService?: string;
}

/** `key` of `credentials` as a reference; throws when the secret has no such key. */
export function secretKeyRef<K extends string>(credentials: Credentials<K>, key: K): SecretKeyRef {
  if (!credentials.keys.includes(key)) {
    throw new CnpgValidationError(credentials.secretName, 'Secret', [
      {
        code: 'secret-key-unknown',
        field: 'key',
        message: `the ${credentials.kind} secret ${credentials.secretName} has no key "${key}"`,
        value: key,
        fix: `use one of ${credentials.keys.join(', ')}`,
      },
    ]);
  }
  return { name: credentials.secretName, key };
}

/** The user names {@link clusterCredentials} answers besides managed roles. */
export type ClusterUser = 'app' | 'superuser';

const app = (cluster: ServedCluster): Credentials<CnpgSecretKey | BasicAuthKey> => {
  // cloudnative-pg v1.30.0 api/v1/cluster_funcs.go GetApplicationSecretName, GetApplicationDatabaseName/Owner;
  // cluster_defaults.go defaultInitDB: database "app", owner = database; CreateSecret only when no secret is given.
  const b = isClusterModel(cluster) ? cluster.spec.bootstrap : undefined;
  const method = b?.recovery ?? b?.pgBasebackup ?? b?.initdb;
  const database = method?.database || 'app';
  const given = method?.secret?.name;
  return {
    user: method?.owner || database,
    secretName: given || `${cluster.name}-app`,
    namespace: cluster.namespace,
    keys: given ? BASIC_AUTH_KEYS : CNPG_SECRET_KEYS,
    kind: given ? 'basic-auth' : 'generated',
    database,
    uriService: given ? undefined : `${cluster.name}-rw`,
  };
};

/**
 * The credentials of a user of `cluster`: `app` (the application database's owner: `<name>-app`, or the secret the
 * bootstrap names), `superuser` (`<name>-superuser`, with `enableSuperuserAccess`), or a managed role with a
 * `passwordSecret`. For a cluster not declared in this app (a reference), CNPG's defaults are assumed for `app` and
 * `superuser`, and a role needs its secret named: `{ user, secretName }`.
 */
export function clusterCredentials(
  cluster: ServedCluster,
  user: string,
): { readonly credentials?: Credentials<CnpgSecretKey | BasicAuthKey>; readonly problems: Problem[] } {
  if (typeof user !== 'string' || user === '')
    return {
      problems: [
        {
          code: 'credentials-user-required',
          field: 'user',
          message: 'must name the user whose credentials to use',
          value: user,
          fix: 'pass "app" (the application owner), "superuser", or the name of a managed role with a passwordSecret',
        },
      ],
    };
  if (user === 'app') return { credentials: app(cluster), problems: [] };
  const model = isClusterModel(cluster) ? cluster : undefined;
  if (user === 'superuser' || user === 'postgres') {
    if (model && model.spec.enableSuperuserAccess !== true)
      return {
        problems: [
          {
            code: 'superuser-access-disabled',
            field: 'user',
            message: `CNPG creates the ${cluster.name}-superuser secret only with enableSuperuserAccess: true`,
            value: user,
            fix: 'set enableSuperuserAccess: true on the cluster, or connect as "app" or a managed role',
          },
        ],
      };
    // pkg/specs/secrets.go CreateSecret(..., "*", "postgres", ...): every database.
    return {
      credentials: {
        user: 'postgres',
        secretName: `${cluster.name}-superuser`,
        namespace: cluster.namespace,
        keys: CNPG_SECRET_KEYS,
        kind: 'generated',
        uriService: `${cluster.name}-rw`,
      },
      problems: [],
    };
  }
  const roles = model?.spec.managed?.roles ?? [];
  const role = roles.find((r) => r.name === user);
  if (!model || (role?.passwordSecret?.name && role.ensure !== 'absent')) {
    if (!role?.passwordSecret?.name)
      return {
        problems: [
          {
            code: 'role-secret-unknown',
            field: 'user',
            message: `cluster ${cluster.name} is not declared in this app, so the secret of role "${user}" is not known`,
            value: user,
            fix: 'use roleCredentials({ user, secretName }) with the name of its basic-auth secret',
          },
        ],
      };
    return { credentials: roleCredentials(cluster, user, role.passwordSecret.name), problems: [] };
  }
  const known = [
    'app',
    ...(model.spec.enableSuperuserAccess ? ['superuser'] : []),
    ...roles.filter((r) => r.passwordSecret).map((r) => r.name),
  ];
  return {
    problems: [
      {
        code: role ? 'role-has-no-password-secret' : 'role-unknown',
        field: 'user',
        message: role
          ? `role "${user}" of cluster ${cluster.name} has no passwordSecret${role.ensure === 'absent' ? ' and is ensure: absent' : ''}, so no secret holds its credentials`
          : `cluster ${cluster.name} creates no role "${user}" (users with a secret: ${known.join(', ')})`,
        value: user,
        fix: role
          ? 'give the role a passwordSecret (a kubernetes.io/basic-auth Secret whose username is the role name)'
          : "add the role to the cluster's roles with a passwordSecret, or use a DatabaseRole's credentials",
      },
    ],
  };
}

/** The credentials of a role whose password is in the basic-auth Secret `secretName` (CNPG reads `username` and `password`). */
export function roleCredentials(cluster: ServedCluster, user: string, secretName: string): Credentials<BasicAuthKey> {
  return { user, secretName, namespace: cluster.namespace, keys: BASIC_AUTH_KEYS, kind: 'basic-auth' };
}

/** {@link clusterCredentials}, throwing a {@link CnpgValidationError} that names `path` when the user has no secret. */
export function requireClusterCredentials(path: string, cluster: ServedCluster, user: string): Credentials<CnpgSecretKey | BasicAuthKey> {
  const { credentials, problems } = clusterCredentials(cluster, user);
  if (!credentials) throw new CnpgValidationError(path, 'PostgresCluster', problems);
  return credentials;
}

/** An environment variable of a container, as Kubernetes takes it (`value` or `valueFrom.secretKeyRef`). */
export interface EnvVar<V = string> {
  readonly name: string;
  readonly value?: V;
  readonly valueFrom?: { readonly secretKeyRef: SecretKeyRef };
}

/** Options of {@link connectionEnv}. */
export interface ConnectionEnvOptions {
  /**
   * Prefix of the variable names: `PG` gives libpq's `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`.
   * @default 'PG'
   */
  readonly prefix?: string;
  /**
   * The database to connect to.
   * @default - the credentials' database (`app`'s application database); none for other users
   */
  readonly database?: string;
  /**
   * Also set this variable to the secret's `uri` (`postgresql://user:password@<cluster>-rw.<ns>:5432/<db>`): only
   * for CNPG-generated credentials used against the cluster's read-write Service, which is where that URI points.
   * @default - no URI variable
   */
  readonly uriVariable?: string;
  /**
   * `PGSSLMODE` (`<prefix>SSLMODE`): CNPG serves TLS on every instance; a pooler too.
   * @default - not set (libpq's `prefer`)
   */
  readonly sslMode?: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
}

/**
 * The environment a libpq client needs to reach `endpoint` as the user of `credentials`: the host and port as
 * values, the user and password from the user's Secret (never copied into the manifest). Throws a
 * CnpgValidationError for credentials without a password, or a URI that points elsewhere.
 */
export function connectionEnv<V = string>(
  endpoint: { readonly service: string; readonly port: number; readonly host: V },
  credentials: Credentials,
  options: ConnectionEnvOptions = {},
): EnvVar<V | string>[] {
  const p = options.prefix ?? 'PG';
  const problems: Problem[] = [];
  if (credentials.kind === 'client-certificate')
    problems.push({
      code: 'connection-env-client-certificate',
      field: 'credentials',
      message: `the ${credentials.secretName} secret holds a certificate and key, which libpq reads from files, not from the environment`,
      value: credentials.secretName,
      fix: 'mount the secret as a volume and set PGSSLCERT / PGSSLKEY to its tls.crt and tls.key',
    });
  if (options.uriVariable !== undefined && (credentials.uriService === undefined || credentials.uriService !== endpoint.service))
    problems.push({
      code: 'connection-uri-other-endpoint',
      field: 'uriVariable',
      message: credentials.uriService
        ? `the uri of ${credentials.secretName} points at ${credentials.uriService}, not at ${endpoint.service}`
        : `the ${credentials.kind} secret ${credentials.secretName} has no uri`,
      value: options.uriVariable,
      fix: `leave uriVariable out and use the ${p}* variables (they point at ${endpoint.service})`,
    });
  const ref = (key: string) => ({ secretKeyRef: { name: credentials.secretName, key } });
  const env: EnvVar<V | string>[] = [
    { name: `${p}HOST`, value: endpoint.host },
    { name: `${p}PORT`, value: String(endpoint.port) },
  ];
  const database = options.database ?? credentials.database;
  if (database !== undefined) env.push({ name: `${p}DATABASE`, value: database });
  env.push({ name: `${p}USER`, valueFrom: ref('username') }, { name: `${p}PASSWORD`, valueFrom: ref('password') });
  if (options.sslMode) env.push({ name: `${p}SSLMODE`, value: options.sslMode });
  if (options.uriVariable !== undefined) env.push({ name: options.uriVariable, valueFrom: ref('uri') });
  if (problems.length > 0) throw new CnpgValidationError(`${credentials.secretName} -> ${endpoint.service}`, 'connection', problems);
  return env;
}
