// PostgreSQL roles as CNPG manages them: the `managed.roles` of a Cluster and the `DatabaseRole` kind (CNPG 1.30+),
// both the `RoleConfiguration` of cloudnative-pg v1.30.0 `api/v1/cluster_types.go`. Passwords come from Secrets only.
import type { ClusterSpecManagedRoles } from '../../../imports/postgresql.cnpg.io.spec';
import { NO_PROBLEMS, type Problem } from '../errors';
import { checkKnownKeys } from '../keys';
import { propsSchema } from '../props-schema';
import { checkDnsSubdomain, checkPgIdentifier } from '../names';
import { checkRuntimeTypes, isPlainObject } from '../runtime-types';

/**
 * A PostgreSQL role (CNPG's `RoleConfiguration`). Omitted attributes are not emitted: CNPG applies `CREATE ROLE`'s
 * defaults, and forces them back on an existing role it adopts.
 */
export interface RoleProps {
  /** Name of the role (not `postgres`, `streaming_replica`, nor starting with `pg_` or `cnpg_`). */
  readonly name: string;
  /**
   * Comment on the role.
   * @default - none
   */
  readonly comment?: string;
  /**
   * Whether the role can log in (a user).
   * @default false
   */
  readonly login?: boolean;
  /**
   * Whether the role inherits the privileges of the roles it is a member of.
   * @default true
   */
  readonly inherit?: boolean;
  /**
   * How many concurrent connections the role can make; `-1` for no limit.
   * @default -1
   */
  readonly connectionLimit?: number;
  /**
   * Roles this role is a member of (`GRANT ... TO`), such as `pg_monitor` or a group role; CNPG grants and revokes
   * to keep the list.
   * @default - none
   */
  readonly inRoles?: readonly string[];
  /**
   * Name of a `kubernetes.io/basic-auth` Secret in the cluster's namespace whose `username` is this role's name
   * and whose `password` is its password (cleartext, or an MD5 / SCRAM-SHA-256 hash). Label it
   * `cnpg.io/reload: "true"` so that a change applies at once. A password is never a prop.
   * @default - no password (NULL for a new role; an existing one keeps its own)
   */
  readonly passwordSecret?: string;
  /**
   * Set the role's password to NULL (exclusive with `passwordSecret`).
   * @default false
   */
  readonly disablePassword?: boolean;
  /**
   * When the password stops being valid: an RFC 3339 timestamp (`2027-01-01T00:00:00Z`) or a `Date`.
   * @default - never
   */
  readonly validUntil?: string | Date;
  /**
   * Superuser: overrides every access restriction.
   * @default false
   */
  readonly superuser?: boolean;
  /**
   * May create databases.
   * @default false
   */
  readonly createdb?: boolean;
  /**
   * May create, alter and drop other roles.
   * @default false
   */
  readonly createrole?: boolean;
  /**
   * May connect in replication mode and manage replication slots.
   * @default false
   */
  readonly replication?: boolean;
  /**
   * Bypasses every row-level security policy.
   * @default false
   */
  readonly bypassrls?: boolean;
}

/** A role of a Cluster's `managed.roles`, which may also be dropped. */
export interface ManagedRoleProps extends RoleProps {
  /**
   * `absent` drops the role (CNPG refuses to drop one that owns objects).
   * @default - not emitted: CNPG's `present`
   */
  readonly ensure?: 'present' | 'absent';
}

/** Keys and run-time types of {@link RoleProps} (`validUntil` has a rule of its own). @internal */
export const ROLE_SCHEMA = propsSchema<RoleProps>()({
  name: 'string',
  comment: 'string',
  login: 'boolean',
  inherit: 'boolean',
  connectionLimit: 'int32',
  inRoles: 'stringArray',
  passwordSecret: 'string',
  disablePassword: 'boolean',
  validUntil: null,
  superuser: 'boolean',
  createdb: 'boolean',
  createrole: 'boolean',
  replication: 'boolean',
  bypassrls: 'boolean',
});
const MANAGED_ROLE_KEYS = propsSchema<ManagedRoleProps>()({ ...ROLE_SCHEMA.declaration, ensure: null }).keys;

/** @internal */

