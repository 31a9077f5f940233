// Serving a database to an application team, as a Pulumi program: cluster "orders-db" with a read-only reporting role
// managed by the cluster and a writer as its own DatabaseRole, the "orders" database owned by the writer, a PgBouncer
// pooler in transaction mode, PodMonitors and alert rules for the Prometheus Operator, and the team's Deployment
// connecting through the pooler with the writer's credentials (read by Kubernetes from the Secret, never copied).
//
// The roles' passwords live in basic-auth Secrets the platform provides: `orders-db-reporting` and `orders-db-writer`.
import * as k8s from '@pulumi/kubernetes';
import {
  CnpgOperator,
  DatabaseRole,
  ExtensionDatabase,
  ExtensionImage,
  PodMonitor,
  Pooler,
  PostgresAlertRules,
  PostgresCluster,
} from 'cnpg-constructs/pulumi';

const namespace = new k8s.core.v1.Namespace('orders', { metadata: { name: 'orders' } });
const operator = new CnpgOperator('cnpg', { version: '1.30.0' });
const prometheus = { release: 'kube-prometheus-stack' };
const pgvector = ExtensionImage.pgvector('0.8.1');

const cluster = new PostgresCluster(
  'orders-db',
  {
    namespace: 'orders',
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 3,
    storage: { size: '10Gi' },
    extensions: [pgvector],
    roles: [{ name: 'reporting', login: true, passwordSecret: 'orders-db-reporting', inRoles: ['pg_read_all_data'], connectionLimit: 10 }],
    operator,
  },
  { dependsOn: [namespace] },
);

const writer = new DatabaseRole('writer', { cluster, name: 'writer', login: true, passwordSecret: 'orders-db-writer' });

new ExtensionDatabase(
  'orders-database',
  {
    cluster,
    name: 'orders',
    owner: 'writer',
    extensions: [pgvector],
    schemas: [{ name: 'orders', owner: 'writer' }],
    manageExtensionsWith: 'cnpg',
  },
  { dependsOn: [writer] },
);

const pooler = new Pooler('pooler', {
  cluster,
  instances: 2,
  poolMode: 'transaction',
  parameters: { max_client_conn: '500', default_pool_size: '20' },
  podMonitor: { labels: prometheus },
});

new PodMonitor('monitor', { cluster, labels: prometheus });
new PostgresAlertRules('alerts', { cluster, labels: prometheus, alertLabels: { team: 'orders' } });

const labels = { app: 'orders-api' };
new k8s.apps.v1.Deployment('orders-api', {
  metadata: { namespace: 'orders', name: 'orders-api' },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'api',
            image: 'ghcr.io/example/orders-api:1.4.2',
            ports: [{ containerPort: 8080 }],
            env: pooler.connectionEnv(writer.credentials(), { database: 'orders', sslMode: 'require' }),
          },
        ],
      },
    },
  },
});

export const poolerHost = pooler.endpoint.host;
export const readOnlyHost = cluster.endpoints.readOnly.host;
