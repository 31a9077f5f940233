/**
 * Know before you apply: what CloudNativePG will do with a change. `planChanges(before, after)` compares two sets
 * of objects (two synth outputs, or the live objects against a new synth) and says, per CNPG object, what changes,
 * what CNPG does with it (roll, restart, manual restart, reload, replace, reconfigure, refused), why, and where in
 * CNPG v1.30.0 that is decided. Pure and offline; `checkUpdatePaths` adds what the extension images say.
 */
import { DEFAULT_OPERATOR_VERSION } from '../compat';
import type { Finding } from '../findings';
import { admissionFindings } from '../admission';
import type { KubeObject } from '../operator-manifest';
import { objectId } from '../validator';
import { catalogChanges } from './catalog';
import { valueAt } from './diff';
import { clusterChanges, strongest } from './cluster';
import { clusterSpecForComparison } from './cluster-defaults';
import { databaseChanges } from './database';
import { catalogKey, catalogsOf } from './image-info';
import { operatorChange, otherChanges } from './others';
import { describeRollout } from './rollout';
import type { ChangePlan, ObjectPlan, PlanChange, Rollout, SqlStatement } from './types';

export { formatCitation } from './cite';
export { renderMarkdown, renderText } from './render';
export { manualRestartClusters, RESTART_ANNOTATION, stampRestart } from './restart';
export * from './types';

