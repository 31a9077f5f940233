// CNPG's webhook rules over a Cluster's environment, extension images, managed roles and services, plugins,
// pg_hba pod selectors and annotations. cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go unless said
// otherwise.
import type { KubeObject } from '../operator-manifest';
import { clusterView, list, rec, str } from './cluster-view';
import { goCleanPath } from './go-parse';
import { registerObjectRules } from './registry';
import { Findings } from './rule';

/** `IsReservedEnvironmentVariable` (pkg/postgres/environment.go). */
export function reservedEnvironmentVariable(name: string): boolean {
  const n = name.toUpperCase();
  return n.startsWith('CNPG_') || n.startsWith('PG') || n === 'POD_NAME' || n === 'NAMESPACE' || n === 'CLUSTER_NAME';
}

/** `FindUnknownPlaceholders` (pkg/postgres/environment.go): `${name}` other than `${image_root}`, `$${...}` escaped. */
export function unknownPlaceholders(value: string): string[] {
  // Without a "${" other than in "${image_root}" there is no unknown placeholder (an X of "${X}" holds no "}", so no
  // "${image_root}" removed here is part of one): the common case, an image's env, skips the regular expression.
  if (!value.replaceAll('${image_root}', '').includes('${')) return [];
  const out: string[] = [];
  for (const m of value.matchAll(/(\$+)\{([^}]+)\}/g)) if (m[1].length % 2 === 1 && m[2] !== 'image_root') out.push(`\${${m[2]}}`);
  return out;
}

function checkEnvironment(object: KubeObject): Findings {
  const out = new Findings();
  list(clusterView(object).spec.env).forEach((e, i) => {
    const name = str(rec(e)?.name);
    if (reservedEnvironmentVariable(name))
      out.error(
        'env-reserved',
        `.spec.env[${i}].name`,
        'is reserved for the operator (CNPG_*, PG*, POD_NAME, NAMESPACE, CLUSTER_NAME)',
        name,
        'use another name',
      );
  });
  return out;
}

function checkExtensions(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const extensions = list(rec(v.spec.postgresql)?.extensions);
  const names = new Set<string>();
  const volumes = new Set<string>();
  const catalog = rec(v.spec.imageCatalogRef) !== undefined;
  extensions.forEach((raw, i) => {
    const e = rec(raw) ?? {};
    const base = `.spec.postgresql.extensions[${i}]`;
    const name = str(e.name);
    if (name === '') {
      out.error('extension-name-empty', `${base}.name`, 'cannot be empty', name, 'name the extension image');
      return;
    }
    if (names.has(name)) {
      out.error('extension-name-duplicate', `${base}.name`, 'repeats another extension name', name, 'give each image a distinct name');
      return;
    }
    names.add(name);
    const volume = `ext-${name.replaceAll('_', '-')}`;
    if (volumes.has(volume))
      out.error(
        'extension-volume-name-collision',
        `${base}.name`,
        `gives the same volume name "${volume}" as another extension (CNPG turns "_" into "-")`,
        name,
        'rename one of them',
      );
    volumes.add(volume);
    if (!catalog && str(rec(e.image)?.reference) === '')
      out.error(
        'extension-image-reference-required',
        `${base}.image.reference`,
        'is required when no image catalog is configured',
        undefined,
        'set the image reference',
      );
    for (const key of ['extension_control_path', 'dynamic_library_path', 'ld_library_path', 'bin_path'])
      checkPathList(out, list(e[key]), `${base}.${key}`);
    checkExtensionEnv(out, list(e.env), base);
  });
  return out;
}

/** `validatePathList`: no empty or repeated entry, nothing that cleans to `..`. */
function checkPathList(out: Findings, paths: readonly unknown[], field: string): void {
  const seen = new Set<string>();
  for (const [j, raw] of paths.entries()) {
    const p = str(raw);
    if (p === '') out.error('extension-path-empty', `${field}[${j}]`, 'cannot be empty', p, 'remove the entry');
    else if (seen.has(p)) out.error('extension-path-duplicate', `${field}[${j}]`, 'repeats another entry', p, 'remove the duplicate');
    else if (goCleanPath(p).startsWith('..'))
      out.error('extension-path-escapes', `${field}[${j}]`, 'must not escape the extension directory', p, 'use a path inside the image');
    else seen.add(p);
  }
}

