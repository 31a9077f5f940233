import {
  type ClusterSpec,
  type DatabaseSpec,
  toJson_ClusterSpec,
  toJson_ClusterSpecPostgresqlExtensions,
  toJson_DatabaseSpec,
  toJson_DatabaseSpecExtensions,
  toJson_ImageCatalogSpec,
} from '../../imports/postgresql.cnpg.io.spec';
import type { ClusterModel } from './cluster';
import type { DatabaseModel } from './database';
import type { ImageCatalogModel } from './image-catalog';
import type { KubeObject } from './operator-manifest';
import { deepFreeze } from './freeze';

/** API group/version of CNPG's kinds. */
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

// Frozen arrays are shared between objects (the same images, the same extension lists: see
// clusterExtensionEntries and the Database plan memo): each is serialized once and its frozen wire form shared.
// Sharing is safe: cdk8s resolves and sanitizes props into new objects at synth.
const wireOf = new WeakMap<object, readonly unknown[]>();
const wireOfSpec = new WeakMap<ClusterSpec, Record<string, unknown>>();

function sharedWire<T>(list: readonly T[], serialize: (x: T) => unknown): readonly unknown[] {
  let wire = wireOf.get(list);
  if (!wire) {
    wire = Object.freeze(list.map((x) => deepFreeze(serialize(x))));
    wireOf.set(list, wire);
  }
  return wire;
}

/**
 * `spec` of a Cluster as CNPG reads it (wire names such as `shared_preload_libraries`), via the generated serializer.
 * `shared`: frozen parts may be shared with other objects' specs (the cdk8s front end, whose objects are copied at
 * synth); otherwise the result is the caller's own, freely mutable.
 */
export function clusterSpecToWire(spec: ClusterSpec, shared = false): Record<string, unknown> {
  if (!shared) return toJson_ClusterSpec(spec) ?? {};
  // A frozen spec is shared by clusters that differ only by name (buildCluster): serialized once, shared frozen.
  if (!Object.isFrozen(spec)) return wireWithSharedExtensions(spec);
  let wire = wireOfSpec.get(spec);
  if (!wire) {
    wire = deepFreeze(wireWithSharedExtensions(spec));
    wireOfSpec.set(spec, wire);
  }
  return wire;
}

/** The wire spec, with the shared wire form of a frozen (shared) extension list. */
function wireWithSharedExtensions(spec: ClusterSpec): Record<string, unknown> {
  const exts = spec.postgresql?.extensions;
  if (!exts || !Object.isFrozen(exts)) return toJson_ClusterSpec(spec) ?? {};
  const wire = toJson_ClusterSpec({ ...spec, postgresql: { ...spec.postgresql, extensions: undefined } }) ?? {};
  wire.postgresql = {
    ...(wire.postgresql as Record<string, unknown> | undefined),
    extensions: sharedWire(exts, toJson_ClusterSpecPostgresqlExtensions),
  };
  return wire;
}

/** `spec` of a Database as CNPG reads it, via the generated serializer (`shared`: frozen parts of the spec may be shared with other objects). */
export function databaseSpecToWire(spec: DatabaseSpec, shared = false): Record<string, unknown> {
  const exts = spec.extensions;
  if (!shared || !exts || !Object.isFrozen(exts)) return toJson_DatabaseSpec(spec) ?? {};
  const wire = toJson_DatabaseSpec({ ...spec, extensions: undefined }) ?? {};
  wire.extensions = sharedWire(exts, toJson_DatabaseSpecExtensions);
  return wire;
}

function metadata(
  name: string,
  namespace?: string,
  labels?: Readonly<Record<string, string>>,
  annotations?: Readonly<Record<string, string>>,
): KubeObject['metadata'] {
  // Assigned in this order (name, namespace, labels, annotations), without a spread per absent field.
  const out: Record<string, unknown> = { name };
  if (namespace) out.namespace = namespace;
  if (labels && Object.keys(labels).length) out.labels = { ...labels };
  if (annotations && Object.keys(annotations).length) out.annotations = { ...annotations };
  return out as KubeObject['metadata'];
}

/** `metadata` of an emitted object: name, namespace, labels, annotations, each only when set. @internal */
export const objectMetadata = metadata;

/** The complete `Cluster` object, as plain JSON (`shared`: frozen parts of the spec may be shared with other objects). */
export function clusterManifest(model: ClusterModel, shared = false): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'Cluster',
    metadata: metadata(model.name, model.namespace, model.labels, model.annotations),
    spec: clusterSpecToWire(model.spec, shared),
  };
}

