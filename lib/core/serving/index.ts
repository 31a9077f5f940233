/**
 * Serving a database: poolers, monitoring, roles, database objects, and what applications connect with.
 * Framework-free, like the rest of the core.
 */
export {
  type ClusterReference,
  checkServiceName,
  isClusterModel,
  SERVING_FEATURES,
  type ServedCluster,
} from './common';
export * from './endpoints';
export {
  checkManagedRoles,
  checkRole,
  isReservedRole,
  type ManagedRoleProps,
  managedWithRoles,
  type RoleProps,
  roleToWire,
} from './roles';
export * from './database-role';
export * from './pooler';
export * from './monitoring';
export * from './alerts';
export { PGBOUNCER_PARAMETERS } from './pooler-rules';
export {
  checkDatabaseObjects,
  type DatabaseObjectsProps,
  type DatabaseSchema,
  type Ensure,
  databaseObjectsSpec,
  type ForeignDataWrapper,
  type ForeignServer,
  type ObjectOption,
  type UsageGrant,
} from './database-objects';
