// PostgreSQL parameters: what a change of `spec.postgresql.parameters` (and of the fields CNPG turns into
// parameters) does, from the parameter's context as a real PostgreSQL 18 reports it (pg-settings.ts).
//
// CNPG writes the parameters into the instances' configuration and reloads PostgreSQL (cloudnative-pg v1.30.0
// internal/management/controller/instance_controller.go); a parameter of the postmaster context is then
// pending_restart, which CNPG reads (pkg/management/postgres/probes.go) and answers with a restart of every
// instance (internal/controller/cluster_upgrade.go, isInstanceNeedingRollout).
import { CNPG_MANAGED_MODULES, managedModuleEnabled } from '../extension-catalog';
import { GLOBAL_DEFAULT_SETTINGS } from '../parameters';
import { cnpg } from './cite';
import { fieldOf } from './diff';
import { PG_SETTINGS, PG_SETTINGS_VERSION, type PgSetting, type PgSettingContext } from './pg-settings';
import type { Citation, Effect, PlanChange } from './types';

const LOWER = new Map<string, PgSetting>(Object.entries(PG_SETTINGS).map(([k, v]) => [k.toLowerCase(), v]));

/** The setting of a parameter as PostgreSQL 18 defines it (names are case-insensitive), or undefined. */
export function pgSetting(name: string): PgSetting | undefined {
  return LOWER.get(name.toLowerCase());
}

const RELOAD: Citation[] = [
  cnpg(
    'internal/management/controller/instance_controller.go',
    437,
    'reloadConfig, err := r.instance.RefreshConfigurationFilesFromCluster(',
  ),
  cnpg('internal/management/controller/instance_controller.go', 291, 'if err = r.instance.Reload(ctx); err != nil {'),
];
const PENDING_RESTART: Citation[] = [
  cnpg('pkg/management/postgres/probes.go', 99, 'EXISTS(SELECT 1 FROM pg_catalog.pg_settings WHERE pending_restart)'),
  cnpg('internal/controller/cluster_upgrade.go', 346, 'reason:       "Postgres needs a restart to apply some configuration changes",'),
  cnpg('docs/src/postgresql_conf.md', 602, 'If the change involves a parameter requiring a restart, the operator will'),
];
const DECREASE: Citation[] = [
  cnpg('pkg/management/postgres/probes.go', 217, "'max_connections',"),
  cnpg('internal/management/controller/instance_controller.go', 1143, 'if isActingPrimary && status.PendingRestartForDecrease {'),
];
const CNPG_DEFAULTS_CITE = cnpg('pkg/postgres/configuration.go', 822, 'for key, value := range info.Settings.GlobalDefaultSettings {');
const PRELOAD_CITE: Citation[] = [
  cnpg('pkg/postgres/configuration.go', 837, 'func (p *PgConfiguration) setManagedSharedPreloadLibraries(info ConfigurationInfo) {'),
  cnpg('pkg/postgres/configuration.go', 851, 'func (p *PgConfiguration) setUserSharedPreloadLibraries(info ConfigurationInfo) {'),
];

/** CNPG's default of a parameter the user does not set ({@link GLOBAL_DEFAULT_SETTINGS}), or undefined. */
function cnpgDefault(name: string): string | undefined {
  return Object.hasOwn(GLOBAL_DEFAULT_SETTINGS, name) ? GLOBAL_DEFAULT_SETTINGS[name] : undefined;
}

/** Parameters whose decrease must reach the primary before the standbys (hot standby; probes.go). */
export const HOT_STANDBY_SENSITIVE: readonly string[] = [
  'max_connections',
  'max_prepared_transactions',
  'max_wal_senders',
  'max_worker_processes',
  'max_locks_per_transaction',
];

const MEMORY: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A value in the parameter's base unit as PostgreSQL reads it (`128MB` and `16384` are the same shared_buffers). */
export function normalizeValue(name: string, value: string): string {
  const s = pgSetting(name);
  if (!s) return value;
  const [, vartype, unit] = s;
  const v = value.trim();
  if (vartype === 'bool') {
    const b = v.toLowerCase();
    if (['on', 'true', 'yes', '1', 't', 'y'].includes(b)) return 'on';
    if (['off', 'false', 'no', '0', 'f', 'n'].includes(b)) return 'off';
    return v;
  }
  if (vartype === 'enum') return v.toLowerCase();
  if (vartype !== 'integer' && vartype !== 'real') return v;
  const m = /^(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]*)$/.exec(v);
  if (!m) return v;
  const n = Number(m[1]);
  const u = /^([0-9]*)([A-Za-z]+)$/.exec(unit);
  if (!u) return m[2] ? v : String(n);
  const table = u[2] in MEMORY ? MEMORY : u[2] in TIME ? TIME : undefined;
  if (!table) return v;
  const base = Number(u[1] || 1) * table[u[2]];
  const factor = m[2] ? table[m[2]] : base;
  return factor === undefined ? v : String((n * factor) / base);
}

