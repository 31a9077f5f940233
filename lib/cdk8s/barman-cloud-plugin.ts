import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { type BarmanCloudManifest, type BarmanCloudPluginProps, buildBarmanCloudPluginObjects, type KubeObject } from '../core';
import { keepClusterScoped } from './cluster-scoped';
import { CnpgOperator } from './operator';

export type { BarmanCloudPluginProps } from '../core';

const pluginsByRoot = new WeakMap<IConstruct, BarmanCloudPlugin>();

/**
 * The Barman Cloud plugin, installed where the CNPG operator runs (its namespace: that of the app's `CnpgOperator` by
 * default), after the operator: the objects of its release manifest, CRD first. It needs cert-manager in the cluster
 * (the manifest holds cert-manager `Certificate` and `Issuer` objects) and CNPG 1.26+. With `install: 'none'` (the
 * plugin comes from Helm) nothing is emitted.
 */
export class BarmanCloudPlugin extends Construct {
  /** The first BarmanCloudPlugin created in the app of `scope`, if any. */
  public static of(scope: IConstruct): BarmanCloudPlugin | undefined {
    return pluginsByRoot.get(scope.node.root);
  }

  /** The plugin version, when known (from the manifest's image tag or `version`). */
  public readonly version?: string;
  /** The namespace it runs in. */
  public readonly namespace: string;
  /** The release manifest (none with `install: 'none'`): its ObjectStore CRD validates the app's stores. */
  public readonly manifest?: BarmanCloudManifest;
  /** The emitted API objects, in apply order. */
  public readonly apiObjects: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: BarmanCloudPluginProps = {}) {
    super(scope, id);
    const operator = CnpgOperator.of(this);
    const objs = buildBarmanCloudPluginObjects(this.node.path, { ...props, namespace: props.namespace ?? operator?.namespace });
    if (!pluginsByRoot.has(this.node.root)) pluginsByRoot.set(this.node.root, this);
    this.version = objs.version;
    this.namespace = objs.namespace;
    this.manifest = objs.manifest;
    const crds = objs.crds.map((o) => this.emit(o));
    for (const o of objs.objects) {
      const api = this.emit(o);
      for (const c of crds) api.node.addDependency(c);
    }
    // After CNPG's objects: the plugin registers itself with the operator.
    if (operator && this.apiObjects.length > 0) this.node.addDependency(operator);
  }

  private emit(o: KubeObject): ApiObject {
    const { apiVersion, kind, metadata, ...rest } = o;
    const api = keepClusterScoped(new ApiObject(this, `${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest }));
    this.apiObjects.push(api);
    return api;
  }
}
