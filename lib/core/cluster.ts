import type {
  ClusterSpec,
  ClusterSpecPostgresqlExtensions,
  ClusterSpecAffinity,
  ClusterSpecBootstrap,
  ClusterSpecManaged,
  ClusterSpecMonitoring,
} from '../../imports/postgresql.cnpg.io.spec';
import {
  BASE_IMAGE_EXTENSIONS,
  CATALOG,
  CNPG_MANAGED_MODULES,
  managedModuleEnabled,
  managedModuleFix,
  type SqlExtensionInfo,
} from './extension-catalog';
import { allProblems, NO_PROBLEMS, type Problem, nested, throwIfProblems } from './errors';
import { errorsOf, type Finding, warningsOf } from './findings';
import { clusterExtensionEntries, ExtensionImage, imageId } from './extension-image';
import { catalogLookalikeWarnings } from './extension-image-lookalike';
import type { CheckedCatalogReference } from './image-catalog';
import { checkImageReference, parseImageReference, parseOperandImageTag } from './image-ref';
import { checkDnsLabel, checkDnsSubdomain, checkUnique, extensionVolumeName, QUANTITY_PATTERN } from './names';
import { deepFreeze } from './freeze';
import { checkOperatorCompatibility, DEFAULT_OPERATOR_VERSION, supportsFeature } from './compat';
import { checkKnownKeys, keysOf, withFrontEndKeys } from './keys';
import { checkRuntimeTypes, isPlainObject, type RuntimeType } from './runtime-types';
import { hasControlCharacters } from './sql';
import { checkResources, clusterResources, type ResourceRequirements } from './resources';
import { checkManagedRoles, type ManagedRoleProps, managedWithRoles } from './serving/roles';
import {
  BLOCKED_PARAMETERS,
  cnpgAdmissionValue,
  FIXED_PARAMETERS,
  PARAMETER_FIX,
  PARAMETER_NAME_PATTERN,
  SKIP_WAL_ARCHIVING_ANNOTATION,
  WAL_LEVELS,
} from './parameters';
import { CLUSTER_BACKUP_KEY_FLAGS, CLUSTER_BACKUP_TYPES, type ClusterBackupRecoveryProps } from './backup/cluster-backup-props';
import { checkClusterBackup, clusterBackupSpec } from './backup/cluster-backup';