/**
 * Roles CNPG and PostgreSQL keep for themselves (cloudnative-pg v1.30.0 `pkg/postgres/roles.go`, `IsRoleReserved`,
 * applied by `internal/webhook/v1/cluster_webhook.go` `validateManagedRoles` and the DatabaseRole CRD's rules).
 */
export function isReservedRole(name: string): boolean {
  return name === 'postgres' || name === 'streaming_replica' || name.startsWith('cnpg_') || name.startsWith('pg_');
}

/** RFC 3339 as Kubernetes' `metav1.Time` parses it (`format: date-time`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The problems of one role's props; `field` is where it is (`roles[0]`, or '' for a DatabaseRole). */
export function checkRole(field: string, role: unknown, keys: readonly string[] = ROLE_SCHEMA.keys): readonly Problem[] {
  const at = (f: string) => (field ? `${field}.${f}` : f);
  if (!isPlainObject(role))
    return [
      {
        code: 'role-invalid',
        field: field || 'props',
        message: 'must be a role: { name, login?, passwordSecret?, ... }',
        value: role,
        fix: "use { name: 'app_reader', login: true, passwordSecret: 'app-reader-credentials' }",
      },
    ];
  const r = role as unknown as RoleProps & { password?: unknown };
  let out: Problem[] | undefined;
  const add = (...ps: readonly Problem[]) => {
    if (ps.length === 0) return;
    out ??= [];
    out.push(...ps);
  };
  add(...checkRuntimeTypes(field, r, ROLE_SCHEMA.types));
  if ('password' in r)
    // The value is a secret: never shown.
    add({
      code: 'role-inline-password',
      field: at('password'),
      message: 'is not an option: a password in the props would land in the manifests and the state',
      fix: 'store it in a kubernetes.io/basic-auth Secret (username = the role name) and name that Secret in passwordSecret',
    });
  add(...checkKnownKeys(field, 'password' in r ? omit(r, 'password') : r, keys));
  if (typeof r.name === 'string') {
    add(...checkPgIdentifier(at('name'), r.name, 'role name'));
    if (isReservedRole(r.name))
      add({
        code: 'role-name-reserved',
        field: at('name'),
        message: 'is reserved for the operator or PostgreSQL (postgres, streaming_replica, cnpg_*, pg_*)',
        value: r.name,
        fix: 'choose another name; to use a predefined role such as pg_monitor, list it in inRoles',
      });
  } else if (r.name === undefined)
    add({ code: 'role-name-required', field: at('name'), message: 'is required', value: undefined, fix: 'name the role' });
  if (typeof r.connectionLimit === 'number' && Number.isInteger(r.connectionLimit) && r.connectionLimit < -1)
    add({
      code: 'role-connection-limit-invalid',
      field: at('connectionLimit'),
      message: 'must be -1 (no limit) or a number of connections', // cluster_webhook.go validateManagedRoles
      value: r.connectionLimit,
      fix: 'use -1 for no limit, or 0 and up',
    });
  if (r.passwordSecret !== undefined && r.disablePassword === true)
    add({
      code: 'role-password-conflict',
      field: at('disablePassword'),
      message: 'and passwordSecret both set the password: CNPG refuses a role that "both sets and disables a password"',
      value: r.passwordSecret,
      fix: 'keep one of them',
    });
  if (typeof r.passwordSecret === 'string') add(...checkDnsSubdomain(at('passwordSecret'), r.passwordSecret, 'a Secret name'));
  if (
    r.validUntil !== undefined &&
    !(r.validUntil instanceof Date ? !Number.isNaN(r.validUntil.getTime()) : typeof r.validUntil === 'string' && RFC3339.test(r.validUntil))
  )
    add({
      code: 'role-valid-until-invalid',
      field: at('validUntil'),
      message: 'must be an RFC 3339 timestamp (format: date-time) or a valid Date',
      value: r.validUntil,
      fix: 'use a timestamp such as "2027-01-01T00:00:00Z"',
    });
  if (Array.isArray(r.inRoles))
    r.inRoles.forEach((m, i) => {
      if (typeof m !== 'string') return;
      add(...checkPgIdentifier(at(`inRoles[${i}]`), m, 'role name'));
      if (m === r.name)
        add({
          code: 'role-member-of-itself',
          field: at(`inRoles[${i}]`),
          message: 'names the role itself: PostgreSQL refuses to make a role a member of itself',
          value: m,
          fix: 'remove it from inRoles',
        });
    });
  const e = (r as ManagedRoleProps).ensure;
  if (e !== undefined && e !== 'present' && e !== 'absent')
    add({
      code: 'role-ensure-invalid',
      field: at('ensure'),
      message: 'must be "present" or "absent"',
      value: e,
      fix: 'use "present" or "absent"',
    });
  return out ?? NO_PROBLEMS;
}