/** `validateExtensionEnvVars`. */
function checkExtensionEnv(out: Findings, env: readonly unknown[], base: string): void {
  const seen = new Set<string>();
  const dedicated: Readonly<Record<string, string>> = { PATH: `${base}.bin_path`, LD_LIBRARY_PATH: `${base}.ld_library_path` };
  env.forEach((raw, i) => {
    const e = rec(raw) ?? {};
    const name = str(e.name);
    const field = `${base}.env[${i}]`;
    if (reservedEnvironmentVariable(name))
      out.error('env-reserved', `${field}.name`, 'is reserved for the operator', name, 'use another name');
    if (Object.hasOwn(dedicated, name))
      out.error(
        'extension-env-has-field',
        `${field}.name`,
        `must be configured with ${dedicated[name].slice(1)}`,
        name,
        `use ${dedicated[name].split('.').pop()}`,
      );
    const unknown = unknownPlaceholders(str(e.value));
    if (unknown.length > 0)
      out.error(
        'extension-env-placeholder-unknown',
        `${field}.value`,
        `uses unsupported placeholder(s) ${unknown.join(', ')}; only \${image_root} is known`,
        e.value,
        'use ${image_root}, or write $${...} for a literal',
      );
    if (seen.has(name)) out.error('extension-env-duplicate', `${field}.name`, 'repeats another variable', name, 'remove the duplicate');
    seen.add(name);
  });
}

const ROLE_RESERVED = new Set(['streaming_replica', 'postgres']);

function checkManaged(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  const managed = rec(v.spec.managed);
  if (!managed) return out;
  const services = rec(managed.services);
  if (services) {
    if (list(services.disabledDefaultServices).includes('rw'))
      out.error(
        'managed-service-rw-disabled',
        '.spec.managed.services.disabledDefaultServices',
        'cannot disable the rw service',
        'rw',
        'remove "rw"',
      );
    const reserved = [`${v.name}-rw`, `${v.name}-ro`, `${v.name}-r`, `${v.name}-any`];
    const names: string[] = [];
    list(services.additional).forEach((raw, i) => {
      const template = rec(rec(raw)?.serviceTemplate) ?? {};
      const name = str(rec(template.metadata)?.name);
      const field = `.spec.managed.services.additional[${i}]`;
      names.push(name);
      if (reserved.includes(name))
        out.error(
          'managed-service-name-reserved',
          field,
          `uses the name "${name}", which CNPG gives its own services`,
          name,
          'use another name',
        );
      if (Object.keys(rec(rec(template.spec)?.selector) ?? {}).length > 0)
        out.error('managed-service-selector', field, 'sets selector, which the operator manages', undefined, 'remove spec.selector');
      if (name === '') out.error('managed-service-name-required', field, 'needs serviceTemplate.metadata.name', name, 'name the service');
    });
    if (new Set(names).size !== names.length)
      out.error(
        'managed-service-name-duplicate',
        '.spec.managed.services.additional',
        'contains services with the same name',
        names,
        'give each service its own name',
      );
  }
  const roles = new Set<string>();
  list(managed.roles).forEach((raw) => {
    const r = rec(raw) ?? {};
    const name = str(r.name);
    const field = '.spec.managed.roles';
    if (roles.has(name)) out.error('managed-role-duplicate', field, `declares role "${name}" twice`, name, 'declare each role once');
    roles.add(name);
    const limit = typeof r.connectionLimit === 'number' ? r.connectionLimit : -1;
    if (limit !== -1 && limit < 0)
      out.error(
        'managed-role-connection-limit',
        field,
        'has a negative connectionLimit other than -1',
        limit,
        'use -1 (no limit) or a positive number',
      );
    if (ROLE_RESERVED.has(name) || name.startsWith('cnpg_') || name.startsWith('pg_'))
      out.error(
        'managed-role-reserved',
        field,
        `declares "${name}", a role reserved for PostgreSQL or the operator`,
        name,
        'use another role name',
      );
    if (r.disablePassword === true && r.passwordSecret !== undefined && r.passwordSecret !== null)
      out.error(
        'managed-role-password-conflict',
        field,
        `role "${name}" both sets and disables a password`,
        name,
        'remove passwordSecret or disablePassword',
      );
  });
  return out;
}

