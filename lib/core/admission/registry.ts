// The rules of the admission layer: each module of rules registers its own when it is loaded.
import type { ObjectRule, SetRule } from './rule';

/** Rules over single objects, by kind (a kind's list is looked up once per object). */
export const OBJECT_RULES = new Map<string, ObjectRule[]>();
export const SET_RULES: SetRule[] = [];

const ruleKey = (group: string, kind: string) => `${group}/${kind}`;

/** The rules of a group and kind, in registration order (a shared empty list when there are none). */
export function rulesOf(group: string, kind: string): readonly ObjectRule[] {
  return OBJECT_RULES.get(ruleKey(group, kind)) ?? NO_RULES;
}

const NO_RULES: readonly ObjectRule[] = Object.freeze([]);

/** Adds rules over single objects. @internal */
export function registerObjectRules(...rules: ObjectRule[]): void {
  for (const rule of rules) {
    for (const kind of rule.kinds) {
      const k = ruleKey(rule.group ?? 'postgresql.cnpg.io', kind);
      const existing = OBJECT_RULES.get(k);
      if (existing) existing.push(rule);
      else OBJECT_RULES.set(k, [rule]);
    }
  }
}

/** Adds rules over a set of objects. @internal */
export function registerSetRules(...rules: SetRule[]): void {
  SET_RULES.push(...rules);
}
