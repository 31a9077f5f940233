import type { DatabaseSpec, DatabaseSpecExtensions } from '../../imports/postgresql.cnpg.io.spec';
import { CNPG_MANAGED_EXTENSIONS, managedModuleFix } from './extension-catalog';
import { checkKnownKeys, withFrontEndKeys } from './keys';
import { propsSchema } from './props-schema';
import { BoundedCache } from './memo';
import { checkRuntimeTypes } from './runtime-types';
import { versionProblem } from './sql';
import type { ClusterModel } from './cluster';
import { checkClusterName } from './cluster/name';
import { allProblems, NO_PROBLEMS, type Problem, throwIfProblems } from './errors';
import type { Finding } from './findings';
import { ExtensionImage, imageId } from './extension-image';
import { checkDnsSubdomain, checkPgIdentifier, isPgIdentifier } from './names';
import { stableDependencyOrder } from './sql';
import { checkDatabaseObjects, DATABASE_OBJECT_SCHEMA, type DatabaseObjectsProps, databaseObjectsSpec } from './serving/database-objects';

/** Database names CNPG's CRD rejects. */
export const RESERVED_DATABASE_NAMES: readonly string[] = ['postgres', 'template0', 'template1'];

/** A SQL extension to manage in a database (CNPG `Database.spec.extensions[]`). */
export interface DatabaseExtension {
  /** SQL name (`CREATE EXTENSION <name>`), e.g. `vector` (not the image name `pgvector`). */
  readonly name: string;
  /**
   * Version to create or update to.
   * @default - not emitted: the control file's default version, and no update
   */
  readonly version?: string;
  /**
   * Schema to create the extension in.
   * @default - not emitted: the first schema of the search path (`public`)
   */
  readonly schema?: string;
  /**
   * `absent` drops the extension (without CASCADE).
   * @default - not emitted: CNPG's `present`
   */
  readonly ensure?: 'present' | 'absent';
}

/** What to do when an extension is listed before one it requires. */
export type DependencyOrder = 'sort' | 'strict';

/**
 * Props of a CNPG `Database` with extensions, shared by the cdk8s construct and the Pulumi component; schemas,
 * foreign-data wrappers, servers and `CREATE DATABASE` options are those of {@link DatabaseObjectsProps}.
 */
export interface DatabaseProps extends DatabaseObjectsProps {
  /** PostgreSQL database name (not `postgres`, `template0`, `template1`). */
  readonly name: string;
  /** Role owning the database. */
  readonly owner: string;
  /**
   * Extensions, in creation order. An `ExtensionImage` stands for all its SQL extensions
   * (`image.databaseExtensions()`): PostGIS gives the eight of CNPG Recipe 23.
   * @default - none
   */
  readonly extensions?: readonly (DatabaseExtension | ExtensionImage)[];
  /**
   * Name of the `Database` object.
   * @default `<cluster name>-<database name>` (with `_` replaced by `-`)
   */
  readonly resourceName?: string;
  /**
   * Namespace of the `Database` object.
   * @default - the cluster's namespace
   */
  readonly namespace?: string;
  /**
   * `absent` drops the database.
   * @default - not emitted (CNPG's `present`)
   */
  readonly ensure?: 'present' | 'absent';
  /**
   * `delete` drops the database when the `Database` object is deleted.
   * @default - not emitted (CNPG's `retain`)
   */
  readonly databaseReclaimPolicy?: 'retain' | 'delete';
  /**
   * Extensions listed before one they require: `sort` moves them after it (a stable topological
   * sort, so a list already in order is left as it is); `strict` fails instead.
   * @default 'sort'
   */
  readonly dependencyOrder?: DependencyOrder;
  /**
   * Accept extensions that neither the base image nor a mounted image provides (e.g. baked into a
   * custom operand image). Without it they are an error, because CNPG would fail at CREATE EXTENSION.
   * @default false
   */
  readonly allowUnknownExtensions?: boolean;
}

/** A validated Database: its object name and namespace, its spec and its extensions in creation order. */
export interface DatabaseModel {
  /** Name of the `Database` object. */
  readonly resourceName: string;
  /** Namespace of the `Database` object (the cluster's unless given). */
  readonly namespace?: string;
  /** The CNPG `Database` spec. */
  readonly spec: DatabaseSpec;
  /** The extensions in the order they are created, after dependency sorting. */
  readonly extensions: readonly DatabaseExtension[];
  /** What works but is probably not what was meant; reported by the front ends, never a reason to stop. */
  readonly warnings: readonly Finding[];
}

