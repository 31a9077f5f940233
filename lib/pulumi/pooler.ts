import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildPodMonitor,
  buildPooler,
  type ConnectionEnvOptions,
  type Credentials,
  type EnvVar,
  type KubeObject,
  type PodMonitorProps,
  type PoolerModel,
  type PoolerProps,
  podMonitorManifest,
  poolerManifest,
} from '../core';
import { isClusterModel } from '../core/serving/common';
import { isDeferred, promptOrUndefined } from './inputs';
import { servedOperatorVersion } from '../core/serving/common';
import { awaitedPooler, checkAgainstCrds, customResource, namespaceInput, validated } from './kube';
import type { PostgresCluster } from './postgres-cluster';
import { connectionEnvInput, type EndpointOutput, endpointOutput, type PostgresClusterReference, servedOf } from './serving';

/** Args of the Pulumi {@link Pooler}. */
export interface PoolerArgs extends Omit<PoolerProps, 'namespace'> {
  /** The cluster to pool: a `PostgresCluster` of this program, or `PostgresCluster.fromClusterName(...)`. */
  readonly cluster: PostgresCluster | PostgresClusterReference;
  /**
   * Namespace: its cluster's.
   * @default - the cluster's namespace (also when that is an Output)
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * A PodMonitor for the PgBouncer pods; `true` for the defaults.
   * @default - none
   */
  readonly podMonitor?: boolean | PodMonitorProps;
}

/** Sets an Output namespace on an object built with a placeholder (for values known only at deployment). */
export function withNamespace(o: KubeObject, namespace: pulumi.Input<string> | undefined): KubeObject {
  return isDeferred(namespace) ? { ...o, metadata: { ...o.metadata, namespace: namespace as unknown as string } } : o;
}

/**
 * A CNPG `Pooler` (PgBouncer) in front of a cluster's rw, ro or r Service, validated like the cdk8s construct
 * (the same object for the same props), awaited until CNPG reports it reconciled (`status.phase` `active`, or
 * `paused`; not awaited with an operator before 1.30.0, whose Pooler has no phase). Type token
 * `cnpg-constructs:index:Pooler`.
 */
export class Pooler extends pulumi.ComponentResource {
  /** The validated model (as on the cdk8s construct). */
  public readonly model: PoolerModel;
  /** The `Pooler` custom resource. */
  public readonly pooler: k8s.apiextensions.CustomResource;
  /** The PodMonitor (`kubernetes:monitoring.coreos.com/v1:PodMonitor`), when asked for. */
  public readonly podMonitor?: k8s.apiextensions.CustomResource;
  /** The pooler's Service. */
  public readonly endpoint: EndpointOutput;

  constructor(name: string, args: PoolerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:Pooler', name, {}, opts);
    const { cluster, podMonitor, ...rest } = args;
    const { served, namespace: clusterNamespace } = servedOf(cluster);
    this.model = validated(this, () => buildPooler(name, served, { ...rest, namespace: promptOrUndefined(args.namespace) }));
    const namespace = namespaceInput(this, `Pooler '${name}'`, args.namespace) ?? clusterNamespace;
    const manifest = withNamespace(poolerManifest(this.model), namespace);
    checkAgainstCrds(this, name, manifest, undefined, isClusterModel(served) ? served.operatorVersion : undefined, () => undefined, []);
    this.pooler = customResource(`${name}-pooler`, awaitedPooler(manifest, servedOperatorVersion(served, args.operatorVersion)), {
      parent: this,
      dependsOn: isClusterModel(served) ? [cluster as pulumi.Resource] : [],
    });
    this.endpoint = endpointOutput(this.model.name, namespace);
    if (podMonitor) {
      const monitor = validated(this, () =>
        buildPodMonitor(`${name}/podMonitor`, { pooler: this.model }, podMonitor === true ? {} : podMonitor),
      );
      this.podMonitor = customResource(`${name}-podmonitor`, withNamespace(podMonitorManifest(monitor), namespace), { parent: this });
    }
    this.registerOutputs({ poolerName: this.model.name, host: this.endpoint.host });
  }

  /** The environment of a container that connects through this pooler as `credentials`' user. */
  public connectionEnv(credentials: Credentials, options?: ConnectionEnvOptions): EnvVar<pulumi.Output<string> | string>[] {
    return validated(this, () => connectionEnvInput(this.endpoint, credentials, options));
  }
}
