// Objects for the plan tests: a Cluster with one extension image, a Database of it, and helpers to plan a change.
import { type ChangePlan, type ObjectPlan, type PlanChange, planChanges } from '../../lib/core';
import { formatCitation } from '../../lib/core/plan/cite';

export type Obj = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
};

export const PGVECTOR = 'ghcr.io/cloudnative-pg/pgvector:0.8.0-18-trixie';

export function cluster(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'angus', namespace: 'db', ...metadata },
    spec: {
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18.1-minimal-trixie',
      storage: { size: '1Gi' },
      postgresql: { extensions: [{ name: 'pgvector', image: { reference: PGVECTOR } }] },
      ...spec,
    },
  };
}

export function database(spec: Record<string, unknown> = {}, name = 'angus-app'): Obj {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Database',
    metadata: { name, namespace: 'db' },
    spec: { name: 'app', owner: 'app', cluster: { name: 'angus' }, ...spec },
  };
}

/** The plan of one object from `before` to `after`. */
export function planOf(
  before: Obj | undefined,
  after: Obj | undefined,
  others: { before?: Obj[]; after?: Obj[] } = {},
): { plan: ChangePlan; object: ObjectPlan } {
  const plan = planChanges([...(before ? [before] : []), ...(others.before ?? [])], [...(after ? [after] : []), ...(others.after ?? [])]);
  const target = (after ?? before) as Obj;
  const object = plan.objects.find((o) => o.kind === target.kind && o.name === target.metadata.name) as ObjectPlan;
  return { plan, object };
}

/** `file:line` of each citation of a change. */
export function sources(c: PlanChange): string[] {
  return c.cite.map((x) => formatCitation(x).replace('cloudnative-pg v1.30.0 ', ''));
}
