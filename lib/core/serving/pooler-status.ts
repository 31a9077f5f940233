// What a Pooler reports once CNPG's pooler controller has reconciled it, for a deployment tool to wait on.
// cloudnative-pg v1.30.0 internal/controller/pooler_controller.go Reconcile: the controller finds the cluster and
// the secrets (else `inactive`), then updatePoolerStatus (internal/controller/pooler_status.go) sets `status.phase`:
// `failed` when the PgBouncer image does not resolve, `paused` when `spec.pgbouncer.paused`, else `active`.
// The field is new in 1.30.0: the PoolerStatus of v1.29.x holds only `secrets` and `instances`.
import { parseVersion } from '../compat';
import { cnpg } from '../plan/cite';
import type { Citation } from '../plan/types';

/** The first CNPG release whose Pooler has `status.phase`. */
export const POOLER_PHASE_SINCE = '1.30.0';

/** The lines of cloudnative-pg v1.30.0 the phases come from. */
export const POOLER_PHASE_SOURCES: readonly Citation[] = [
  cnpg('api/v1/pooler_types.go', 317, 'Phase PoolerPhase `json:"phase,omitempty"`'),
  cnpg('api/v1/pooler_types.go', 35, 'PoolerPhaseActive PoolerPhase = "active"'),
  cnpg('api/v1/pooler_types.go', 40, 'PoolerPhasePaused PoolerPhase = "paused"'),
  cnpg('internal/controller/pooler_status.go', 107, 'updatedStatus.Phase = apiv1.PoolerPhasePaused'),
  cnpg('internal/controller/pooler_status.go', 111, 'updatedStatus.Phase = apiv1.PoolerPhaseActive'),
];

/**
 * The `status.phase` of a reconciled pooler (`paused` for a paused one, else `active`), or undefined when the
 * target operator's Pooler has no phase (before {@link POOLER_PHASE_SINCE}): there is nothing to wait on then.
 * A version that does not parse is taken as the current one.
 */
export function poolerReconciledPhase(paused: boolean, operatorVersion: string): 'active' | 'paused' | undefined {
  const v = parseVersion(operatorVersion);
  const min = parseVersion(POOLER_PHASE_SINCE) as [number, number, number];
  if (v) for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] < min[i] ? undefined : paused ? 'paused' : 'active';
  return paused ? 'paused' : 'active';
}
