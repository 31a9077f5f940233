import {
  type ClusterSpec,
  type DatabaseSpec,
  toJson_ClusterSpec,
  toJson_DatabaseSpec,
  toJson_ImageCatalogSpec,
} from '../../imports/postgresql.cnpg.io.spec';
import type { ClusterModel } from './cluster';
import type { DatabaseModel } from './database';
import type { ImageCatalogModel } from './image-catalog';
import type { KubeObject } from './operator-manifest';

/** API group/version of CNPG's kinds. */
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

/** `spec` of a Cluster as CNPG reads it (wire names such as `shared_preload_libraries`), via the generated serializer. */
export function clusterSpecToWire(spec: ClusterSpec): Record<string, unknown> {
  return toJson_ClusterSpec(spec) ?? {};
}

/** `spec` of a Database as CNPG reads it, via the generated serializer. */
export function databaseSpecToWire(spec: DatabaseSpec): Record<string, unknown> {
  return toJson_DatabaseSpec(spec) ?? {};
}

function metadata(
  name: string,
  namespace?: string,
  labels?: Readonly<Record<string, string>>,
  annotations?: Readonly<Record<string, string>>,
): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}),
    ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
  };
}

/** The complete `Cluster` object, as plain JSON. */
export function clusterManifest(model: ClusterModel): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'Cluster',
    metadata: metadata(model.name, model.namespace, model.labels, model.annotations),
    spec: clusterSpecToWire(model.spec),
  };
}

/** The complete `Database` object, as plain JSON. */
export function databaseManifest(model: DatabaseModel): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'Database',
    metadata: metadata(model.resourceName, model.namespace),
    spec: databaseSpecToWire(model.spec),
  };
}

/** The complete `ImageCatalog` / `ClusterImageCatalog` object, as plain JSON. */
export function imageCatalogManifest(model: ImageCatalogModel): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: model.kind,
    metadata: metadata(model.name, model.namespace),
    spec: toJson_ImageCatalogSpec(model.spec) ?? {},
  };
}
