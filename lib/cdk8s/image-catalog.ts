import { Construct } from 'constructs';
import { keepClusterScoped } from './cluster-scoped';
import { ClusterImageCatalog as ClusterImageCatalogObject, ImageCatalog as ImageCatalogObject } from '../../imports/postgresql.cnpg.io';
import {
  buildImageCatalog,
  type CheckedCatalogReference,
  catalogReference,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
} from '../core';

export type { ImageCatalogProps } from '../core';

abstract class CatalogConstruct extends Construct {
  /** The validated model. */
  public readonly model: ImageCatalogModel;

  protected constructor(scope: Construct, id: string, kind: ImageCatalogKind, props: ImageCatalogProps) {
    super(scope, id);
    this.model = buildImageCatalog(this.node.path, id, kind, props);
    const Obj = kind === 'ImageCatalog' ? ImageCatalogObject : ClusterImageCatalogObject;
    keepClusterScoped(
      new Obj(this, 'Resource', { metadata: { name: this.model.name, namespace: this.model.namespace }, spec: this.model.spec }),
    );
  }

  /**
   * A reference for `PostgresCluster.imageCatalogRef`. Clusters given this reference check their
   * extensions against the catalog (names, majors) and learn what the catalog's images provide.
   */
  public ref(major: number): CheckedCatalogReference {
    return catalogReference(this.node.path, this.model, major);
  }
}

/**
 * A namespaced CNPG `ImageCatalog`: per PostgreSQL major, the operand image and the extension images
 * clusters of the same namespace may opt in to by name (CNPG 1.29+).
 */
export class ImageCatalog extends CatalogConstruct {
  constructor(scope: Construct, id: string, props: ImageCatalogProps) {
    super(scope, id, 'ImageCatalog', props);
  }
}

/** A cluster-scoped CNPG `ClusterImageCatalog`, usable by clusters in every namespace. */
export class ClusterImageCatalog extends CatalogConstruct {
  constructor(scope: Construct, id: string, props: Omit<ImageCatalogProps, 'namespace'>) {
    super(scope, id, 'ClusterImageCatalog', props);
  }
}
