// Clusters that differ only by name share one checked model (see recentClusters).
import { ExtensionImage } from '../extension-image';
import { deepFreeze } from '../freeze';
import { memoizationEnabled, registerMemo } from '../memo';
import { isPlainObject } from '../runtime-types';
import type { ClusterModel, PostgresClusterProps } from './props';

/**
 * Platform repos declare hundreds of clusters that differ only by name. A cluster whose props, all but `name` and
 * `roles` (whose secret names are per cluster: checked and built each time), are the same plain data as those of one
 * of the last few clusters checked clean shares that cluster's checked model: its spec (frozen; only a
 * name-independent spec is shared), images and lookups. The comparison allocates nothing.
 * Only front ends without keys of their own (cdk8s) and props made of plain data take part: strings, numbers,
 * booleans, null, lists, plain objects (same keys in the same order) and ExtensionImage values (by identity).
 * Pass-through CNPG objects (bootstrap, resources, affinity, monitoring, managed) are the user's own objects, which a
 * shared spec must not freeze, so clusters with them are built each time; so is anything else that is not plain
 * data (class instances, image catalogs). A key whose value is `undefined` counts (an unknown key is a problem
 * even when undefined).
 */
const recentClusters: { readonly props: Readonly<Record<string, unknown>>; readonly model: ClusterModel }[] = [];
const RECENT_CLUSTERS = 8;
let missesSinceHit = 0;
registerMemo(() => {
  recentClusters.length = 0;
  missesSinceHit = 0;
});

/**
 * Remembers a cluster checked clean (a front end without keys of its own) for the clusters after it. An app whose
 * clusters all differ gets no hits: after a run of misses, only every 16th cluster is remembered.
 */
export function rememberCluster(props: PostgresClusterProps, model: ClusterModel): void {
  missesSinceHit++;
  if (!memoizationEnabled() || (missesSinceHit > 16 && missesSinceHit % 16 !== 0)) return;
  const snapshot = propsSnapshot(props);
  if (snapshot === undefined) return;
  // Frozen when remembered, before another cluster shares it: the caller holds this model, and must not change
  // what the clusters after it get.
  deepFreeze(model.spec);
  Object.freeze(model.warnings);
  recentClusters.unshift({ props: snapshot, model });
  if (recentClusters.length > RECENT_CLUSTERS) recentClusters.pop();
}
// recovery, replica and externalClusters also have rules that depend on the cluster's name (the plugin's default server name).
const PASS_THROUGH_KEYS: ReadonlySet<string> = new Set([
  'bootstrap',
  'resources',
  'affinity',
  'monitoring',
  'managed',
  'plugins',
  'recovery',
  'replica',
  'externalClusters',
]);
const MAX_DEPTH = 8;

/** The model of a recent cluster whose props are the same plain data as these, `name` and `roles` aside. */
export function recentCluster(props: PostgresClusterProps): ClusterModel | undefined {
  if (!memoizationEnabled() || !isPlainObject(props)) return undefined;
  for (let i = 0; i < recentClusters.length; i++) {
    const entry = recentClusters[i];
    if (!sameProps(props, entry.props)) continue;
    if (i > 0) {
      recentClusters.splice(i, 1);
      recentClusters.unshift(entry);
    }
    missesSinceHit = 0;
    return entry.model;
  }
  return undefined;
}

/** The same keys in the same order, `name` and `roles` aside, with the same plain data. */
function sameProps(props: Readonly<Record<string, unknown>>, seen: Readonly<Record<string, unknown>>): boolean {
  const keys = snapshotKeys.get(seen);
  if (keys === undefined) return false;
  let i = 0;
  for (const k in props) {
    if (!Object.hasOwn(props, k) || k === 'name' || k === 'roles') continue;
    if (keys[i] !== k || !sameData(props[k], seen[k], 0)) return false;
    i++;
  }
  return i === keys.length;
}

function sameData(a: unknown, b: unknown, depth: number): boolean {
  if (typeof a !== 'object' || a === null) return a === b;
  if (a instanceof ExtensionImage || b instanceof ExtensionImage) return a === b;
  if (depth > MAX_DEPTH || typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i], depth + 1)) return false;
    return true;
  }
  const keys = snapshotKeys.get(b);
  if (keys === undefined || !isPlainObject(a)) return false;
  const bk = b as Record<string, unknown>;
  let i = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k)) continue;
    if (keys[i] !== k || !sameData(a[k], bk[k], depth + 1)) return false;
    i++;
  }
  return i === keys.length;
}

/** The own keys of every object of a snapshot, in order (snapshots are frozen, so they never change). */
const snapshotKeys = new WeakMap<object, readonly string[]>();

/** A frozen copy of props made of plain data, without `name` and `roles` (see recentClusters), or undefined. */
function propsSnapshot(props: PostgresClusterProps): Readonly<Record<string, unknown>> | undefined {
  if (!isPlainObject(props)) return undefined;
  for (const k of PASS_THROUGH_KEYS) if ((props as Record<string, unknown>)[k] !== undefined) return undefined;
  const { name: _name, roles: _roles, ...rest } = props;
  const copy = dataCopy(rest, 0);
  return copy === NOT_DATA ? undefined : (copy as Readonly<Record<string, unknown>>);
}

const NOT_DATA = Symbol('not plain data');

function dataCopy(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ? NOT_DATA : v;
  if (v instanceof ExtensionImage) return v;
  if (depth > MAX_DEPTH) return NOT_DATA;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const c = dataCopy(v[i], depth + 1);
      if (c === NOT_DATA) return NOT_DATA;
      out.push(c);
    }
    return Object.freeze(out);
  }
  if (!isPlainObject(v)) return NOT_DATA;
  // No prototype: an own "__proto__" key (JSON.parse makes those) is copied as data, not as a prototype.
  const out: Record<string, unknown> = Object.create(null);
  const keys: string[] = [];
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const c = dataCopy(v[k], depth + 1);
    if (c === NOT_DATA) return NOT_DATA;
    out[k] = c;
    keys.push(k);
  }
  snapshotKeys.set(out, Object.freeze(keys));
  return Object.freeze(out);
}
