// The objects of a check's set by API group and kind, indexed once per check: each set rule reads the kinds it is
// about, and the set is walked once however many rules and kinds there are.
import type { KubeObject } from '../operator-manifest';
import type { AdmissionContext } from './rule';

const NONE: readonly KubeObject[] = Object.freeze([]);
interface Index {
  readonly byKind: Map<string, KubeObject[]>;
  /** Each indexed object's place in the set, to merge kinds in set order. */
  readonly position: Map<KubeObject, number>;
}
const indexes = new WeakMap<AdmissionContext, Index>();

/** The API group of an apiVersion (`postgresql.cnpg.io/v1` → `postgresql.cnpg.io`; `v1` → `''`, the core group). */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The objects of `ctx`'s set of one API group and kind, in set order. The index is built on the first call for a
 * context and kept with it: a context is one check of one set (admissionFindings makes one per call).
 */
export function ofKind(ctx: AdmissionContext, group: string, kind: string): readonly KubeObject[] {
  return indexOf(ctx).byKind.get(`${group}/${kind}`) ?? NONE;
}

/** The objects of `ctx`'s set of any of `kinds` (each an API group and a kind), in set order. */
export function ofKinds(ctx: AdmissionContext, kinds: readonly (readonly [group: string, kind: string])[]): readonly KubeObject[] {
  const lists = kinds.map(([g, k]) => ofKind(ctx, g, k)).filter((l) => l.length > 0);
  if (lists.length <= 1) return lists[0] ?? NONE;
  const { position } = indexOf(ctx);
  return lists.flat().sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
}

function indexOf(ctx: AdmissionContext): Index {
  let index = indexes.get(ctx);
  if (!index) {
    const built: Index = { byKind: new Map(), position: new Map() };
    ctx.objects.forEach((o, i) => {
      if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof o.kind !== 'string') return;
      const k = `${groupOf(o.apiVersion)}/${o.kind}`;
      const list = built.byKind.get(k);
      if (list) list.push(o);
      else built.byKind.set(k, [o]);
      built.position.set(o, i);
    });
    index = built;
    indexes.set(ctx, index);
  }
  return index;
}
