import * as pulumi from '@pulumi/pulumi';
import { buildOperatorObjects, type OperatorProps, DEFAULT_OPERATOR_NAMESPACE, type OperatorManifest } from '../core';
import { kubeResource, validated } from './kube';

/**
 * The CloudNativePG operator from its sha256-verified release manifest, customised as parsed objects
 * (see the core `OperatorProps`). CRDs and the namespace are created first; put
 * `dependsOn: [operator]` on clusters. Type token `cnpg-constructs:index:CnpgOperator`.
 */
export class CnpgOperator extends pulumi.ComponentResource {
  /** CNPG version. */
  public readonly version: string;
  /** Namespace of the operator. */
  public readonly namespace: string;
  /** Every Kubernetes resource created, in apply order, each under its real type token. */
  public readonly resources: pulumi.CustomResource[] = [];
  /**
   * What a cluster must wait for: the Deployment (awaited until its pods, which serve the webhooks, are
   * ready) and the webhook configurations. A {@link PostgresCluster} given `operator` depends on them.
   */
  public readonly readiness: pulumi.CustomResource[];
  /** The release manifest the objects come from (none with `install: 'none'`). */
  public readonly manifest?: OperatorManifest;

  constructor(name: string, props: OperatorProps = {}, opts?: pulumi.ComponentResourceOptions) {
    super('cnpg-constructs:index:CnpgOperator', name, {}, opts);
    const objs = validated(this, () => buildOperatorObjects(name, props));
    this.version = objs.version;
    this.manifest = objs.manifest;
    this.namespace = props.namespace ?? DEFAULT_OPERATOR_NAMESPACE;
    const foundation = objs.foundation.map((o) => kubeResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { parent: this }));
    const operator = objs.operator.map((o) =>
      kubeResource(`${name}-${o.kind.toLowerCase()}-${o.metadata.name}`, o, {
        parent: this,
        dependsOn: foundation,
        // The operator injects its CA into the webhook configurations at run time.
        ...(o.kind.endsWith('WebhookConfiguration') ? { ignoreChanges: ['webhooks[*].clientConfig.caBundle'] } : {}),
      }),
    );
    this.resources.push(...foundation, ...operator);
    this.readiness = [
      ...foundation,
      ...operator.filter((_r, i) =>
        /^(Deployment|MutatingWebhookConfiguration|ValidatingWebhookConfiguration)$/.test(objs.operator[i].kind),
      ),
    ];
    this.registerOutputs({ version: this.version, namespace: this.namespace });
  }
}
