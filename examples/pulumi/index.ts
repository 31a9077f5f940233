// CNPG Recipe 23 as a Pulumi program: the operator, cluster "angus" with pgvector and PostGIS
// mounted from their images, and database "app" whose extensions the PostgresExtensions dynamic
// provider activates inside PostgreSQL (so `pulumi up` fails when they can't be, and `pulumi refresh`
// notices an extension dropped by hand).
//
// The provider connects from where `pulumi up` runs. On the kind cluster of examples/cdk8s
// (dist/kind-config.yaml maps node port 30432 to 127.0.0.1:5432) the NodePort service below makes
// 127.0.0.1:5432 reach the primary. Elsewhere: `kubectl port-forward svc/angus-rw 5432:5432`, or set
// `pulumi config set pgHost <address>` / `pgPort`.
import * as pulumi from '@pulumi/pulumi';
import { CnpgOperator, cnpg, ExtensionDatabase, ExtensionImage, PostgresCluster } from 'cnpg-constructs/pulumi';

const config = new pulumi.Config();
const namespace = config.get('namespace') ?? 'default';

const operator = new CnpgOperator('cnpg', { version: '1.30.0' });

const pgvector = ExtensionImage.pgvector('0.8.1');
const postgis = ExtensionImage.postgis('3.6.1');

const cluster = new PostgresCluster('angus', {
  namespace,
  imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
  instances: 1,
  storage: { size: '1Gi' },
  extensions: [pgvector, postgis],
  // CREATE EXTENSION of untrusted extensions (PostGIS, pgvector) needs a superuser: CNPG then
  // creates the <name>-superuser secret. See docs/SECURITY.md for a least-privilege set-up.
  enableSuperuserAccess: true,
  // Targets the operator's version, and is created once its CRDs are established and its webhook serves.
  operator,
  managed: {
    services: {
      additional: [
        {
          selectorType: cnpg.ClusterSpecManagedServicesAdditionalSelectorType.RW,
          serviceTemplate: {
            metadata: { name: 'angus-rw-nodeport' },
            spec: { type: 'NodePort', ports: [{ name: 'postgres', port: 5432, nodePort: 30432 }] },
          },
        },
      ],
    },
  },
});

const app = new ExtensionDatabase('app', {
  cluster,
  name: 'app',
  owner: 'app',
  extensions: [pgvector, postgis],
  // User, password and CA from the secrets CNPG creates (secret outputs, read once the cluster is
  // Ready); TLS verify-full against angus-rw, the name in CNPG's server certificate.
  connection: cluster.connection({ host: config.get('pgHost') ?? '127.0.0.1', port: config.getNumber('pgPort') ?? 5432 }),
});

export const clusterName = cluster.clusterName;
export const appSecret = cluster.appSecretName;
export const installedExtensions = app.extensions?.installed;
