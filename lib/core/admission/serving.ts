// Admission rules over the objects that serve a database: Poolers (CNPG's pooler webhook), PodMonitors, the roles a
// Database's owner needs, and CNPG's deprecations, as warnings that name the replacement. They hold for any YAML.
import type { Finding } from '../findings';
import type { KubeObject } from '../operator-manifest';
import { isReservedRole } from '../serving/roles';
import { checkPgBouncerParameters, checkPoolerAuthentication } from '../serving/pooler-rules';
import { ofKind, ofKinds } from './kinds';
import type { AdmissionContext, ObjectFinding, ObjectRule, SetRule } from './rule';

// biome-ignore lint/suspicious/noExplicitAny: the objects come from any YAML and are read defensively
type Spec = Record<string, any>;
const specOf = (o: KubeObject): Spec => (o.spec ?? {}) as Spec;
const nsKey = (ns: unknown, name: unknown) => `${typeof ns === 'string' ? ns : ''}/${String(name)}`;
const CNPG_GROUP = 'postgresql.cnpg.io';
const isCnpg = (o: KubeObject, kind: string) => o?.kind === kind && String(o.apiVersion ?? '').startsWith('postgresql.cnpg.io/');
const warning = (f: ObjectFinding): ObjectFinding => ({ ...f, severity: 'warning' });

/** Fields of a props-level problem as paths in the object. */
const at = (prefix: string, fs: readonly Finding[]): Finding[] => fs.map((f) => ({ ...f, field: `${prefix}.${f.field}` }));

/** CNPG's deprecated operator-generated PodMonitor fields of a Cluster's or Pooler's `spec.monitoring`, as warnings. */
function deprecatedMonitoring(mon: Spec, replacement: string): Finding[] {
  const out: Finding[] = [];
  for (const k of ['enablePodMonitor', 'podMonitorRelabelings', 'podMonitorMetricRelabelings'] as const)
    if (k === 'enablePodMonitor' ? mon[k] === true : Array.isArray(mon[k]) && mon[k].length > 0)
      out.push({
        severity: 'warning',
        code: 'pod-monitor-field-deprecated',
        field: `.spec.monitoring.${k}`,
        message: 'is deprecated by CNPG and will be removed',
        value: mon[k],
        fix: `remove it and create ${replacement}`,
      });
  return out;
}

const POOLER: ObjectRule = {
  kinds: ['Pooler'],
  cite: 'cloudnative-pg v1.30.0 internal/webhook/v1/pooler_webhook.go: validatePgBouncer, validatePgbouncerGenericParameters, validateCluster, validateMonitoring, getAdmissionWarnings, validateDeprecatedMonitoringFields',
  check(o) {
    const spec = specOf(o);
    const out: Finding[] = [];
    if (typeof spec.pgbouncer !== 'object' || spec.pgbouncer === null)
      out.push({
        code: 'pooler-pgbouncer-required',
        field: '.spec.pgbouncer',
        message: 'is required: "required pgbouncer configuration" (validatePgBouncer)',
        value: undefined,
        fix: 'add a pgbouncer section (poolMode and parameters, or {} for the defaults)',
      });
    const pg = (spec.pgbouncer ?? {}) as Spec;
    out.push(...at('.spec.pgbouncer', checkPgBouncerParameters('parameters', pg.parameters)));
    // CNPG names authQuerySecret.name when an auth query has no secret; the props builder names serverTLSSecret.
    out.push(
      ...at(
        '.spec.pgbouncer',
        checkPoolerAuthentication({
          authQuery: pg.authQuery,
          authQuerySecret: pg.authQuerySecret?.name,
          serverTLSSecret: pg.serverTLSSecret?.name,
        }).map((f) => (f.code === 'pooler-auth-secret-required' ? { ...f, field: 'authQuerySecret.name' } : f)),
      ),
    );
    if (typeof spec.cluster?.name !== 'string' || spec.cluster.name === '')
      out.push({
        code: 'pooler-cluster-required',
        field: '.spec.cluster.name',
        message: 'must name the cluster the pooler serves: "must specify a cluster name" (validateCluster)',
        value: spec.cluster?.name,
        fix: 'set cluster.name to the name of a Cluster in the same namespace',
      });
    else if (spec.cluster.name === o.metadata?.name)
      out.push({
        code: 'pooler-name-taken',
        field: '.metadata.name',
        message: 'is the name of the pooler\'s cluster: "the pooler resource cannot have the same name of a cluster"',
        value: o.metadata?.name,
        fix: `name the pooler "${o.metadata?.name}-pooler-${spec.type ?? 'rw'}"`,
      });
    const mon = (spec.monitoring ?? {}) as Spec;
    if (mon.tls?.enabled === true && mon.enablePodMonitor === true && !pg.clientTLSSecret?.name)
      out.push({
        code: 'pooler-metrics-tls-needs-client-tls-secret',
        field: '.spec.pgbouncer.clientTLSSecret',
        message:
          "is required when monitoring.tls.enabled and the operator-generated PodMonitor are on: the metrics endpoint would serve the cluster's certificate",
        value: undefined,
        fix: 'set enablePodMonitor: false and create the PodMonitor yourself (PodMonitor of this library), or supply a clientTLSSecret for the pooler',
      });
    // getAdmissionWarnings, with Pooler.IsAutomatedIntegration (api/v1/pooler_funcs.go).
    if (pg.authQuery || pg.authQuerySecret?.name || pg.serverTLSSecret?.name)
      out.push({
        severity: 'warning',
        code: 'pooler-manual-integration',
        field: '.spec.pgbouncer',
        message: `sets its own authentication, so CNPG won't handle the integration of Pooler "${o.metadata?.name}" with Cluster "${spec.cluster?.name}"`,
        value: undefined,
        fix: 'create the auth_query user and its function in the database yourself (CNPG connection_pooling.md, "Authentication"), or remove authQuery and its secret',
      });
    if (pg.authQuerySecret?.name)
      out.push({
        severity: 'warning',
        code: 'pooler-auth-query-secret-deprecated',
        field: '.spec.pgbouncer.authQuerySecret',
        message: 'is deprecated by CNPG',
        value: pg.authQuerySecret.name,
        fix: "authenticate the auth_query user with a client certificate (serverTLSSecret, with authQuery), or remove both for CNPG's built-in integration",
      });
    out.push(
      ...deprecatedMonitoring(
        mon,
        "a PodMonitor for the pooler (new PodMonitor(scope, id, { pooler }), or the Pooler's podMonitor option)",
      ),
    );
    return out;
  },
};