/** Options of {@link planChanges}. */
export interface PlanOptions {
  /**
   * The CNPG release the objects target (for the admission rules).
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
}

const CLUSTER_SCOPED = new Set(['ClusterImageCatalog']);

function keyOf(o: KubeObject): string {
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata?.namespace ?? 'default');
  return `${o.kind}/${ns}/${o.metadata?.name}`;
}

const isCnpg = (o: unknown): o is KubeObject =>
  typeof o === 'object' && o !== null && String((o as KubeObject).apiVersion ?? '').startsWith('postgresql.cnpg.io/');

/** Objects with their namespace filled in (`default` when a namespaced object has none), for comparing. */
function withNamespace(o: KubeObject): KubeObject {
  if (CLUSTER_SCOPED.has(o.kind) || o.metadata?.namespace) return o;
  return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
}

/** The plan of the change from `before` to `after` (any Kubernetes objects; CNPG's are planned). */
export function planChanges(before: readonly unknown[], after: readonly unknown[], options: PlanOptions = {}): ChangePlan {
  const operatorVersion = options.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
  const a = before.filter(isCnpg).map(withNamespace);
  const b = after.filter(isCnpg).map(withNamespace);
  const old = new Map(a.map((o) => [keyOf(o), o]));
  const now = new Map(b.map((o) => [keyOf(o), o]));
  const catalogs = { before: catalogsOf(a), after: catalogsOf(b) };
  const operator = operatorChange(before as KubeObject[], after as KubeObject[]);
  const plans = new Map<string, ObjectPlan>();
  const add = (
    key: string,
    o: KubeObject,
    action: ObjectPlan['action'],
    changes: PlanChange[],
    extra: { rollout?: Rollout; statements?: SqlStatement[]; restarts?: string[] } = {},
  ) =>
    plans.set(key, {
      id: objectId(o),
      kind: o.kind,
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
      name: String(o.metadata?.name),
      action: action === 'update' && changes.length === 0 && !extra.statements?.length ? 'unchanged' : action,
      effect: strongest(changes),
      changes,
      ...extra,
    });
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  // Clusters first: catalogs and databases depend on what their clusters do.
  const order = (k: string) => (k.startsWith('Cluster/') ? 0 : k.startsWith('Database/') || k.includes('ImageCatalog/') ? 2 : 1);
  keys.sort((x, y) => order(x) - order(y) || (x < y ? -1 : x > y ? 1 : 0));
  for (const key of keys) {
    const o = old.get(key);
    const n = now.get(key);
    const obj = (n ?? o) as KubeObject;
    const action = !o ? 'create' : !n ? 'delete' : 'update';
    if (obj.kind === 'Cluster') {
      if (action === 'create') {
        add(key, obj, action, [
          {
            code: 'cluster-create',
            field: '.spec',
            effect: 'reconfigure',
            why: 'CNPG creates the cluster from its bootstrap section (initdb, recovery or pg_basebackup)',
            cite: [],
          },
        ]);
      } else if (action === 'delete') {
        add(key, obj, action, [
          {
            code: 'cluster-delete',
            field: '.metadata.name',
            effect: 'roll',
            warning: true,
            why: 'deleting the Cluster stops every instance and deletes its Pods, volumes (PVCs: the data), Services and Secrets',
            fix: 'keep the Cluster, or take a backup and check that it restores before deleting',
            cite: [],
          },
        ]);
      } else {
        const { changes, rollout } = clusterChanges(objectId(obj), o as KubeObject, n as KubeObject, catalogs);
        if (operator) changes.push(operator);
        const r =
          rollout ??
          (operator?.effect === 'roll'
            ? describeRollout(String(obj.metadata?.name), clusterSpecForComparison(n as KubeObject), {
                recreate: true,
                decrease: false,
                image: false,
              })
            : undefined);
        add(key, obj, action, changes, r ? { rollout: r } : {});
      }
    } else if (obj.kind === 'ImageCatalog' || obj.kind === 'ClusterImageCatalog') {
      const catalogId =
        obj.kind === 'ClusterImageCatalog'
          ? `ClusterImageCatalog/${obj.metadata?.name}`
          : `ImageCatalog/${obj.metadata?.namespace}/${obj.metadata?.name}`;
      const restarted = [...plans.values()].filter(
        (p) =>
          p.kind === 'Cluster' &&
          p.action === 'update' &&
          p.changes.some(
            (c) =>
              c.effect === 'roll' &&
              (c.code.startsWith('cluster-image') || c.code.startsWith('extension-image') || c.code.startsWith('cluster-major')),
          ) &&
          catalogKey((now.get(`Cluster/${p.namespace}/${p.name}`) ?? old.get(`Cluster/${p.namespace}/${p.name}`)) as KubeObject) ===
            catalogId,
      );
      add(
        key,
        obj,
        action,
        catalogChanges(
          o,
          n,
          restarted.map((p) => p.id),
        ),
        { restarts: restarted.map((p) => p.id) },
      );
    } else if (obj.kind === 'Database') {
      const cluster = plans.get(`Cluster/${obj.metadata?.namespace}/${(obj.spec as { cluster?: { name?: string } })?.cluster?.name}`);
      const rolling = cluster?.changes.find((c) => c.effect === 'roll' || c.effect === 'restart');
      const { changes, statements } = databaseChanges(o, n, rolling ? { clusterRolls: `${cluster?.id}: ${rolling.field}` } : {});
      add(key, obj, action, changes, { statements });
    } else {
      const changes = otherChanges(obj.kind, o, n);
      if (obj.kind === 'Pooler' && action === 'update' && operator)
        changes.push({
          ...operator,
          effect: 'replace',
          why: 'the operator is upgraded: the pooler Pods are replaced with the new instance manager',
        });
      add(key, obj, action, changes);
    }
  }
  const findings: Finding[] = [];
  for (const f of admissionFindings(b, { operatorVersion, previous: a, cite: true })) {
    const { object, cite: rule, ...finding } = f;
    findings.push(finding);
    const p = plans.get(keyOf(object));
    if (!p || f.severity === 'warning') continue;
    // The value before (and the plan's own citation) come from the change of that field the plan found, or of the
    // one field below it that changed.
    const below = p.changes.filter((c) => c.field.startsWith(`${f.field}.`));
    const prior = p.changes.find((c) => c.field === f.field) ?? (below.length === 1 ? below[0] : undefined);
    // Otherwise, for a plain path (`.spec.storage`), both values at that path: the refused change shows them side by side.
    const path = /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(f.field) ? f.field.slice(1).split('.') : undefined;
    const was = !prior && path ? valueAt(old.get(keyOf(object)), path) : undefined;
    const values =
      prior && 'before' in prior
        ? { before: prior.before, after: f.value }
        : was !== undefined && path
          ? { before: was, after: valueAt(object, path) }
          : { after: f.value };
    const changes = [
      ...p.changes.filter((c) => !(c.effect === 'refused' && c.field === f.field)),
      {
        code: f.code,
        field: f.field,
        ...values,
        effect: 'refused' as const,
        why: `refused at admission: ${f.message}`,
        fix: f.fix,
        cite: prior?.effect === 'refused' ? prior.cite : [],
        ...(rule ? { rule } : {}),
      },
    ];
    plans.set(keyOf(object), { ...p, action: p.action === 'unchanged' ? 'update' : p.action, changes, effect: strongest(changes) });
  }
  const objects = keys.map((k) => plans.get(k) as ObjectPlan);
  for (const p of objects) {
    for (const c of p.changes)
      if (c.warning)
        findings.push({
          severity: 'warning',
          code: c.code,
          where: p.id,
          field: c.field,
          message: c.why,
          fix: c.fix ?? 'review before applying',
        });
  }
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const p of objects) counts[p.action]++;
  const clusterRestarts = objects.some(
    (p) =>
      p.kind === 'Cluster' &&
      (p.effect === 'roll' || p.effect === 'restart' || p.changes.some((c) => c.effect === 'roll' || c.effect === 'restart')),
  );
  return {
    operatorVersion,
    objects,
    findings,
    summary: {
      restart: clusterRestarts,
      manualRestart: objects.some((p) => p.changes.some((c) => c.effect === 'manual-restart')),
      refused: objects.some((p) => p.changes.some((c) => c.effect === 'refused')),
      counts,
    },
  };
}
