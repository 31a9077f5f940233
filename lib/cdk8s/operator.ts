import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { keepClusterScoped } from './cluster-scoped';
import { buildOperatorObjects, DEFAULT_OPERATOR_NAMESPACE, type KubeObject, type OperatorManifest, type OperatorProps } from '../core';
import { type CheckedKind, registerChecks } from './checks';

export type { OperatorProps } from '../core';

/** The first CnpgOperator of each app, by app root: a lookup instead of a walk over the whole tree. */
const operatorsByRoot = new WeakMap<IConstruct, CnpgOperator>();

/**
 * The CloudNativePG operator: the objects of CNPG's official release manifest (CRDs, namespace,
 * RBAC, ConfigMap, Service, Deployment, webhook configurations), verified by sha256 and customised
 * as parsed objects. CRDs and the namespace come first so that one `kubectl apply --server-side`
 * of the chart works; put clusters in a chart that depends on this one.
 */
export class CnpgOperator extends Construct {
  /** The first CnpgOperator created in the app of `scope`, if any. */
  public static of(scope: IConstruct): CnpgOperator | undefined {
    return operatorsByRoot.get(scope.node.root);
  }

  /** CNPG version of the manifest. */
  public readonly version: string;
  /** Namespace of the operator. */
  public readonly namespace: string;
  /** The emitted API objects, in apply order. */
  public readonly apiObjects: ApiObject[] = [];
  /** The release manifest the objects come from (none with `install: 'none'`); `manifest.describe()` says from where. */
  public readonly manifest?: OperatorManifest;

  constructor(scope: Construct, id: string, props: OperatorProps = {}) {
    super(scope, id);
    const objs = buildOperatorObjects(this.node.path, props);
    if (!operatorsByRoot.has(this.node.root)) operatorsByRoot.set(this.node.root, this);
    this.version = objs.version;
    this.manifest = objs.manifest;
    this.namespace = props.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
    const foundation = objs.foundation.map((o) => this.emit(o));
    for (const o of objs.operator) {
      const api = this.emit(o);
      for (const f of foundation) api.node.addDependency(f);
    }
    registerChecks(this, CnpgOperator.checks);
  }

  /** The app's CNPG objects are checked against the CRDs of this operator's release (lib/cdk8s/checks.ts). */
  private static readonly checks: CheckedKind<CnpgOperator> = {
    operator: (o) => ({ version: o.version, manifest: o.manifest }),
  };

  private emit(o: KubeObject): ApiObject {
    const { apiVersion, kind, metadata, ...rest } = o;
    const api = keepClusterScoped(new ApiObject(this, `${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest }));
    this.apiObjects.push(api);
    return api;
  }
}
