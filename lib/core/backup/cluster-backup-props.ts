// The props a PostgresCluster gains for backups, recovery and replica clusters (CNPG's distributed topology),
// through the Barman Cloud plugin (CNPG 1.26+): `backup`, `recovery`, `replica`, `externalClusters`, `plugins`.
import type {
  ClusterSpecBackupVolumeSnapshot,
  ClusterSpecBootstrapRecoveryVolumeSnapshots,
  ClusterSpecPlugins,
} from '../../../imports/postgresql.cnpg.io.spec';
import type { ClusterModel } from '../cluster';
import { propsSchema } from '../props-schema';
import type { SecretKeyReference } from './object-store-checks';
import type { RecoveryTargetProps } from './recovery-target';

/**
 * An `ObjectStore` a cluster uses: the cdk8s construct or Pulumi component itself (or anything with its `name`),
 * or just the name of a store in the cluster's namespace.
 */
export type ObjectStoreTarget = string | ObjectStoreReference;

/** What a cluster needs to know of an object store defined in the same program. */
export interface ObjectStoreReference {
  /** Name of the `ObjectStore`. */
  readonly name: string;
  /** Its namespace (it must be the cluster's): checked when it is a string (a Pulumi Output is not known yet). */
  readonly namespace?: unknown;
  /** Its destination path (two stores with one path are one destination), when it is a string. */
  readonly destinationPath?: unknown;
}

/** A cluster of the same program, as another cluster's source: the cdk8s construct or Pulumi component. */
export interface ClusterSource {
  /** The source's validated model (its name, namespace and backup configuration). */
  readonly model: ClusterModel;
}

/** WAL archiving and base backups. */
export interface ClusterBackupProps {
  /**
   * The `ObjectStore` WAL files and base backups go to, through the Barman Cloud plugin (a `spec.plugins` entry).
   * It must be in the cluster's namespace.
   * @default - none: no WAL archive, no base backups to an object store
   */
  readonly objectStore?: ObjectStoreTarget;
  /**
   * The name this cluster archives under in the store (its folder). Clusters sharing a store need distinct names.
   * @default - the cluster's name (the plugin's default)
   */
  readonly serverName?: string;
  /**
   * Whether the plugin archives the WAL (`isWALArchiver`). Emitted: without a WAL archive, base backups cannot be
   * recovered, so the plugin's docs set it; CNPG's own field default is false.
   * @default true
   */
  readonly walArchiver?: boolean;
  /**
   * Which instance takes base backups.
   * @default - CNPG's (prefer-standby)
   */
  readonly target?: 'primary' | 'prefer-standby';
  /**
   * Volume snapshot backups (`spec.backup.volumeSnapshot`), for `method: 'volumeSnapshot'` backups.
   * @default - none
   */
  readonly volumeSnapshot?: ClusterSpecBackupVolumeSnapshot;
}

/** Another cluster this one recovers from or follows (an `externalClusters` entry). */
export interface ExternalClusterProps {
  /** Name of the entry (what `recovery.source` and `replica.source` / `primary` / `self` name): the other cluster's name. */
  readonly name: string;
  /**
   * A cluster of this program: its object store and server name are taken from its `backup`.
   * @default - none
   */
  readonly cluster?: ClusterSource;
  /**
   * Its object store, read through the Barman Cloud plugin. It must be in this cluster's namespace.
   * @default - the `cluster`'s, if given
   */
  readonly objectStore?: ObjectStoreTarget;
  /**
   * The name it archives under in that store. Required with an object store (unless `cluster` gives it): the plugin
   * would otherwise read this cluster's own name, not the source's.
   * @default - the `cluster`'s server name
   */
  readonly serverName?: string;
  /**
   * Streaming replication: libpq connection parameters (`host`, `user`, `dbname`, `sslmode`, ...).
   * @default - none
   */
  readonly connectionParameters?: Readonly<Record<string, string>>;
  /**
   * The password, in a Secret.
   * @default - none
   */
  readonly password?: SecretKeyReference;
  /**
   * A client certificate, in a Secret.
   * @default - none
   */
  readonly sslCert?: SecretKeyReference;
  /**
   * The client certificate's key, in a Secret.
   * @default - none
   */
  readonly sslKey?: SecretKeyReference;
  /**
   * The server's CA, in a Secret.
   * @default - none
   */
  readonly sslRootCert?: SecretKeyReference;
}

