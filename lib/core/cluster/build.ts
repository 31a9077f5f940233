// The builder: every step's checks first, then one spec, so nothing is built from bad props.
import type { ClusterSpec, ClusterSpecManaged, ClusterSpecPostgresqlExtensions } from '../../../imports/postgresql.cnpg.io.spec';
import { checkClusterBackup, clusterBackupSpec } from '../backup/cluster-backup';
import { checkOperatorCompatibility, DEFAULT_OPERATOR_VERSION, supportsFeature } from '../compat';
import { allProblems, NO_PROBLEMS, throwIfProblems } from '../errors';
import { clusterExtensionEntries } from '../extension-image';
import { errorsOf, warningsOf } from '../findings';
import { checkKnownKeys, withFrontEndKeys } from '../keys';
import { clusterResources } from '../resources';
import { checkRuntimeTypes } from '../runtime-types';
import { checkManagedRoles, managedWithRoles } from '../serving/roles';
import { checkBasics } from './basics';
import { imageSteps } from './image-steps';
import { checkClusterName } from './name';
import { checkUserParameters } from './parameters';
import type { ClusterModel, PostgresClusterProps } from './props';
import { recentCluster, rememberCluster } from './recent';
import { CLUSTER_SCHEMA, POSTGRESQL_SCHEMA, STORAGE_SCHEMA } from './schema';

/**
 * Checks a cluster's props against CNPG's rules (throwing a {@link CnpgValidationError} that names `path`, each
 * field and its fix) and builds its model. The model is read-only: its spec, images and lists may be shared with
 * other clusters (frozen) when their props differ only by name or they mount the same images.
 *
 * @param path where the props come from, for error messages (a construct path or a resource name)
 * @param defaultName the cluster's name when `props.name` is not given
 * @param frontEndKeys props a front end accepts besides the core's (not checked here, not shared)
 */
export function buildCluster(
  path: string,
  defaultName: string,
  props: PostgresClusterProps,
  frontEndKeys: readonly string[] = [],
): ClusterModel {
  const hit = frontEndKeys.length === 0 ? recentCluster(props) : undefined;
  if (hit !== undefined && (props.name === undefined || typeof props.name === 'string')) {
    // Everything but the name and the roles was checked clean for an earlier cluster: their checks are the only
    // ones left, the ones the full build makes (so a bad name or role fails with the same problem either way).
    const name = props.name ?? defaultName;
    throwIfProblems(
      path,
      'PostgresCluster',
      allProblems(
        checkClusterName(props.name === undefined ? 'name (defaulted from the id)' : 'name', name, 'the cluster name'),
        checkManagedRoles('roles', props.roles),
      ),
    );
    // Roles (per-cluster secret names) are the cluster's own: `managed` is a pass-through key, so a hit has none but these.
    const spec =
      hit.spec.managed || props.roles?.length
        ? { ...hit.spec, managed: managedWithRoles<ClusterSpecManaged>(undefined, props.roles) }
        : hit.spec;
    return { ...hit, spec, name, namespace: props.namespace, labels: props.labels, annotations: props.annotations };
  }
  const model = checkAndBuildCluster(path, defaultName, props, frontEndKeys);
  if (frontEndKeys.length === 0) rememberCluster(props, model);
  return model;
}

function checkAndBuildCluster(
  path: string,
  defaultName: string,
  props: PostgresClusterProps,
  frontEndKeys: readonly string[],
): ClusterModel {
  // Wrong runtime types first: the checks below assume the declared types.
  throwIfProblems(
    path,
    'PostgresCluster',
    allProblems(
      checkRuntimeTypes('', props, CLUSTER_SCHEMA.types),
      checkRuntimeTypes('postgresql', props?.postgresql, POSTGRESQL_SCHEMA.types),
    ),
  );
  // Every check first (each step returns its problems), then one builder: nothing is built from bad props.
  const basics = checkBasics(props, defaultName);
  const { name, instances, operand } = basics;
  const requested = props.extensions ?? [];
  const { images, parameters, preload, imageStep, parameterStep, preloadStep, sqlExtension } = imageSteps(props, operand, requested);
  const problems = allProblems(
    checkKnownKeys('', props, frontEndKeys.length ? withFrontEndKeys(CLUSTER_SCHEMA.keys, frontEndKeys) : CLUSTER_SCHEMA.keys),
    checkKnownKeys('storage', props.storage, STORAGE_SCHEMA.keys),
    checkKnownKeys('walStorage', props.walStorage, STORAGE_SCHEMA.keys),
    checkKnownKeys('postgresql', props.postgresql, POSTGRESQL_SCHEMA.keys),
    basics.problems,
    checkManagedRoles('roles', props.roles),
    imageStep.problems,
    checkUserParameters(props, instances),
    parameterStep.problems,
    preloadStep.problems,
    checkClusterBackup(props, name, props.namespace),
  );

  const spec: ClusterSpec = {
    imageName: props.imageName,
    imageCatalogRef: props.imageCatalogRef
      ? {
          apiGroup: 'postgresql.cnpg.io',
          kind: props.imageCatalogRef.kind,
          name: props.imageCatalogRef.name,
          major: props.imageCatalogRef.major,
        }
      : undefined,
    instances,
    description: props.description,
    storage: { size: props.storage?.size, storageClass: props.storage?.storageClass },
    walStorage: props.walStorage ? { size: props.walStorage.size, storageClass: props.walStorage.storageClass } : undefined,
    enableSuperuserAccess: props.enableSuperuserAccess,
    bootstrap: props.bootstrap,
    resources: clusterResources(props.resources),
    affinity: props.affinity,
    monitoring: props.monitoring,
    managed: managedWithRoles(props.managed, props.roles),
    imagePullSecrets: props.imagePullSecrets?.map((n) => ({ name: n })),
    ...clusterBackupSpec(props, props.namespace),
    postgresql:
      images.length > 0 || Object.keys(parameters).length > 0 || preload.length > 0 || props.postgresql?.pgHba
        ? {
            // Frozen and shared between clusters when the image steps were memoized (as the extension entries are).
            parameters: Object.keys(parameters).length > 0 ? (parameters as Record<string, string>) : undefined,
            sharedPreloadLibraries: preload.length > 0 ? (preload as string[]) : undefined,
            pgHba: props.postgresql?.pgHba ? [...props.postgresql.pgHba] : undefined,
            extensions:
              requested.length > 0
                ? (clusterExtensionEntries(
                    requested,
                    supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv'),
                  ) as ClusterSpecPostgresqlExtensions[])
                : undefined,
          }
        : undefined,
  };
  const found = allProblems(
    problems,
    checkOperatorCompatibility(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, spec, 'operatorVersion'),
  );
  throwIfProblems(path, 'PostgresCluster', errorsOf(found));

  return {
    name,
    namespace: props.namespace,
    labels: props.labels,
    annotations: props.annotations,
    spec,
    postgresMajor: operand.major,
    operatorVersion: props.operatorVersion ?? DEFAULT_OPERATOR_VERSION,
    extensions: images,
    sqlExtension,
    warnings: found.length === 0 ? NO_PROBLEMS : warningsOf(found),
  };
}
