// A PrometheusRule with alerts for one cluster. The set follows the one CNPG's Helm chart `cluster` ships
// (cloudnative-pg/charts, tag cluster-v0.8.1, `charts/cluster/prometheus_rules/*.yaml` and
// `templates/prometheus-rule.yaml`: same alert names, metrics and default thresholds, and the chart's runbooks), written
// here from the cluster's model: alerts about standbys only for clusters that have some, thresholds as props.
import { allProblems, type Problem, throwIfProblems } from '../errors';
import { checkKnownKeys, keysOf } from '../keys';
import { propsSchema } from '../props-schema';
import type { KubeObject } from '../operator-manifest';
import { checkDnsSubdomain } from '../names';
import { checkRuntimeTypes, isPlainObject } from '../runtime-types';
import { isClusterModel, type ServedCluster, servingMetadata, keysWith } from './common';
import { checkDuration, MONITORING_API_VERSION } from './monitoring';

/** The alerts of {@link buildAlertRules}, by name. */
export const CLUSTER_ALERTS = [
  'CNPGClusterOffline',
  'CNPGInstanceMetricsAbsent',
  'CNPGClusterHACritical',
  'CNPGClusterHAWarning',
  'CNPGClusterHighConnectionsWarning',
  'CNPGClusterHighConnectionsCritical',
  'CNPGClusterLowDiskSpaceWarning',
  'CNPGClusterLowDiskSpaceCritical',
  'CNPGClusterHighReplicationLagWarning',
  'CNPGClusterHighReplicationLagCritical',
  'CNPGClusterInstancesOnSameNode',
] as const;
/** The name of one alert. */
export type ClusterAlert = (typeof CLUSTER_ALERTS)[number];

/** Thresholds of the alerts (the chart's values by default). */
export interface AlertThresholds {
  /**
   * Connections in use, percent of `max_connections`, for the warning.
   * @default 80
   */
  readonly connectionsWarningPercent?: number;
  /**
   * The same, for the critical alert.
   * @default 95
   */
  readonly connectionsCriticalPercent?: number;
  /**
   * Used space of a data, WAL or tablespace volume, percent, for the warning.
   * @default 70
   */
  readonly diskWarningPercent?: number;
  /**
   * The same, for the critical alert.
   * @default 90
   */
  readonly diskCriticalPercent?: number;
  /**
   * Replication lag of a standby in seconds (`cnpg_pg_replication_lag`), for the warning.
   * @default 1
   */
  readonly replicationLagWarningSeconds?: number;
  /**
   * The same, for the critical alert.
   * @default 15
   */
  readonly replicationLagCriticalSeconds?: number;
  /**
   * Ready standbys below which the HA warning fires.
   * @default - the cluster's standbys (`instances - 1`): any standby lost
   */
  readonly standbysWarningBelow?: number;
  /**
   * How long a condition holds before an alert fires.
   * @default '5m'
   */
  readonly for?: string;
}

/** Props of the alert rules of one cluster. */
export interface AlertRulesProps {
  /**
   * Name of the `PrometheusRule`.
   * @default `<cluster>-alerts`
   */
  readonly name?: string;
  /**
   * Namespace of the object (the rules select the cluster's namespace in their queries, wherever they live).
   * @default - the cluster's
   */
  readonly namespace?: string;
  /**
   * Labels of the object, for the `ruleSelector` of your Prometheus (e.g. `release: kube-prometheus-stack`).
   * `cnpg.io/cluster` is always added.
   * @default - only that
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Labels added to every alert (routing: `team: payments`). `severity`, `namespace` and `cnpg_cluster` are set.
   * @default - none
   */
  readonly alertLabels?: Readonly<Record<string, string>>;
  /** Thresholds. @default - the chart's */
  readonly thresholds?: AlertThresholds;
  /**
   * Alerts to leave out.
   * @default - none
   */
  readonly exclude?: readonly ClusterAlert[];
  /**
   * Where the runbooks live; each alert links `<runbookBaseUrl>/<alert>.md`.
   * @default 'https://github.com/cloudnative-pg/charts/blob/main/charts/cluster/docs/runbooks'
   */
  readonly runbookBaseUrl?: string;
  /**
   * Instances the cluster runs, for a cluster not declared in this app (standby alerts need more than one).
   * @default - the cluster's `instances`; 1 for a reference
   */
  readonly instances?: number;
}

