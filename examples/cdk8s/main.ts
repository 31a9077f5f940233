// CNPG Recipe 23 as cdk8s code, from nothing to a working cluster on kind:
//   dist/kind-config.yaml           kind cluster (node image pinned by digest; ImageVolume gate when needed)
//   dist/0000-cnpg-operator.k8s.yaml  CNPG 1.30.0 operator: CRDs and namespace first, verified by sha256
//   dist/0001-angus.k8s.yaml          cluster "angus" with pgvector and PostGIS images, database "app"
// `npm run synth` writes them; see the README for kind create cluster / kubectl apply.
import { App, Chart } from 'cdk8s';
import { CnpgOperator, ExtensionDatabase, ExtensionImage, KindConfig, PostgresCluster, synthesize } from 'cnpg-constructs/cdk8s';

const app = new App();

// Kubernetes 1.35 on kind v0.32.0: ImageVolume is on by default from 1.35. Port 30432 on the node
// (a NodePort, see docs/PULUMI.md) is published on the host's 127.0.0.1:5432.
new KindConfig(app, 'kind', {
  kubernetesVersion: '1.35',
  extraPortMappings: [{ containerPort: 30432, hostPort: 5432, listenAddress: '127.0.0.1' }],
});

const operatorChart = new Chart(app, 'cnpg-operator');
new CnpgOperator(operatorChart, 'cnpg', { version: '1.30.0' });

const chart = new Chart(app, 'angus');
chart.addDependency(operatorChart);

const pgvector = ExtensionImage.pgvector('0.8.1'); // ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie
const postgis = ExtensionImage.postgis('3.6.1'); // ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie, ld_library_path: [system]

const cluster = new PostgresCluster(chart, 'angus', {
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 1,
  storage: { size: '1Gi' },
  extensions: [pgvector, postgis],
});

// `vector` 0.8.1, then the eight PostGIS extensions of the recipe (postgis 3.6.1 first).
new ExtensionDatabase(chart, 'app', {
  cluster,
  name: 'app',
  owner: 'app',
  extensions: [pgvector, postgis],
});

synthesize(app);
