import { DEFAULT_OPERATOR_VERSION } from './compat';
import { type Problem, throwIfProblems } from './errors';
import { checkImageReference } from './image-ref';
import { type KubeObject, OperatorManifest } from './operator-manifest';
import { checkDnsLabel, checkDnsSubdomain, PULL_POLICIES } from './names';
import { checkKnownKeys } from './keys';
import { propsSchema } from './props-schema';
import { checkRuntimeTypes } from './runtime-types';
import { checkResources, type ResourceRequirements } from './resources';

/** What of the operator to emit. */
export type OperatorInstall = 'all' | 'crds' | 'none';

/** A Kubernetes toleration. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

/** Options of the CNPG operator installation, applied to the parsed release manifest. */
export interface OperatorProps {
  /**
   * CNPG release.
   * @default '1.30.0'
   */
  readonly version?: string;
  /**
   * Where the release manifest comes from.
   * @default - OperatorManifest.load(version): $CNPG_OPERATOR_MANIFEST, else the verified download
   */
  readonly manifest?: OperatorManifest;
  /**
   * What to emit: `all`; `crds` only (the operator is installed by Helm/OLM but CRDs come from here); or
   * `none` (clusters only: the construct then just records the operator version for compatibility checks).
   * @default 'all'
   */
  readonly install?: OperatorInstall;
  /**
   * Namespace of the operator.
   * @default 'cnpg-system'
   */
  readonly namespace?: string;
  /**
   * Operator image, e.g. a private mirror. Also sets `OPERATOR_IMAGE_NAME`, which the operator uses for the
   * instance manager it injects into PostgreSQL pods.
   * @default - the release's image, ghcr.io/cloudnative-pg/cloudnative-pg:<version>
   */
  readonly image?: string;
  /**
   * Pull policy of the operator image.
   * @default - the release's (Always)
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Secrets to pull the operator image.
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Replicas of the operator Deployment (leader election is on).
   * @default - the release's (1)
   */
  readonly replicas?: number;
  /**
   * Resources of the operator container.
   * @default - the release's (100m CPU, 100Mi/200Mi memory)
   */
  readonly resources?: ResourceRequirements;
  /**
   * Node selector of the operator pod.
   * @default - none
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Tolerations of the operator pod.
   * @default - none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Operator log level (`--log-level`).
   * @default - the operator's (info)
   */
  readonly logLevel?: 'error' | 'warning' | 'info' | 'debug' | 'trace';
}

/** The operator's objects, split in the order `kubectl apply` needs them. */
export interface OperatorObjects {
  readonly version: string;
  /** The CRDs and the namespace: apply first. */
  readonly foundation: KubeObject[];
  /** RBAC, ConfigMap, Service, Deployment, webhook configurations. */
  readonly operator: KubeObject[];
  /** The release manifest the objects come from (none with `install: 'none'`). */
  readonly manifest?: OperatorManifest;
}

/** Kinds this library emits that are cluster-scoped: they must carry no namespace (a GitOps tool would show drift forever). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterImageCatalog',
]);
/** Namespace of the operator when none is given (CNPG's release manifest). */
export const DEFAULT_OPERATOR_NAMESPACE = 'cnpg-system';

/** Keys and run-time types of {@link OperatorProps}. */
const OPERATOR_SCHEMA = propsSchema<OperatorProps>()({
  version: 'string',
  manifest: null,
  install: 'string',
  namespace: 'string',
  image: 'string',
  imagePullPolicy: 'string',
  imagePullSecrets: 'stringArray',
  replicas: 'int32',
  resources: 'object',
  nodeSelector: 'stringMap',
  tolerations: 'array',
  logLevel: 'string',
});

/** Problems of operator props: run-time types, unknown keys, install mode, names, image, resources. */
export function validateOperatorProps(props: OperatorProps): Problem[] {
  const typed = checkRuntimeTypes('', props, OPERATOR_SCHEMA.types);
  if (typed.length > 0) return typed;
  const out: Problem[] = [...checkKnownKeys('', props, OPERATOR_SCHEMA.keys)];
  if (props.install !== undefined && !['all', 'crds', 'none'].includes(props.install)) {
    out.push({
      code: 'operator-install-invalid',
      field: 'install',
      message: 'must be "all", "crds" or "none"',
      value: props.install,
      fix: 'use "all" (default), "crds" or "none"',
    });
  }
  if (props.namespace !== undefined) out.push(...checkDnsLabel('namespace', props.namespace, 'the operator namespace'));
  if (props.image !== undefined) out.push(...checkImageReference('image', props.image));
  if (props.imagePullPolicy !== undefined && !PULL_POLICIES.includes(props.imagePullPolicy)) {
    out.push({
      code: 'operator-pull-policy-invalid',
      field: 'imagePullPolicy',
      message: 'is not a pull policy',
      value: props.imagePullPolicy,
      fix: 'use "Always", "IfNotPresent" or "Never"',
    });
  }
  props.imagePullSecrets?.forEach((s, i) => {
    out.push(...checkDnsSubdomain(`imagePullSecrets[${i}]`, s, 'a Secret name'));
  });
  if ((props.imagePullSecrets?.length ?? 0) > 1) {
    // The operator image also runs in every PostgreSQL pod (the instance manager), and CNPG copies exactly one
    // secret, the one named by PULL_SECRET_NAME, into each cluster's namespace for it.
    out.push({
      code: 'operator-pull-secrets-too-many',
      field: 'imagePullSecrets',
      message: 'lists more than one secret, but CNPG passes exactly one on to the PostgreSQL pods (PULL_SECRET_NAME)',
      value: props.imagePullSecrets,
      fix: 'merge the registry credentials into one docker-registry secret and name only that one',
    });
  }
  if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
    out.push({
      code: 'operator-replicas-invalid',
      field: 'replicas',
      message: 'must be a whole number of at least 1',
      value: props.replicas,
      fix: 'use 1, or 2+ for a standby operator (leader election is on)',
    });
  }
  out.push(...checkResources('resources', props.resources));
  if (props.logLevel !== undefined && !['error', 'warning', 'info', 'debug', 'trace'].includes(props.logLevel)) {
    out.push({
      code: 'operator-log-level-invalid',
      field: 'logLevel',
      message: 'is not a CNPG log level',
      value: props.logLevel,
      fix: 'use error, warning, info, debug or trace',
    });
  }
  return out;
}

