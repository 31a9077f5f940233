import * as pulumi from '@pulumi/pulumi';
import { type BarmanCloudManifest, type BarmanCloudPluginProps, buildBarmanCloudPluginObjects } from '../core';
import { kubeResource, validated } from './kube';
import type { CnpgOperator } from './operator';

/** Args of the Pulumi {@link BarmanCloudPlugin}. */
export interface BarmanCloudPluginArgs extends BarmanCloudPluginProps {
  /**
   * The CNPG operator of this program: the plugin goes into its namespace (unless `namespace` says otherwise) and is
   * created once the operator is ready.
   * @default - none
   */
  readonly operator?: CnpgOperator;
}

/**
 * The Barman Cloud plugin where the CNPG operator runs, from its release manifest: each object under its real type
 * token (the CRD awaited until established, the Deployment until rolled out; cert-manager's `Certificate` and
 * `Issuer` need cert-manager installed). With `install: 'none'` nothing is created. Type token
 * `cnpg-constructs:index:BarmanCloudPlugin`.
 */
export class BarmanCloudPlugin extends pulumi.ComponentResource {
  /** The plugin version, when known. */
  public readonly version?: string;
  /** The namespace it runs in. */
  public readonly namespace: string;
  /** The release manifest (none with `install: 'none'`). */
  public readonly manifest?: BarmanCloudManifest;
  /** Every Kubernetes resource created, CRD first. */
  public readonly resources: pulumi.CustomResource[] = [];
  /** What object stores and backups wait for: the ObjectStore CRD and the plugin's Deployment. */
  public readonly readiness: pulumi.CustomResource[];

  constructor(name: string, args: BarmanCloudPluginArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:BarmanCloudPlugin', name, {}, opts);
    const { operator, ...props } = args;
    const objs = validated(this, () =>
      buildBarmanCloudPluginObjects(name, { ...props, namespace: props.namespace ?? operator?.namespace }, ['operator']),
    );
    this.version = objs.version;
    this.namespace = objs.namespace;
    this.manifest = objs.manifest;
    const id = (o: { kind: string; metadata: { name: string } }) => `${name}-${o.kind.toLowerCase()}-${o.metadata.name}`;
    const crds = objs.crds.map((o) => kubeResource(id(o), o, { parent: this, dependsOn: operator?.readiness ?? [] }));
    const rest = objs.objects.map((o) => kubeResource(id(o), o, { parent: this, dependsOn: [...crds, ...(operator?.readiness ?? [])] }));
    this.resources.push(...crds, ...rest);
    this.readiness = [...crds, ...rest.filter((_r, i) => objs.objects[i].kind === 'Deployment')];
    this.registerOutputs({ namespace: this.namespace, version: this.version });
  }
}
