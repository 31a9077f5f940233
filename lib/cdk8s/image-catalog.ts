import { Construct } from 'constructs';
import { keepClusterScoped } from './cluster-scoped';
import { ApiObject } from 'cdk8s';
import {
  buildImageCatalog,
  type CheckedCatalogReference,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
  imageCatalogManifest,
} from '../core';
import { catalogReference } from '../core/image-catalog';
import { imageCatalogPropOf } from '../core/manifests';
import { type CheckedKind, registerChecks } from './checks';

export type { ImageCatalogProps } from '../core';

abstract class CatalogConstruct extends Construct {
  /** The validated model. */
  public readonly model: ImageCatalogModel;
  private readonly resource: ApiObject;

  protected constructor(scope: Construct, id: string, kind: ImageCatalogKind, props: ImageCatalogProps) {
    super(scope, id);
    this.model = buildImageCatalog(this.node.path, id, kind, props);
    // A plain ApiObject with the spec serialized once (as PostgresCluster does): the generated classes are not loaded.
    this.resource = keepClusterScoped(new ApiObject(this, 'Resource', imageCatalogManifest(this.model)));
    registerChecks(this, CatalogConstruct.checks);
  }

  /** Catalogs are checked as their object renders (a child any escape hatch may patch): lib/cdk8s/checks.ts. */
  private static readonly checks: CheckedKind<CatalogConstruct> = {
    api: (c) => c.resource,
    propOf: imageCatalogPropOf,
  };

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