function omit<T extends object>(o: T, key: string): T {
  const { [key]: _dropped, ...rest } = o as Record<string, unknown>;
  return rest as T;
}

/**
 * The problems of a Cluster's `roles`: each role, and each name once (cloudnative-pg v1.30.0
 * `internal/webhook/v1/cluster_webhook.go`, `validateManagedRoles`: "Role name is duplicate of another").
 */
export function checkManagedRoles(field: string, roles: unknown): readonly Problem[] {
  if (roles === undefined) return NO_PROBLEMS;
  if (!Array.isArray(roles))
    return [{ code: 'wrong-type', field, message: 'must be a list of roles', value: roles, fix: 'wrap the roles in [ ]' }];
  let out: Problem[] | undefined;
  const add = (...ps: readonly Problem[]) => {
    out ??= [];
    out.push(...ps);
  };
  const seen = new Map<unknown, number>();
  roles.forEach((r, i) => {
    const found = checkRole(`${field}[${i}]`, r, MANAGED_ROLE_KEYS);
    if (found.length) add(...found);
    const name = isPlainObject(r) ? r.name : undefined;
    const first = seen.get(name);
    if (first !== undefined && name !== undefined)
      add({
        code: 'role-duplicate',
        field: `${field}[${i}].name`,
        message: `is also roles[${first}]: CNPG refuses a role name twice`,
        value: name,
        fix: 'declare each role once',
      });
    else seen.set(name, i);
  });
  return out ?? NO_PROBLEMS;
}

/** A `validUntil` as the wire carries it. */
function validUntilOf(v: string | Date): string {
  return v instanceof Date ? v.toISOString().replace(/\.000Z$/, 'Z') : v;
}

/** A checked role as CNPG's JSON (`RoleConfiguration`), only the attributes that are set, in CNPG's field order. */
export function roleToWire(r: RoleProps & { readonly ensure?: string }): Record<string, unknown> {
  const out: Record<string, unknown> = { name: r.name };
  if (r.comment !== undefined) out.comment = r.comment;
  if (r.ensure !== undefined) out.ensure = r.ensure;
  if (r.passwordSecret !== undefined) out.passwordSecret = { name: r.passwordSecret };
  if (r.connectionLimit !== undefined) out.connectionLimit = r.connectionLimit;
  if (r.validUntil !== undefined) out.validUntil = validUntilOf(r.validUntil);
  if (r.inRoles !== undefined) out.inRoles = [...r.inRoles];
  if (r.inherit !== undefined) out.inherit = r.inherit;
  if (r.disablePassword !== undefined) out.disablePassword = r.disablePassword;
  if (r.superuser !== undefined) out.superuser = r.superuser;
  if (r.createdb !== undefined) out.createdb = r.createdb;
  if (r.createrole !== undefined) out.createrole = r.createrole;
  if (r.login !== undefined) out.login = r.login;
  if (r.replication !== undefined) out.replication = r.replication;
  if (r.bypassrls !== undefined) out.bypassrls = r.bypassrls;
  return out;
}

/**
 * A Cluster's `spec.managed` with the typed `roles` appended to any given through `managed.roles` (the cluster
 * builder checks both lists together). `undefined` when neither is set.
 */
export function managedWithRoles<M extends { readonly roles?: readonly ClusterSpecManagedRoles[] }>(
  managed: M | undefined,
  roles: readonly ManagedRoleProps[] | undefined,
): M | undefined {
  if (!roles || roles.length === 0) return managed;
  // The generated serializer reads validUntil as a Date; a role's wire form is otherwise the same object.
  const typed = roles.map((r) => {
    const w = roleToWire(r) as Record<string, unknown>;
    if (w.validUntil !== undefined) w.validUntil = new Date(w.validUntil as string);
    return w as unknown as ClusterSpecManagedRoles;
  });
  return { ...(managed ?? ({} as M)), roles: [...(managed?.roles ?? []), ...typed] };
}