const CLUSTER_MONITORING: ObjectRule = {
  kinds: ['Cluster'],
  cite: 'cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go, getDeprecatedMonitoringFieldsWarnings',
  check(o) {
    return deprecatedMonitoring(
      (specOf(o).monitoring ?? {}) as Spec,
      'a PodMonitor for the cluster (new PodMonitor(scope, id, { cluster }) of this library, relabelings included)',
    );
  },
};

/** A warning: the object's `spec.cluster` is no Cluster of the set in its namespace (it may be managed elsewhere). */
function clusterNotInSet(o: KubeObject, code: string): ObjectFinding {
  const name = specOf(o).cluster?.name;
  return warning({
    object: o,
    code,
    field: '.spec.cluster.name',
    message: `names cluster ${name}, which is not among these objects in namespace ${o.metadata?.namespace ?? '(none)'}`,
    value: name,
    fix: 'check the name and namespace, or ignore this when the cluster is managed elsewhere',
  });
}

/** The Service names CNPG creates for a cluster (and the cluster's own name): a pooler may take none of them. */
const CLUSTER_NAME_SUFFIXES = ['', '-rw', '-ro', '-r', '-any'] as const;

/** The kinds the set rule below reads (besides clusters), in the order of the set. */
const SERVED_KINDS = [
  [CNPG_GROUP, 'Pooler'],
  ['monitoring.coreos.com', 'PodMonitor'],
  [CNPG_GROUP, 'DatabaseRole'],
  [CNPG_GROUP, 'Database'],
] as const;

