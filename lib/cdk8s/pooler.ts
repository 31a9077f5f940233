import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ConnectionEnvOptions, Credentials, EnvVar, Endpoint, BasicAuthKey, CnpgSecretKey } from '../core/serving/endpoints';
import { connectionEnv } from '../core/serving/endpoints';
import { buildPodMonitor, type PodMonitorProps, podMonitorManifest } from '../core/serving/monitoring';
import { buildPooler, type PoolerModel, type PoolerProps, poolerManifest } from '../core/serving/pooler';
import { type IPostgresCluster, servedCluster } from './cluster-reference';
import { BuiltApiObject, registerChecks } from './checks';
import { effectiveNamespace } from './uniqueness';

export type { PoolerProps } from '../core/serving/pooler';

/** Props of {@link Pooler}. */
export interface PoolerConstructProps extends PoolerProps {
  /** The cluster to pool: a `PostgresCluster` of this app, or `PostgresCluster.fromClusterName(...)`. */
  readonly cluster: IPostgresCluster;
  /**
   * A PodMonitor for the PgBouncer pods (their `metrics` port), as CNPG documents it; `true` for the defaults.
   * @default - none
   */
  readonly podMonitor?: boolean | PodMonitorProps;
}

const POOLER_BRAND = Symbol.for('cnpg-constructs.Pooler');
const FRONT_END_KEYS: readonly string[] = ['cluster', 'podMonitor'];

/**
 * A CNPG `Pooler`: PgBouncer in front of a cluster's rw (default), ro or r Service. Applications connect to
 * {@link endpoint} with the credentials of a cluster user (`cluster.credentials('app')`): CNPG's built-in auth query
 * looks up every user's password in the cluster.
 *
 * @example
 * const pooler = new Pooler(chart, 'pooler', { cluster, poolMode: 'transaction', instances: 2, podMonitor: true });
 * const env = pooler.connectionEnv(cluster.credentials('app')); // PGHOST=<pooler>.<ns>, PGUSER/PGPASSWORD from <cluster>-app
 */
export class Pooler extends BuiltApiObject {
  public static override [Symbol.hasInstance](o: unknown): o is Pooler {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[POOLER_BRAND] === true;
  }

  /** The validated model. */
  public readonly model: PoolerModel;
  /** The PodMonitor, when asked for. */
  public readonly podMonitor?: ApiObject;

  constructor(scope: Construct, id: string, props: PoolerConstructProps) {
    const model = Pooler.buildModel(scope, id, props);
    super(scope, id, poolerManifest(model));
    registerChecks(this, Pooler.checks);
    this.model = model;
    if (props.podMonitor) {
      const options = props.podMonitor === true ? {} : props.podMonitor;
      const monitor = buildPodMonitor(`${this.node.path}/PodMonitor`, { pooler: model }, options);
      this.podMonitor = new ApiObject(this, 'PodMonitor', podMonitorManifest(monitor));
    }
  }

  private static buildModel(scope: Construct, id: string, props: PoolerConstructProps): PoolerModel {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const cluster = servedCluster(path, scope, props?.cluster);
    const namespace = props.namespace ?? (cluster.namespace === undefined ? Chart.of(scope).namespace : undefined);
    return buildPooler(path, cluster, namespace === props.namespace ? props : { ...props, namespace }, FRONT_END_KEYS);
  }

  /** The pooler's Service (`<name>.<namespace>:5432`). */
  public get endpoint(): Endpoint {
    return this.model.endpoint;
  }

  /**
   * The environment a libpq client needs to connect through this pooler as a user of the cluster: `PGHOST` and
   * `PGPORT` of the pooler, `PGDATABASE`, and `PGUSER`/`PGPASSWORD` from the user's Secret.
   */
  public connectionEnv(credentials: Credentials<CnpgSecretKey | BasicAuthKey>, options?: ConnectionEnvOptions): EnvVar[] {
    return connectionEnv(this.model.endpoint, credentials, options);
  }
  /** The names it claims in the app's checks (lib/cdk8s/checks.ts). */
  private static readonly checks = BuiltApiObject.checksWith<Pooler>({
    claims: (p) => {
      const ns = effectiveNamespace(p, p.model.namespace);
      return [
        {
          key: `Pooler/${ns}/${p.model.name}`,
          what: `Pooler (${p.model.name} in namespace "${ns}", with its Service and Deployment)`,
          field: 'name',
          value: p.model.name,
          fix: 'give each pooler its own name',
        },
      ];
    },
  });
}

Object.defineProperty(Pooler.prototype, POOLER_BRAND, { value: true });
