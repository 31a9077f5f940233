// Validates Kubernetes objects against the openAPIV3Schema of their CRD, offline, the way the API server does (see
// schema.ts): CNPG's kinds against the CRDs of the operator release the objects target (OperatorManifest), other
// projects' kinds the library emits (Barman Cloud's ObjectStore, the Prometheus Operator's PodMonitor and
// PrometheusRule) against the CRDs the package ships (crds.ts). Used by the cdk8s checks, the Pulumi components, the
// `cnpg-constructs validate` command, the cdk8s validation plugin and this repository's tests.
import type { Problem } from './errors';
import { apiGroup, CNPG_GROUP, crdOf, crdSource, hasCrdFor } from './crds';
import { isDnsSubdomain } from './names';
import type { KubeObject, OperatorManifest } from './operator-manifest';
import { compile, type Schema, type SchemaError, type ValidateOptions, validateValue } from './schema';

export type { Schema, SchemaError, ValidateOptions } from './schema';
export { hasCrdFor } from './crds';

/** Validates a value against a schema (compiled once per schema object). */
export function validateAgainstSchema(value: unknown, schema: Schema, path = '', options: ValidateOptions = {}): SchemaError[] {
  return [...validateValue(value, compile(schema), path, options)];
}

/** Whether an object is of CNPG's API group (`postgresql.cnpg.io/*`). */
export function isCnpgObject(obj: unknown): obj is KubeObject {
  return typeof obj === 'object' && obj !== null && apiGroup((obj as KubeObject).apiVersion) === CNPG_GROUP;
}

type Root = ReturnType<typeof compile> | { readonly error: SchemaError };
/** The compiled root schema of each apiVersion and kind, per manifest: one lookup per object. */
const roots = new WeakMap<OperatorManifest, Map<string, Root>>();

function rootOf(apiVersion: string, kind: string, manifest: OperatorManifest): Root {
  let byKind = roots.get(manifest);
  if (!byKind) {
    byKind = new Map();
    roots.set(manifest, byKind);
  }
  const key = `${apiVersion}\u0000${kind}`;
  let root = byKind.get(key);
  if (root === undefined) {
    root = findRoot(apiVersion, kind, manifest);
    byKind.set(key, root);
  }
  return root;
}

function findRoot(apiVersion: string, kind: string, manifest: OperatorManifest): Root {
  const group = apiGroup(apiVersion);
  const version = apiVersion.slice(group.length + 1);
  const crd = crdOf(group, kind, manifest);
  if (!crd) {
    const holder = group === CNPG_GROUP ? `CNPG ${manifest.version}` : 'this library';
    return { error: { path: '.kind', message: `${holder} has no CRD for ${apiVersion} ${kind}` } };
  }
  const versions = (crd.spec as { versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: Schema } }[] }).versions;
  const schema = versions.find((x) => x.name === version && x.served)?.schema?.openAPIV3Schema;
  if (!schema) return { error: { path: '.apiVersion', message: `version ${version} is not served by the ${kind} CRD` } };
  return compile(schema);
}

/**
 * Validates an object against its CRD: CNPG's kinds against `manifest` (the operator release the object targets),
 * the kinds whose CRD the package ships against that one ({@link hasCrdFor} says which).
 */
export function validateObject(obj: KubeObject, manifest: OperatorManifest, options: ValidateOptions = {}): SchemaError[] {
  const errs: SchemaError[] = [];
  const name = obj.metadata?.name;
  if (!isDnsSubdomain(name)) errs.push({ path: '.metadata.name', message: `invalid object name ${JSON.stringify(name)}` });
  const root = rootOf(String(obj.apiVersion), String(obj.kind), manifest);
  if ('error' in root) return [...errs, root.error];
  // `metadata` is the API server's (ObjectMeta), not the CRD's: only the name is checked, above.
  const found = validateValue({ ...obj, metadata: {} }, root, '', options);
  return found.length === 0 ? errs : [...errs, ...found];
}

/** Validates a CNPG object (or any object whose CRD the library holds) against its CRD: see {@link validateObject}. */
export function validateCnpgObject(obj: KubeObject, manifest: OperatorManifest, options: ValidateOptions = {}): SchemaError[] {
  return validateObject(obj, manifest, options);
}

/** `kind/namespace/name` (or `kind/name`) of an object, for findings. */
export function objectId(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** Every schema error of every object among `objects` whose CRD the library holds, as `kind/namespace/name path: message (rule)` lines. */
export function cnpgSchemaErrors(objects: readonly unknown[], manifest: OperatorManifest): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (!hasCrdFor(o)) continue;
    for (const e of validateObject(o, manifest)) out.push(`${objectId(o)} ${e.path}: ${e.message}${e.rule ? ` (CEL: ${e.rule})` : ''}`);
  }
  return out;
}

/**
 * Schema errors of an object a front end was about to emit, as Problems (the field, the rule, the fix). `object`
 * names the kind whose CRD refuses it (CNPG's kinds by default).
 */
export function crdProblems(
  errors: readonly SchemaError[],
  manifest: OperatorManifest,
  fix: string,
  object?: Pick<KubeObject, 'apiVersion' | 'kind'>,
): Problem[] {
  if (errors.length === 0) return [];
  const source = crdSource(object ? apiGroup(object.apiVersion) : CNPG_GROUP, object?.kind ?? '', manifest);
  return errors.map((e) => ({
    code: 'crd-schema',
    field: e.path,
    message: `${e.message}${e.rule ? ` (CEL rule: ${e.rule})` : ''}: ${source} refuses it`,
    fix,
  }));
}