/** Expands images into their SQL extensions. */
export function expandExtensions(items: readonly (DatabaseExtension | ExtensionImage)[]): DatabaseExtension[] {
  return items.flatMap((x) => (x instanceof ExtensionImage ? x.databaseExtensions() : [x]));
}

/** Keys and run-time types of {@link DatabaseProps}. */
const DATABASE_SCHEMA = propsSchema<DatabaseProps>()({
  ...DATABASE_OBJECT_SCHEMA.declaration,
  name: 'string',
  owner: 'string',
  extensions: 'array',
  resourceName: 'string',
  namespace: 'string',
  // Enums with rules of their own (or passed to CNPG's CRD), whose messages name a wrong type too.
  ensure: null,
  databaseReclaimPolicy: null,
  dependencyOrder: null,
  allowUnknownExtensions: 'boolean',
});
/** Keys of the `{ name, ... }` entries of `extensions`; their values have rules of their own. */
const DATABASE_EXTENSION_SCHEMA = propsSchema<DatabaseExtension>()({ name: null, version: null, schema: null, ensure: null });

/**
 * Validates database props against the cluster it lives in and builds the CNPG `Database` spec, throwing a
 * {@link CnpgValidationError} that names `path`, each field and its fix. `cluster` may be just a name (a cluster
 * managed elsewhere): then extension availability is not checked. `frontEndKeys` are the props a front end adds
 * (e.g. `cluster`): every other unknown key is a problem.
 */
export function buildDatabase(
  path: string,
  cluster: ClusterModel | string,
  props: DatabaseProps,
  frontEndKeys: readonly string[] = [],
): DatabaseModel {
  // Every check's list, in order; allProblems allocates only when one found something (one Database per cluster).
  throwIfProblems(
    path,
    'ExtensionDatabase',
    allProblems(checkRuntimeTypes('', props, DATABASE_SCHEMA.types), extensionItemTypeProblems(props)),
  );
  const clusterName = typeof cluster === 'string' ? cluster : cluster.name;
  const resourceName =
    props.resourceName ??
    `${clusterName}-${String(props.name)
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')}`;
  const items = props.extensions ?? [];
  const model = typeof cluster === 'string' ? undefined : cluster;
  // A cluster given by name (one managed elsewhere) must still be a name CNPG could have given a Cluster.
  const clusterNameProblems = typeof cluster === 'string' ? clusterReferenceProblems(cluster) : NO_PROBLEMS;
  const plan = memoizedExtensionPlan(items, model, clusterName, props.dependencyOrder, props.allowUnknownExtensions);
  throwIfProblems(
    path,
    'ExtensionDatabase',
    allProblems(
      checkKnownKeys('', props, frontEndKeys.length ? withFrontEndKeys(DATABASE_SCHEMA.keys, frontEndKeys) : DATABASE_SCHEMA.keys),
      extensionItemKeyProblems(props),
      checkPgIdentifier('name', props.name, 'database name'),
      RESERVED_DATABASE_NAMES.includes(props.name)
        ? [
            {
              code: 'database-name-reserved',
              field: 'name',
              message: 'is reserved: CNPG does not manage the postgres, template0 and template1 databases',
              value: props.name,
              fix: 'choose another name, such as "app"',
            },
          ]
        : [],
      checkPgIdentifier('owner', props.owner, 'owner role'),
      typeof cluster !== 'string' ? checkDatabaseNamespace(props.namespace, cluster.namespace, cluster.name) : [],
      clusterNameProblems,
      // A default name made from a bad cluster name is the same mistake: reported once, on `cluster`.
      clusterNameProblems.length > 0 && props.resourceName === undefined
        ? []
        : checkDnsSubdomain(
            props.resourceName === undefined ? 'resourceName (defaulted to <cluster>-<name>)' : 'resourceName',
            resourceName,
            'the Database object name',
          ),
      plan.problems,
      checkDatabaseObjects(props, model?.operatorVersion),
      props.dependencyOrder !== undefined && props.dependencyOrder !== 'sort' && props.dependencyOrder !== 'strict'
        ? [
            {
              code: 'dependency-order-invalid',
              field: 'dependencyOrder',
              message: 'must be "sort" or "strict"',
              value: props.dependencyOrder,
              fix: 'use "sort" or "strict"',
            },
          ]
        : [],
    ),
  );

  const finalList = plan.finalList;
  const spec: DatabaseSpec = {
    name: props.name,
    owner: props.owner,
    cluster: { name: clusterName },
    ensure: props.ensure as DatabaseSpec['ensure'],
    databaseReclaimPolicy: props.databaseReclaimPolicy as DatabaseSpec['databaseReclaimPolicy'],
    ...databaseObjectsSpec(props),
    // The same entries: a DatabaseExtension has exactly the fields of DatabaseSpecExtensions.
    extensions: finalList.length > 0 ? (finalList as DatabaseSpecExtensions[]) : undefined,
  };
  return {
    resourceName,
    namespace: props.namespace ?? (typeof cluster === 'string' ? undefined : cluster.namespace),
    spec,
    extensions: finalList,
    warnings: NO_PROBLEMS,
  };
}

