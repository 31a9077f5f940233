import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  type AlertRulesModel,
  type AlertRulesProps,
  alertRulesManifest,
  buildAlertRules,
  buildPodMonitor,
  CnpgValidationError,
  type PodMonitorModel,
  type PodMonitorProps,
  podMonitorManifest,
} from '../core';
import { customResource, validated } from './kube';
import { Pooler, withNamespace } from './pooler';
import type { PostgresCluster } from './postgres-cluster';
import { type PostgresClusterReference, servedOf } from './serving';

/** Args of the Pulumi {@link PodMonitor}: a cluster's instances or a pooler's pods. */
export type PodMonitorArgs = PodMonitorProps &
  ({ readonly cluster: PostgresCluster | PostgresClusterReference } | { readonly pooler: Pooler });

/**
 * A Prometheus Operator `PodMonitor` for a cluster's instances or a pooler's pods, as the cdk8s construct emits it.
 * Type token `cnpg-constructs:index:PodMonitor`; its child is `kubernetes:monitoring.coreos.com/v1:PodMonitor`.
 */
export class PodMonitor extends pulumi.ComponentResource {
  /** The validated model (as on the cdk8s construct). */
  public readonly model: PodMonitorModel;
  /** The `PodMonitor` custom resource. */
  public readonly podMonitor: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PodMonitorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PodMonitor', name, {}, opts);
    const { cluster, pooler, ...own } = args as PodMonitorProps & { cluster?: PostgresCluster | PostgresClusterReference; pooler?: Pooler };
    if ((cluster === undefined) === (pooler === undefined))
      validated(this, () => {
        throw new CnpgValidationError(name, 'PodMonitor', [
          {
            code: 'pod-monitor-target-required',
            field: cluster ? 'pooler' : 'cluster',
            message: 'exactly one of cluster and pooler says what to scrape',
            value: undefined,
            fix: 'pass { cluster } for the PostgreSQL instances or { pooler } for the PgBouncer pods',
          },
        ]);
      });
    const served = cluster ? servedOf(cluster) : undefined;
    this.model = validated(this, () =>
      buildPodMonitor(name, pooler instanceof Pooler ? { pooler: pooler.model } : { cluster: served?.served as never }, own),
    );
    const namespace = own.namespace ?? (pooler ? pooler.endpoint.namespace : served?.namespace);
    this.podMonitor = customResource(`${name}-podmonitor`, withNamespace(podMonitorManifest(this.model), namespace), { parent: this });
    this.registerOutputs({ podMonitorName: this.model.name });
  }
}

/** Args of the Pulumi {@link PostgresAlertRules}. */
export interface PostgresAlertRulesArgs extends AlertRulesProps {
  /** The cluster the alerts are about (its namespace must be known now: the queries select it). */
  readonly cluster: PostgresCluster | PostgresClusterReference;
}

/**
 * A Prometheus Operator `PrometheusRule` with alerts for one cluster, as the cdk8s construct emits it.
 * Type token `cnpg-constructs:index:PostgresAlertRules`.
 */
export class PostgresAlertRules extends pulumi.ComponentResource {
  /** The validated model (as on the cdk8s construct). */
  public readonly model: AlertRulesModel;
  /** The `PrometheusRule` custom resource. */
  public readonly rules: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PostgresAlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:PostgresAlertRules', name, {}, opts);
    const { cluster, ...own } = args;
    this.model = validated(this, () => buildAlertRules(name, servedOf(cluster).served, own));
    this.rules = customResource(`${name}-rules`, alertRulesManifest(this.model), { parent: this });
    this.registerOutputs({ ruleName: this.model.name });
  }
}
