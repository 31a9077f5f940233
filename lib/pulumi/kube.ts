import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  admissionFindings,
  CnpgValidationError,
  type Finding,
  formatProblem,
  isError,
  type KubeObject,
  DEFAULT_OPERATOR_VERSION,
  OperatorManifest,
  validateObject,
} from '../core';
import { crdProblems, objectId } from '../core/validator';
import { checkDnsLabel } from '../core/names';
import { poolerReconciledPhase } from '../core/serving/pooler-status';
import { checkedWhenKnown, isDeferred } from './inputs';

/** A namespace checked now when known now, else when it resolves. */
export function namespaceInput(
  resource: pulumi.Resource,
  what: string,
  ns: pulumi.Input<string> | undefined,
): pulumi.Input<string> | undefined {
  return isDeferred(ns)
    ? checkedWhenKnown(resource, what, 'namespace', ns as pulumi.Input<string>, (f, v) => checkDnsLabel(f, v, 'the namespace'))
    : ns;
}

export function customResource(name: string, o: KubeObject, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  const { apiVersion, kind, metadata, ...rest } = o;
  return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
}

/**
 * The classes of @pulumi/kubernetes for the kinds in CNPG's and the Barman Cloud plugin's release manifests, so that each object is
 * registered under its real type token (`kubernetes:apps/v1:Deployment`, ...) and gets the provider's
 * await logic for its kind: a CRD is awaited until established, the Deployment until rolled out (its pods,
 * which serve the webhooks, ready).
 */
type KubeClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const OPERATOR_KINDS = {
  CustomResourceDefinition: k8s.apiextensions.v1.CustomResourceDefinition,
  Namespace: k8s.core.v1.Namespace,
  ServiceAccount: k8s.core.v1.ServiceAccount,
  ConfigMap: k8s.core.v1.ConfigMap,
  Secret: k8s.core.v1.Secret,
  Service: k8s.core.v1.Service,
  ClusterRole: k8s.rbac.v1.ClusterRole,
  ClusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding,
  Role: k8s.rbac.v1.Role,
  RoleBinding: k8s.rbac.v1.RoleBinding,
  Deployment: k8s.apps.v1.Deployment,
  MutatingWebhookConfiguration: k8s.admissionregistration.v1.MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration: k8s.admissionregistration.v1.ValidatingWebhookConfiguration,
} as unknown as Readonly<Record<string, KubeClass>>;

export function kubeResource(name: string, o: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const cls = OPERATOR_KINDS[o.kind];
  if (!cls) return customResource(name, o, opts);
  const { apiVersion: _a, kind: _k, ...args } = o;
  return new cls(name, args, opts);
}

/**
 * What the Pulumi Kubernetes provider waits for after creating a CNPG object (custom resources are not
 * awaited unless annotated). JSONPath on the current status, not `condition=Ready`: that form waits for a
 * Ready transition newer than the apply, which never comes when an update leaves an already-ready cluster
 * ready (pulumi-kubernetes issue #4521). Conditions: cloudnative-pg v1.30.0 `api/v1/cluster_types.go`
 * (`ConditionClusterReady = "Ready"`) and `api/v1/database_types.go` (`status.applied`).
 */
export const AWAIT_ANNOTATIONS = {
  Cluster: { 'pulumi.com/waitFor': 'jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' },
  Database: { 'pulumi.com/waitFor': 'jsonpath={.status.applied}=true' },
  // cloudnative-pg v1.30.0 api/v1/backup_types.go, BackupPhaseCompleted; bounded by pulumi.com/timeoutSeconds.
  Backup: { 'pulumi.com/waitFor': 'jsonpath={.status.phase}=completed' },
  // api/v1/databaserole_types.go `status.applied`.
  DatabaseRole: { 'pulumi.com/waitFor': 'jsonpath={.status.applied}=true' },
  // A Pooler, with an operator of 1.30.0+ (see awaitedPooler): `active`, or `paused` for a paused one.
  Pooler: { 'pulumi.com/waitFor': 'jsonpath={.status.phase}=active' },
  PausedPooler: { 'pulumi.com/waitFor': 'jsonpath={.status.phase}=paused' },
} as const;