/** Storage of a cluster's PGDATA or WAL volume. */
export interface StorageProps {
  /** Size of the volume, a Kubernetes quantity such as `1Gi`. */
  readonly size: string;
  /**
   * StorageClass of the PVC.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
}

/** Reference to an `ImageCatalog` or `ClusterImageCatalog` (CNPG `spec.imageCatalogRef`). */
export interface ImageCatalogReference {
  /** `ImageCatalog` (same namespace) or `ClusterImageCatalog`. */
  readonly kind: 'ImageCatalog' | 'ClusterImageCatalog';
  /** Name of the catalog. */
  readonly name: string;
  /** PostgreSQL major to take from the catalog. */
  readonly major: number;
}

/** PostgreSQL configuration of a cluster. */
export interface PostgresqlProps {
  /**
   * PostgreSQL parameters (`postgresql.conf`). Parameters CNPG fixes or blocks are rejected
   * (`shared_preload_libraries`, `port`, `listen_addresses`, ...).
   * @default - none (CNPG's defaults)
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Libraries to preload. Libraries the mounted extension images need are added after these.
   * @default - only those the extension images need
   */
  readonly sharedPreloadLibraries?: readonly string[];
  /**
   * `pg_hba.conf` lines, added to CNPG's.
   * @default - none
   */
  readonly pgHba?: readonly string[];
}

/** Props of a PostgreSQL cluster, shared by the cdk8s construct and the Pulumi component. */
export interface PostgresClusterProps extends ClusterBackupRecoveryProps {
  /**
   * Name of the `Cluster` object (a DNS label); pods are `<name>-1`, services `<name>-rw`, ...
   * @default - the construct id (cdk8s) or resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * Namespace of the `Cluster`.
   * @default - the chart's namespace (cdk8s) or the provider's (Pulumi)
   */
  readonly namespace?: string;
  /**
   * PostgreSQL operand image with a version tag, e.g. `ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie`.
   * Use a `minimal` image with extension images: a bundled copy of an extension wins over the mounted one.
   * Exactly one of `imageName` and `imageCatalogRef` is required.
   */
  readonly imageName?: string;
  /**
   * Take the operand image (and catalog extensions) from an image catalog instead of `imageName` (CNPG 1.29+
   * for extensions). The PostgreSQL major is the catalog reference's.
   * @default - none
   */
  readonly imageCatalogRef?: ImageCatalogReference | CheckedCatalogReference;
  /**
   * PostgreSQL major of `imageName`, for tags that do not start with it (digest-only references).
   * @default - parsed from the tag of `imageName`
   */
  readonly postgresMajor?: number;
  /**
   * Number of instances (1 primary + replicas).
   * @default 1 (as CNPG)
   */
  readonly instances?: number;
  /** Storage for PGDATA. */
  readonly storage: StorageProps;
  /**
   * Separate storage for WAL.
   * @default - WAL lives in PGDATA
   */
  readonly walStorage?: StorageProps;
  /**
   * Extension images to mount (`spec.postgresql.extensions`), in order. Requires PostgreSQL 18+.
   * With an image catalog, images without a reference are taken from the catalog by name.
   * @default - none
   */
  readonly extensions?: readonly ExtensionImage[];
  /**
   * PostgreSQL configuration.
   * @default - CNPG's
   */
  readonly postgresql?: PostgresqlProps;
  /**
   * Let the `postgres` superuser log in; CNPG then creates the `<name>-superuser` secret.
   * @default - not emitted (CNPG's default: false)
   */
  readonly enableSuperuserAccess?: boolean;
  /**
   * Bootstrap method.
   * @default - not emitted: CNPG runs initdb with database `app` owned by `app`
   */
  readonly bootstrap?: ClusterSpecBootstrap;
  /**
   * Requests and limits of the postgres container, as plain quantities:
   * `{ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } }`.
   * @default - none
   */
  readonly resources?: ResourceRequirements;
  /**
   * Scheduling.
   * @default - CNPG's (preferred anti-affinity)
   */
  readonly affinity?: ClusterSpecAffinity;
  /**
   * Monitoring.
   * @default - CNPG's
   */
  readonly monitoring?: ClusterSpecMonitoring;
  /**
   * Roles and additional Services managed by CNPG, e.g. a NodePort Service that kind's
   * `extraPortMappings` can reach from the host.
   * @default - none
   */
  readonly managed?: ClusterSpecManaged;
  /**
   * PostgreSQL roles CNPG manages in the cluster (`spec.managed.roles`, after any given in `managed.roles`):
   * login, membership, connection limit, a password from a basic-auth Secret (never inline), expiry.
   * @default - none
   */
  readonly roles?: readonly ManagedRoleProps[];
  /**
   * Secrets to pull the operand and extension images (CNPG attaches them to the cluster's ServiceAccount).
   * @default - none
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Description of the cluster.
   * @default - none
   */
  readonly description?: string;
  /**
   * CNPG operator version the manifests target; fields it does not support are rejected.
   * @default '1.30.0'
   */
  readonly operatorVersion?: string;
  /**
   * Labels of the `Cluster` object.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations of the `Cluster` object.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A validated cluster: its object name, spec and what databases in it can use. */
export interface ClusterModel {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly spec: ClusterSpec;
  /** PostgreSQL major, when known. */
  readonly postgresMajor?: number;
  /** Mounted extension images. */
  readonly extensions: readonly ExtensionImage[];
  /** A SQL extension a database in this cluster can create (mounted images first, then the base image). */
  readonly sqlExtension: (name: string) => AvailableSqlExtension | undefined;
  /** The CNPG version the cluster was checked against. */
  readonly operatorVersion: string;
  /**
   * What works but is probably not what was meant (a catalog version the library does not know, an operand image
   * that bundles extensions): the front ends report these with the construct's path; they never stop a build.
   */
  readonly warnings: readonly Finding[];
}

/** Where a SQL extension comes from. */
export interface AvailableSqlExtension extends SqlExtensionInfo {
  /** CNPG extension name of the image, or undefined for the base image. */
  readonly image?: string;
  /** Version the image provides, when known. */
  readonly version?: string;
}

/** Problems of a volume size (`storage.size`, `walStorage.size`). */
export function checkStorageSize(field: string, size: unknown): Problem[] {
  if (typeof size !== 'string' || !QUANTITY_PATTERN.test(size)) {
    return [
      {
        code: 'storage-size-invalid',
        field,
        message: 'is not a Kubernetes quantity',
        value: size,
        fix: 'use a size such as "1Gi" or "500Mi"',
      },
    ];
  }
  if (Number.parseFloat(size.replace(/^\+/, '')) === 0) {
    return [
      {
        code: 'storage-size-zero',
        field,
        message: 'is zero: a PersistentVolumeClaim needs a size larger than 0',
        value: size,
        fix: 'use a size such as "1Gi"',
      },
    ];
  }
  return [];
}

/** Problems of a StorageClass name. */
export function checkStorageClass(field: string, name: unknown): Problem[] {
  return checkDnsSubdomain(field, name, 'a StorageClass name');
}

function checkStorage(field: string, s: StorageProps | undefined, required: boolean): Problem[] {
  if (s === undefined) {
    return required ? [{ code: 'storage-required', field, message: 'is required', value: s, fix: 'set storage: { size: "1Gi" }' }] : [];
  }
  const out: Problem[] = [...checkStorageSize(`${field}.size`, s.size)];
  if (s.storageClass !== undefined) out.push(...checkStorageClass(`${field}.storageClass`, s.storageClass));
  return out;
}

/** The operand image's PostgreSQL major, minor, distro and flavour (`minimal`, `standard`, `system`), with the problems found. */
type OperandInfo = { major?: number; minor?: number; distro?: string; flavour?: string; problems: Problem[] };

// Platform repos name a handful of operand images in hundreds of clusters: what an imageName says (and its
// problems, which do not depend on anything else when postgresMajor and imageCatalogRef are not set) is
// worked out once per string. Results are frozen: they are shared.
const operandMemo = new Map<string, OperandInfo>();

function operandInfoOf(props: PostgresClusterProps): OperandInfo {
  if (typeof props.imageName !== 'string' || props.imageCatalogRef !== undefined || props.postgresMajor !== undefined)
    return operandInfo(props);
  let info = operandMemo.get(props.imageName);
  if (!info) {
    if (operandMemo.size >= 256) operandMemo.clear();
    const computed = operandInfo(props);
    info = Object.freeze({ ...computed, problems: Object.freeze(computed.problems) as Problem[] });
    operandMemo.set(props.imageName, info);
  }
  return info;
}

function operandInfo(props: PostgresClusterProps): OperandInfo {
  const problems: Problem[] = [];
  if (props.imageName !== undefined && props.imageCatalogRef !== undefined) {
    problems.push({
      code: 'image-name-and-catalog',
      field: 'imageCatalogRef',
      message: 'imageName and imageCatalogRef are mutually exclusive',
      value: props.imageCatalogRef.name,
      fix: 'remove one of them',
    });
  }
  if (props.imageCatalogRef) {
    const r = props.imageCatalogRef;
    if (r.kind !== 'ImageCatalog' && r.kind !== 'ClusterImageCatalog') {
      problems.push({
        code: 'catalog-ref-kind-invalid',
        field: 'imageCatalogRef.kind',
        message: 'must be ImageCatalog or ClusterImageCatalog',
        value: r.kind,
        fix: 'use "ImageCatalog" or "ClusterImageCatalog"',
      });
    }
    problems.push(...checkDnsSubdomain('imageCatalogRef.name', r.name, 'a catalog name'));
    if (!Number.isInteger(r.major) || r.major < 10) {
      problems.push({
        code: 'catalog-ref-major-invalid',
        field: 'imageCatalogRef.major',
        message: 'is not a PostgreSQL major',
        value: r.major,
        fix: 'use a major such as 18',
      });
    }
    return { major: r.major, problems };
  }
  if (props.imageName === undefined) {
    problems.push({
      code: 'image-name-required',
      field: 'imageName',
      message: 'is required (or imageCatalogRef)',
      value: undefined,
      fix: 'set imageName: "ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie"',
    });
    return { major: props.postgresMajor, problems };
  }
  const refProblems = checkImageReference('imageName', props.imageName);
  if (refProblems.length > 0) return { major: props.postgresMajor, problems: [...problems, ...refProblems] };
  const ref = parseImageReference(props.imageName);
  const tag = parseOperandImageTag(ref?.tag);
  if (!tag && props.postgresMajor === undefined) {
    problems.push({
      code: 'operand-tag-no-major',
      field: 'imageName',
      message: 'has no tag starting with the PostgreSQL version, so neither CNPG nor this library can tell its major',
      value: props.imageName,
      fix: 'use a tag such as "18-minimal-trixie" or "18.6-minimal-trixie" (a digest may follow: ":18-minimal-trixie@sha256:..."), or set postgresMajor',
    });
  }
  if (tag && props.postgresMajor !== undefined && tag.postgresMajor !== props.postgresMajor) {
    problems.push({
      code: 'postgres-major-contradicts-tag',
      field: 'postgresMajor',
      message: `contradicts the tag of imageName, which says ${tag.postgresMajor}`,
      value: props.postgresMajor,
      fix: 'remove postgresMajor or fix the tag',
    });
  }
  return { major: props.postgresMajor ?? tag?.postgresMajor, minor: tag?.minor, distro: tag?.distro, flavour: tag?.flavour, problems };
}

/**
 * Validates cluster props and builds the CNPG `Cluster` spec. Throws a `CnpgValidationError`
 * naming `path`, every wrong field and its fix.
 */
const CLUSTER_KEYS = keysOf<PostgresClusterProps>()({
  name: true,
  namespace: true,
  imageName: true,
  imageCatalogRef: true,
  postgresMajor: true,
  instances: true,
  storage: true,
  walStorage: true,
  extensions: true,
  postgresql: true,
  enableSuperuserAccess: true,
  bootstrap: true,
  resources: true,
  affinity: true,
  monitoring: true,
  managed: true,
  roles: true,
  imagePullSecrets: true,
  description: true,
  operatorVersion: true,
  labels: true,
  annotations: true,
  ...CLUSTER_BACKUP_KEY_FLAGS,
});
const STORAGE_KEYS = keysOf<StorageProps>()({ size: true, storageClass: true });
const POSTGRESQL_KEYS = keysOf<PostgresqlProps>()({ parameters: true, sharedPreloadLibraries: true, pgHba: true });

const CLUSTER_TYPES: Readonly<Record<string, RuntimeType>> = {
  name: 'string',
  namespace: 'string',
  imageName: 'string',
  imageCatalogRef: 'object',
  postgresMajor: 'int32',
  instances: 'int32',
  storage: 'object',
  walStorage: 'object',
  extensions: { instanceOf: ExtensionImage, name: 'ExtensionImage', arrayOf: true },
  postgresql: 'object',
  enableSuperuserAccess: 'boolean',
  bootstrap: 'object',
  resources: 'object',
  affinity: 'object',
  monitoring: 'object',
  managed: 'object',
  roles: 'array',
  imagePullSecrets: 'stringArray',
  description: 'string',
  operatorVersion: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
  ...CLUSTER_BACKUP_TYPES,
};
const POSTGRESQL_TYPES: Readonly<Record<string, RuntimeType>> = {
  parameters: 'stringMap',
  sharedPreloadLibraries: 'stringArray',
  pgHba: 'stringArray',
};

/** Step: name, namespace, operand image, instances, storage, resources and pull secrets. */
function checkBasics(
  props: PostgresClusterProps,
  defaultName: string,
): {
  name: string;
  instances: number;
  operand: OperandInfo;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const name = props.name ?? defaultName;
  problems.push(...checkDnsLabel(props.name === undefined ? 'name (defaulted from the id)' : 'name', name, 'the cluster name'));
  if (props.namespace !== undefined) problems.push(...checkDnsLabel('namespace', props.namespace, 'the namespace'));
  const operand = operandInfoOf(props);
  problems.push(...operand.problems);
  const instances = props.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1) {
    problems.push({
      code: 'instances-invalid',
      field: 'instances',
      message: 'must be a whole number of at least 1',
      value: props.instances,
      fix: 'use a whole number of at least 1: 1 for a single instance, 3 for a primary with two replicas',
    });
  }
  problems.push(...checkStorage('storage', props.storage, true));
  problems.push(...checkStorage('walStorage', props.walStorage, false));
  problems.push(...checkResources('resources', props.resources));