/** The objects of a set, indexed once per check (every lookup below is by key: the rule stays linear in the set). */
function index(ctx: AdmissionContext) {
  const clusters = new Map<string, KubeObject>();
  const poolers = new Map<string, KubeObject>();
  /** `namespace/name` of a cluster or of a Service CNPG creates for it, to the clusters that take it (read for poolers only). */
  const taken = new Map<string, KubeObject[]>();
  /** The DatabaseRoles of a cluster (`namespace/cluster`), in set order. */
  const rolesOf = new Map<string, KubeObject[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  const pooled = ofKind(ctx, CNPG_GROUP, 'Pooler');
  for (const o of ofKind(ctx, CNPG_GROUP, 'Cluster')) {
    clusters.set(nsKey(o.metadata?.namespace, o.metadata?.name), o);
    if (pooled.length > 0)
      for (const suffix of CLUSTER_NAME_SUFFIXES) push(taken, nsKey(o.metadata?.namespace, `${o.metadata?.name}${suffix}`), o);
  }
  for (const o of pooled) poolers.set(nsKey(o.metadata?.namespace, o.metadata?.name), o);
  for (const o of ofKind(ctx, CNPG_GROUP, 'DatabaseRole')) push(rolesOf, nsKey(o.metadata?.namespace, specOf(o).cluster?.name), o);
  return { clusters, poolers, taken, rolesOf };
}

/** What a cluster's roles are known to be: the names, and whether others may exist that the set cannot show. */
function knownRoles(cluster: KubeObject, clusterRoles: readonly KubeObject[]): { names: Set<string>; complete: boolean } {
  const spec = specOf(cluster);
  const b = (spec.bootstrap ?? {}) as Spec;
  // cluster_defaults.go: initdb by default, database "app", owner = database.
  const method = (b.recovery ?? b.pgBasebackup ?? b.initdb ?? {}) as Spec;
  const names = new Set<string>(['postgres', method.owner || method.database || 'app']);
  for (const r of (spec.managed?.roles ?? []) as Spec[]) if (r?.ensure !== 'absent' && typeof r?.name === 'string') names.add(r.name);
  for (const r of clusterRoles) names.add(specOf(r).name);
  // A recovery or base backup brings the source's roles; SQL run at initdb, or a monolith import, may create others.
  const sql = [
    'postInitSql',
    'postInitApplicationSql',
    'postInitTemplateSql',
    'postInitSqlRefs',
    'postInitApplicationSqlRefs',
    'postInitTemplateSqlRefs',
  ];
  const complete = !b.recovery && !b.pgBasebackup && !b.initdb?.import && !sql.some((k) => b.initdb?.[k] !== undefined);
  return { names, complete };
}

const REFERENCES: SetRule = {
  cite:
    "the library's rules over a set: cloudnative-pg v1.30.0 pkg/management/pgbouncer/config/config.go (a pooler's host is <cluster>-<type>), " +
    'api/v1/databaserole_funcs.go MustHaveManagedResourceExclusivity, docs/src/declarative_role_management.md "Coexistence and precedence", ' +
    'docs/src/connection_pooling.md ("the pooler name can\'t be the same as any cluster name in the same namespace")',
  check(ctx: AdmissionContext) {
    const served = ofKinds(ctx, SERVED_KINDS);
    if (served.length === 0) return [];
    const { clusters, poolers, taken, rolesOf } = index(ctx);
    const out: ObjectFinding[] = [];
    for (const o of served) {
      const spec = specOf(o);
      const ns = o.metadata?.namespace;
      if (isCnpg(o, 'Pooler')) {
        const cluster = clusters.get(nsKey(ns, spec.cluster?.name));
        for (const c of taken.get(nsKey(ns, o.metadata?.name)) ?? []) {
          const n = c.metadata?.name;
          if (n === spec.cluster?.name) continue;
          out.push({
            object: o,
            code: 'pooler-name-taken',
            field: '.metadata.name',
            message: `is the name of cluster ${n} or of a Service CNPG creates for it, in the same namespace`,
            value: o.metadata?.name,
            fix: 'give the pooler a name no cluster of the namespace (or its -rw, -ro, -r, -any Service) has',
          });
        }
        if (!cluster) {
          out.push(clusterNotInSet(o, 'pooler-cluster-not-in-set'));
          continue;
        }
        const type = spec.type ?? 'rw';
        const disabled = (specOf(cluster).managed?.services?.disabledDefaultServices ?? []) as string[];
        if (disabled.includes(type))
          out.push({
            object: o,
            code: 'pooler-service-disabled',
            field: '.spec.type',
            message: `pools ${spec.cluster.name}-${type}, a Service the cluster disables (managed.services.disabledDefaultServices)`,
            value: type,
            fix: `use type "rw", or stop disabling the ${type} Service`,
          });
        else if (type === 'ro' && (specOf(cluster).instances ?? 1) < 2)
          out.push(
            warning({
              object: o,
              code: 'pooler-ro-without-standbys',
              field: '.spec.type',
              message: `pools ${spec.cluster.name}-ro, the standbys, but the cluster runs a single instance: the Service has no endpoint`,
              value: type,
              fix: 'give the cluster instances: 2 or more, or use type "r" (any instance)',
            }),
          );
      } else if (o.kind === 'PodMonitor' && String(o.apiVersion ?? '').startsWith('monitoring.coreos.com/')) {
        const labels = (spec.selector?.matchLabels ?? {}) as Record<string, string>;
        const target = spec.namespaceSelector?.matchNames?.[0] ?? ns;
        const pooler = labels['cnpg.io/poolerName'];
        const cluster = labels['cnpg.io/cluster'];
        const missing =
          pooler !== undefined
            ? poolers.has(nsKey(target, pooler))
              ? undefined
              : `pooler ${pooler}`
            : cluster !== undefined && !clusters.has(nsKey(target, cluster))
              ? `cluster ${cluster}`
              : undefined;
        if (missing)
          out.push(
            warning({
              object: o,
              code: 'pod-monitor-target-not-in-set',
              field: '.spec.selector.matchLabels',
              message: `selects the pods of ${missing}, which is not among these objects in namespace ${target ?? '(none)'}`,
              value: labels,
              fix: 'check the name and namespace (a PodMonitor selects pods in its own namespace unless namespaceSelector says otherwise)',
            }),
          );
      } else if (isCnpg(o, 'DatabaseRole')) {
        const cluster = clusters.get(nsKey(ns, spec.cluster?.name));
        // The first DatabaseRole of the cluster with this role name, when it comes before this one.
        const siblings = rolesOf.get(nsKey(ns, spec.cluster?.name)) ?? [];
        const twin = siblings.find((r) => r !== o && specOf(r).name === spec.name);
        if (twin && siblings.indexOf(twin) < siblings.indexOf(o))
          out.push({
            object: o,
            code: 'database-role-duplicate',
            field: '.spec.name',
            message: `role ${spec.name} of cluster ${spec.cluster?.name} is also managed by DatabaseRole ${twin.metadata?.name}: CNPG reconciles only one of them`,
            value: spec.name,
            fix: 'manage each role of a cluster from one DatabaseRole',
          });
        if (!cluster) {
          out.push(clusterNotInSet(o, 'database-role-cluster-not-in-set'));
          continue;
        }
        const inline = ((specOf(cluster).managed?.roles ?? []) as Spec[]).some((r) => r?.name === spec.name);
        if (inline)
          out.push(
            warning({
              object: o,
              code: 'role-managed-twice',
              field: '.spec.name',
              message: `role ${spec.name} is also in cluster ${spec.cluster?.name}'s managed.roles, which takes precedence: this DatabaseRole is not reconciled`,
              value: spec.name,
              fix: "remove the role from the cluster's roles (the DatabaseRole then takes over), or delete this DatabaseRole",
            }),
          );
      } else if (isCnpg(o, 'Database')) {
        const owner = spec.owner;
        if (typeof owner !== 'string' || owner === '') continue;
        const cluster = clusters.get(nsKey(ns, spec.cluster?.name));
        if (!cluster) {
          out.push(
            warning({
              object: o,
              code: 'database-owner-unknown',
              field: '.spec.owner',
              message: `role ${owner} must exist in cluster ${spec.cluster?.name}, which is not among these objects: CNPG does not create a Database's owner`,
              value: owner,
              fix: 'make sure the cluster creates the role (bootstrap owner, managed role or DatabaseRole)',
            }),
          );
          continue;
        }
        const known = knownRoles(cluster, rolesOf.get(nsKey(cluster.metadata?.namespace, cluster.metadata?.name)) ?? []);
        const names = known.names;
        // Part of a set (a Pulumi component): a DatabaseRole elsewhere in the program may create the owner.
        const complete = known.complete && !ctx.partial;
        if (names.has(owner)) continue;
        const finding: ObjectFinding = {
          object: o,
          code: complete ? 'database-owner-missing' : 'database-owner-unknown',
          field: '.spec.owner',
          message: isReservedRole(owner)
            ? `is ${owner}, a role reserved for the operator or PostgreSQL`
            : `role ${owner} is created by no bootstrap, managed role or DatabaseRole of cluster ${spec.cluster?.name} (it has: ${[...names].join(', ')})${complete ? ': CREATE DATABASE ... OWNER fails' : ctx.partial ? '; a DatabaseRole elsewhere in the program may create it' : '; the bootstrap may bring others'}`,
          value: owner,
          fix: `add { name: ${JSON.stringify(owner)}, login: true } to the cluster's roles (or a DatabaseRole), or use one of ${[...names].join(', ')}`,
        };
        out.push(complete ? finding : warning(finding));
      }
    }
    return out;
  },
};

/** The serving rules over single objects. @internal */
export const SERVING_OBJECT_RULES: readonly ObjectRule[] = [POOLER, CLUSTER_MONITORING];
/** The serving rules over sets. @internal */
export const SERVING_SET_RULES: readonly SetRule[] = [REFERENCES];
