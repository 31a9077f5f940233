// A PostgreSQL cluster: its props, the checks CNPG and the library apply to them, and the builder of its model.
export type {
  AvailableSqlExtension,
  ClusterModel,
  ImageCatalogReference,
  PostgresClusterProps,
  PostgresqlProps,
  StorageProps,
} from './props';
export { checkStorageClass, checkStorageSize } from './storage';
export { buildCluster } from './build';
