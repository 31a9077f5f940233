// Serving a database to an application team: cluster "orders-db" (three instances, pgvector) with a read-only
// reporting role managed by the cluster and a writer as its own DatabaseRole, the "orders" database owned by the
// writer, a PgBouncer pooler in transaction mode, PodMonitors and alert rules for the Prometheus Operator, and the
// team's Deployment (cdk8s-plus-30) connecting through the pooler with the writer's credentials.
//
// The roles' passwords live in basic-auth Secrets the platform provides (External Secrets, Sealed Secrets, ...):
// `orders-db-reporting` and `orders-db-writer`, each with `username` = the role name and `password`.
// The PodMonitor and PrometheusRule kinds need the Prometheus Operator (kube-prometheus-stack) in the cluster.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  CnpgOperator,
  DatabaseRole,
  ExtensionDatabase,
  ExtensionImage,
  PodMonitor,
  Pooler,
  PostgresAlertRules,
  PostgresCluster,
  synthesize,
} from 'cnpg-constructs/cdk8s';
import { connectionEnvValues } from 'cnpg-constructs/cdk8s-plus';

const app = new App();
const operatorChart = new Chart(app, 'cnpg-operator');
new CnpgOperator(operatorChart, 'cnpg', { version: '1.30.0' });

const chart = new Chart(app, 'orders', { namespace: 'orders' });
chart.addDependency(operatorChart);
new kplus.Namespace(chart, 'namespace', { metadata: { name: 'orders' } });

// Prometheus selects PodMonitors and PrometheusRules by label (kube-prometheus-stack's default: its release name).
const prometheus = { release: 'kube-prometheus-stack' };
const pgvector = ExtensionImage.pgvector('0.8.1');

const cluster = new PostgresCluster(chart, 'orders-db', {
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 3,
  storage: { size: '10Gi' },
  extensions: [pgvector],
  // A role the cluster manages: read-only, for the reporting tools, at most 10 connections.
  roles: [{ name: 'reporting', login: true, passwordSecret: 'orders-db-reporting', inRoles: ['pg_read_all_data'], connectionLimit: 10 }],
});

// The application's role as its own object (CNPG 1.30+): deleting it keeps the role (retain, CNPG's default).
const writer = new DatabaseRole(chart, 'writer', { cluster, name: 'writer', login: true, passwordSecret: 'orders-db-writer' });

new ExtensionDatabase(chart, 'orders-database', {
  cluster,
  name: 'orders',
  owner: 'writer',
  extensions: [pgvector],
  schemas: [{ name: 'orders', owner: 'writer' }],
});

const pooler = new Pooler(chart, 'pooler', {
  cluster,
  instances: 2,
  poolMode: 'transaction',
  parameters: { max_client_conn: '500', default_pool_size: '20' },
  podMonitor: { labels: prometheus },
});

new PodMonitor(chart, 'monitor', { cluster, labels: prometheus });
new PostgresAlertRules(chart, 'alerts', { cluster, labels: prometheus, alertLabels: { team: 'orders' } });

// The team's API: PGHOST/PGPORT of the pooler, PGDATABASE orders, PGUSER/PGPASSWORD from the writer's Secret.
new kplus.Deployment(chart, 'orders-api', {
  replicas: 2,
  containers: [
    {
      image: 'ghcr.io/example/orders-api:1.4.2',
      portNumber: 8080,
      envVariables: connectionEnvValues(chart, pooler.endpoint, writer.credentials(), { database: 'orders', sslMode: 'require' }),
      securityContext: { user: 1000, group: 1000 },
    },
  ],
});

synthesize(app);
