import type { Construct } from 'constructs';
import { type AlertRulesModel, type AlertRulesProps, alertRulesManifest, buildAlertRules } from '../core/serving/alerts';
import { buildPodMonitor, type PodMonitorModel, type PodMonitorProps, podMonitorManifest } from '../core/serving/monitoring';
import { CnpgValidationError } from '../core/errors';
import { type IPostgresCluster, servedCluster } from './cluster-reference';
import { Pooler } from './pooler';
import { BuiltApiObject, registerChecks } from './checks';
import { effectiveNamespace } from './uniqueness';

export type { AlertRulesProps } from '../core/serving/alerts';
export type { PodMonitorProps } from '../core/serving/monitoring';

/** Props of {@link PodMonitor}: what to scrape, a cluster's instances or a pooler's pods. */
export type PodMonitorConstructProps = PodMonitorProps & ({ readonly cluster: IPostgresCluster } | { readonly pooler: Pooler });

const POD_MONITOR_BRAND = Symbol.for('cnpg-constructs.PodMonitor');
const TARGET_KEYS: readonly string[] = ['cluster', 'pooler'];
const CLUSTER_KEY: readonly string[] = ['cluster'];

/**
 * A Prometheus Operator `PodMonitor` for a cluster's instances (`cnpg.io/cluster`, `cnpg.io/podRole: instance`) or a
 * pooler's PgBouncer pods, on their `metrics` port, over TLS when the target serves it: what CNPG asks users to
 * create since CNPG deprecates `monitoring.enablePodMonitor`.
 */
export class PodMonitor extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is PodMonitor {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[POD_MONITOR_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: PodMonitorModel;

  constructor(scope: Construct, id: string, props: PodMonitorConstructProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const { cluster, pooler } = props as PodMonitorProps & { cluster?: IPostgresCluster; pooler?: Pooler };
    if ((cluster === undefined) === (pooler === undefined))
      throw new CnpgValidationError(path, 'PodMonitor', [
        {
          code: 'pod-monitor-target-required',
          field: cluster ? 'pooler' : 'cluster',
          message: 'exactly one of cluster and pooler says what to scrape',
          value: undefined,
          fix: 'pass { cluster } for the PostgreSQL instances or { pooler } for the PgBouncer pods',
        },
      ]);
    const target =
      pooler instanceof Pooler ? { pooler: pooler.model } : { cluster: servedCluster(path, scope, cluster as IPostgresCluster) };
    const model = buildPodMonitor(path, target, props, TARGET_KEYS);
    super(scope, id, podMonitorManifest(model));
    registerChecks(this, PodMonitor.checks);
    this.model = model;
  }
  /** The names it claims in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks = BuiltApiObject.checksWith<PodMonitor>({
    claims: (m) => {
      const ns = effectiveNamespace(m, m.model.namespace);
      return [
        {
          key: `PodMonitor/${ns}/${m.model.name}`,
          what: `PodMonitor (${m.model.name} in namespace "${ns}")`,
          field: 'name',
          value: m.model.name,
          fix: 'give each PodMonitor its own name',
        },
      ];
    },
  });
}

Object.defineProperty(PodMonitor.prototype, POD_MONITOR_BRAND, { value: true });

/** Props of {@link PostgresAlertRules}. */
export interface PostgresAlertRulesProps extends AlertRulesProps {
  /** The cluster the alerts are about. */
  readonly cluster: IPostgresCluster;
}

const ALERT_RULES_BRAND = Symbol.for('cnpg-constructs.PostgresAlertRules');

/**
 * A Prometheus Operator `PrometheusRule` with alerts for one cluster, after CNPG's Helm chart: offline, metrics
 * absent, standbys (for clusters with some), connections, disk space, replication lag, instances on one node.
 * Thresholds are props.
 */
export class PostgresAlertRules extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is PostgresAlertRules {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[ALERT_RULES_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: AlertRulesModel;

  constructor(scope: Construct, id: string, props: PostgresAlertRulesProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const model = buildAlertRules(path, servedCluster(path, scope, props?.cluster), props, CLUSTER_KEY);
    super(scope, id, alertRulesManifest(model));
    registerChecks(this, PostgresAlertRules.checks);
    this.model = model;
  }
  /** The names it claims in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks = BuiltApiObject.checksWith<PostgresAlertRules>({
    claims: (r) => {
      const ns = effectiveNamespace(r, r.model.namespace);
      return [
        {
          key: `PrometheusRule/${ns}/${r.model.name}`,
          what: `PrometheusRule (${r.model.name} in namespace "${ns}")`,
          field: 'name',
          value: r.model.name,
          fix: 'give each rule set its own name',
        },
      ];
    },
  });
}

Object.defineProperty(PostgresAlertRules.prototype, ALERT_RULES_BRAND, { value: true });
