import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { expectValidCnpgObjects } from '../support/crd-validator';
import { synthModule } from '../support/synth';

// The final manifests of CNPG Recipe 23 (../shared/seed), verbatim.
const RECIPE_23 = `
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: angus
spec:
  imageName: ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie
  instances: 1

  storage:
    size: 1Gi

  postgresql:
    extensions:
    - name: pgvector
      image:
        reference: ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie
    - name: postgis
      image:
        reference: ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie
      ld_library_path:
      - system
---
apiVersion: postgresql.cnpg.io/v1
kind: Database
metadata:
  name: angus-app
spec:
  name: app
  owner: app
  cluster:
    name: angus
  extensions:
  - name: vector
    version: '0.8.1'
  - name: postgis
    version: '3.6.1'
  - name: postgis_raster
  - name: postgis_sfcgal
  - name: fuzzystrmatch
  - name: address_standardizer
  - name: address_standardizer_data_us
  - name: postgis_tiger_geocoder
  - name: postgis_topology
`;

const expected = parseAllDocuments(RECIPE_23).map((d) => d.toJS());
const example = path.resolve(__dirname, '..', '..', 'examples', 'cdk8s', 'main.ts');

describe('examples/cdk8s reproduces CNPG Recipe 23', () => {
  const { objects, files } = synthModule(example);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('the Cluster "angus" has exactly the recipe spec, plus the PostGIS data directories upstream now sets', () => {
    const cluster = find('Cluster', 'angus');
    expect(cluster).toBeDefined();
    // The one deliberate difference from CNPG Recipe 23: the PostGIS image's own metadata sets GDAL_DATA and
    // PROJ_DATA (postgres-extensions-containers issue #166), and CNPG 1.29+ applies extension env, so the library
    // emits them by default for such operators (ExtensionImage.postgis dataDirectoriesEnv: false leaves them out).
    const withEnv = structuredClone(expected[0].spec) as { postgresql: { extensions: Record<string, unknown>[] } };
    withEnv.postgresql.extensions[1].env = [
      { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
      { name: 'PROJ_DATA', value: '${image_root}/share/proj' },
    ];
    expect(cluster?.spec).toEqual(withEnv);
    expect(cluster?.metadata).toStrictEqual({ name: 'angus' });
  });

  test('the Database "angus-app" has exactly the recipe spec, in the recipe order', () => {
    const db = find('Database', 'angus-app');
    expect(db).toBeDefined();
    expect(db?.spec).toStrictEqual(expected[1].spec);
  });

  test('objects carry plain names, without cdk8s hash suffixes', () => {
    for (const o of objects.filter((x) => String(x.apiVersion).startsWith('postgresql.cnpg.io'))) {
      expect(o.metadata.name).toMatch(/^(angus|angus-app)$/);
    }
  });

  test('every CNPG object passes the CNPG 1.30.0 CRD schemas', () => {
    expect(expectValidCnpgObjects(objects)).toBeGreaterThanOrEqual(2);
  });

  test('output files are stable (snapshot)', () => {
    expect(files.filter((f) => f.endsWith('.k8s.yaml'))).toMatchSnapshot();
    expect(objects.filter((o) => String(o.apiVersion).startsWith('postgresql.cnpg.io'))).toMatchSnapshot();
  });

  const seedFile = path.resolve(__dirname, '..', '..', '..', 'shared', 'seed', '000_f1bf403c3eb153c8.txt');
  // ../shared is beside the repository wherever the suite runs (CI included), as for test/cli/validate.test.ts.
  test("the recipe text above is the seed blog post's last manifest", () => {
    const text = fs.readFileSync(seedFile, 'utf8');
    // The last manifest of the post: from its last "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster" to "postgis_topology".
    const start = text.lastIndexOf('apiVersion: postgresql.cnpg.io/v1\nkind: Cluster');
    const end = text.indexOf('postgis_topology', start) + 'postgis_topology'.length;
    const seed = parseAllDocuments(text.slice(start, end)).map((d) => d.toJS());
    expect(seed).toStrictEqual(expected);
  });
});
