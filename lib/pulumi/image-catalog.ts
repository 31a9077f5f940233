import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildImageCatalog,
  type CheckedCatalogReference,
  catalogReference,
  CnpgValidationError,
  type ImageCatalogKind,
  type ImageCatalogModel,
  type ImageCatalogProps,
  imageCatalogManifest,
} from '../core';
import { isDeferred, promptOrUndefined } from './inputs';
import { namespaceInput, customResource, validated } from './kube';

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

/**
 * A CNPG `ImageCatalog` (namespaced) or `ClusterImageCatalog`: per PostgreSQL major, the operand image and
 * extension images clusters opt in to by name. Type token `cnpg-constructs:index:ImageCatalog`.
 */
export class ImageCatalog extends pulumi.ComponentResource {
  public readonly model: ImageCatalogModel;
  public readonly catalog: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ImageCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ImageCatalog', name, {}, opts);
    const kind: ImageCatalogKind = args.clusterScoped ? 'ClusterImageCatalog' : 'ImageCatalog';
    this.model = validated(this, () =>
      buildImageCatalog(name, name, kind, { ...args, namespace: promptOrUndefined(args.namespace) }, ['clusterScoped']),
    );
    const manifest = imageCatalogManifest(this.model);
    if (isDeferred(args.namespace)) {
      if (kind === 'ClusterImageCatalog') {
        throw new CnpgValidationError(name, 'ImageCatalog', [
          {
            field: 'namespace',
            message: 'a ClusterImageCatalog is cluster-scoped',
            value: '<Output>',
            fix: 'remove namespace, or leave clusterScoped off',
          },
        ]);
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
