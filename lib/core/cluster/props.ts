// The props of a PostgreSQL cluster and the model it is built into, shared by the cdk8s construct and the Pulumi
// component.
import type {
  ClusterSpec,
  ClusterSpecAffinity,
  ClusterSpecBootstrap,
  ClusterSpecManaged,
  ClusterSpecMonitoring,
} from '../../../imports/postgresql.cnpg.io.spec';
import type { ClusterBackupRecoveryProps } from '../backup/cluster-backup-props';
import type { SqlExtensionInfo } from '../extension-catalog';
import type { ExtensionImage } from '../extension-image';
import type { ExtensionImageProps } from '../extension-image-props';
import type { Finding } from '../findings';
import type { CheckedCatalogReference } from '../image-catalog';
import type { ResourceRequirements } from '../resources';
import type { ManagedRoleProps } from '../serving/roles';

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
   * At most one of `imageName` and `imageCatalogRef`; with extension images, one of them is required.
   * @default - CNPG's default image (`ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie` for CNPG 1.30.0)
   */
  readonly imageName?: string;
  /**
   * Take the operand image (and catalog extensions) from an image catalog instead of `imageName` (CNPG 1.29+
   * for extensions). The PostgreSQL major is the catalog reference's.
   * @default - none
   */
  readonly imageCatalogRef?: ImageCatalogReference | CheckedCatalogReference;
  /**
   * PostgreSQL major of `imageName`, for tags that do not start with it. (CNPG refuses an `imageName` with only a
   * digest: give the version tag before it.)
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
  /** Name of the `Cluster` object. */
  readonly name: string;
  /** Namespace of the `Cluster` object, when given. */
  readonly namespace?: string;
  /** Labels of the `Cluster` object. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the `Cluster` object. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The CNPG `Cluster` spec (read-only: it may be shared with other clusters). */
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
  /** Version the image provides, when known: what CREATE EXTENSION without VERSION installs. */
  readonly version?: string;
  /** Every version the image can install, when known (see {@link ExtensionImageProps.sqlVersions}). */
  readonly versions?: readonly string[];
}
