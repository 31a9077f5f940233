import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  buildObjectStore,
  CnpgValidationError,
  type KubeObject,
  type ObjectStoreModel,
  type ObjectStoreProps,
  objectStoreManifest,
} from '../core';
import type { BarmanCloudPlugin } from './barman-cloud-plugin';
import { checkedWhenKnown, isDeferred, promptOrUndefined } from './inputs';
import { checkAgainstCrds, customResource, namespaceInput, validated } from './kube';

/** Args of the Pulumi {@link ObjectStore}: the namespace and the destination may be Outputs (a bucket of this program). */
export interface ObjectStoreArgs extends Omit<ObjectStoreProps, 'namespace' | 'destinationPath'> {
  /**
   * Namespace, e.g. `ns.metadata.name`; the cluster using the store must be in it.
   * @default - the provider's namespace
   */
  readonly namespace?: pulumi.Input<string>;
  /** Where backups go (`pulumi.interpolate\`s3://${bucket.bucket}/pg\``), checked when it is known. */
  readonly destinationPath: pulumi.Input<string>;
  /**
   * The plugin of this program: the store is created after its CRD and Deployment, and checked against its CRD.
   * @default - none
   */
  readonly plugin?: BarmanCloudPlugin;
}

// A destination of the provider's form, for the checks that run before an Output resolves.
const PLACEHOLDERS = { s3: 's3://deferred', google: 'gs://deferred', azure: 'https://deferred.blob.core.windows.net/deferred' } as const;

/**
 * A Barman Cloud plugin `ObjectStore`, validated before anything is sent. Pass it to a cluster as
 * `backup: { objectStore }`. Type token `cnpg-constructs:index:ObjectStore`.
 */
export class ObjectStore extends pulumi.ComponentResource {
  /** The validated model (its `namespace` is undefined when the namespace is an Output). */
  public readonly model: ObjectStoreModel;
  /** The `ObjectStore` custom resource. */
  public readonly objectStore: k8s.apiextensions.CustomResource;
  /** Name of the ObjectStore object (what clusters reference). */
  public readonly name: string;
  /** Namespace as given. */
  public readonly namespace?: pulumi.Input<string>;
  /** Destination as given. */
  public readonly destinationPath: pulumi.Input<string>;
  /** The plugin of this program the store was given: clusters using the store wait for it too. */
  public readonly plugin?: BarmanCloudPlugin;

  constructor(name: string, args: ObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:ObjectStore', name, {}, opts);
    const what = `ObjectStore '${name}'`;
    const { plugin, ...props } = args;
    const provider = props.s3Credentials ? 's3' : props.googleCredentials ? 'google' : 'azure';
    const deferredPath = isDeferred(args.destinationPath);
    const prompt: ObjectStoreProps = {
      ...props,
      namespace: promptOrUndefined(args.namespace),
      destinationPath: deferredPath ? PLACEHOLDERS[provider] : (args.destinationPath as string),
    };
    this.model = validated(this, () => buildObjectStore(name, name, prompt, ['plugin']));
    this.name = this.model.name;
    this.namespace = namespaceInput(this, what, args.namespace);
    this.destinationPath = args.destinationPath;
    this.plugin = plugin;
    const manifest = objectStoreManifest(this.model);
    if (this.namespace !== undefined && isDeferred(args.namespace)) manifest.metadata.namespace = this.namespace as unknown as string;
    if (deferredPath) {
      (manifest.spec as { configuration: Record<string, unknown> }).configuration.destinationPath = checkedWhenKnown(
        this,
        what,
        'destinationPath',
        args.destinationPath,
        (field, v) => {
          try {
            buildObjectStore(name, name, { ...prompt, destinationPath: v });
            return [];
          } catch (e) {
            if (e instanceof CnpgValidationError) return e.problems.filter((p) => p.field === field);
            throw e;
          }
        },
      );
    } else {
      // The plugin's ObjectStore CRD (shipped in the package) and the admission rules over the object.
      checkAgainstCrds(this, name, manifest as KubeObject, undefined, undefined, () => undefined, []);
    }
    this.objectStore = customResource(`${name}-objectstore`, manifest, { parent: this, dependsOn: plugin?.readiness ?? [] });
    this.registerOutputs({ objectStoreName: this.name });
  }
}
