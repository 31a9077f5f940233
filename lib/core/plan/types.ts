// What a plan is: per object of the change, what changes and what CloudNativePG does with it, why, and where
// in CNPG's source (or documentation) that behaviour is.
import type { Finding } from '../findings';

/**
 * What CNPG does with a change, from the most to the least disruptive:
 * - `refused`: the API server or CNPG's webhook refuses it; nothing is applied;
 * - `manual-restart`: it takes effect only after a restart CNPG does not perform itself;
 * - `roll`: every instance's Pod is re-created, one at a time, the primary last (see {@link Rollout});
 * - `restart`: PostgreSQL restarts on every instance to apply a parameter (replicas first, the primary last);
 * - `replace`: another object is replaced (a Pooler's Pods, a Service);
 * - `reload`: applied with a configuration reload, without a restart;
 * - `reconfigure`: applied live by the operator or the instance manager (SQL, Kubernetes objects);
 * - `none`: nothing changes in what runs (a field CNPG reads only when the cluster is created).
 */
export type Effect = 'refused' | 'manual-restart' | 'roll' | 'restart' | 'replace' | 'reload' | 'reconfigure' | 'none';

/** Effects from the most to the least disruptive. */
export const EFFECTS: readonly Effect[] = ['refused', 'manual-restart', 'roll', 'restart', 'replace', 'reload', 'reconfigure', 'none'];

/** The more disruptive of two effects. */
export function stronger(a: Effect, b: Effect): Effect {
  return EFFECTS.indexOf(a) <= EFFECTS.indexOf(b) ? a : b;
}

/**
 * Where a rule comes from: a file of cloudnative-pg v1.30.0 (source or `docs/src/*.md`), the line, and a piece
 * of that line (the tests check each citation against the source).
 */
export interface Citation {
  /** Path in the repository (`internal/controller/cluster_upgrade.go`). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** Text found on that line. */
  readonly text: string;
}

/** One changed field and what CNPG does with it. */
export interface PlanChange {
  /** Stable kebab-case code of the rule (`cluster-image-changed`, `parameter-postmaster`). */
  readonly code: string;
  /** Path in the object (`.spec.postgresql.parameters.shared_buffers`). */
  readonly field: string;
  /** The value before (absent: not set). */
  readonly before?: unknown;
  /** The value after (absent: not set, or removed). */
  readonly after?: unknown;
  readonly effect: Effect;
  /** What CNPG does, in plain words. */
  readonly why: string;
  /** What to do about it (for `manual-restart` and `refused`, and warnings). */
  readonly fix?: string;
  /** Something an experienced operator would point out before the apply (data removed, a guess, no effect). */
  readonly warning?: boolean;
  /** Where CNPG does it. */
  readonly cite: readonly Citation[];
  /**
   * For a change refused at admission: where the admission rule that refuses it lives upstream (file and function,
   * `cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go, validateStorageChange`), or why the library adds it.
   */
  readonly rule?: string;
}

/** How a cluster's instances are restarted when a change rolls or restarts them. */
export interface Rollout {
  /** `spec.instances` after the change. */
  readonly instances: number;
  readonly primaryUpdateStrategy: 'unsupervised' | 'supervised';
  readonly primaryUpdateMethod: 'restart' | 'switchover';
  /** The steps CNPG takes, in order, in plain words. */
  readonly steps: readonly string[];
  /** CNPG stops and waits for `kubectl cnpg promote` or `kubectl cnpg restart` before the primary. */
  readonly waitsForUser: boolean;
  /** The primary is unavailable for a while (a single instance, or the restart method without a switchover). */
  readonly primaryDowntime: boolean;
  readonly cite: readonly Citation[];
}

/** A statement CNPG runs in a database, and whether it can succeed. */
export interface SqlStatement {
  readonly sql: string;
  readonly kind: 'database' | 'schema' | 'extension' | 'fdw' | 'server';
  readonly name: string;
  readonly action: 'create' | 'alter' | 'update' | 'drop';
  /** When CNPG runs it (after a rollout, on the next reconciliation). */
  readonly when?: string;
  /** For `ALTER EXTENSION ... UPDATE TO`: whether the update path exists in the image. */
  readonly check?: UpdateCheck;
}

/** Whether an `ALTER EXTENSION ... UPDATE TO` can run, from the image's scripts. */
export interface UpdateCheck {
  /**
   * `ok`: the image has an update path; `missing`: it has none (the statement fails); `fails`: the path exists but a
   * script loads a module the image lacks; `not-checked`: the image was not read (the reason says why).
   */
  readonly status: 'ok' | 'missing' | 'fails' | 'not-checked';
  readonly extension: string;
  readonly from?: string;
  readonly to: string;
  /** The image the extension comes from (reference). */
  readonly image?: string;
  /** The scripts ALTER EXTENSION runs, in order (`vector--0.8.0--0.8.1.sql`). */
  readonly scripts?: readonly string[];
  /** Modules the update scripts load (`LOAD`, `$libdir/...`, `MODULE_PATHNAME`), with where the image has them. */
  readonly loads?: readonly { readonly module: string; readonly file?: string; readonly preloaded: boolean }[];
  readonly reason: string;
}

/** What happens to one object. */
export interface ObjectPlan {
  /** `Kind/namespace/name`. */
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly action: 'create' | 'update' | 'delete' | 'unchanged';
  /** The most disruptive effect of its changes (`none` when nothing changes). */
  readonly effect: Effect;
  readonly changes: readonly PlanChange[];
  /** Clusters: how the instances are restarted, when a change restarts or rolls them. */
  readonly rollout?: Rollout;
  /** Databases: the statements CNPG runs. */
  readonly statements?: readonly SqlStatement[];
  /** Image catalogs: the clusters a changed entry restarts (`Cluster/namespace/name`). */
  readonly restarts?: readonly string[];
}

/** The plan of a change from one set of objects to another: what CloudNativePG will do with it. */
export interface ChangePlan {
  readonly operatorVersion: string;
  readonly objects: readonly ObjectPlan[];
  /** Admission findings and the plan's own warnings, each with its object (`where`). */
  readonly findings: readonly Finding[];
  /** What CI gates on (`--fail-on`). */
  readonly summary: PlanSummary;
}

/** The categories `--fail-on` takes. */
export type FailOn = 'restart' | 'manual-restart' | 'refused';

/** What a plan amounts to, for `--fail-on` and a one-line report. */
export interface PlanSummary {
  /** CNPG will restart or roll PostgreSQL instances. */
  readonly restart: boolean;
  /** A change needs a restart CNPG will not perform. */
  readonly manualRestart: boolean;
  /** CNPG (or the API server) will refuse a change. */
  readonly refused: boolean;
  /** Objects by action. */
  readonly counts: Readonly<Record<ObjectPlan['action'], number>>;
}

/** Whether the plan has anything of the categories in `failOn`. */
export function planFails(plan: ChangePlan, failOn: readonly FailOn[]): FailOn[] {
  const s = plan.summary;
  return failOn.filter((f) => (f === 'restart' ? s.restart : f === 'manual-restart' ? s.manualRestart : s.refused));
}
