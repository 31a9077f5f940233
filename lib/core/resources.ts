import { type ClusterSpecResources, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests } from '../../imports/postgresql.cnpg.io.spec';
import type { Problem } from './errors';
import { QUALIFIED_NAME_PATTERN, QUANTITY_PATTERN } from './names';

/** A Kubernetes quantity: a string such as `'500m'`, `'1Gi'`, or a number (`1` is one CPU). */
export type Quantity = string | number;

/**
 * Compute resources of a container, as Kubernetes' `ResourceRequirements`, with plain quantities:
 * `{ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } }`.
 */
export interface ResourceRequirements {
  /**
   * What the container is guaranteed: `cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`, or an
   * extended resource (`example.com/gpu`).
   * @default - none
   */
  readonly requests?: Readonly<Record<string, Quantity>>;
  /**
   * The most the container may use.
   * @default - none
   */
  readonly limits?: Readonly<Record<string, Quantity>>;
}

function isQuantity(v: unknown): v is Quantity {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0;
  return typeof v === 'string' && QUANTITY_PATTERN.test(v);
}

/** Problems of a {@link ResourceRequirements} at `field` (unknown keys included). */
export function checkResources(field: string, r: unknown): Problem[] {
  if (r === undefined) return [];
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    return [
      {
        code: 'resources-not-object',
        field,
        message: 'must be { requests?, limits? }',
        value: r,
        fix: "use e.g. { requests: { cpu: '1', memory: '1Gi' } }",
      },
    ];
  }
  const out: Problem[] = [];
  for (const [kind, values] of Object.entries(r)) {
    if (kind !== 'requests' && kind !== 'limits') {
      out.push({
        code: 'resources-unknown-field',
        field: `${field}.${kind}`,
        message: 'is not a field of resources',
        value: kind,
        fix: 'use requests or limits',
      });
      continue;
    }
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      out.push({
        code: 'resources-not-map',
        field: `${field}.${kind}`,
        message: 'must map resource names to quantities',
        value: values,
        fix: "use e.g. { cpu: '500m', memory: '1Gi' }",
      });
      continue;
    }
    for (const [name, v] of Object.entries(values)) {
      if (!QUALIFIED_NAME_PATTERN.test(name)) {
        out.push({
          code: 'resources-name-invalid',
          field: `${field}.${kind}`,
          message: 'has a key that is not a resource name',
          value: name,
          fix: 'use cpu, memory, ephemeral-storage, hugepages-2Mi or a domain-prefixed extended resource',
        });
      } else if (!isQuantity(v)) {
        out.push({
          code: 'resources-quantity-invalid',
          field: `${field}.${kind}.${name}`,
          message: 'is not a Kubernetes quantity',
          value: v,
          fix: name === 'cpu' ? 'use "100m", "1" or 1' : 'use "200Mi" or "1Gi"',
        });
      }
    }
  }
  return out;
}

/** The generated spec type of validated requirements (what `toJson_ClusterSpec` serializes). */
export function clusterResources(r: ResourceRequirements | undefined): ClusterSpecResources | undefined {
  if (r === undefined) return undefined;
  const wrap = <T>(values: Readonly<Record<string, Quantity>> | undefined, of: { fromString(v: string): T; fromNumber(v: number): T }) =>
    values === undefined
      ? undefined
      : Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? of.fromNumber(v) : of.fromString(v)]));
  return { requests: wrap(r.requests, ClusterSpecResourcesRequests), limits: wrap(r.limits, ClusterSpecResourcesLimits) };
}