/** `hba.ValidateLine` (pkg/postgres/hba/hba.go) and the podSelectorRefs it refers to. */
function checkPodSelectors(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  const known = new Set<string>();
  list(spec.podSelectorRefs).forEach((raw, i) => {
    const r = rec(raw) ?? {};
    const name = str(r.name);
    if (known.has(name))
      out.error(
        'pod-selector-duplicate',
        `.spec.podSelectorRefs[${i}].name`,
        'repeats another selector name',
        name,
        'give each selector its own name',
      );
    known.add(name);
    for (const [j, e] of list(rec(r.selector)?.matchExpressions).entries()) {
      const ex = rec(e) ?? {};
      const values = list(ex.values);
      const op = str(ex.operator);
      const bad = op === 'In' || op === 'NotIn' ? values.length === 0 : op === 'Exists' || op === 'DoesNotExist' ? values.length > 0 : true;
      if (bad)
        out.error(
          'pod-selector-expression-invalid',
          `.spec.podSelectorRefs[${i}].selector.matchExpressions[${j}]`,
          `operator ${JSON.stringify(op)} does not fit its values`,
          ex,
          'In/NotIn need values; Exists/DoesNotExist take none',
        );
    }
  });
  for (const [i, raw] of list(rec(spec.postgresql)?.pg_hba).entries()) {
    const problem = hbaLineProblem(str(raw), known);
    if (problem) out.error(problem[0], `.spec.postgresql.pg_hba[${i}]`, problem[1], raw, problem[2]);
  }
  return out;
}

/** `hba.ValidateLine`: the code, message and fix of a line's first problem. */
function hbaLineProblem(line: string, known: ReadonlySet<string>): [string, string, string] | undefined {
  let selectors = 0;
  for (const m of line.matchAll(/\$\{([^:]+):([^}]+)\}/g)) {
    if (m[1] !== 'podselector') return ['pg-hba-descriptor-unknown', `uses unknown descriptor type "${m[1]}"`, 'use ${podselector:NAME}'];
    selectors++;
    if (!known.has(m[2]))
      return [
        'pg-hba-pod-selector-unknown',
        `refers to pod selector "${m[2]}", which podSelectorRefs does not define`,
        'define it in podSelectorRefs',
      ];
  }
  return selectors > 1 ? ['pg-hba-pod-selectors-several', 'has more than one podselector reference', 'split the line'] : undefined;
}

function checkAnnotations(object: KubeObject): Findings {
  const out = new Findings();
  const a = clusterView(object).annotations;
  const hibernation = a['cnpg.io/hibernation'];
  if (hibernation !== undefined && hibernation !== 'on' && hibernation !== 'off')
    out.error(
      'hibernation-annotation-invalid',
      '.metadata.annotations.cnpg.io/hibernation',
      'must be "on" or "off"',
      hibernation,
      'use "on" or "off"',
    );
  const patch = a['cnpg.io/podPatch'];
  if (patch !== undefined && !isJsonPatch(String(patch)))
    out.error(
      'pod-patch-annotation-invalid',
      '.metadata.annotations.cnpg.io/podPatch',
      'is not a JSON patch (an array of operations)',
      patch,
      'write a JSON patch such as [{"op":"add","path":"/metadata/labels/x","value":"y"}]',
    );
  const pinger = a['alpha.cnpg.io/livenessPinger'];
  if (pinger !== undefined && !isPingerConfig(String(pinger)))
    out.error(
      'liveness-pinger-annotation-invalid',
      '.metadata.annotations.alpha.cnpg.io/livenessPinger',
      'is not a pinger configuration (JSON with "enabled" and integer timeouts)',
      pinger,
      'use spec.probes.liveness.isolationCheck instead',
    );
  return out;
}

/** `jsonpatch.DecodePatch` (evanphx/json-patch v5): a JSON array of objects. */
function isJsonPatch(s: string): boolean {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) && v.every((op) => rec(op) !== undefined);
  } catch {
    return false;
  }
}

/** `NewLivenessPingerConfigFromAnnotations` (api/v1/cluster_defaults.go). */
function isPingerConfig(s: string): boolean {
  try {
    const v = rec(JSON.parse(s));
    if (!v || typeof v.enabled !== 'boolean') return false;
    return ['requestTimeout', 'connectionTimeout'].every((k) => v[k] === undefined || v[k] === null || Number.isInteger(v[k]));
  } catch {
    return false;
  }
}

registerObjectRules(
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateEnv', check: (o) => checkEnvironment(o).list },
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validateExtensions, validateExtensionEnvVars', check: (o) => checkExtensions(o).list },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateManagedServices, validateServiceTemplate, validateManagedRoles',
    check: (o) => checkManaged(o).list,
  },
  { kinds: ['Cluster'], cite: 'cluster_webhook.go validatePodSelectorRefs', check: (o) => checkPodSelectors(o).list },
  {
    kinds: ['Cluster'],
    cite: 'cluster_webhook.go validateHibernationAnnotation, validatePodPatchAnnotation, validateLivenessPingerProbe',
    check: (o) => checkAnnotations(o).list,
  },
);