/** Keys and run-time types of {@link AlertRulesProps}. */
const ALERT_RULES_SCHEMA = propsSchema<AlertRulesProps>()({
  name: 'string',
  namespace: 'string',
  labels: 'stringMap',
  alertLabels: 'stringMap',
  thresholds: 'object',
  exclude: 'stringArray',
  runbookBaseUrl: 'string',
  instances: 'int32',
});
const THRESHOLD_KEYS = keysOf<AlertThresholds>()({
  connectionsWarningPercent: true,
  connectionsCriticalPercent: true,
  diskWarningPercent: true,
  diskCriticalPercent: true,
  replicationLagWarningSeconds: true,
  replicationLagCriticalSeconds: true,
  standbysWarningBelow: true,
  for: true,
});

const CHART_RUNBOOKS = 'https://github.com/cloudnative-pg/charts/blob/main/charts/cluster/docs/runbooks';

/** A checked PrometheusRule. */
export interface AlertRulesModel {
  readonly name: string;
  readonly namespace?: string;
  readonly cluster: string;
  /** The alerts it holds. */
  readonly alerts: readonly ClusterAlert[];
  readonly object: KubeObject;
}

function checkThresholds(t: unknown): readonly Problem[] {
  if (t === undefined) return [];
  if (!isPlainObject(t))
    return [
      {
        code: 'wrong-type',
        field: 'thresholds',
        message: 'must be an object',
        value: t,
        fix: 'pass { connectionsWarningPercent: 80, ... }',
      },
    ];
  const out: Problem[] = [...checkKnownKeys('thresholds', t, THRESHOLD_KEYS), ...checkDuration('thresholds.for', t.for)];
  for (const k of THRESHOLD_KEYS) {
    if (k === 'for' || t[k] === undefined) continue;
    const v = t[k];
    const percent = k.endsWith('Percent');
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (percent && v > 100))
      out.push({
        code: 'alert-threshold-invalid',
        field: `thresholds.${k}`,
        message: percent ? 'must be a percentage from 0 to 100' : 'must be a number of 0 or more',
        value: v,
        fix: percent ? 'use a number such as 80' : 'use a number such as 1',
      });
  }
  const pairs = [
    ['connectionsWarningPercent', 'connectionsCriticalPercent'],
    ['diskWarningPercent', 'diskCriticalPercent'],
    ['replicationLagWarningSeconds', 'replicationLagCriticalSeconds'],
  ] as const;
  const th = t as AlertThresholds;
  if (out.length > 0) return out;
  for (const [w, c] of pairs) {
    const wv = th[w] ?? DEFAULTS[w];
    const cv = th[c] ?? DEFAULTS[c];
    if (typeof wv === 'number' && typeof cv === 'number' && wv > cv)
      out.push({
        code: 'alert-thresholds-inverted',
        field: `thresholds.${w}`,
        message: `is above ${c} (${cv}): the warning would fire only after the critical alert`,
        value: wv,
        fix: `use a warning threshold below ${cv}`,
      });
  }
  return out;
}

const DEFAULTS = {
  connectionsWarningPercent: 80,
  connectionsCriticalPercent: 95,
  diskWarningPercent: 70,
  diskCriticalPercent: 90,
  replicationLagWarningSeconds: 1,
  replicationLagCriticalSeconds: 15,
} as const;

/** A PromQL string literal. */
const q = (s: string) => JSON.stringify(s);

/**
 * Checks the props (throwing a CnpgValidationError naming `path`) and builds the `PrometheusRule` of `cluster`:
 * one group `cloudnative-pg/<cluster>`, the chart's alerts with its expressions, selecting the cluster's pods
 * (`<name>-<n>`) and volumes in its namespace.
 */
