/**
 * cnpg-constructs for cdk8s: the constructs over the core, and the core itself. Loads cdk8s and constructs; never
 * @pulumi/*.
 *
 * @module cnpg-constructs/cdk8s
 */
import { assertPeersInstalled } from '../core/peers';

assertPeersInstalled('cnpg-constructs/cdk8s');

export * from '../core';
export { Backup, BarmanCloudPlugin, ObjectStore, ScheduledBackup } from './backup';
export { CnpgChecks, type CnpgChecksOptions } from './checks';
export { type ClusterImportOptions, ImportedPostgresCluster, type IPostgresCluster } from './cluster-reference';
export { DatabaseRole, type DatabaseRoleConstructProps } from './database-role';
export { ExtensionDatabase, type ExtensionDatabaseProps } from './extension-database';
export { ClusterImageCatalog, ImageCatalog } from './image-catalog';
export { ImageLockResolver, type ImageLockResolverProps } from './image-lock';
export { KindConfig, type KindConfigConstructProps, type SynthesizeOptions, synthesize } from './kind';
export { PodMonitor, type PodMonitorConstructProps, PostgresAlertRules, type PostgresAlertRulesProps } from './monitoring';
export { CnpgOperator } from './operator';
export { PlanFailedError, type PlanSynthOptions, planSynth } from './plan';
export { Pooler, type PoolerConstructProps } from './pooler';
export { PostgresCluster } from './postgres-cluster';
