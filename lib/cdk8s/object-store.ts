import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { buildObjectStore, type ObjectStoreModel, type ObjectStoreProps, objectStoreManifest } from '../core';
import { BuiltApiObject, type CheckedKind, registerChecks } from './checks';
import { effectiveNamespace } from './uniqueness';

export type { ObjectStoreProps } from '../core';

const OBJECTSTORE_BRAND = Symbol.for('cnpg-constructs.ObjectStore');

/**
 * A Barman Cloud plugin `ObjectStore` (barmancloud.cnpg.io/v1): where clusters archive WAL files and base backups,
 * with references to the credentials. Give it to a cluster as `backup: { objectStore }`; it must be in the
 * cluster's namespace (the chart's by default). At synth it is checked against the plugin's `ObjectStore` CRD (schema and
 * CEL rules, shipped in the package) and the admission rules over the app's objects.
 *
 * @example
 * const store = new ObjectStore(chart, 'backups', {
 *   destinationPath: 's3://my-bucket/postgres',
 *   s3Credentials: { inheritFromIAMRole: true },
 *   retentionPolicy: '30d',
 * });
 */
export class ObjectStore extends BuiltApiObject {
  /** `instanceof` by brand (cdk8s' ApiObject answers true for every ApiObject), also across two copies of the package. */
  public static override [Symbol.hasInstance](o: unknown): o is ObjectStore {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[OBJECTSTORE_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: ObjectStoreModel;

  constructor(scope: Construct, id: string, props: ObjectStoreProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const namespace = props?.namespace ?? Chart.of(scope).namespace;
    const model = buildObjectStore(path, id, props?.namespace === namespace ? props : { ...props, namespace });
    super(scope, id, objectStoreManifest(model));
    this.model = model;
    registerChecks(this, ObjectStore.checks);
  }

  /** How object stores take part in the app's checks (lib/cdk8s/checks.ts): one name per namespace. */
  private static readonly checks: CheckedKind<ObjectStore> = BuiltApiObject.checksWith<ObjectStore>({
    claims: (s) => {
      const ns = effectiveNamespace(s, s.model.namespace);
      return [
        {
          key: `ObjectStore/${ns}/${s.name}`,
          what: `ObjectStore (${s.name} in namespace "${ns}")`,
          field: 'name',
          value: s.name,
          fix: 'give each object store its own name',
        },
      ];
    },
  });

  /** The namespace (the cluster using the store must be in it). */
  public get namespace(): string | undefined {
    return this.model.namespace;
  }

  /** Where the backups go. */
  public get destinationPath(): string {
    return this.model.destinationPath;
  }
}

Object.defineProperty(ObjectStore.prototype, OBJECTSTORE_BRAND, { value: true });
