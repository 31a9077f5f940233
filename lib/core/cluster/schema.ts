// The keys and run-time types of the cluster props, one declaration per props type (props-schema.ts).
import { CLUSTER_BACKUP_SCHEMA } from '../backup/cluster-backup-props';
import { ExtensionImage } from '../extension-image';
import { propsSchema } from '../props-schema';
import type { PostgresClusterProps, PostgresqlProps, StorageProps } from './props';

/** Keys and run-time types of {@link PostgresClusterProps}. */
export const CLUSTER_SCHEMA = propsSchema<PostgresClusterProps>()({
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
  ...CLUSTER_BACKUP_SCHEMA.declaration,
});

/**
 * Keys of {@link StorageProps} (`storage`, `walStorage`). Both values have rules of their own, which name a wrong
 * type too (`storage-size-invalid`, `name-not-dns-subdomain`), so no run-time type is declared.
 */
export const STORAGE_SCHEMA = propsSchema<StorageProps>()({ size: null, storageClass: null });

/** Keys and run-time types of {@link PostgresqlProps} (`postgresql`). */
export const POSTGRESQL_SCHEMA = propsSchema<PostgresqlProps>()({
  parameters: 'stringMap',
  sharedPreloadLibraries: 'stringArray',
  pgHba: 'stringArray',
});
