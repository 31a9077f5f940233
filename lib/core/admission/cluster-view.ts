// A Cluster as CNPG's validating webhook sees it: after the CRD's schema defaults and CNPG's defaulting webhook
// (`Cluster.Default`, cloudnative-pg v1.30.0 api/v1/cluster_defaults.go), which the API server runs before any
// validating webhook. Worked out once per object and shared by every rule.
import type { KubeObject } from '../operator-manifest';
import { FIXED_PARAMETER_SET, GLOBAL_DEFAULT_SETTINGS } from '../parameters';

/** A plain object field of an untyped value, or undefined. */
export function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A string field, or `''` (Go's zero value) when absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A list field, or an empty list. */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : EMPTY;
}

/** An integer field, or `fallback` when absent. */
export function int(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** CNPG's default operand image (`versions.DefaultImageName`, cloudnative-pg v1.30.0 pkg/versions/versions.go). */
export const CNPG_DEFAULT_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie';

/** The tag of an image reference as CNPG reads it (cloudnative-pg/machinery v0.5.0 pkg/image/reference, `New`). */
export function referenceTag(name: string): string {
  let n = name;
  if (!n.includes('/')) n = `docker.io/library/${n}`;
  else if (!/^[^./:]+((\.[^./:]+)+(:[0-9]+)?|:[0-9]+)\//.test(n)) n = `docker.io/${n}`;
  let digest = '';
  const d = /@sha256:([a-fA-F0-9]+)$/.exec(n);
  if (d) {
    digest = d[1];
    n = n.slice(0, d.index);
  }
  const t = /:([^/]+)$/.exec(n);
  if (t) return t[1];
  return digest === '' ? 'latest' : '';
}

/**
 * The PostgreSQL major of a tag (cloudnative-pg/machinery v0.5.0 pkg/postgres/version, `FromTag`): the leading run of
 * digits and dots, major and minor as Go integers. Undefined when CNPG reports an error.
 */
export function majorFromTag(tag: string): number | undefined {
  const m = /^(\d\.?)+/.exec(tag);
  if (!m) return undefined;
  const parts = m[0].split('.');
  if (!/^\d+$/.test(parts[0]) || (parts.length > 1 && !/^\d+$/.test(parts[1]))) return undefined;
  const major = Number(parts[0]);
  const minor = parts.length > 1 ? Number(parts[1]) : 0;
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor)) return undefined;
  return major;
}

export interface ClusterView {
  readonly object: KubeObject;
  readonly name: string;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly spec: Readonly<Record<string, unknown>>;
  /** `spec.instances` (CRD default 1). */
  readonly instances: number;
  /** `spec.postgresql.parameters` as written (string values only: others are schema errors). */
  readonly parameters: Readonly<Record<string, string>>;
  /** The operand image after defaulting (`''` with an image catalog). */
  readonly imageName: string;
  /** PostgreSQL major (`GetPostgresqlMajorVersion`), undefined when the tag does not say it. */
  readonly major: number | undefined;
  readonly walArchivingDisabled: boolean;
  readonly isReplica: boolean;
  /** The parameters after the defaulting webhook (`PreserveFixedSettingsFromUser: true`). */
  readonly defaulted: Readonly<Record<string, string>>;
  /** The configuration the validating webhook compares against (`CreatePostgresqlConfiguration`, fixed ones dropped). */
  readonly sanitized: Readonly<Record<string, string>>;
  /** `spec.replicationSlots` after the CRD's defaults and CNPG's (high availability on, `_cnpg_`, synchronize on). */
  readonly replicationSlots: {
    readonly haEnabled: boolean;
    readonly haPresent: boolean;
    readonly synchronizeLogicalDecoding: boolean;
    readonly syncReplicasEnabled: boolean;
  };
}

const views = new WeakMap<object, ClusterView>();

/** The view of a Cluster object (computed once per object). */
export function clusterView(object: KubeObject): ClusterView {
  let v = views.get(object);
  if (!v) {
    v = computeView(object);
    views.set(object, v);
  }
  return v;
}

/** `Cluster.IsReplica` (cloudnative-pg v1.30.0 api/v1/cluster_funcs.go). */
export function isReplicaCluster(name: string, spec: Readonly<Record<string, unknown>>): boolean {
  const r = rec(spec.replica);
  if (!r) return false;
  if (typeof r.enabled === 'boolean') return r.enabled;
  const self = str(r.self) || name;
  return self !== str(r.primary);
}

function computeView(object: KubeObject): ClusterView {
  const meta = rec(object.metadata) ?? {};
  const name = str(meta.name);
  const annotations = rec(meta.annotations) ?? {};
  const spec = rec(object.spec) ?? {};
  const pg = rec(spec.postgresql) ?? {};
  const parameters: Record<string, string> = {};
  const raw = rec(pg.parameters);
  if (raw) for (const k in raw) if (Object.hasOwn(raw, k) && typeof raw[k] === 'string') parameters[k] = raw[k] as string;
  const catalog = rec(spec.imageCatalogRef);
  let imageName = str(spec.imageName);
  if (imageName === '' && !catalog) imageName = CNPG_DEFAULT_IMAGE;
  const major = catalog ? (typeof catalog.major === 'number' ? catalog.major : 0) : majorFromTag(referenceTag(imageName));
  const walArchivingDisabled = annotations['cnpg.io/skipWalArchiving'] === 'enabled';
  const isReplica = isReplicaCluster(name, spec);
  const archiveMode = walArchivingDisabled ? 'off' : isReplica ? 'always' : 'on';
  // CreatePostgresqlConfiguration (pkg/postgres/configuration.go): GlobalDefaultSettings, then the user's
  // parameters (fixed ones kept only by the defaulting webhook), then archive_mode.
  let defaulted: Record<string, string> = parameters;
  let sanitized: Record<string, string> = parameters;
  if (major !== undefined) {
    defaulted = { ...GLOBAL_DEFAULT_SETTINGS, ...parameters, archive_mode: archiveMode };
    sanitized = { ...GLOBAL_DEFAULT_SETTINGS };
    for (const k in parameters) if (!FIXED_PARAMETER_SET.has(k)) sanitized[k] = parameters[k];
    sanitized.archive_mode = archiveMode;
  }
  const slots = rec(spec.replicationSlots);
  const ha = slots ? rec(slots.highAvailability) : undefined;
  const sync = slots ? rec(slots.synchronizeReplicas) : undefined;
  return {
    object,
    name,
    annotations,
    spec,
    instances: int(spec.instances, 1),
    parameters,
    imageName: catalog ? str(spec.imageName) : imageName,
    major,
    walArchivingDisabled,
    isReplica,
    defaulted,
    sanitized,
    replicationSlots: {
      haPresent: true,
      haEnabled: ha?.enabled !== false,
      synchronizeLogicalDecoding: ha?.synchronizeLogicalDecoding === true,
      syncReplicasEnabled: sync?.enabled !== false,
    },
  };
}

/** `Cluster.ExternalCluster`: the external cluster of that name. */
export function externalCluster(spec: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> | undefined {
  for (const e of list(spec.externalClusters)) if (str(rec(e)?.name) === name) return rec(e);
  return undefined;
}
