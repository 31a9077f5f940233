import { Chart, Testing } from 'cdk8s';
import { CnpgValidationError, ExtensionDatabase, ExtensionImage, PostgresCluster, type PostgresClusterProps } from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const base: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };

function clusterError(props: Partial<PostgresClusterProps>): CnpgValidationError {
  const chart = new Chart(Testing.app(), 'prod');
  try {
    new PostgresCluster(chart, 'angus', { ...base, ...props } as PostgresClusterProps);
  } catch (e) {
    if (e instanceof CnpgValidationError) return e;
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

describe('PostgresCluster reports every problem (the single-problem cases are rows of test/bad-input.test.ts)', () => {
  test('all problems are reported at once', () => {
    const e = clusterError({ instances: -1, storage: { size: 'big' }, postgresql: { parameters: { port: '1' } } });
    expect(e.problems.map((p) => p.field).sort()).toEqual(['instances', 'postgresql.parameters.port', 'storage.size']);
  });
});

describe('dependency order', () => {
  test('a list out of order is sorted stably by default', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const cluster = new PostgresCluster(chart, 'angus', { ...base, extensions: [ExtensionImage.postgis('3.6.1')] });
    const db = new ExtensionDatabase(chart, 'app', {
      cluster,
      name: 'app',
      owner: 'app',
      extensions: [
        { name: 'postgis_tiger_geocoder' },
        { name: 'postgis_topology' },
        { name: 'fuzzystrmatch' },
        { name: 'postgis', version: '3.6.1' },
      ],
    });
    expect(db.model.extensions.map((e) => e.name)).toEqual(['fuzzystrmatch', 'postgis', 'postgis_tiger_geocoder', 'postgis_topology']);
  });

  test('a database on a cluster named by string skips availability checks but keeps order rules', () => {
    const chart = new Chart(Testing.app(), 'prod');
    const db = new ExtensionDatabase(chart, 'app', { cluster: 'external', name: 'app', owner: 'app', extensions: [{ name: 'anything' }] });
    expect(Testing.synth(chart)[0].spec).toEqual({
      cluster: { name: 'external' },
      name: 'app',
      owner: 'app',
      extensions: [{ name: 'anything' }],
    });
    expect(db.model.resourceName).toBe('external-app');
  });
});