/** The complete `Database` object, as plain JSON (`shared`: frozen parts of the spec may be shared with other objects). */
export function databaseManifest(model: DatabaseModel, shared = false): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: 'Database',
    metadata: metadata(model.resourceName, model.namespace),
    spec: databaseSpecToWire(model.spec, shared),
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

/** Wire names of an extension entry (`spec.postgresql.extensions[i]`) and the ExtensionImage props they come from. */
const EXTENSION_PROPS: Readonly<Record<string, string>> = {
  name: 'name',
  image: 'reference',
  'image.reference': 'reference',
  'image.pullPolicy': 'pullPolicy',
  extension_control_path: 'extensionControlPath',
  dynamic_library_path: 'dynamicLibraryPath',
  ld_library_path: 'ldLibraryPath',
  bin_path: 'binPath',
  env: 'env',
};

/** Wire names of `spec.postgresql` and the props they come from (preload libraries merge the images': no index). */
const POSTGRESQL_PROPS: readonly (readonly [RegExp, (m: RegExpExecArray) => string])[] = [
  [/^parameters(\..+)?$/, (m) => `postgresql.parameters${m[1] ?? ''}`],
  [/^shared_preload_libraries(\[\d+\])?$/, () => 'postgresql.sharedPreloadLibraries'],
  [/^pg_hba(\[\d+\])?$/, (m) => `postgresql.pgHba${m[1] ?? ''}`],
];

const CLUSTER_SPEC_PROPS = new Set([
  'imageName',
  'imageCatalogRef',
  'instances',
  'description',
  'storage',
  'walStorage',
  'enableSuperuserAccess',
  'bootstrap',
  'resources',
  'affinity',
  'monitoring',
  'managed',
]);

/** `.metadata.<k>` as the prop that sets it (`nameProp`: the prop of the object's name). */
function metadataProp(rest: string, nameProp: string): string | undefined {
  const m = /^\.metadata\.(name|namespace|labels|annotations)(.*)$/.exec(rest);
  if (!m) return undefined;
  return m[1] === 'name' ? nameProp : `${m[1]}${m[2]}`;
}

/**
 * The `PostgresCluster` prop a path in its `Cluster` object comes from (`.spec.instances` is `instances`,
 * `.spec.postgresql.extensions[1].ld_library_path` is `extensions[1].ldLibraryPath`), or undefined when no prop
 * sets it.
 */
export function clusterPropOf(path: string): string | undefined {
  const meta = metadataProp(path, 'name');
  if (meta !== undefined) return meta;
  const spec = /^\.spec\.([A-Za-z]+)(.*)$/.exec(path);
  if (!spec) return undefined;
  const [, key, rest] = spec;
  if (CLUSTER_SPEC_PROPS.has(key)) return `${key}${rest}`;
  if (key === 'imagePullSecrets') return `imagePullSecrets${/^\[\d+\]/.exec(rest)?.[0] ?? ''}`;
  if (key !== 'postgresql' || !rest.startsWith('.')) return undefined;
  const ext = /^\.extensions\[(\d+)\](?:\.(.+))?$/.exec(rest);
  if (ext) {
    if (ext[2] === undefined) return `extensions[${ext[1]}]`;
    const sub = Object.keys(EXTENSION_PROPS).find((k) => ext[2] === k || ext[2].startsWith(`${k}.`) || ext[2].startsWith(`${k}[`));
    return sub ? `extensions[${ext[1]}].${EXTENSION_PROPS[sub]}${ext[2].slice(sub.length)}` : undefined;
  }
  for (const [pattern, prop] of POSTGRESQL_PROPS) {
    const m = pattern.exec(rest.slice(1));
    if (m) return prop(m);
  }
  return undefined;
}

/**
 * The `ExtensionDatabase` prop a path in its `Database` object comes from (`.spec.owner` is `owner`), or undefined
 * (the extension list is expanded from images and sorted, so its entries map to no single prop).
 */
export function databasePropOf(path: string): string | undefined {
  const meta = metadataProp(path, 'resourceName');
  if (meta !== undefined) return meta;
  const m = /^\.spec\.(name|owner|ensure|databaseReclaimPolicy|cluster)(.*)$/.exec(path);
  if (!m) return undefined;
  return m[1] === 'cluster' ? 'cluster' : `${m[1]}${m[2]}`;
}

/** The image catalog prop a path in its object comes from (`.spec.images[0].major` is `images[0].major`). */
export function imageCatalogPropOf(path: string): string | undefined {
  const meta = metadataProp(path, 'name');
  if (meta !== undefined) return meta;
  const m = /^\.spec\.images(\[\d+\](?:\.(?:image|major))?)?$/.exec(path);
  return m ? `images${m[1] ?? ''}` : undefined;
}
