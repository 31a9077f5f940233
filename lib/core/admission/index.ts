// The admission layer: CNPG's (and the library's own) rules over the objects as the API server receives them, run
// by the front ends over what they emit and by `cnpg-constructs validate` over any YAML.
import { DEFAULT_OPERATOR_VERSION } from '../compat';
import type { KubeObject } from '../operator-manifest';
import { objectId } from '../validator';
import { semanticFindings } from '../yaml-checks';
import { BACKUP_OBJECT_RULES, BACKUP_SET_RULES } from './backup';
import type { AdmissionContext, ObjectFinding, ObjectRule, SetRule } from './rule';
import { SERVING_OBJECT_RULES, SERVING_SET_RULES } from './serving';

export type { AdmissionContext, ObjectFinding, ObjectRule, SetRule } from './rule';

const OBJECT_RULES: ObjectRule[] = [...BACKUP_OBJECT_RULES, ...SERVING_OBJECT_RULES];
const SET_RULES: SetRule[] = [
  { cite: "the library's checks over plain YAML (lib/core/yaml-checks.ts)", check: (ctx) => semanticFindings(ctx.objects) },
  ...BACKUP_SET_RULES,
  ...SERVING_SET_RULES,
];

/** Adds rules over single objects (each module of rules registers its own when it is loaded). @internal */
export function registerObjectRules(...rules: ObjectRule[]): void {
  OBJECT_RULES.push(...rules);
}

/** Adds rules over a set of objects. @internal */
export function registerSetRules(...rules: SetRule[]): void {
  SET_RULES.push(...rules);
}

/** Options of {@link admissionFindings}. */
export interface AdmissionOptions {
  /**
   * The CNPG release the objects target.
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
  /**
   * The objects as they are before this change (by `apiVersion`, kind, namespace and name), for update rules.
   * @default - none: every object is being created
   */
  readonly previous?: readonly KubeObject[];
  /**
   * The objects are only part of the set: rules that conclude from an absence warn instead of refusing.
   * @default false
   */
  readonly partial?: boolean;
}

const key = (o: KubeObject) => `${String(o.apiVersion).split('/')[0]}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/**
 * Every admission finding of `objects`: each object rule over each object of its kinds, then each set rule over
 * the set. Objects of other groups and kinds are skipped. `where` is `Kind/namespace/name`.
 */
export function admissionFindings(objects: readonly KubeObject[], options: AdmissionOptions = {}): ObjectFinding[] {
  const operatorVersion = options.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
  const previous = options.previous ? new Map(options.previous.map((o) => [key(o), o])) : undefined;
  const base: AdmissionContext = { operatorVersion, objects, ...(options.partial ? { partial: true } : {}) };
  const out: ObjectFinding[] = [];
  for (const object of objects) {
    if (typeof object !== 'object' || object === null) continue;
    const group = String(object.apiVersion ?? '').split('/')[0];
    let context: AdmissionContext | undefined;
    for (const rule of OBJECT_RULES) {
      if ((rule.group ?? 'postgresql.cnpg.io') !== group || !rule.kinds.includes(object.kind)) continue;
      context ??= previous?.has(key(object)) ? { ...base, previous: previous.get(key(object)) } : base;
      for (const f of rule.check(object, context)) out.push({ ...f, object, where: f.where ?? objectId(object) });
    }
  }
  for (const rule of SET_RULES) for (const f of rule.check(base)) out.push({ ...f, where: f.where ?? objectId(f.object) });
  return out;
}