type Container = {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: unknown;
};
type PodSpec = {
  containers: Container[];
  imagePullSecrets?: { name: string }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
};

/**
 * The release manifest's objects with the customisations applied to the parsed objects (never to
 * text); CRD schemas are untouched. Throws a `CnpgValidationError` naming `path` on bad props.
 */
export function buildOperatorObjects(path: string, props: OperatorProps = {}): OperatorObjects {
  throwIfProblems(path, 'CnpgOperator', validateOperatorProps(props));
  const version = props.version ?? props.manifest?.version ?? DEFAULT_OPERATOR_VERSION;
  const install = props.install ?? 'all';
  if (install === 'none') return { version, foundation: [], operator: [] };
  const manifest = props.manifest ?? OperatorManifest.load(version);
  if (props.manifest && props.version && manifest.version !== props.version) {
    throwIfProblems(path, 'CnpgOperator', [
      {
        code: 'operator-version-contradicts-manifest',
        field: 'version',
        message: `contradicts the manifest, which is CNPG ${manifest.version}`,
        value: props.version,
        fix: 'remove version or pass the matching manifest',
      },
    ]);
  }
  const ns = props.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
  const objects = manifest.sharedObjects.map((o) => structuredClone(o));

  for (const o of objects) {
    if (o.kind === 'Namespace') o.metadata.name = ns;
    else if (!CLUSTER_SCOPED_KINDS.has(o.kind) && o.metadata.namespace) o.metadata.namespace = ns;
    if (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') {
      for (const s of (o.subjects as { kind: string; namespace?: string }[]) ?? []) if (s.kind === 'ServiceAccount') s.namespace = ns;
    }
    if (o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration') {
      for (const w of (o.webhooks as { clientConfig?: { service?: { namespace?: string } } }[]) ?? []) {
        if (w.clientConfig?.service) w.clientConfig.service.namespace = ns;
      }
    }
    if (o.kind === 'Deployment') {
      const pod = (o.spec as { template: { spec: PodSpec } }).template.spec;
      const manager = pod.containers.find((c) => c.name === 'manager') ?? pod.containers[0];
      if (props.replicas !== undefined) (o.spec as { replicas?: number }).replicas = props.replicas;
      if (props.image !== undefined) {
        manager.image = props.image;
        for (const e of manager.env ?? []) if (e.name === 'OPERATOR_IMAGE_NAME') e.value = props.image;
      }
      if (props.imagePullPolicy !== undefined) manager.imagePullPolicy = props.imagePullPolicy;
      if (props.imagePullSecrets?.length) {
        pod.imagePullSecrets = props.imagePullSecrets.map((name) => ({ name }));
        // CNPG copies the secret named by PULL_SECRET_NAME (default "cnpg-pull-secret") from the operator's namespace
        // into each cluster's as "<cluster>-pull", for the instance manager that runs the operator image in every
        // PostgreSQL pod (cloudnative-pg v1.30.0 internal/configuration/configuration.go `OperatorPullSecretName`,
        // internal/controller/cluster_create.go `copyPullSecretFromOperator`). Without this, a private mirror
        // pulls the operator but leaves the PostgreSQL pods in ImagePullBackOff.
        manager.env = [
          ...(manager.env ?? []).filter((e) => e.name !== 'PULL_SECRET_NAME'),
          { name: 'PULL_SECRET_NAME', value: props.imagePullSecrets[0] },
        ];
      }
      if (props.resources) {
        const cur = (manager.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
        manager.resources = {
          ...cur,
          ...(props.resources.requests ? { requests: { ...cur.requests, ...props.resources.requests } } : {}),
          ...(props.resources.limits ? { limits: { ...cur.limits, ...props.resources.limits } } : {}),
        };
      }
      if (props.nodeSelector) pod.nodeSelector = { ...props.nodeSelector };
      if (props.tolerations) pod.tolerations = props.tolerations.map((t) => ({ ...t }));
      if (props.logLevel)
        manager.args = [...(manager.args ?? []).filter((a) => !a.startsWith('--log-level')), `--log-level=${props.logLevel}`];
    }
  }
  const foundation = [
    ...objects.filter((o) => o.kind === 'CustomResourceDefinition'),
    ...(install === 'all' ? objects.filter((o) => o.kind === 'Namespace') : []),
  ];
  const operator = install === 'all' ? objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace') : [];
  return { version: manifest.version, foundation, operator, manifest };
}
