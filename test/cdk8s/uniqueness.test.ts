// The same object twice in one app: Kubernetes would keep one of them (which one depends on apply order), so
// synthesize() refuses it, naming the second construct and the first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { CnpgValidationError, ExtensionDatabase, KindConfig, PostgresCluster, synthesize } from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'u-')) });

function refused(build: (app: App) => void): CnpgValidationError {
  const app = newApp();
  build(app);
  try {
    synthesize(app, { log: false });
  } catch (e) {
    if (e instanceof CnpgValidationError) {
      expect(fs.readdirSync(app.outdir)).toEqual([]); // nothing written
      return e;
    }
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

test('two clusters with one name in one namespace', () => {
  const e = refused((app) => {
    new PostgresCluster(new Chart(app, 'a', { namespace: 'db' }), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    new PostgresCluster(new Chart(app, 'b', { namespace: 'db' }), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  });
  expect(e.message).toMatch(
    /^PostgresCluster at 'b\/angus' is invalid: name: names the same Cluster \(angus in namespace "db"\) as 'a\/angus'/,
  );
});

test('the same cluster name in two namespaces is fine', () => {
  const app = newApp();
  new PostgresCluster(new Chart(app, 'a', { namespace: 'one' }), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  new PostgresCluster(new Chart(app, 'b', { namespace: 'two' }), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  expect(() => synthesize(app, { log: false })).not.toThrow();
});

test('two ExtensionDatabases for one database of one cluster, and names that map to one object', () => {
  const e = refused((app) => {
    const chart = new Chart(app, 'c');
    const cluster = new PostgresCluster(chart, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    new ExtensionDatabase(chart, 'one', { cluster, name: 'app', owner: 'app' });
    new ExtensionDatabase(chart, 'two', { cluster, name: 'app', owner: 'app', resourceName: 'angus-app-2' });
  });
  expect(e.problems).toEqual([
    expect.objectContaining({ field: 'name', message: "names the same database app of cluster angus as 'c/one'" }),
  ]);
  const mapped = refused((app) => {
    const chart = new Chart(app, 'c');
    const cluster = new PostgresCluster(chart, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    new ExtensionDatabase(chart, 'one', { cluster, name: 'app_db', owner: 'app' });
    new ExtensionDatabase(chart, 'two', { cluster, name: 'app-db', owner: 'app' });
  });
  expect(mapped.problems).toEqual([expect.objectContaining({ field: 'resourceName', value: 'angus-app-db' })]);
});

test('two kind configs with one file name; a file name with a directory', () => {
  const e = refused((app) => {
    new KindConfig(app, 'one');
    new KindConfig(app, 'two');
  });
  expect(e.message).toMatch(/KindConfig at 'two' is invalid: fileName: names the same file \(kind-config\.yaml\) as 'one'/);
  expect(() => new KindConfig(newApp(), 'k', { fileName: '../kind.yaml' })).toThrow(
    /fileName: must be a file name ending in \.yaml or \.yml, without a directory \(got "\.\.\/kind\.yaml"\)/,
  );
});
