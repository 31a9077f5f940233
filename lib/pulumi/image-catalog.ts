import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildImageCatalog,
  type CheckedCatalogReference,
  CnpgValidationError,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
  imageCatalogManifest,
} from '../core';
import { catalogReference } from '../core/image-catalog';
import { isDeferred, promptOrUndefined } from './inputs';
import { CnpgResourceError, customResource, namespaceInput, validated } from './kube';

/** Args of the Pulumi {@link ImageCatalog}. */
export interface ImageCatalogArgs extends Omit<ImageCatalogProps, 'namespace'> {
  /**
   * Emit a `ClusterImageCatalog` (cluster-scoped: clusters in every namespace may use it) instead of a
   * namespaced `ImageCatalog`. The cdk8s front end has a class for each.
   * @default false
   */
  readonly clusterScoped?: boolean;
  /**
   * Namespace of an `ImageCatalog` (not of a `ClusterImageCatalog`); clusters must be in the same one.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
}

/** What both catalog components share: validation, the object, and {@link ref}. */
abstract class CatalogComponent extends pulumi.ComponentResource {
  /** The validated model. */
  public readonly model: ImageCatalogModel;
  /** The `ImageCatalog` / `ClusterImageCatalog` custom resource. */
  public readonly catalog: k8s.apiextensions.CustomResource;

  protected constructor(
    type: string,
    name: string,
    kind: ImageCatalogKind,
    args: ImageCatalogArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    this.model = validated(this, () =>
      buildImageCatalog(name, name, kind, { ...args, namespace: promptOrUndefined(args.namespace) }, ['clusterScoped']),
    );
    const manifest = imageCatalogManifest(this.model);
    if (isDeferred(args.namespace)) {
      if (kind === 'ClusterImageCatalog') {
        throw new CnpgResourceError(
          new CnpgValidationError(name, kind, [
            {
              code: 'catalog-cluster-scoped-namespace',
              field: 'namespace',
              message: 'a ClusterImageCatalog is cluster-scoped',
              value: '<Output>',
              fix: 'remove namespace, or use an ImageCatalog',
            },
          ]),
          this,
        );
      }
      manifest.metadata.namespace = namespaceInput(this, `ImageCatalog '${name}'`, args.namespace) as unknown as string;
    }
    this.catalog = customResource(`${name}-catalog`, manifest, { parent: this });
    this.registerOutputs({ catalogName: this.model.name });
  }

  /** A reference for `PostgresCluster.imageCatalogRef`, checked against this catalog. */
  public ref(major: number): CheckedCatalogReference {
    return catalogReference(this.model.name, this.model, major);
  }
}

/**
 * A namespaced CNPG `ImageCatalog`: per PostgreSQL major, the operand image and the extension images clusters of
 * the same namespace opt in to by name (CNPG 1.29+). Type token `cnpg-constructs:index:ImageCatalog`. (With
 * `clusterScoped: true` it emits a `ClusterImageCatalog`; {@link ClusterImageCatalog} is the direct way.)
 */
export class ImageCatalog extends CatalogComponent {
  constructor(name: string, args: ImageCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ImageCatalog', name, args.clusterScoped ? 'ClusterImageCatalog' : 'ImageCatalog', args, opts);
  }
}

/**
 * A cluster-scoped CNPG `ClusterImageCatalog`, usable by clusters in every namespace: the same class as the cdk8s
 * front end's. Type token `cnpg-constructs:index:ClusterImageCatalog`.
 */
export class ClusterImageCatalog extends CatalogComponent {
  constructor(name: string, args: Omit<ImageCatalogArgs, 'namespace' | 'clusterScoped'>, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ClusterImageCatalog', name, 'ClusterImageCatalog', args, opts);
  }
}