/**
 * A cluster named by a string: CNPG looks the Database's `spec.cluster.name` up as a Cluster in the Database's
 * namespace, and a Cluster's name is a DNS-1035 label of at most 50 characters (cluster/name.ts), so another string
 * names no cluster and the Database never reconciles.
 */
function clusterReferenceProblems(name: string): readonly Problem[] {
  const found = checkClusterName('cluster', name, 'the name of the cluster');
  return found.length === 0
    ? NO_PROBLEMS
    : found.map((p) => ({
        ...p,
        code: 'database-cluster-name-invalid',
        message: `${p.message}: no Cluster can have this name, so CNPG would never find the database's cluster`,
        fix: `name the Cluster as it is named in Kubernetes (${p.fix}), or pass the PostgresCluster construct itself`,
      }));
}

/** The extension part of a Database: expanded, checked against the cluster's images, in dependency order. */
function extensionPlan(
  items: readonly (DatabaseExtension | ExtensionImage)[],
  model: ClusterModel | undefined,
  clusterName: string,
  dependencyOrder: unknown,
  allowUnknownExtensions: unknown,
): { problems: Problem[]; finalList: DatabaseExtension[] } {
  const imageProblems = items.flatMap((x, i) =>
    x instanceof ExtensionImage && x.sqlExtensions.length === 0 && !x.props.databaseExtensions
      ? [
          {
            code: 'database-image-no-sql-extension',
            field: `extensions[${i}]`,
            message: `image ${x.name} provides no SQL extension to create`,
            value: x.name,
            fix: 'list SQL extensions by name, or remove the image from the database (it stays mounted on the cluster)',
          },
        ]
      : [],
  );
  const problems: Problem[] = [...imageProblems];
  const exts = expandExtensions(items);
  const available = model?.sqlExtension;
  const names: string[] = [];
  // Problems are rare: field paths are only built for the entries that have one.
  const field = (i: number, sub?: string) => `extensions[${i}]${sub ? `.${sub}` : ''}`;
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i];
    if (!isPgIdentifier(e.name)) problems.push(...checkPgIdentifier(field(i, 'name'), e.name, 'extension name'));
    if (e.schema !== undefined && !isPgIdentifier(e.schema))
      problems.push(...checkPgIdentifier(field(i, 'schema'), e.schema, 'schema name'));
    // One version rule for the whole library: PostgreSQL's (sql.ts), which the provider applies too.
    const vp = e.version === undefined ? undefined : versionProblem(e.version);
    if (vp)
      problems.push({
        code: 'extension-version-invalid',
        field: field(i, 'version'),
        message: vp,
        value: e.version,
        fix: 'use a version such as "0.8.1", or leave it out for the default version',
      });
    if (e.ensure !== undefined && e.ensure !== 'present' && e.ensure !== 'absent') {
      problems.push({
        code: 'extension-ensure-invalid',
        field: field(i, 'ensure'),
        message: 'must be "present" or "absent"',
        value: e.ensure,
        fix: 'use "present" or "absent"',
      });
    }
    const first = names.indexOf(e.name);
    if (first >= 0) {
      problems.push({
        code: 'extension-duplicate',
        field: field(i, 'name'),
        message: `is listed twice (also extensions[${first}]); CNPG rejects duplicates`,
        value: e.name,
        fix: 'list each extension once',
      });
    }
    names.push(e.name);
    if (CNPG_MANAGED_EXTENSIONS.includes(e.name)) {
      problems.push({
        code: 'extension-managed-by-cnpg',
        field: field(i, 'name'),
        message: `is managed by CNPG through the cluster's ${e.name}.* parameters, not by Database objects (a Database entry would fight the operator, which drops it on every instance start when no such parameter is set)`,
        value: e.name,
        fix: managedModuleFix(e.name),
      });
    }
    if (available && e.ensure !== 'absent' && !allowUnknownExtensions) {
      const a = available(e.name);
      if (!a) {
        const imgs = model ? model.extensions.map((x) => x.name) : [];
        problems.push({
          code: 'extension-not-provided',
          field: field(i, 'name'),
          message: `no image mounted on cluster ${clusterName} provides SQL extension "${e.name}" and the base image does not ship it (mounted: ${imgs.length ? imgs.join(', ') : 'none'})`,
          value: e.name,
          fix: `mount the image that provides it in the cluster's extensions (e.g. ExtensionImage.pgvector for "vector"), check the SQL name, or set allowUnknownExtensions if the operand image bundles it`,
        });
      } else if (e.version !== undefined && a.version !== undefined && a.version !== e.version && !a.versions?.includes(e.version)) {
        // Any version the image can install is fine: one with an install script, or one an update path reaches from
        // such a version (PostgreSQL's CREATE EXTENSION ... VERSION); the image says which (sqlVersions).
        const installable = a.versions && a.versions.length > 0 ? a.versions : [a.version];
        problems.push({
          code: 'extension-version-not-provided',
          field: field(i, 'version'),
          message: `the ${a.image} image mounted on cluster ${clusterName} provides ${e.name} ${installable.join(', ')}`,
          value: e.version,
          fix: `mount the ${a.image} image of version ${e.version} first, ask for ${installable.length > 1 ? 'one of those versions' : `version "${a.version}"`}, or list the versions the image can install in its sqlVersions (npx cnpg-constructs images inspect lists them)`,
        });
      }
    }
  }

  // Dependencies: CNPG runs CREATE EXTENSION without CASCADE, in list order.
  const requiresOf = (name: string): readonly string[] => available?.(name)?.requires ?? [];
  const present = exts.filter((e) => e.ensure !== 'absent');
  const presentNames = present.map((e) => e.name);
  for (const e of present) {
    for (const r of requiresOf(e.name)) {
      if (!presentNames.includes(r) && r !== 'plpgsql') {
        problems.push({
          code: 'extension-requires-missing',
          field: field(exts.indexOf(e), 'name'),
          message: `${e.name} requires ${r}, which is not in the list; CNPG creates extensions without CASCADE, so CREATE EXTENSION ${e.name} would fail`,
          value: e.name,
          fix: `add { name: "${r}" } before it`,
        });
      }
    }
  }
  const { ordered, moved, cycle } = stableDependencyOrder(present, requiresOf);
  if (cycle.length > 0) {
    problems.push({
      code: 'extension-requires-cycle',
      field: 'extensions',
      message: `extensions require each other in a cycle: ${cycle.join(', ')}`,
      value: cycle,
      fix: 'check the sqlExtensions requires of custom images',
    });
  }
  if (moved.length > 0 && dependencyOrder === 'strict') {
    for (const name of moved) {
      const reqs = requiresOf(name).filter((r) => presentNames.includes(r));
      problems.push({
        code: 'extension-order',
        field: field(
          exts.findIndex((e) => e.name === name),
          'name',
        ),
        message: `${name} is listed before ${reqs.join(', ')}, which it requires; CNPG creates extensions in list order without CASCADE`,
        value: name,
        fix: `move it after ${reqs.join(', ')}, or use dependencyOrder: "sort"`,
      });
    }
  }
  // Absent extensions keep their place relative to each other, after the present ones
  // (dropping cannot depend on creating).
  return { problems, finalList: [...ordered, ...exts.filter((e) => e.ensure === 'absent')] };
}

