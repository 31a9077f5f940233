// How CNPG restarts a cluster's instances once a change needs it: the replicas one at a time, then the primary
// as primaryUpdateStrategy and primaryUpdateMethod say (cloudnative-pg v1.30.0
// internal/controller/cluster_upgrade.go rolloutRequiredInstances, updatePrimaryPod).
import { cnpg } from './cite';
import type { Citation, Rollout } from './types';

const REPLICAS = [
  cnpg('internal/controller/cluster_upgrade.go', 64, 'for i := len(podList.Items) - 1; i >= 0; i-- {'),
  cnpg('internal/controller/cluster_upgrade.go', 850, 'if err := r.Delete(ctx, pod); err != nil {'),
  cnpg('docs/src/rolling_update.md', 33, 'The primary is always the last node to be upgraded.'),
];
const SUPERVISED = [
  cnpg('internal/controller/cluster_upgrade.go', 130, 'if cluster.GetPrimaryUpdateStrategy() == apiv1.PrimaryUpdateStrategySupervised {'),
  cnpg('docs/src/rolling_update.md', 98, 'restart. Keep in mind that image upgrades can not be applied with an in-place restart,'),
];
const RESTART_METHOD = [
  cnpg('internal/controller/cluster_upgrade.go', 190, 'if cluster.GetPrimaryUpdateMethod() == apiv1.PrimaryUpdateMethodRestart {'),
  cnpg('internal/controller/cluster_upgrade.go', 193, 'if err := r.updateRestartAnnotation(ctx, cluster, primaryPod); err != nil {'),
  cnpg('internal/controller/cluster_upgrade.go', 202, 'contextLogger.Info("Restarting primary instance without a switchover first",'),
];
const SWITCHOVER = [
  cnpg('internal/controller/cluster_upgrade.go', 213, 'if cluster.Status.Instances > 1 && len(podList.Items) > 1 {'),
  cnpg(
    'internal/controller/cluster_upgrade.go',
    264,
    'return r.switchPrimary(ctx, cluster, primaryPod.Name, targetInstance.Pod.Name, reason)',
  ),
];
const SINGLE = [
  cnpg(
    'internal/controller/cluster_upgrade.go',
    267,
    "// if there is only one instance in the cluster, we should upgrade it even if it's a primary",
  ),
];
const DECREASE = [
  cnpg('internal/controller/cluster_upgrade.go', 124, 'if primaryPostgresqlStatus.PendingRestartForDecrease {'),
  cnpg('internal/management/controller/instance_controller.go', 1145, 'return r.triggerRestartForDecrease(ctx, cluster)'),
];
const PACING = [
  cnpg('internal/controller/cluster_upgrade.go', 319, 'func isInstanceNeedingRollout('),
  cnpg(
    'internal/controller/cluster_upgrade.go',
    82,
    'managerResult := r.rolloutManager.CoordinateRollout(client.ObjectKeyFromObject(cluster), postgresqlStatus.Pod.Name)',
  ),
  cnpg(
    'internal/configuration/configuration.go',
    162,
    'InstancesRolloutDelay int `json:"instancesRolloutDelay" env:"INSTANCES_ROLLOUT_DELAY"`',
  ),
];

/** What kind of restart the change needs. */
export interface RolloutNeed {
  /** Pods are re-created (an image, the PodSpec, the restart annotation), not only PostgreSQL restarted. */
  readonly recreate: boolean;
  /** A hot-standby-sensitive parameter is lowered: the primary restarts first. */
  readonly decrease: boolean;
  /** The operand image changes: a supervised primary needs a switchover, not a restart. */
  readonly image: boolean;
}

/** How the instances of `cluster` are restarted, from the spec after the change. */
export function describeRollout(cluster: string, spec: Record<string, unknown>, need: RolloutNeed): Rollout {
  const instances = typeof spec.instances === 'number' ? spec.instances : 1;
  const strategy = spec.primaryUpdateStrategy === 'supervised' ? 'supervised' : 'unsupervised';
  const method = spec.primaryUpdateMethod === 'switchover' ? 'switchover' : 'restart';
  const steps: string[] = [];
  const cite: Citation[] = [...PACING];
  const verb = need.recreate
    ? 'its Pod is deleted and re-created on the same volumes'
    : 'PostgreSQL restarts (the Pod is re-created on the same volumes)';
  let waitsForUser = false;
  let primaryDowntime = false;
  if (need.decrease && !need.recreate) {
    cite.push(...DECREASE);
    if (strategy === 'supervised') {
      waitsForUser = true;
      steps.push(
        `a lowered hot-standby parameter must reach the primary first: CNPG waits for you (phase "Waiting for user action"): kubectl cnpg restart ${cluster} <primary>`,
      );
    } else {
      primaryDowntime = true;
      steps.push(
        'a lowered hot-standby parameter must reach the primary first: the primary restarts PostgreSQL in place (writes stop meanwhile)',
      );
    }
  }
  if (instances > 1) {
    steps.push(`the ${instances - 1} replica(s), one at a time, the most lagged first: ${verb}; each waits for the previous to be ready`);
    cite.push(...REPLICAS);
  }
  if (instances <= 1) {
    primaryDowntime = true;
    steps.push(
      `the only instance is the primary: ${need.recreate ? 'its Pod is deleted and re-created' : 'PostgreSQL restarts'}, and the database is unavailable until it is back`,
    );
    cite.push(...SINGLE);
  } else if (!(need.decrease && !need.recreate)) {
    if (strategy === 'supervised') {
      waitsForUser = true;
      steps.push(
        need.image
          ? `then CNPG waits for you (phase "Waiting for user action"): kubectl cnpg promote ${cluster} <replica> (an image change cannot be applied with an in-place restart)`
          : `then CNPG waits for you (phase "Waiting for user action"): kubectl cnpg promote ${cluster} <replica>, or kubectl cnpg restart ${cluster} <primary>`,
      );
      cite.push(...SUPERVISED);
    } else if (method === 'switchover') {
      steps.push(
        'then a switchover to the most aligned replica (connections to the primary drop once); the former primary is re-created as a replica',
      );
      cite.push(...SWITCHOVER);
    } else {
      primaryDowntime = true;
      steps.push(
        need.recreate
          ? 'then the primary: its Pod is deleted and re-created in place, without a switchover (primaryUpdateMethod: restart): writes stop until it is back'
          : 'then the primary restarts PostgreSQL in place, without a switchover (primaryUpdateMethod: restart): writes stop for the restart',
      );
      cite.push(...RESTART_METHOD);
    }
  }
  return { instances, primaryUpdateStrategy: strategy, primaryUpdateMethod: method, steps, waitsForUser, primaryDowntime, cite };
}
