// One cdk8s app with every mistake that only the whole app (or the rendered object) shows, each in a chart of its
// own. The same file runs in this repository's tests (jest maps the import to lib/cdk8s) and, copied next to a
// main.ts, under `cdk8s synth` in a project that installed the packed tarball.
import { ApiObject, type App, Chart, JsonPatch } from 'cdk8s';
import { ExtensionDatabase, ExtensionImage, PostgresCluster } from 'cnpg-constructs/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';

/** What synth must report: construct path, code and field of each error. */
export const EXPECTED_ERRORS: readonly (readonly [string, string, string])[] = [
  ['same-name-b/angus', 'duplicate-object-name', 'name'],
  ['databases/two', 'duplicate-object-name', 'name'],
  ['databases/app-dash-db', 'duplicate-object-name', 'resourceName'],
  ['patched/angus', 'crd-schema', '.spec'],
  ['patched/angus', 'crd-schema', 'instances'],
  ['raw/db', 'crd-schema', '.spec.bogus'],
];

/** What synth prints and goes on with: construct path and code of each warning. */
export const EXPECTED_WARNINGS: readonly (readonly [string, string])[] = [
  // The hand-built Database's cluster is not in the app: nothing can tell whether its owner exists.
  ['raw/db', 'database-owner-unknown'],
  ['warned/angus', 'image-version-unknown'],
];

export function brokenApp(app: App): void {
  // Two clusters with one name in one namespace: Kubernetes keeps one of them.
  for (const id of ['same-name-a', 'same-name-b']) {
    new PostgresCluster(new Chart(app, id, { namespace: 'team' }), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  }
  // Two ExtensionDatabases for one database, and two database names that map to one object name.
  const databases = new Chart(app, 'databases', { namespace: 'apps' });
  const cluster = new PostgresCluster(databases, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  new ExtensionDatabase(databases, 'one', { cluster, name: 'app', owner: 'app' });
  new ExtensionDatabase(databases, 'two', { cluster, name: 'app', owner: 'app', resourceName: 'angus-app-2' });
  new ExtensionDatabase(databases, 'app-underscore-db', { cluster, name: 'app_db', owner: 'app' });
  new ExtensionDatabase(databases, 'app-dash-db', { cluster, name: 'app-db', owner: 'app' });
  // An object broken through an escape hatch: a CEL rule and a minimum of the CRD.
  const patched = new PostgresCluster(new Chart(app, 'patched'), 'angus', { name: 'patched', imageName: IMAGE, storage: { size: '1Gi' } });
  patched.addJsonPatch(
    JsonPatch.add('/spec/imageCatalogRef', { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'catalog', major: 18 }),
    JsonPatch.replace('/spec/instances', 0),
  );
  // A hand-built object of a CNPG kind.
  new ApiObject(new Chart(app, 'raw'), 'db', {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Database',
    metadata: { name: 'raw' },
    spec: { name: 'app', owner: 'app', cluster: { name: 'angus' }, bogus: 1 },
  });
  // A warning: a pgvector version the catalog does not know.
  new PostgresCluster(new Chart(app, 'warned'), 'angus', {
    name: 'warned',
    imageName: IMAGE,
    storage: { size: '1Gi' },
    extensions: [ExtensionImage.pgvector('0.81')],
  });
}
