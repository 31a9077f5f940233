// The admission layer: CNPG's (and the library's own) rules over the objects as the API server receives them, run
// by the front ends over what they emit and by `cnpg-constructs validate` over any YAML.
import { DEFAULT_OPERATOR_VERSION } from '../compat';
import type { KubeObject } from '../operator-manifest';
import { objectId } from '../validator';
import { semanticFindings } from '../yaml-checks';
import { registerObjectRules, registerSetRules, rulesOf, SET_RULES } from './registry';
import type { AdmissionContext, ObjectFinding } from './rule';
import { BACKUP_OBJECT_RULES, BACKUP_SET_RULES } from './backup';
import { SERVING_OBJECT_RULES, SERVING_SET_RULES } from './serving';
import './cluster-bootstrap';
import './cluster-config';
import './cluster-extras';
import './cluster-spec';
import './cluster-update';
import './cluster-warnings';
import './library';
import './other-kinds';

export type { AdmissionContext, ObjectFinding, ObjectRule, SetRule } from './rule';
export { cnpgDefaulted } from './defaults';
export { registerObjectRules, registerSetRules } from './registry';

registerSetRules({ cite: "the library's checks over plain YAML (lib/core/yaml-checks.ts)", check: (ctx) => semanticFindings(ctx.objects) });
registerSetRules(...BACKUP_SET_RULES);
registerObjectRules(...BACKUP_OBJECT_RULES);
registerSetRules(...SERVING_SET_RULES);
registerObjectRules(...SERVING_OBJECT_RULES);

/** Options of {@link admissionFindings}. */
export interface AdmissionOptions {
  /**
   * The CNPG release the objects target.
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
  /**
   * The objects as they are before this change (by API group, kind, namespace and name), for update rules: an object
   * with a previous version is checked as an update, the others as creations.
   * @default - none: every object is being created
   */
  readonly previous?: readonly KubeObject[];
  /**
   * The objects are only part of the set: rules that conclude from an absence warn instead of refusing.
   * @default false
   */
  readonly partial?: boolean;
  /**
   * Give each finding the citation of the rule that found it (`cite`), for reports that show where a rule lives.
   * @default false
   */
  readonly cite?: boolean;
}

/** The key of an object across versions: API group, kind, namespace, name. */
export function objectKey(o: KubeObject): string {
  return `${String(o.apiVersion).split('/')[0]}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** The kinds whose webhook the `cnpg.io/validation: disabled` annotation turns off (`newBypassableValidator`). */
const BYPASSABLE = new Set(['Cluster', 'Database', 'Pooler', 'Backup']);

/**
 * Every admission finding of `objects`: each object rule over each object of its kinds, then each set rule over
 * the set. Objects of other groups and kinds are skipped. `where` is `Kind/namespace/name`; `field` a path in the
 * object (`.spec.instances`). Warnings are findings with `severity: 'warning'` (what CNPG accepts with a warning).
 */
export function admissionFindings(objects: readonly KubeObject[], options: AdmissionOptions = {}): ObjectFinding[] {
  const operatorVersion = options.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
  const previous = options.previous && options.previous.length > 0 ? new Map(options.previous.map((o) => [objectKey(o), o])) : undefined;
  const base: AdmissionContext = { operatorVersion, objects, ...(options.partial ? { partial: true } : {}) };
  const out: ObjectFinding[] = [];
  for (const object of objects) {
    if (typeof object !== 'object' || object === null || typeof object.kind !== 'string') continue;
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const slash = apiVersion.indexOf('/');
    const rules = rulesOf(slash < 0 ? '' : apiVersion.slice(0, slash), object.kind);
    if (rules.length === 0) continue;
    const old = previous?.get(objectKey(object));
    const context = old ? { ...base, previous: old } : base;
    const webhook = BYPASSABLE.has(object.kind) ? validationAnnotation(object, out) : true;
    let where: string | undefined; // worked out for the first finding (most objects have none)
    for (const rule of rules) {
      if (rule.on === 'update' && !old) continue;
      if (!webhook && (rule.source ?? 'webhook') === 'webhook') continue;
      const found = rule.check(object, context);
      if (found.length > 0) where ??= objectId(object);
      for (let i = 0; i < found.length; i++)
        out.push(
          options.cite
            ? { ...found[i], object, where: found[i].where ?? where, cite: rule.cite }
            : { ...found[i], object, where: found[i].where ?? where },
        );
    }
  }
  for (const rule of SET_RULES)
    for (const f of rule.check(base))
      out.push(
        options.cite ? { ...f, where: f.where ?? objectId(f.object), cite: rule.cite } : { ...f, where: f.where ?? objectId(f.object) },
      );
  return out;
}

/**
 * `cnpg.io/validation` (internal/webhook/v1/common.go, `isValidationEnabled`): `disabled` turns the webhook off with a
 * warning; a value other than enabled/disabled is warned about and validation goes on. Whether the webhook runs.
 */
function validationAnnotation(object: KubeObject, out: ObjectFinding[]): boolean {
  const value = (object.metadata?.annotations as Record<string, unknown> | undefined)?.['cnpg.io/validation'];
  if (value === undefined || value === '' || value === 'enabled') return true;
  const where = objectId(object);
  const field = '.metadata.annotations.cnpg.io/validation';
  if (value === 'disabled') {
    out.push({
      severity: 'warning',
      code: 'validation-disabled',
      object,
      where,
      field,
      message: "turns CNPG's validating webhook off: every change is accepted without validation",
      value,
      fix: 'remove the annotation once the change that needed it is applied',
    });
    return false;
  }
  out.push({
    severity: 'warning',
    code: 'validation-annotation-invalid',
    object,
    where,
    field,
    message: 'is neither "enabled" nor "disabled"; CNPG validates the object anyway',
    value,
    fix: 'use "enabled", "disabled", or remove it',
  });
  return true;
}