/** `extensions[i]` that is neither an ExtensionImage nor an object (before any other check reads the list). */
function extensionItemTypeProblems(props: DatabaseProps): readonly Problem[] {
  const list: unknown = props?.extensions;
  if (!Array.isArray(list)) return [];
  let out: Problem[] | undefined;
  list.forEach((x, i) => {
    if (x instanceof ExtensionImage || (x !== null && typeof x === 'object' && !Array.isArray(x))) return;
    out ??= [];
    out.push({
      code: 'database-extension-invalid',
      field: `extensions[${i}]`,
      message: 'must be an ExtensionImage or { name, version?, schema?, ensure? }',
      value: x,
      fix: "use { name: 'vector' } or ExtensionImage.pgvector('0.8.1')",
    });
  });
  return out ?? [];
}

/** Unknown keys of the `{ name, ... }` entries of `extensions`. */
function extensionItemKeyProblems(props: DatabaseProps): readonly Problem[] {
  const list: unknown = props.extensions;
  if (!Array.isArray(list)) return [];
  let out: Problem[] | undefined;
  list.forEach((x, i) => {
    if (x instanceof ExtensionImage) return;
    const found = checkKnownKeys(`extensions[${i}]`, x, DATABASE_EXTENSION_SCHEMA.keys);
    if (found.length === 0) return;
    out ??= [];
    out.push(...found);
  });
  return out ?? [];
}

