// What the Pulumi serving components share: endpoints whose namespace may be an Output, connections for the
// PostgresExtensions provider read from the Secrets CNPG (or the user) keeps, and clusters known only by name.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  type BasicAuthKey,
  type ClusterReference,
  type CnpgSecretKey,
  type ConnectionEnvOptions,
  type Credentials,
  connectionEnv,
  DEFAULT_CLUSTER_DOMAIN,
  type EnvVar,
  POSTGRES_PORT,
  roleCredentials,
  type ServedCluster,
} from '../core';
import { requireClusterCredentials } from '../core/serving/endpoints';
import { promptOrUndefined } from './inputs';
import type { ConnectionInput } from './postgres-extensions';

/** A Service applications connect to; `host` and `fqdn` are Outputs when the namespace is one. */
export interface EndpointOutput {
  /** Name of the Service. */
  readonly service: string;
  /** Namespace of the Service, as given. */
  readonly namespace?: pulumi.Input<string>;
  /** Port of the Service: 5432. */
  readonly port: number;
  /** `<service>.<namespace>` (the bare service name without a namespace). */
  readonly host: pulumi.Output<string>;
  /** `<service>.<namespace>.svc.cluster.local` (the bare service name without a namespace). */
  readonly fqdn: pulumi.Output<string>;
}

/** The three Services of a cluster, as Outputs. */
export interface ClusterEndpointsOutput {
  readonly readWrite: EndpointOutput;
  readonly readOnly: EndpointOutput;
  readonly read: EndpointOutput;
}

/** The endpoint of a Service in a namespace that may be an Output. */
export function endpointOutput(service: string, namespace?: pulumi.Input<string>): EndpointOutput {
  const ns = namespace === undefined ? undefined : pulumi.output(namespace);
  return {
    service,
    namespace,
    port: POSTGRES_PORT,
    host: ns ? pulumi.interpolate`${service}.${ns}` : pulumi.output(service),
    fqdn: ns ? pulumi.interpolate`${service}.${ns}.svc.${DEFAULT_CLUSTER_DOMAIN}` : pulumi.output(service),
  };
}

/** The Services of cluster `name`. */
export function clusterEndpointsOutput(name: string, namespace?: pulumi.Input<string>): ClusterEndpointsOutput {
  return {
    readWrite: endpointOutput(`${name}-rw`, namespace),
    readOnly: endpointOutput(`${name}-ro`, namespace),
    read: endpointOutput(`${name}-r`, namespace),
  };
}

/** {@link connectionEnv} for a container of a `k8s.apps.v1.Deployment`: the host may be an Output. */
export function connectionEnvInput(
  endpoint: EndpointOutput,
  credentials: Credentials,
  options?: ConnectionEnvOptions,
): EnvVar<pulumi.Output<string> | string>[] {
  return connectionEnv<pulumi.Output<string>>(endpoint, credentials, options);
}

/** Options of a `connection()` for the PostgresExtensions provider. */
export interface ConnectionOptions {
  /** Where the provider reaches the primary from where Pulumi runs: `127.0.0.1` for a port-forward, a LoadBalancer address. */
  readonly host: pulumi.Input<string>;
  /**
   * Port.
   * @default 5432
   */
  readonly port?: pulumi.Input<number>;
  /**
   * The name the server certificate is checked against.
   * @default - `<cluster>-rw`, a name CNPG's server certificate carries
   */
  readonly tlsServerName?: pulumi.Input<string>;
}

/**
 * A provider connection as `credentials`' user: user and password read from its Secret and the CA from
 * `<cluster>-ca` (secret outputs, read once `dependsOn` is ready), TLS `verify-full` against `<cluster>-rw`.
 */
export function secretConnection(
  owner: pulumi.Resource | undefined,
  prefix: string,
  cluster: string,
  namespace: pulumi.Input<string> | undefined,
  credentials: Credentials,
  options: ConnectionOptions,
  dependsOn: pulumi.Resource[] = [],
): ConnectionInput {
  const read = (secret: string) =>
    k8s.core.v1.Secret.get(`${prefix}-${secret}`, namespace !== undefined ? pulumi.interpolate`${namespace}/${secret}` : secret, {
      parent: owner,
      dependsOn,
    });
  const decode = (s: k8s.core.v1.Secret, key: string) =>
    pulumi.secret(s.data.apply((d) => Buffer.from(d?.[key] ?? '', 'base64').toString('utf8')));
  const secret = read(credentials.secretName);
  const ca = read(`${cluster}-ca`);
  return {
    host: options.host,
    port: options.port ?? POSTGRES_PORT,
    user: secret.data.apply((d) => Buffer.from(d?.username ?? '', 'base64').toString('utf8')),
    password: decode(secret, 'password'),
    sslMode: 'verify-full',
    sslRootCert: decode(ca, 'ca.crt'),
    tlsServerName: options.tlsServerName ?? `${cluster}-rw`,
  };
}

/** Options of `PostgresCluster.fromClusterName`. */
export interface ClusterReferenceArgs {
  /**
   * Namespace of the cluster.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Basic-auth secrets of roles, by role name (a cluster managed elsewhere does not say them).
   * @default - none
   */
  readonly roleSecrets?: Readonly<Record<string, string>>;
}

/**
 * A CNPG cluster managed outside this program, by name: Poolers, DatabaseRoles, Databases and monitors can serve
 * it, and applications get its endpoints and CNPG's default secrets. Registers nothing.
 */
export class PostgresClusterReference {
  /** Name and (prompt) namespace, for the builders. */
  public readonly reference: ClusterReference;
  /** The Services applications connect to. */
  public readonly endpoints: ClusterEndpointsOutput;

  constructor(
    /** Name of the `Cluster`. */
    public readonly name: string,
    private readonly args: ClusterReferenceArgs = {},
  ) {
    const ns = promptOrUndefined(args.namespace);
    this.reference = Object.freeze({ name, ...(ns !== undefined ? { namespace: ns } : {}) });
    this.endpoints = clusterEndpointsOutput(name, args.namespace);
  }

  /** Namespace of the cluster, as given. */
  public get namespace(): pulumi.Input<string> | undefined {
    return this.args.namespace;
  }

  /** The Secret and keys of `app`, `superuser` or a role of `roleSecrets`. */
  public credentials(user: string): Credentials<CnpgSecretKey | BasicAuthKey> {
    const secret = this.args.roleSecrets?.[user];
    return secret ? roleCredentials(this.reference, user, secret) : requireClusterCredentials(this.name, this.reference, user);
  }

  /** A provider connection as `user` (default `superuser`), from its Secret. */
  public connection(options: ConnectionOptions & { readonly user?: string }): ConnectionInput {
    return secretConnection(undefined, this.name, this.name, this.args.namespace, this.credentials(options.user ?? 'superuser'), options);
  }
}

/** The cluster a serving component is for, with its namespace as given (an Output for the object's namespace). */
export function servedOf(
  cluster: { readonly model: ServedCluster; readonly namespace?: pulumi.Input<string> } | PostgresClusterReference,
): {
  readonly served: ServedCluster;
  readonly namespace?: pulumi.Input<string>;
} {
  return cluster instanceof PostgresClusterReference
    ? { served: cluster.reference, namespace: cluster.namespace }
    : { served: cluster.model, namespace: cluster.namespace };
}