/** Bootstrap from a backup: a new cluster from an object store (latest or a point in time) or from volume snapshots. */
export interface ClusterRecoveryProps {
  /**
   * The cluster recovered from: the name of an `externalClusters` entry, or an entry (added to `externalClusters`).
   * @default - none (with `volumeSnapshots`)
   */
  readonly source?: string | ExternalClusterProps;
  /**
   * Volume snapshots (or PVCs) to recover PGDATA (and WAL, tablespaces) from.
   * @default - none
   */
  readonly volumeSnapshots?: ClusterSpecBootstrapRecoveryVolumeSnapshots;
  /**
   * Where the recovery stops.
   * @default - the end of the WAL archive (the latest state)
   */
  readonly recoveryTarget?: RecoveryTargetProps;
  /**
   * The application database.
   * @default 'app' (as CNPG)
   */
  readonly database?: string;
  /**
   * Owner of the application database.
   * @default - the database name (as CNPG)
   */
  readonly owner?: string;
  /**
   * Secret with the owner's credentials.
   * @default - CNPG creates `<name>-app`
   */
  readonly secret?: string;
}

/** Replica cluster of a distributed topology: it follows `source` until it is promoted. */
export interface ClusterReplicaProps {
  /** The cluster followed: the name of an `externalClusters` entry, or an entry (added to `externalClusters`). */
  readonly source: string | ExternalClusterProps;
  /**
   * The primary cluster of the topology (an `externalClusters` entry). This cluster is a replica while it is not
   * `self`; promote it by setting `primary` to its own name (with the demoted primary's `promotionToken`).
   * @default - none (then `enabled` decides)
   */
  readonly primary?: string;
  /**
   * This cluster's name in the topology.
   * @default - the cluster's name
   */
  readonly self?: string;
  /**
   * Replica mode on or off, without a topology (not with `primary`).
   * @default - decided by `primary` and `self`
   */
  readonly enabled?: boolean;
  /**
   * The demotion token of the former primary, for a switchover without data loss.
   * @default - none
   */
  readonly promotionToken?: string;
  /**
   * Replay WAL only this long after its commit (a Go duration such as `1h`); not with `promotionToken`.
   * @default - none
   */
  readonly minApplyDelay?: string;
}

/** The props {@link PostgresClusterProps} gains for backups, recovery and replica clusters. */
export interface ClusterBackupRecoveryProps {
  /**
   * WAL archiving and base backups (to an object store through the Barman Cloud plugin, or volume snapshots).
   * @default - none
   */
  readonly backup?: ClusterBackupProps;
  /**
   * Bootstrap this new cluster from a backup instead of `initdb` (not with `bootstrap`).
   * @default - none
   */
  readonly recovery?: ClusterRecoveryProps;
  /**
   * Follow another cluster (replica cluster, distributed topology).
   * @default - none
   */
  readonly replica?: ClusterReplicaProps;
  /**
   * Other clusters this one recovers from or follows.
   * @default - none (besides the entries `recovery.source` and `replica.source` add)
   */
  readonly externalClusters?: readonly ExternalClusterProps[];
  /**
   * Other CNPG-I plugins (`spec.plugins`); the Barman Cloud plugin's entry comes from `backup`.
   * @default - none
   */
  readonly plugins?: readonly ClusterSpecPlugins[];
}

/** The keys and run-time types a PostgresCluster gains for backups, recovery and replica clusters. @internal */
export const CLUSTER_BACKUP_SCHEMA = propsSchema<ClusterBackupRecoveryProps>()({
  backup: 'object',
  recovery: 'object',
  replica: 'object',
  externalClusters: 'array',
  plugins: 'array',
});

/** Keys and run-time types of {@link ClusterBackupProps}. @internal */
export const BACKUP_SCHEMA = propsSchema<ClusterBackupProps>()({
  objectStore: null,
  serverName: 'string',
  walArchiver: 'boolean',
  target: 'string',
  volumeSnapshot: 'object',
});
/** Keys and run-time types of {@link ExternalClusterProps}. @internal */
export const EXTERNAL_SCHEMA = propsSchema<ExternalClusterProps>()({
  name: 'string',
  cluster: null,
  objectStore: null,
  serverName: 'string',
  connectionParameters: 'stringMap',
  password: null,
  sslCert: null,
  sslKey: null,
  sslRootCert: null,
});
/** Keys and run-time types of {@link ClusterRecoveryProps}. @internal */
export const RECOVERY_SCHEMA = propsSchema<ClusterRecoveryProps>()({
  source: null,
  volumeSnapshots: 'object',
  recoveryTarget: 'object',
  database: 'string',
  owner: 'string',
  secret: 'string',
});
/** Keys and run-time types of {@link ClusterReplicaProps}. @internal */
export const REPLICA_SCHEMA = propsSchema<ClusterReplicaProps>()({
  source: null,
  primary: 'string',
  self: 'string',
  enabled: 'boolean',
  promotionToken: 'string',
  minApplyDelay: 'string',
});
/** Keys and run-time types of {@link RecoveryTargetProps}. @internal */
export const RECOVERY_TARGET_SCHEMA = propsSchema<RecoveryTargetProps>()({
  backupID: 'string',
  targetTLI: 'string',
  targetXID: 'string',
  targetName: 'string',
  targetLSN: 'string',
  targetTime: 'string',
  targetImmediate: 'boolean',
  exclusive: 'boolean',
});