/**
 * A Pooler awaited until CNPG's pooler controller has reconciled it: `status.phase` `active`, or `paused` for a
 * paused one (lib/core/serving/pooler-status.ts cites the controller); not awaited when the operator it targets
 * predates the field (1.29 and older), which would leave `pulumi up` waiting for a phase that never comes.
 */
export function awaitedPooler(o: KubeObject, operatorVersion: string): KubeObject {
  const pgbouncer = (o.spec as { pgbouncer?: { paused?: unknown } } | undefined)?.pgbouncer;
  const phase = poolerReconciledPhase(pgbouncer?.paused === true, operatorVersion);
  if (phase === undefined) return o;
  return awaited(o, phase === 'paused' ? 'PausedPooler' : 'Pooler');
}

export function awaited(o: KubeObject, kind: keyof typeof AWAIT_ANNOTATIONS): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...AWAIT_ANNOTATIONS[kind], ...o.metadata.annotations } } };
}

/** The manifests a program validated against, by operator version (loading one reads and hashes a 1 MB file). */
const manifests = new Map<string, OperatorManifest>();

/**
 * Validates an object this component is about to register against the CRDs of the operator it targets (schema and
 * CEL rules, offline) and CNPG's admission rules for it, as the cdk8s checks do at synth; values that are Outputs
 * are checked by the API server instead. Errors throw a CnpgResourceError naming the field and the rule; warnings,
 * with the builder's (`warnings`), are logged on the resource. `propOf` maps a path in the object to the arg it
 * comes from.
 */
export function checkAgainstCrds(
  resource: pulumi.Resource,
  name: string,
  object: KubeObject,
  operator: { readonly manifest?: OperatorManifest } | undefined,
  version: string | undefined,
  propOf: (path: string) => string | undefined,
  warnings: readonly Finding[],
  /** Objects of the same program the rules across objects need (a Database's Cluster): checked with it, not reported. */
  related: readonly KubeObject[] = [],
): void {
  const deferred = (v: unknown): boolean =>
    pulumi.Output.isInstance(v) || v instanceof Promise || (typeof v === 'object' && v !== null && Object.values(v).some(deferred));
  if (deferred(object)) {
    logWarnings(resource, warnings);
    return;
  }
  const key = operator?.manifest?.sha256 ?? version ?? DEFAULT_OPERATOR_VERSION;
  let manifest = operator?.manifest ?? manifests.get(key);
  if (!manifest) {
    manifest = validated(resource, () => OperatorManifest.load(version ?? DEFAULT_OPERATOR_VERSION));
    manifests.set(key, manifest);
  }
  const field = (f: Finding): Finding => ({ ...f, field: propOf(f.field) ?? f.field });
  const found = [
    ...crdProblems(validateObject(object, manifest), manifest, 'check the args', object),
    ...admissionFindings(related.length ? [object, ...related] : [object], { operatorVersion: manifest.version, partial: true })
      .filter((f) => f.object === object)
      .map(({ object: _o, where: _w, ...f }) => f),
  ].map(field);
  const errors = found.filter(isError);
  if (errors.length > 0) throw new CnpgResourceError(new CnpgValidationError(name, objectId(object), errors), resource);
  logWarnings(resource, [...warnings, ...found]);
}

/**
 * Logs each warning on the resource (`pulumi up` and `preview` show it under the resource), with its code and fix;
 * a rule found twice (by the builder and by the admission rules) once.
 */
function logWarnings(resource: pulumi.Resource, findings: readonly Finding[]): void {
  const seen = new Set<string>();
  for (const f of findings) {
    const key = `${f.code}\u0000${f.field}`;
    if (isError(f) || seen.has(key)) continue;
    seen.add(key);
    void pulumi.log.warn(`${f.code}: ${formatProblem(f)}`, resource);
  }
}

/** Runs a builder, turning its validation error into the `pulumi.ResourceError` Pulumi users expect (same message, same problems). */
export function validated<T>(resource: pulumi.Resource, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof CnpgValidationError) throw new CnpgResourceError(e, resource);
    throw e;
  }
}

/** A {@link CnpgValidationError} as a `pulumi.ResourceError` on the component: the same message and problems. */
export class CnpgResourceError extends pulumi.ResourceError {
  /** Every problem found, each with field, value and fix. */
  public readonly problems: CnpgValidationError['problems'];
  constructor(cause: CnpgValidationError, resource: pulumi.Resource) {
    super(cause.message, resource);
    this.problems = cause.problems;
  }
}
