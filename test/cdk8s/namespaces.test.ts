// Namespaces as Kubernetes and CNPG see them: a Database goes where its cluster is (CNPG resolves spec.cluster in
// the Database's own namespace), and cluster-scoped objects carry none even in a chart that has one.
import { App, Chart, Testing } from 'cdk8s';
import {
  ClusterImageCatalog,
  CnpgOperator,
  CnpgValidationError,
  ExtensionDatabase,
  ExtensionImage,
  PostgresCluster,
} from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';

test("a Database in a chart of another namespace is emitted in its cluster's namespace", () => {
  const app = Testing.app();
  const dbChart = new Chart(app, 'db', { namespace: 'data' });
  const appChart = new Chart(app, 'apps', { namespace: 'team-a' });
  const cluster = new PostgresCluster(dbChart, 'angus', {
    imageName: IMAGE,
    storage: { size: '1Gi' },
    extensions: [ExtensionImage.pgvector('0.8.1')],
  });
  new ExtensionDatabase(appChart, 'app', { cluster, name: 'app', owner: 'app', extensions: [{ name: 'vector' }] });
  const [c] = Testing.synth(dbChart);
  const [d] = Testing.synth(appChart);
  expect(c.metadata.namespace).toBe('data');
  expect(d.metadata.namespace).toBe('data');
});

test("an explicit namespace other than the cluster's is refused, naming both", () => {
  const chart = new Chart(Testing.app(), 'db', { namespace: 'data' });
  const cluster = new PostgresCluster(chart, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  expect(() => new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', namespace: 'other' })).toThrow(
    /namespace: must be the namespace of cluster angus \(data\): CNPG looks for the cluster of a Database in the Database's own namespace \(got "other"\)/,
  );
  // A cluster without a namespace lands in kubectl's: a database chart with one may be elsewhere.
  const app = Testing.app();
  const loose = new PostgresCluster(new Chart(app, 'c'), 'loose', { imageName: IMAGE, storage: { size: '1Gi' } });
  expect(
    () => new ExtensionDatabase(new Chart(app, 'd', { namespace: 'team-a' }), 'app', { cluster: loose, name: 'app', owner: 'app' }),
  ).toThrow(CnpgValidationError);
});

test('cluster-scoped objects carry no namespace in a chart that has one', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const chart = new Chart(app, 'platform', { namespace: 'platform' });
  new CnpgOperator(chart, 'cnpg');
  new ClusterImageCatalog(chart, 'pg', { images: [{ major: 18, image: 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie' }] });
  const objs = Testing.synth(chart);
  const scoped = [
    'Namespace',
    'CustomResourceDefinition',
    'ClusterRole',
    'ClusterRoleBinding',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ClusterImageCatalog',
  ];
  const withNs = objs
    .filter((o) => scoped.includes(o.kind) && o.metadata.namespace !== undefined)
    .map((o) => `${o.kind}/${o.metadata.name}`);
  expect(withNs).toEqual([]);
  expect(objs.filter((o) => scoped.includes(o.kind))).toHaveLength(23); // 11 CRDs, the namespace, 7 + 1 RBAC, 2 webhooks, the catalog
  // Namespaced operator objects keep the operator's namespace, not the chart's.
  expect(objs.find((o) => o.kind === 'Deployment')?.metadata.namespace).toBe('cnpg-system');
});
