// The rules of the admission layer: each module of rules registers its own when it is loaded.
import type { ObjectRule, SetRule } from './rule';

/** Rules over single objects, by kind (a kind's list is looked up once per object). */
export const OBJECT_RULES = new Map<string, ObjectRule[]>();
export const SET_RULES: SetRule[] = [];

const ruleKey = (group: string, kind: string) => `${group}/${kind}`;

/** The same lists by group, then kind: looked up per object without building a key string. */
const BY_GROUP = new Map<string, Map<string, ObjectRule[]>>();

/** The rules of a group and kind, in registration order (a shared empty list when there are none). */
export function rulesOf(group: string, kind: string): readonly ObjectRule[] {
  return BY_GROUP.get(group)?.get(kind) ?? NO_RULES;
}

const NO_RULES: readonly ObjectRule[] = Object.freeze([]);

/** Adds rules over single objects. @internal */
export function registerObjectRules(...rules: ObjectRule[]): void {
  for (const rule of rules) {
    for (const kind of rule.kinds) {
      const group = rule.group ?? 'postgresql.cnpg.io';
      const k = ruleKey(group, kind);
      const existing = OBJECT_RULES.get(k);
      if (existing) existing.push(rule);
      else {
        const rules = [rule];
        OBJECT_RULES.set(k, rules);
        let kinds = BY_GROUP.get(group);
        if (!kinds) {
          kinds = new Map();
          BY_GROUP.set(group, kinds);
        }
        kinds.set(kind, rules);
      }
    }
  }
}

/** Adds rules over a set of objects. @internal */
export function registerSetRules(...rules: SetRule[]): void {
  SET_RULES.push(...rules);
}