/** What a parameter of a context needs, and why (the context as PostgreSQL 18 reports it). */
function contextEffect(context: PgSettingContext | undefined, name: string): { effect: Effect; why: string; severity?: 'warning' } {
  switch (context) {
    case 'postmaster':
      return {
        effect: 'restart',
        why: `${name} has the postmaster context in PostgreSQL ${PG_SETTINGS_VERSION}: after the reload it is pending_restart, and CNPG restarts every instance to apply it`,
      };
    case 'sighup':
    case 'superuser':
    case 'user':
      return {
        effect: 'reload',
        why: `${name} has the ${context} context: CNPG reloads the configuration and it applies without a restart`,
      };
    case 'backend':
    case 'superuser-backend':
      return {
        effect: 'reload',
        why: `${name} has the ${context} context: applied by the reload, but only connections opened afterwards see it`,
      };
    case 'internal':
      return {
        effect: 'none',
        severity: 'warning',
        why: `${name} is an internal parameter: PostgreSQL reports it and lets nobody set it, so the change has no effect`,
      };
    default:
      return {
        effect: 'restart',
        severity: 'warning',
        why: name.includes('.')
          ? `${name} is defined by an extension, which PostgreSQL ${PG_SETTINGS_VERSION} alone does not know: unknown context, assume restart`
          : `PostgreSQL ${PG_SETTINGS_VERSION} has no parameter ${name}: unknown context, assume restart (and check the name)`,
      };
  }
}

/** The parameters as CNPG applies them: the user's, then CNPG's defaults for those not set. */
export function effectiveParameters(user: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, string>> {
  if (!user) return GLOBAL_DEFAULT_SETTINGS;
  let out = EFFECTIVE.get(user);
  if (!out) {
    const params: Record<string, string> = { ...GLOBAL_DEFAULT_SETTINGS };
    for (const k in user) params[k] = String(user[k]);
    EFFECTIVE.set(user, params);
    out = params;
  }
  return out;
}
const EFFECTIVE = new WeakMap<object, Readonly<Record<string, string>>>();

/** `shared_preload_libraries` as CNPG composes it: the user's list, then the managed modules a parameter turns on. */
export function effectivePreload(libraries: readonly unknown[] | undefined, parameters: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const add = (l: string) => {
    if (l && !out.includes(l)) out.push(l);
  };
  for (const l of libraries ?? []) add(String(l));
  for (const m of CNPG_MANAGED_MODULES) if (managedModuleEnabled(m.name, parameters)) add(m.name);
  return out;
}

/** A parameter change, and whether it lowers a hot-standby-sensitive parameter (the primary restarts first). */
export interface ParameterChange extends PlanChange {
  readonly decrease?: boolean;
}

/** The changes between two `spec.postgresql.parameters` maps (CNPG's defaults filled in on both sides). */
export function parameterChanges(
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>> | undefined,
): ParameterChange[] {
  const a = effectiveParameters(before);
  const b = effectiveParameters(after);
  const out: ParameterChange[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (name === 'shared_preload_libraries') continue; // composed by CNPG: see preloadChange
    const old = a[name] ?? pgSetting(name)?.[3];
    const now = b[name] ?? pgSetting(name)?.[3];
    if (old === now || (old !== undefined && now !== undefined && normalizeValue(name, old) === normalizeValue(name, now))) continue;
    const setting = pgSetting(name);
    const { effect, why, severity } = contextEffect(setting?.[0], name);
    const removed = !(name in b);
    const fallback = removed ? ` (removed: back to PostgreSQL's default ${JSON.stringify(now ?? '')})` : '';
    const decrease =
      effect === 'restart' &&
      HOT_STANDBY_SENSITIVE.includes(name) &&
      old !== undefined &&
      now !== undefined &&
      Number(normalizeValue(name, now)) < Number(normalizeValue(name, old));
    out.push({
      code: setting ? `parameter-${setting[0]}` : 'parameter-unknown-context',
      field: fieldOf(['spec', 'postgresql', 'parameters', name]),
      before: before && name in before ? before[name] : cnpgDefault(name),
      after: after && name in after ? after[name] : cnpgDefault(name),
      effect,
      why: `${why}${fallback}${decrease ? `; it is lowered, so the primary restarts first, then the replicas (a standby needs at least the primary's value)` : ''}`,
      cite: [
        ...(effect === 'restart' ? PENDING_RESTART : RELOAD),
        ...(decrease ? DECREASE : []),
        ...(cnpgDefault(name) !== undefined ? [CNPG_DEFAULTS_CITE] : []),
      ],
      ...(decrease ? { decrease } : {}),
      ...(severity ? { warning: true } : {}),
      ...(severity && setting === undefined
        ? { fix: 'check on a staging cluster whether the extension defines it as PGC_POSTMASTER' }
        : {}),
    });
  }
  return out;
}

/** The change of `shared_preload_libraries` as CNPG composes it (postmaster: a restart), or undefined. */
export function preloadChange(
  before: { libraries?: readonly unknown[]; parameters: Readonly<Record<string, string>> },
  after: { libraries?: readonly unknown[]; parameters: Readonly<Record<string, string>> },
): PlanChange | undefined {
  const a = effectivePreload(before.libraries, before.parameters);
  const b = effectivePreload(after.libraries, after.parameters);
  if (a.join(',') === b.join(',')) return undefined;
  const { why } = contextEffect(pgSetting('shared_preload_libraries')?.[0], 'shared_preload_libraries');
  return {
    code: 'preload-changed',
    field: '.spec.postgresql.shared_preload_libraries',
    before: a.join(','),
    after: b.join(','),
    effect: 'restart',
    why: `CNPG writes shared_preload_libraries = "${b.join(',')}" (the cluster's list, then the modules a <name>.* parameter turns on), was "${a.join(',')}"; ${why}`,
    cite: [...PRELOAD_CITE, ...PENDING_RESTART],
  };
}

/** The effect of a parameter CNPG derives from another field (`synchronous_standby_names`, `allow_alter_system`). */
export function derivedParameterEffect(name: string): Effect {
  return contextEffect(pgSetting(name)?.[0], name).effect;
}
