// What a change of each field of a Cluster does, field by field, with the line of CNPG v1.30.0 that decides it.
// A Pod is re-created when a check of isPodNeedingRollout (internal/controller/cluster_upgrade.go) says so: the
// operand image, the restart annotation, a missing PVC, the projected volume, or the PodSpec CNPG would build now
// (pkg/specs/pods.go) differing from the one the Pod was built with (pkg/specs/podspec_diff.go ComparePodSpecs).
// Fields that reach neither are applied live, or only by what CNPG creates later.
import { cnpg } from './cite';
import { derivedParameterEffect } from './parameters';
import type { Citation, Effect } from './types';

/** The rule for a field of a Cluster (the longest matching `path` wins). */
export interface FieldRule {
  /** Dotted path in the object (`spec.resources`); a prefix of the changed field. */
  readonly path: string;
  readonly code: string;
  readonly effect: Effect;
  readonly why: string;
  readonly fix?: string;
  /** Worth pointing out before the apply. */
  readonly warning?: boolean;
  /** The change reaches the Pods through the PodSpec comparison, which `cnpg.io/reconcilePodSpec: disabled` turns off. */
  readonly podSpec?: boolean;
  readonly cite: readonly Citation[];
}

const POD_SPEC = cnpg('internal/controller/cluster_upgrade.go', 453, '"PodSpec is outdated": checkPodSpecIsOutdated,');
const COMPARE = cnpg('pkg/specs/podspec_diff.go', 36, 'func ComparePodSpecs(');
const GENERIC = cnpg('pkg/specs/podspec_diff.go', 73, 'genericComparisons := map[string]func() bool{');
const CONTAINER = cnpg('pkg/specs/podspec_diff.go', 213, 'func doContainersMatch(');
const RELOAD_CONF = cnpg('internal/management/controller/instance_controller.go', 291, 'if err = r.instance.Reload(ctx); err != nil {');
const TYPES = (line: number, text: string) => cnpg('api/v1/cluster_types.go', line, text);

const roll = (path: string, code: string, why: string, cite: Citation[], podSpec = true): FieldRule => ({
  path,
  code,
  effect: 'roll',
  why: `${why}: the Pods CNPG builds now differ from the running ones, so every instance is re-created`,
  podSpec,
  cite: podSpec ? [...cite, POD_SPEC, COMPARE] : cite,
});
const live = (path: string, code: string, effect: Effect, why: string, cite: Citation[]): FieldRule => ({ path, code, effect, why, cite });

