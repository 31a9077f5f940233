// CNPG Recipe 23 as cdk8s code: cluster "angus" with pgvector and PostGIS mounted from their own
// images, and database "app" with their SQL extensions. `npm run synth` writes dist/.
import { App, Chart } from 'cdk8s';
import { ExtensionDatabase, ExtensionImage, PostgresCluster } from 'cnpg-constructs/cdk8s';

const app = new App();
const chart = new Chart(app, 'angus');

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

app.synth();