/**
 * Platform repos give hundreds of databases the same images on clusters with the same images: the plan of a
 * list made only of (immutable, shared) ExtensionImage values is computed once per such combination. Only
 * plans without problems are kept (problem messages name the cluster); the list is frozen, as it is shared.
 */
const planMemo = new BoundedCache<string, readonly DatabaseExtension[]>('database extension plans by images', 512);
/** The ids of a frozen (shared) image list, joined once per list: clusters of memoized image steps share theirs. */
const idsOfList = new WeakMap<readonly ExtensionImage[], string>();

function imageIds(list: readonly ExtensionImage[]): string {
  let ids = Object.isFrozen(list) ? idsOfList.get(list) : undefined;
  if (ids === undefined) {
    ids = list.map(imageId).join(',');
    if (Object.isFrozen(list)) idsOfList.set(list, ids);
  }
  return ids;
}

function memoizedExtensionPlan(
  items: readonly (DatabaseExtension | ExtensionImage)[],
  model: ClusterModel | undefined,
  clusterName: string,
  dependencyOrder: unknown,
  allowUnknownExtensions: unknown,
): { problems: Problem[]; finalList: readonly DatabaseExtension[] } {
  let key: string | undefined;
  if (
    items.length > 0 &&
    items.every((x) => x instanceof ExtensionImage) &&
    (typeof dependencyOrder === 'string' || dependencyOrder === undefined)
  ) {
    key = `${imageIds(items as readonly ExtensionImage[])}|${model ? imageIds(model.extensions) : '-'}|${dependencyOrder}|${allowUnknownExtensions === true}`;
    const hit = planMemo.get(key);
    if (hit) return { problems: [], finalList: hit };
  }
  const plan = extensionPlan(items, model, clusterName, dependencyOrder, allowUnknownExtensions);
  if (key !== undefined && plan.problems.length === 0) {
    for (const e of plan.finalList) Object.freeze(e);
    planMemo.set(key, Object.freeze(plan.finalList));
  }
  return plan;
}

/**
 * A Database is reconciled only in its cluster's namespace: `spec.cluster` is a LocalObjectReference
 * (cloudnative-pg v1.30.0 `api/v1/database_types.go`, `ClusterRef corev1.LocalObjectReference`), resolved in the
 * Database's own namespace. `databaseNamespace` undefined: it follows the cluster.
 */
export function checkDatabaseNamespace(
  databaseNamespace: string | undefined,
  clusterNamespace: string | undefined,
  clusterName: string,
): Problem[] {
  if (databaseNamespace === undefined || databaseNamespace === clusterNamespace) return [];
  return [
    {
      code: 'database-namespace-mismatch',
      field: 'namespace',
      message: `must be the namespace of cluster ${clusterName} (${clusterNamespace ?? "none given: the namespace of kubectl's context"}): CNPG looks for the cluster of a Database in the Database's own namespace`,
      value: databaseNamespace,
      fix: 'leave namespace out (the Database follows its cluster), or put the cluster in that namespace',
    },
  ];
}