/** The rules, by field. */
export const CLUSTER_RULES: readonly FieldRule[] = [
  roll('spec.resources', 'cluster-resources', 'the postgres container gets the new resources', [
    cnpg('pkg/specs/pods.go', 261, 'Resources: cluster.Spec.Resources,'),
    cnpg('pkg/specs/podspec_diff.go', 236, '"resources": func() bool {'),
    cnpg('docs/src/rolling_update.md', 25, '- you change the `Cluster` `.spec.resources` values;'),
  ]),
  roll('spec.env', 'cluster-env', 'the postgres container gets the new environment', [
    cnpg('pkg/specs/pods.go', 166, 'config.EnvVars = append(config.EnvVars, cluster.Spec.Env...)'),
    cnpg('pkg/specs/podspec_diff.go', 218, '"environment": func() bool {'),
  ]),
  roll('spec.envFrom', 'cluster-env', 'the postgres container gets the new environment', [
    cnpg('pkg/specs/pods.go', 164, 'EnvFrom: cluster.Spec.EnvFrom,'),
    cnpg('pkg/specs/podspec_diff.go', 218, '"environment": func() bool {'),
  ]),
  roll('spec.affinity', 'cluster-scheduling', 'the Pods get the new affinity', [
    cnpg('pkg/specs/pods.go', 200, 'Affinity:                      CreateAffinitySection(cluster.Name, cluster.Spec.Affinity),'),
    cnpg('pkg/specs/podspec_diff.go', 77, '"affinity": func() bool {'),
  ]),
  roll('spec.affinity.tolerations', 'cluster-scheduling', 'the Pods get the new tolerations', [
    cnpg('pkg/specs/pods.go', 201, 'Tolerations:                   cluster.Spec.Affinity.Tolerations,'),
    cnpg('pkg/specs/podspec_diff.go', 80, '"tolerations": func() bool {'),
  ]),
  roll('spec.affinity.nodeSelector', 'cluster-scheduling', 'the Pods get the new node selector', [
    cnpg('pkg/specs/pods.go', 203, 'NodeSelector:                  cluster.Spec.Affinity.NodeSelector,'),
    cnpg('pkg/specs/podspec_diff.go', 83, '"node-selector": func() bool {'),
  ]),
  roll('spec.topologySpreadConstraints', 'cluster-scheduling', 'the Pods get the new topology spread constraints', [
    cnpg('pkg/specs/pods.go', 205, 'TopologySpreadConstraints:     cluster.Spec.TopologySpreadConstraints,'),
    cnpg('pkg/specs/podspec_diff.go', 86, '"topology-spread-constraints": func() bool {'),
  ]),
  roll('spec.schedulerName', 'cluster-scheduling', 'the Pods get the new scheduler', [
    cnpg('pkg/specs/pods.go', 196, 'SchedulerName:                 cluster.Spec.SchedulerName,'),
    cnpg('pkg/specs/podspec_diff.go', 92, '"scheduler-name": func() bool {'),
  ]),
  roll('spec.serviceAccountName', 'cluster-service-account', 'the Pods run as the new service account', [
    cnpg('pkg/specs/pods.go', 202, 'ServiceAccountName:            cluster.GetServiceAccountName(),'),
    cnpg('pkg/specs/podspec_diff.go', 89, '"service-account-name": func() bool {'),
  ]),
  roll('spec.podSecurityContext', 'cluster-security-context', 'the Pods get the new security context', [
    cnpg('pkg/specs/pods.go', 199, 'SecurityContext:               GetPodSecurityContext(&cluster),'),
    cnpg('pkg/specs/podspec_diff.go', 74, '"security-context": func() bool {'),
  ]),
  roll('spec.seccompProfile', 'cluster-security-context', 'the Pods and the container get the new seccomp profile', [
    cnpg('pkg/specs/pods.go', 199, 'SecurityContext:               GetPodSecurityContext(&cluster),'),
    cnpg('pkg/specs/podspec_diff.go', 74, '"security-context": func() bool {'),
  ]),
  roll('spec.securityContext', 'cluster-security-context', 'the postgres container gets the new security context', [
    cnpg('pkg/specs/pods.go', 279, 'SecurityContext: GetSecurityContext(&cluster),'),
    cnpg('pkg/specs/podspec_diff.go', 246, '"security-context": func() bool {'),
  ]),
  roll('spec.postgresUID', 'cluster-security-context', 'the Pods run PostgreSQL as the new user id', [
    cnpg('pkg/specs/pods.go', 199, 'SecurityContext:               GetPodSecurityContext(&cluster),'),
    cnpg('pkg/specs/podspec_diff.go', 74, '"security-context": func() bool {'),
  ]),
  roll('spec.postgresGID', 'cluster-security-context', 'the Pods run PostgreSQL with the new group id', [
    cnpg('pkg/specs/pods.go', 199, 'SecurityContext:               GetPodSecurityContext(&cluster),'),
    cnpg('pkg/specs/podspec_diff.go', 74, '"security-context": func() bool {'),
  ]),
  roll('spec.probes', 'cluster-probes', 'the postgres container gets the new probes', [
    cnpg('pkg/specs/pods.go', 307, 'ensureCustomProbesConfiguration(&cluster, &containers[0])'),
    cnpg('pkg/specs/podspec_diff.go', 224, '"readiness-probe": func() bool {'),
  ]),
  roll('spec.startDelay', 'cluster-probes', "the startup probe's failure threshold follows startDelay", [
    cnpg('pkg/specs/pods.go', 312, 'cluster.GetMaxStartDelay(),'),
  ]),
  roll('spec.livenessProbeTimeout', 'cluster-probes', "the liveness probe's failure threshold follows livenessProbeTimeout", [
    cnpg('pkg/specs/pods.go', 317, 'if cluster.Spec.LivenessProbeTimeout != nil && containers[0].LivenessProbe.FailureThreshold == 0 {'),
  ]),
  roll('spec.stopDelay', 'cluster-termination-grace', "the Pods' terminationGracePeriodSeconds follows stopDelay", [
    cnpg('pkg/specs/pods.go', 536, 'gracePeriod := int64(cluster.GetMaxStopDelay())'),
    cnpg('pkg/specs/podspec_diff.go', 98, '"termination-grace-period": func() bool {'),
  ]),
  roll('spec.logLevel', 'cluster-log-level', "the instance manager's command line carries the log level", [
    cnpg(
      'pkg/specs/containers.go',
      58,
      'container.Command = append(container.Command, fmt.Sprintf("--log-level=%s", cluster.Spec.LogLevel))',
    ),
    cnpg('pkg/specs/podspec_diff.go', 233, '"command": func() bool {'),
  ]),
  roll('spec.ephemeralVolumeSource', 'cluster-ephemeral-volume', 'the scratch volume of the Pods changes', [
    cnpg('pkg/specs/volumes.go', 310, 'scratchVolumeSource.Ephemeral = cluster.Spec.EphemeralVolumeSource'),
    cnpg('pkg/specs/podspec_diff.go', 40, '"volumes": func() (bool, string) {'),
  ]),
  roll('spec.ephemeralVolumesSizeLimit', 'cluster-ephemeral-volume', 'the size limits of the scratch and shared-memory volumes change', [
    cnpg('pkg/specs/volumes.go', 313, 'SizeLimit: cluster.Spec.EphemeralVolumesSizeLimit.GetTemporaryDataLimit(),'),
    cnpg('pkg/specs/podspec_diff.go', 40, '"volumes": func() (bool, string) {'),
  ]),
  roll(
    'spec.projectedVolumeTemplate',
    'cluster-projected-volume',
    'the projected volume of the Pods changes (checked even with cnpg.io/reconcilePodSpec: disabled)',
    [cnpg('internal/controller/cluster_upgrade.go', 511, 'func checkProjectedVolumeIsOutdated')],
    false,
  ),
  roll('spec.monitoring.tls', 'cluster-metrics-tls', "the instance manager's command line says whether the metrics port serves TLS", [
    cnpg('pkg/specs/pods.go', 301, 'containers[0].Command = append(containers[0].Command, "--metrics-port-tls")'),
    cnpg('pkg/specs/podspec_diff.go', 233, '"command": func() bool {'),
  ]),
  live(
    'spec.monitoring',
    'cluster-monitoring',
    'reconfigure',
    'CNPG updates the PodMonitor and the metrics queries the instance manager runs; nothing restarts',
    [
      cnpg(
        'internal/controller/cluster_create.go',
        100,
        'err = createOrPatchPodMonitor(ctx, r.Client, r.DiscoveryClient, specs.NewClusterPodMonitorManager(cluster))',
      ),
    ],
  ),
  {
    path: 'spec.priorityClassName',
    code: 'cluster-new-pods-only',
    effect: 'none',
    why: 'CNPG sets priorityClassName on the Pods it creates, but does not compare it on running Pods: it applies only to Pods created later (a rollout, a new instance)',
    fix: 'restart the cluster (kubectl cnpg restart) if running Pods must get it now',
    cite: [cnpg('pkg/specs/pods.go', 567, 'pod.Spec.PriorityClassName = cluster.Spec.PriorityClassName'), GENERIC],
  },
  {
    path: 'spec.imagePullPolicy',
    code: 'cluster-new-pods-only',
    effect: 'none',
    why: 'CNPG sets imagePullPolicy on the postgres container, but does not compare it on running Pods: it applies only to Pods created later',
    cite: [cnpg('pkg/specs/pods.go', 216, 'ImagePullPolicy: cluster.Spec.ImagePullPolicy,'), CONTAINER],
  },
  live(
    'spec.imagePullSecrets',
    'cluster-pull-secrets',
    'reconfigure',
    "CNPG adds the secrets to the cluster's service account; Pods pulling images later use them",
    [cnpg('internal/controller/cluster_create.go', 683, 'pullSecretNames := make([]string, 0, len(cluster.Spec.ImagePullSecrets))')],
  ),
  live(
    'spec.inheritedMetadata',
    'cluster-metadata',
    'reconfigure',
    'CNPG patches the labels and annotations of the Pods, PVCs and Services in place; nothing restarts',
    [cnpg('pkg/reconciler/instance/metadata.go', 37, 'func ReconcileMetadata(')],
  ),
  live('spec.serviceAccountTemplate', 'cluster-metadata', 'reconfigure', "CNPG patches the service account's metadata; nothing restarts", [
    TYPES(332, 'ServiceAccountTemplate *ServiceAccountTemplate `json:"serviceAccountTemplate,omitempty"`'),
  ]),
  {
    path: 'spec.bootstrap',
    code: 'cluster-bootstrap',
    effect: 'none',
    why: 'CNPG reads the bootstrap section only when it creates the cluster: changing it on an existing cluster does nothing',
    cite: [
      TYPES(297, 'Bootstrap *BootstrapConfiguration `json:"bootstrap,omitempty"`'),
      cnpg('internal/controller/cluster_create.go', 1134, 'func (r *ClusterReconciler) createPrimaryInstance('),
    ],
  },
  {
    path: 'spec.description',
    code: 'cluster-description',
    effect: 'none',
    why: 'a description only',
    cite: [TYPES(215, 'Description string `json:"description,omitempty"`')],
  },
  live(
    'spec.primaryUpdateStrategy',
    'cluster-update-strategy',
    'reconfigure',
    'changes how CNPG handles the primary in later rollouts; restarts nothing itself',
    [
      cnpg(
        'internal/controller/cluster_upgrade.go',
        130,
        'if cluster.GetPrimaryUpdateStrategy() == apiv1.PrimaryUpdateStrategySupervised {',
      ),
    ],
  ),
  live(
    'spec.primaryUpdateMethod',
    'cluster-update-strategy',
    'reconfigure',
    'changes how CNPG handles the primary in later rollouts; restarts nothing itself',
    [cnpg('internal/controller/cluster_upgrade.go', 190, 'if cluster.GetPrimaryUpdateMethod() == apiv1.PrimaryUpdateMethodRestart {')],
  ),
  live('spec.postgresql.pg_hba', 'cluster-hba', 'reload', 'CNPG rewrites pg_hba.conf and reloads PostgreSQL', [
    cnpg('internal/management/controller/instance_controller.go', 421, 'reloadNeeded, err = r.refreshPGHBA(ctx, cluster)'),
    RELOAD_CONF,
  ]),
  live('spec.postgresql.ldap', 'cluster-hba', 'reload', 'CNPG rewrites pg_hba.conf (its LDAP lines) and reloads PostgreSQL', [
    cnpg('internal/management/controller/instance_controller.go', 421, 'reloadNeeded, err = r.refreshPGHBA(ctx, cluster)'),
    RELOAD_CONF,
  ]),
  live('spec.podSelectorRefs', 'cluster-hba', 'reload', 'CNPG rewrites the pg_hba.conf lines of the selected Pods and reloads PostgreSQL', [
    cnpg('docs/src/postgresql_conf.md', 500, 'regeneration and a PostgreSQL `reload`.'),
  ]),
  live('spec.postgresql.pg_ident', 'cluster-ident', 'reload', 'CNPG rewrites pg_ident.conf and reloads PostgreSQL', [
    cnpg(
      'internal/management/controller/instance_controller.go',
      426,
      'reloadIdent, err := r.instance.RefreshPGIdent(ctx, cluster.Spec.PostgresConfiguration.PgIdent)',
    ),
    RELOAD_CONF,
  ]),
  ...['spec.postgresql.synchronous', 'spec.minSyncReplicas', 'spec.maxSyncReplicas', 'spec.postgresql.syncReplicaElectionConstraint'].map(
    (path) =>
      live(
        path,
        'cluster-synchronous',
        derivedParameterEffect('synchronous_standby_names'),
        'CNPG recomputes synchronous_standby_names, which PostgreSQL applies on a reload',
        [cnpg('pkg/postgres/configuration.go', 271, 'SynchronousStandbyNames = "synchronous_standby_names"'), RELOAD_CONF],
      ),
  ),
  live(
    'spec.postgresql.enableAlterSystem',
    'cluster-alter-system',
    derivedParameterEffect('allow_alter_system'),
    'CNPG sets allow_alter_system, which PostgreSQL applies on a reload',
    [
      cnpg(
        'internal/management/controller/instance_controller.go',
        1083,
        '// PostgreSQL 17 and newer versions allow preventing ALTER SYSTEM',
      ),
    ],
  ),
  live('spec.postgresql.promotionTimeout', 'cluster-operator-setting', 'reconfigure', 'read by CNPG when it promotes an instance', [
    TYPES(279, 'PostgresConfiguration PostgresConfiguration `json:"postgresql,omitempty"`'),
  ]),
  live(
    'spec.certificates',
    'cluster-certificates',
    'reload',
    'the instance manager installs the new certificates and reloads PostgreSQL (ssl_cert_file and friends apply on a reload)',
    [
      cnpg(
        'internal/management/controller/instance_controller.go',
        201,
        'reloadNeeded, err := r.certificateReconciler.RefreshSecrets(ctx, cluster)',
      ),
      RELOAD_CONF,
    ],
  ),
  ...['spec.enableSuperuserAccess', 'spec.superuserSecret'].map((path) =>
    live(path, 'cluster-superuser', 'reconfigure', "the instance manager sets or disables the postgres user's password; nothing restarts", [
      cnpg('internal/management/controller/instance_controller.go', 1399, 'func (r *InstanceReconciler) reconcileSuperuserPassword('),
    ]),
  ),
  live(
    'spec.managed.roles',
    'cluster-roles',
    'reconfigure',
    'the instance manager runs CREATE / ALTER ROLE on the primary; nothing restarts',
    [
      cnpg(
        'internal/management/controller/instance_controller.go',
        323,
        'result, err := roles.Reconcile(ctx, r.instance, cluster, r.client)',
      ),
    ],
  ),
  live(
    'spec.managed.services',
    'cluster-services',
    'replace',
    'CNPG patches the managed Services, or deletes and re-creates those whose updateStrategy is replace (their address changes and open connections through them drop)',
    [cnpg('internal/controller/cluster_create.go', 393, 'if annotationStrategy == apiv1.ServiceUpdateStrategyReplace {')],
  ),
  live(
    'spec.backup',
    'cluster-backup',
    'reconfigure',
    'CNPG and the instance manager use the new backup and WAL archive settings from the next WAL segment or backup; nothing restarts',
    [TYPES(445, 'Backup *BackupConfiguration `json:"backup,omitempty"`')],
  ),
  live(
    'spec.externalClusters',
    'cluster-external',
    'reload',
    'the instance manager rewrites the replication configuration from it (replica clusters) and reloads',
    [
      cnpg(
        'internal/management/controller/instance_controller.go',
        448,
        'reloadReplicaConfig, err := r.instance.RefreshReplicaConfiguration(ctx, cluster, r.client)',
      ),
    ],
  ),
  live('spec.replica', 'cluster-replica-settings', 'reload', 'the instance manager rewrites the replication configuration and reloads', [
    cnpg(
      'internal/management/controller/instance_controller.go',
      448,
      'reloadReplicaConfig, err := r.instance.RefreshReplicaConfiguration(ctx, cluster, r.client)',
    ),
  ]),
  live(
    'spec.replicationSlots',
    'cluster-replication-slots',
    'reconfigure',
    'the instance manager creates or drops replication slots; nothing restarts',
    [cnpg('internal/management/controller/instance_controller.go', 313, 'if result, err := reconciler.ReconcileReplicationSlots(')],
  ),
  live('spec.enablePDB', 'cluster-pdb', 'reconfigure', 'CNPG creates or deletes the PodDisruptionBudgets', [
    cnpg(
      'internal/controller/cluster_create.go',
      118,
      'func (r *ClusterReconciler) reconcilePodDisruptionBudget(ctx context.Context, cluster *apiv1.Cluster) error {',
    ),
  ]),
  live('spec.smartShutdownTimeout', 'cluster-operator-setting', 'reconfigure', 'read by CNPG when it next stops an instance', [
    TYPES(373, 'SmartShutdownTimeout *int32 `json:"smartShutdownTimeout,omitempty"`'),
  ]),
  live('spec.switchoverDelay', 'cluster-operator-setting', 'reconfigure', 'read by CNPG at the next switchover', [
    TYPES(380, 'MaxSwitchoverDelay int32 `json:"switchoverDelay,omitempty"`'),
  ]),
  live('spec.failoverDelay', 'cluster-operator-setting', 'reconfigure', 'read by CNPG at the next failover', [
    TYPES(387, 'FailoverDelay int32 `json:"failoverDelay,omitempty"`'),
  ]),
  live('spec.nodeMaintenanceWindow', 'cluster-operator-setting', 'reconfigure', 'read by CNPG when a node is drained', [
    TYPES(449, 'NodeMaintenanceWindow *NodeMaintenanceWindow `json:"nodeMaintenanceWindow,omitempty"`'),
  ]),
  live('spec.primaryLease', 'cluster-operator-setting', 'reconfigure', "read by the instance managers for the primary's lease", [
    TYPES(535, 'PrimaryLease *PrimaryLeaseConfiguration `json:"primaryLease,omitempty"`'),
  ]),
  {
    path: 'spec.storage.storageClass',
    code: 'cluster-storage-class',
    effect: 'none',
    why: 'a PVC cannot change its storage class: only volumes CNPG creates later (new instances) use the new class',
    fix: 'to move existing data, add instances on the new class and remove the old ones, or restore into a new cluster',
    cite: [TYPES(2255, 'StorageClass *string `json:"storageClass,omitempty"`')],
  },
  live(
    'spec.storage.pvcTemplate',
    'cluster-pvc-template',
    'reconfigure',
    'CNPG patches volumeAttributesClassName of the existing PVCs; the rest of the template applies to new volumes only',
    [
      cnpg(
        'pkg/reconciler/persistentvolumeclaim/existing.go',
        61,
        'reconciliationUnits = append(reconciliationUnits, reconcileVolumeAttributeClass)',
      ),
    ],
  ),
  live(
    'spec.storage.resizeInUseVolumes',
    'cluster-storage-resize-setting',
    'reconfigure',
    'whether CNPG resizes the PVCs of running instances',
    [cnpg('pkg/reconciler/persistentvolumeclaim/existing.go', 57, 'if cluster.ShouldResizeInUseVolumes() {')],
  ),
];

/** The rule for a changed path (longest matching prefix), or undefined. */
export function ruleFor(path: readonly string[]): FieldRule | undefined {
  const dotted = path.join('.');
  let best: FieldRule | undefined;
  for (const r of CLUSTER_RULES) {
    if ((dotted === r.path || dotted.startsWith(`${r.path}.`)) && (!best || r.path.length > best.path.length)) best = r;
  }
  return best;
}