export function buildAlertRules(
  path: string,
  cluster: ServedCluster,
  props: AlertRulesProps = {},
  frontEndKeys: readonly string[] = [],
): AlertRulesModel {
  throwIfProblems(path, 'PrometheusRule', checkRuntimeTypes('', props, ALERT_RULES_SCHEMA.types));
  const name = props.name ?? `${cluster.name}-alerts`;
  const unknownAlerts = (props.exclude ?? []).filter((a) => !(CLUSTER_ALERTS as readonly string[]).includes(a));
  throwIfProblems(
    path,
    'PrometheusRule',
    allProblems(
      checkKnownKeys('', props, keysWith(ALERT_RULES_SCHEMA.keys, frontEndKeys)),
      checkDnsSubdomain(props.name === undefined ? 'name (defaulted to <cluster>-alerts)' : 'name', name, 'the PrometheusRule name'),
      checkThresholds(props.thresholds),
      unknownAlerts.map((a) => ({
        code: 'alert-unknown',
        field: 'exclude',
        message: 'names an alert this rule set does not have',
        value: a,
        fix: `use one of ${CLUSTER_ALERTS.join(', ')}`,
      })),
      cluster.namespace === undefined
        ? [
            {
              code: 'alert-rules-namespace-required',
              field: 'cluster',
              message: `cluster ${cluster.name} has no namespace: the alerts select the cluster's metrics by namespace`,
              value: cluster.name,
              fix: 'give the cluster (or its chart) a namespace',
            },
          ]
        : [],
    ),
  );
  const t = { ...DEFAULTS, for: '5m', ...props.thresholds };
  const instances = props.instances ?? (isClusterModel(cluster) ? (cluster.spec.instances ?? 1) : 1);
  const ns = cluster.namespace as string;
  const pods = `${cluster.name}-([1-9][0-9]*)$`;
  const sel = `namespace=${q(ns)}, pod=~${q(pods)}`;
  const pvc = (suffix: string) => `namespace=${q(ns)}, persistentvolumeclaim=~${q(`${cluster.name}-([1-9][0-9]*)${suffix}`)}`;
  const used = (suffix: string) =>
    `max(max by (persistentvolumeclaim) (1 - kubelet_volume_stats_available_bytes{${pvc(suffix)}} / kubelet_volume_stats_capacity_bytes{${pvc(suffix)}}))`;
  const disk = (pct: number) => `${used('$')} * 100 > ${pct} OR ${used('-wal$')} * 100 > ${pct} OR ${used('-tbs.*')} * 100 > ${pct}`;
  const connections = `sum by (pod) (cnpg_backends_total{${sel}}) / max by (pod) (cnpg_pg_settings_setting{name="max_connections", ${sel}}) * 100`;
  const standbys = `max(cnpg_pg_replication_streaming_replicas{${sel}} - cnpg_pg_replication_is_wal_receiver_up{${sel}})`;
  const lag = `max(cnpg_pg_replication_lag{${sel}})`;
  const where = `${ns}/${cluster.name}`;
  const rules: [ClusterAlert, string, string, 'warning' | 'critical', string, string?][] = [
    [
      'CNPGClusterOffline',
      `(count(cnpg_collector_up{${sel}}) OR on() vector(0)) == 0`,
      'CNPG cluster has no running instances',
      'critical',
      `Cluster ${where} has no ready instances: applications cannot reach the database.`,
    ],
    [
      'CNPGInstanceMetricsAbsent',
      `up{${sel}} == 0`,
      'CNPG instance metrics exporter is unreachable',
      'critical',
      `Instance {{ $labels.pod }} of ${where} has had an unreachable metrics endpoint: the lag, HA and replication alerts cannot fire for it.`,
      '10m',
    ],
  ];
  if (instances > 1) {
    rules.push(
      [
        'CNPGClusterHACritical',
        `${standbys} < 1`,
        'CNPG cluster has no ready standby',
        'critical',
        `Cluster ${where} has no ready standby: it is at risk of data loss and downtime if the primary fails; -ro has no endpoint.`,
      ],
      [
        'CNPGClusterHAWarning',
        `${standbys} < ${t.standbysWarningBelow ?? instances - 1}`,
        'CNPG cluster has fewer ready standbys than configured',
        'warning',
        `Cluster ${where} has {{ $value }} ready standbys of ${instances - 1}: -ro and -r run at reduced capacity.`,
      ],
      [
        'CNPGClusterHighReplicationLagWarning',
        `${lag} > ${t.replicationLagWarningSeconds}`,
        'CNPG cluster replication lag is high',
        'warning',
        `A standby of ${where} lags {{ $value }}s behind the primary.`,
      ],
      [
        'CNPGClusterHighReplicationLagCritical',
        `${lag} > ${t.replicationLagCriticalSeconds}`,
        'CNPG cluster replication lag is very high',
        'critical',
        `A standby of ${where} lags {{ $value }}s behind the primary.`,
      ],
      [
        'CNPGClusterInstancesOnSameNode',
        `count by (node) (kube_pod_info{${sel}}) > 1`,
        'CNPG cluster instances share a node',
        'warning',
        `{{ $value }} instances of ${where} run on node {{ $labels.node }}: one node failure takes them all.`,
      ],
    );
  }
  rules.push(
    [
      'CNPGClusterHighConnectionsWarning',
      `${connections} > ${t.connectionsWarningPercent}`,
      'CNPG instance is approaching max_connections',
      'warning',
      `Instance {{ $labels.pod }} of ${where} uses {{ $value }}% of max_connections.`,
    ],
    [
      'CNPGClusterHighConnectionsCritical',
      `${connections} > ${t.connectionsCriticalPercent}`,
      'CNPG instance is at max_connections',
      'critical',
      `Instance {{ $labels.pod }} of ${where} uses {{ $value }}% of max_connections.`,
    ],
    [
      'CNPGClusterLowDiskSpaceWarning',
      disk(t.diskWarningPercent),
      'CNPG cluster is running out of disk space',
      'warning',
      `A volume of ${where} is more than ${t.diskWarningPercent}% full.`,
    ],
    [
      'CNPGClusterLowDiskSpaceCritical',
      disk(t.diskCriticalPercent),
      'CNPG cluster is almost out of disk space',
      'critical',
      `A volume of ${where} is more than ${t.diskCriticalPercent}% full.`,
    ],
  );
  const excluded = new Set<string>(props.exclude ?? []);
  const runbooks = props.runbookBaseUrl ?? CHART_RUNBOOKS;
  const kept = rules.filter(([alert]) => !excluded.has(alert));
  const wire = kept.map(([alert, expr, summary, severity, description, duration]) => ({
    alert,
    expr,
    for: duration ?? t.for,
    labels: { severity, namespace: ns, cnpg_cluster: cluster.name, ...props.alertLabels },
    annotations: { summary, description, runbook_url: `${runbooks}/${runbook(alert)}.md` },
  }));
  const namespace = props.namespace ?? ns;
  const labels = { 'cnpg.io/cluster': cluster.name, ...props.labels };
  return {
    name,
    namespace,
    cluster: cluster.name,
    alerts: kept.map(([a]) => a),
    object: {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PrometheusRule',
      metadata: servingMetadata(name, namespace, labels),
      spec: { groups: [{ name: `cloudnative-pg/${cluster.name}`, rules: wire }] },
    },
  };
}

/** The chart's runbook of an alert (its replication-lag pair shares one). */
function runbook(alert: ClusterAlert): string {
  return alert.startsWith('CNPGClusterHighReplicationLag') ? 'CNPGClusterHighReplicationLag' : alert;
}

/** The `PrometheusRule` object. */
export function alertRulesManifest(model: AlertRulesModel): KubeObject {
  return model.object;
}