  if (props.imagePullSecrets) {
    props.imagePullSecrets.forEach((s, i) => {
      problems.push(...checkDnsSubdomain(`imagePullSecrets[${i}]`, s, 'a Secret name'));
    });
  }

  return { name, instances, operand, problems };
}

/**
 * Step: the extension images as CNPG mounts them: resolved from an image catalog when given by name, each
 * image's own checks, PostgreSQL major and Debian release against the operand image, names (also as volume
 * names), and companion images.
 */
function checkImages(
  props: PostgresClusterProps,
  operand: OperandInfo,
): { requested: readonly ExtensionImage[]; images: ExtensionImage[]; problems: Problem[] } {
  const problems: Problem[] = [];
  // Extension images. With an image catalog, images given by name only come from the catalog: the
  // library then knows them through the catalog's ExtensionImage (when the catalog is in the program).
  const requested = props.extensions ?? [];
  const viaCatalog = props.imageCatalogRef !== undefined;
  const catalog = (props.imageCatalogRef as CheckedCatalogReference | undefined)?.catalog;
  const catalogEntry = catalog?.images.find((e) => e.major === props.imageCatalogRef?.major);
  if (catalog && !catalogEntry) {
    problems.push({
      code: 'catalog-major-missing',
      field: 'imageCatalogRef.major',
      message: `catalog ${catalog.name} has no image for PostgreSQL ${props.imageCatalogRef?.major}`,
      value: props.imageCatalogRef?.major,
      fix: `use one of ${catalog.images.map((e) => e.major).join(', ')}`,
    });
  }
  const images = requested.map((img, i) => {
    if (!viaCatalog || img.reference !== undefined || !catalogEntry) return img;
    const fromCatalog = (catalogEntry.extensions ?? []).find((x) => x.name === img.name);
    if (!fromCatalog) {
      problems.push({
        code: 'catalog-extension-missing',
        field: `extensions[${i}]`,
        message: `catalog ${catalog?.name} has no extension "${img.name}" for PostgreSQL ${catalogEntry.major} (it has: ${(catalogEntry.extensions ?? []).map((x) => x.name).join(', ') || 'none'})`,
        value: img.name,
        fix: 'add the image to the catalog, or give this extension a reference',
      });
      return img;
    }
    return img.sqlExtensions.length > 0 || img.sharedPreloadLibraries.length > 0 ? img : img.withKnowledgeOf(fromCatalog);
  });
  const envSupported = supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv');
  images.forEach((img, i) => {
    const found = img.validate(!viaCatalog);
    if (found.length > 0) problems.push(...nested(`extensions[${i}]`, found));
    const lookalike = catalogLookalikeWarnings(img, envSupported);
    if (lookalike.length > 0) problems.push(...nested(`extensions[${i}]`, lookalike));
  });
  if (images.length > 0 && (operand.flavour === 'standard' || operand.flavour === 'system')) {
    // The instance manager writes extension_control_path = $system:<each image's share dir>, and PostgreSQL takes
    // the first control file it finds (cloudnative-pg v1.30.0 pkg/postgres/configuration.go,
    // setExtensionControlPath): an extension the operand image bundles is loaded from there, not from the image.
    problems.push({
      severity: 'warning',
      code: 'operand-image-bundles-extensions',
      field: 'imageName',
      message: `is a ${operand.flavour} image, which bundles extensions of its own (pgvector, pgaudit, ...): CNPG puts $system first in extension_control_path, so a bundled copy wins over the one a mounted image provides`,
      value: props.imageName,
      fix: `use the minimal image of the same version (e.g. "${String(props.imageName).replace(`-${operand.flavour}`, '-minimal')}") with extension images`,
    });
  }
  if (images.length > 0) {
    if (operand.major !== undefined && operand.major < 18) {
      problems.push({
        code: 'extensions-need-pg18',
        field: viaCatalog ? 'imageCatalogRef.major' : 'imageName',
        message: `extension images need PostgreSQL 18 or later (extension_control_path), but the cluster runs PostgreSQL ${operand.major}`,
        value: viaCatalog ? operand.major : props.imageName,
        fix: 'use a PostgreSQL 18 image such as "ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie", or bake the extensions into a custom operand image',
      });
    }
    images.forEach((img, i) => {
      const m = img.postgresMajor;
      if (m === undefined) {
        if (img.reference !== undefined && img.props.postgresMajor === undefined) {
          problems.push({
            code: 'image-tag-no-major',
            field: `extensions[${i}].reference`,
            message: 'has a tag that does not say the PostgreSQL major (CNPG tags end in -<major>-<distro>)',
            value: img.reference,
            fix: `set postgresMajor: ${operand.major ?? 18} on the ExtensionImage if the image is built for that major`,
          });
        }
      } else if (m < 18) {
        problems.push({
          code: 'image-built-for-old-major',
          field: `extensions[${i}].reference`,
          message: `is built for PostgreSQL ${m}; extension images need 18 or later`,
          value: img.reference,
          fix: 'use the image built for PostgreSQL 18 (tag ...-18-<distro>)',
        });
      } else if (operand.major !== undefined && m !== operand.major) {
        problems.push({
          code: 'image-major-mismatch',
          field: `extensions[${i}].reference`,
          message: `is built for PostgreSQL ${m} but the cluster runs ${operand.major}`,
          value: img.reference,
          fix: `use the image built for PostgreSQL ${operand.major}`,
        });
      }
      if (img.distro && operand.distro && img.distro !== operand.distro) {
        problems.push({
          code: 'image-distro-mismatch',
          field: `extensions[${i}].reference`,
          message: `is built on Debian ${img.distro} but the operand image on ${operand.distro}; its libraries may not load`,
          value: img.reference,
          fix: `use the ${operand.distro} build of the extension image (distro: "${operand.distro}")`,
        });
      }
    });
    problems.push(...checkUnique('extensions', images, (x) => x.name, 'this extension name', 'give each image a distinct name'));
    const dupNames = new Set(images.map((x) => x.name).filter((n, i, all) => all.indexOf(n) !== i));
    problems.push(
      ...checkUnique(
        'extensions',
        images.filter((x) => !dupNames.has(x.name)),
        (x) => extensionVolumeName(x.name),
        'the volume name CNPG derives ("_" becomes "-", so pg_ivm and pg-ivm are both ext-pg-ivm)',
        'rename one of the two images',
      ).map((p) => ({ ...p, message: `${p.message}: ${p.value}` })),
    );
    const names = new Set(images.map((x) => x.name));
    images.forEach((img, i) => {
      for (const req of img.requiresImages) {
        if (!names.has(req)) {
          problems.push({
            code: 'image-companion-missing',
            field: `extensions[${i}]`,
            message: `${img.name} needs the ${req} image mounted in the same cluster`,
            value: img.name,
            fix: `add ExtensionImage.${CATALOG[req]?.factory ?? `fromCatalog("${req}", `}${CATALOG[req]?.factory ? '(' : ''}version) to extensions`,
          });
        }
      }
    });
  }

  return { requested, images, problems };
}

/** Step: the user's parameters as CNPG's webhook checks them, and wal_level. */
function checkUserParameters(props: PostgresClusterProps, instances: number): Problem[] {
  const problems: Problem[] = [];
  // Parameters.
  const userParams = props.postgresql?.parameters ?? {};
  const walArchivingDisabled = props.annotations?.[SKIP_WAL_ARCHIVING_ANNOTATION] === 'enabled';
  for (const [k, v] of Object.entries(userParams)) {
    const f = `postgresql.parameters.${k}`;
    if (!PARAMETER_NAME_PATTERN.test(k)) {
      problems.push({
        code: 'parameter-name-invalid',
        field: f,
        message: 'is not a valid parameter name',
        value: k,
        fix: 'use a name such as "work_mem" or "pg_stat_statements.max"',
      });
    } else if (BLOCKED_PARAMETERS.includes(k) || FIXED_PARAMETERS.includes(k)) {
      // CNPG's webhook accepts a fixed parameter only with the value its own configuration holds (parameters.ts).
      const accepted = cnpgAdmissionValue(k, walArchivingDisabled);
      if (v !== accepted) {
        const only =
          accepted === undefined ? 'rejected at any value' : `accepted only as ${JSON.stringify(accepted)}, the value CNPG sets itself`;
        const what = BLOCKED_PARAMETERS.includes(k) ? 'is blocked by CNPG (the operator manages it)' : 'is fixed by CNPG';
        problems.push({
          code: 'parameter-fixed-by-cnpg',
          field: f,
          message: `${what}: ${only}`,
          value: v,
          fix: PARAMETER_FIX[k] ?? 'remove it; CNPG sets it',
        });
      }
    }
    if (typeof v !== 'string') {
      problems.push({
        code: 'parameter-not-string',
        field: f,
        message: 'must be a string (CNPG parameters are strings)',
        value: v,
        fix: `write it as "${String(v)}"`,
      });
    } else if (hasControlCharacters(v)) {
      problems.push({
        code: 'parameter-control-character',
        field: f,
        message: 'contains a newline or another control character, which postgresql.conf cannot hold',
        value: v,
        fix: 'write the value on one line without control characters',
      });
    }
  }
  // wal_level: the webhook's rules (validateConfiguration, cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go).
  const walLevel = userParams.wal_level ?? 'logical';
  if (!WAL_LEVELS.includes(walLevel)) {
    problems.push({
      code: 'wal-level-invalid',
      field: 'postgresql.parameters.wal_level',
      message: 'is not a wal_level CNPG knows',
      value: walLevel,
      fix: 'use "logical" (CNPG\'s default), "replica" or "minimal"',
    });
  } else if (walLevel === 'minimal') {
    if (instances > 1 || !walArchivingDisabled) {
      problems.push({
        code: 'wal-level-minimal-refused',
        field: 'postgresql.parameters.wal_level',
        message: `must be "logical" or "replica" when ${instances > 1 ? 'instances is greater than 1' : 'WAL archiving is on (archive_mode is on unless the cnpg.io/skipWalArchiving annotation is "enabled")'}`,
        value: walLevel,
        fix: 'use "replica" or "logical"',
      });
    } else if (userParams.max_wal_senders !== '0') {
      problems.push({
        code: 'wal-level-minimal-senders',
        field: 'postgresql.parameters.max_wal_senders',
        message: 'must be "0" with wal_level "minimal"',
        value: userParams.max_wal_senders,
        fix: 'set max_wal_senders: "0", or use wal_level "replica"',
      });
    }
  }
  return problems;
}

/** Step: the parameters the images need, merged with the user's (a conflict is a problem), and output plugins. */
function mergeImageParameters(
  props: PostgresClusterProps,
  images: readonly ExtensionImage[],
  operand: OperandInfo,
): { parameters: Record<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const userParams = props.postgresql?.parameters ?? {};
  const parameters: Record<string, string> = { ...userParams };
  images.forEach((img, i) => {
    for (const [k, v] of Object.entries(img.parameters)) {
      if (k in userParams && userParams[k] !== v) {
        problems.push({
          code: 'parameter-conflicts-with-image',
          field: `postgresql.parameters.${k}`,
          message: `conflicts with extensions[${i}] (${img.name}), which needs ${k} = "${v}"`,
          value: userParams[k],
          fix: `set it to "${v}" or remove it`,
        });
      }
      parameters[k] = v;
    }
    const plugin = img.catalogEntry?.outputPlugin;
    if (plugin !== undefined) {
      let allowList = img.outputPluginLibraries;
      if (allowList === undefined && operand.major !== undefined && operand.major > 18) allowList = true;
      if (allowList === undefined && operand.major === 18 && operand.minor !== undefined) allowList = operand.minor >= 6;
      if (allowList === undefined && !('output_plugin_libraries' in userParams)) {
        problems.push({
          code: 'output-plugin-minor-unknown',
          field: `extensions[${i}]`,
          message: `${plugin} needs output_plugin_libraries from PostgreSQL 18.6 on, and that parameter is fatal before 18.6; the image tag does not say the minor`,
          value: props.imageName ?? props.imageCatalogRef?.name,
          fix: `use an imageName with a minor version (e.g. "...postgresql:18.6-minimal-trixie") or pass { outputPluginLibraries: true | false } to ExtensionImage.${img.catalogEntry?.factory ?? 'fromCatalog'}`,
        });
      } else if (allowList) {
        parameters.output_plugin_libraries = parameters.output_plugin_libraries
          ? `${parameters.output_plugin_libraries}${parameters.output_plugin_libraries.split(/,\s*/).includes(plugin) ? '' : `, ${plugin}`}`
          : `pgoutput, test_decoding, ${plugin}`;
      }
    }
  });

  return { parameters, problems };
}

/** Step: preload libraries (the user's, then the images', without duplicates) and CNPG's managed modules. */
function mergePreload(
  props: PostgresClusterProps,
  images: readonly ExtensionImage[],
  parameters: Readonly<Record<string, string>>,
): { preload: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  // Preload libraries: the user's, then the images', without duplicates.
  const preload: string[] = [];
  for (const lib of [...(props.postgresql?.sharedPreloadLibraries ?? []), ...images.flatMap((x) => x.sharedPreloadLibraries)]) {
    if (!preload.includes(lib)) preload.push(lib);
  }
  (props.postgresql?.sharedPreloadLibraries ?? []).forEach((lib, i) => {
    if (typeof lib !== 'string' || !/^[A-Za-z0-9_$./-]+$/.test(lib)) {
      problems.push({
        code: 'preload-library-invalid',
        field: `postgresql.sharedPreloadLibraries[${i}]`,
        message: 'is not a library name',
        value: lib,
        fix: 'use a library name such as "pg_stat_statements"',
      });
    } else if (CNPG_MANAGED_MODULES.some((m) => m.name === lib && m.createsExtension) && !managedModuleEnabled(lib, parameters)) {
      // Preloading alone creates nothing, and CNPG drops the extension on every start (extension-catalog.ts).
      problems.push({
        code: 'preload-managed-module-alone',
        field: `postgresql.sharedPreloadLibraries[${i}]`,
        message: `preloading ${lib} alone does not give the databases the extension: CNPG creates it only when a ${lib}.* parameter is set, and drops it on every instance start otherwise`,
        value: lib,
        fix: managedModuleFix(lib).replace(/^remove it from the Database and set/, 'set'),
      });
    }
  });
  // A mounted image of a managed module does nothing until CNPG sees one of its parameters.
  images.forEach((img, i) => {
    for (const e of img.sqlExtensions) {
      if (CNPG_MANAGED_MODULES.some((m) => m.name === e.name) && !managedModuleEnabled(e.name, parameters)) {
        problems.push({
          code: 'managed-module-not-enabled',
          field: `extensions[${i}]`,
          message: `CNPG loads ${e.name} and creates it in every database only when a ${e.name}.* parameter is set; none is`,
          value: img.name,
          fix: `set a ${e.name}.* parameter in postgresql.parameters${img.catalogEntry?.enablingOption ? `, or pass ${img.catalogEntry.enablingOption} to ExtensionImage.${img.catalogEntry.factory}` : ''}`,
        });
      }
    }
  });
  return { preload, problems };
}

/**
 * Checks a cluster's props against CNPG's rules (throwing a {@link CnpgValidationError} that names `path`, each
 * field and its fix) and builds its model. The model is read-only: its spec, images and lists may be shared with
 * other clusters (frozen) when their props differ only by name or they mount the same images.
 *
 * @param path where the props come from, for error messages (a construct path or a resource name)
 * @param defaultName the cluster's name when `props.name` is not given
 * @param frontEndKeys props a front end accepts besides the core's (not checked here, not shared)
 */
export function buildCluster(
  path: string,
  defaultName: string,
  props: PostgresClusterProps,
  frontEndKeys: readonly string[] = [],
): ClusterModel {
  const hit = frontEndKeys.length === 0 ? recentCluster(props) : undefined;
  if (hit !== undefined && (props.name === undefined || typeof props.name === 'string')) {
    // Everything but the name and the roles was checked clean for an earlier cluster: their checks are the only
    // ones left, the ones the full build makes (so a bad name or role fails with the same problem either way).
    const name = props.name ?? defaultName;
    throwIfProblems(
      path,
      'PostgresCluster',
      allProblems(
        checkDnsLabel(props.name === undefined ? 'name (defaulted from the id)' : 'name', name, 'the cluster name'),
        checkManagedRoles('roles', props.roles),
      ),
    );
    // Roles (per-cluster secret names) are the cluster's own: `managed` is a pass-through key, so a hit has none but these.
    const spec =
      hit.spec.managed || props.roles?.length
        ? { ...hit.spec, managed: managedWithRoles<ClusterSpecManaged>(undefined, props.roles) }
        : hit.spec;
    return { ...hit, spec, name, namespace: props.namespace, labels: props.labels, annotations: props.annotations };
  }
  const model = checkAndBuildCluster(path, defaultName, props, frontEndKeys);
  // An app whose clusters all differ gets no hits: after a run of misses, only every 16th cluster is remembered.
  missesSinceHit++;
  const remember = frontEndKeys.length === 0 && (missesSinceHit <= 16 || missesSinceHit % 16 === 0);
  const snapshot = remember ? propsSnapshot(props) : undefined;
  if (snapshot !== undefined) {
    recentClusters.unshift({ props: snapshot, model });
    if (recentClusters.length > RECENT_CLUSTERS) recentClusters.pop();
  }
  return model;
}

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

function recentCluster(props: PostgresClusterProps): ClusterModel | undefined {
  if (!isPlainObject(props)) return undefined;
  for (let i = 0; i < recentClusters.length; i++) {
    const entry = recentClusters[i];
    if (!sameProps(props, entry.props)) continue;
    if (i > 0) {
      recentClusters.splice(i, 1);
      recentClusters.unshift(entry);
    }
    // Frozen when first shared (not before: most clusters of a varied app are never matched).
    deepFreeze(entry.model.spec);
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

function checkAndBuildCluster(
  path: string,
  defaultName: string,
  props: PostgresClusterProps,
  frontEndKeys: readonly string[],
): ClusterModel {
  // Wrong runtime types first: the checks below assume the declared types.
  throwIfProblems(
    path,
    'PostgresCluster',
    allProblems(checkRuntimeTypes('', props, CLUSTER_TYPES), checkRuntimeTypes('postgresql', props?.postgresql, POSTGRESQL_TYPES)),
  );
  // Every check first (each step returns its problems), then one builder: nothing is built from bad props.
  const basics = checkBasics(props, defaultName);
  const { name, instances, operand } = basics;
  const requested = props.extensions ?? [];
  const { images, parameters, preload, imageStep, parameterStep, preloadStep, sqlExtension } = imageSteps(props, operand, requested);
  const problems = allProblems(
    checkKnownKeys('', props, frontEndKeys.length ? withFrontEndKeys(CLUSTER_KEYS, frontEndKeys) : CLUSTER_KEYS),
    checkKnownKeys('storage', props.storage, STORAGE_KEYS),
    checkKnownKeys('walStorage', props.walStorage, STORAGE_KEYS),
    checkKnownKeys('postgresql', props.postgresql, POSTGRESQL_KEYS),
    basics.problems,
    checkManagedRoles('roles', props.roles),
    imageStep.problems,
    checkUserParameters(props, instances),
    parameterStep.problems,
    preloadStep.problems,
    checkClusterBackup(props, name, props.namespace),
  );

  const spec: ClusterSpec = {
    imageName: props.imageName,
    imageCatalogRef: props.imageCatalogRef
      ? {
          apiGroup: 'postgresql.cnpg.io',
          kind: props.imageCatalogRef.kind,
          name: props.imageCatalogRef.name,
          major: props.imageCatalogRef.major,
        }
      : undefined,
    instances,
    description: props.description,
    storage: { size: props.storage?.size, storageClass: props.storage?.storageClass },
    walStorage: props.walStorage ? { size: props.walStorage.size, storageClass: props.walStorage.storageClass } : undefined,
    enableSuperuserAccess: props.enableSuperuserAccess,
    bootstrap: props.bootstrap,
    resources: clusterResources(props.resources),
    affinity: props.affinity,
    monitoring: props.monitoring,
    managed: managedWithRoles(props.managed, props.roles),
    imagePullSecrets: props.imagePullSecrets?.map((n) => ({ name: n })),
    ...clusterBackupSpec(props, props.namespace),
    postgresql:
      images.length > 0 || Object.keys(parameters).length > 0 || preload.length > 0 || props.postgresql?.pgHba
        ? {
            // Frozen and shared between clusters when the image steps were memoized (as the extension entries are).
            parameters: Object.keys(parameters).length > 0 ? (parameters as Record<string, string>) : undefined,
            sharedPreloadLibraries: preload.length > 0 ? (preload as string[]) : undefined,
            pgHba: props.postgresql?.pgHba ? [...props.postgresql.pgHba] : undefined,
            extensions:
              requested.length > 0
                ? (clusterExtensionEntries(
                    requested,
                    supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv'),
                  ) as ClusterSpecPostgresqlExtensions[])
                : undefined,
          }
        : undefined,
  };
  const found = allProblems(
    problems,
    checkOperatorCompatibility(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, spec, 'operatorVersion'),
  );
  throwIfProblems(path, 'PostgresCluster', errorsOf(found));

  return {
    name,
    namespace: props.namespace,
    labels: props.labels,
    annotations: props.annotations,
    spec,
    postgresMajor: operand.major,
    operatorVersion: props.operatorVersion ?? DEFAULT_OPERATOR_VERSION,
    extensions: images,
    sqlExtension,
    warnings: found.length === 0 ? NO_PROBLEMS : warningsOf(found),
  };
}

/** What the image steps give a cluster; shared between clusters when memoized (see imageSteps). */
interface ImageSteps {
  readonly images: readonly ExtensionImage[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly preload: readonly string[];
  readonly imageStep: { readonly problems: Problem[] };
  readonly parameterStep: { readonly problems: Problem[] };
  readonly preloadStep: { readonly problems: Problem[] };
  readonly sqlExtension: (name: string) => AvailableSqlExtension | undefined;
}

/**
 * Platform repos mount the same few images in hundreds of clusters: the image steps (checkImages,
 * mergeImageParameters, mergePreload) of a cluster whose only inputs to them are its operand image, its
 * (immutable, shared) ExtensionImage values and whether its operator applies extension env are computed once per
 * such combination, like a Database's plan. Not memoized: image catalogs, user parameters or preload libraries,
 * operands not memoized by name, and any combination with an error (messages are per cluster; warnings are kept).
 * What is kept is frozen, as it is shared.
 */
const imageStepsMemo = new Map<string, ImageSteps>();
const IMAGE_STEPS_MEMO_LIMIT = 512;

function imageSteps(props: PostgresClusterProps, operand: OperandInfo, requested: readonly ExtensionImage[]): ImageSteps {
  const pg = props.postgresql;
  let key: string | undefined;
  if (
    props.imageCatalogRef === undefined &&
    typeof props.imageName === 'string' &&
    operandMemo.get(props.imageName) === operand &&
    (pg?.parameters === undefined || Object.keys(pg.parameters).length === 0) &&
    (pg?.sharedPreloadLibraries === undefined || pg.sharedPreloadLibraries.length === 0)
  ) {
    // The operator version decides which warnings the images get (extension env from CNPG 1.29).
    let ids = `${props.imageName}|${supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv')}`;
    for (let i = 0; i < requested.length; i++) ids += `|${imageId(requested[i])}`;
    key = ids;
    const hit = imageStepsMemo.get(key);
    if (hit) return hit;
  }
  const imageStep = checkImages(props, operand);
  const parameterStep = mergeImageParameters(props, imageStep.images, operand);
  const preloadStep = mergePreload(props, imageStep.images, parameterStep.parameters);
  const steps: ImageSteps = {
    images: imageStep.images,
    parameters: parameterStep.parameters,
    preload: preloadStep.preload,
    imageStep,
    parameterStep,
    preloadStep,
    sqlExtension: sqlExtensionLookup(imageStep.images),
  };
  // Kept when nothing is wrong: warnings name no construct, so they are shared too.
  const clean = (p: readonly Problem[]) => (p.length === 0 ? NO_PROBLEMS : (Object.freeze(p.slice()) as Problem[]));
  if (
    key !== undefined &&
    errorsOf(imageStep.problems).length + errorsOf(parameterStep.problems).length + errorsOf(preloadStep.problems).length === 0
  ) {
    if (imageStepsMemo.size >= IMAGE_STEPS_MEMO_LIMIT) imageStepsMemo.clear();
    imageStepsMemo.set(
      key,
      Object.freeze({
        ...steps,
        images: Object.freeze(steps.images),
        parameters: Object.freeze(steps.parameters),
        preload: Object.freeze(steps.preload),
        imageStep: { problems: clean(imageStep.problems) },
        parameterStep: { problems: clean(parameterStep.problems) },
        preloadStep: { problems: clean(preloadStep.problems) },
      }),
    );
  }
  return steps;
}

/**
 * Where each SQL extension comes from, in PostgreSQL's search order as CNPG configures it: the instance
 * manager writes `extension_control_path = $system:<each image's share dir, in list order>` and PostgreSQL
 * takes the first control file it finds (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`,
 * `setExtensionControlPath`). So the operand image's own copy wins over every mounted image, and an earlier
 * image over a later one. A scan over a handful of entries: nothing is built or kept per cluster.
 */
function sqlExtensionLookup(images: readonly ExtensionImage[]): (name: string) => AvailableSqlExtension | undefined {
  return (name) => {
    if (Object.hasOwn(BASE_IMAGE_EXTENSIONS, name)) return BASE_IMAGE_EXTENSIONS[name];
    for (const img of images) {
      const exts = img.sqlExtensions;
      for (let i = 0; i < exts.length; i++) {
        if (exts[i].name === name)
          return { name, requires: exts[i].requires, image: img.name, version: i === 0 ? img.sqlVersion : undefined };
      }
    }
    return undefined;
  };
}
