// synthesize() validates every CNPG object against the CRDs of the targeted operator (schema and CEL rules):
// an object broken through an escape hatch fails synth, naming the construct, the field and the rule.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { CnpgValidationError, PostgresCluster, synthesize } from '../../lib/cdk8s';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'v-')) });

function synthError(build: (chart: Chart) => void): CnpgValidationError {
  const app = newApp();
  build(new Chart(app, 'db'));
  try {
    synthesize(app, { log: false });
  } catch (e) {
    expect(fs.readdirSync(app.outdir)).toEqual([]);
    if (e instanceof CnpgValidationError) return e;
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

test('a CEL rule broken through addJsonPatch fails synth with the construct path, the field and the rule', () => {
  const e = synthError((chart) => {
    const c = new PostgresCluster(chart, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    c.apiObject.addJsonPatch(
      JsonPatch.add('/spec/imageCatalogRef', { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'x', major: 18 }),
    );
  });
  expect(e.path).toBe('db/angus');
  expect(e.message).toMatch(
    /^Cluster\/angus at 'db\/angus' is invalid: \.spec: imageName and imageCatalogRef are mutually exclusive \(CEL rule: .*\): the CNPG 1\.30\.0 CRD refuses it/,
  );
});

test('a hand-built object with an unknown field and a wrong type fails synth', () => {
  const e = synthError((chart) => {
    new ApiObject(chart, 'raw', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'raw' },
      spec: { name: 'app', owner: 'app', cluster: { name: 'angus' }, ensure: 'gone', bogus: 1 },
    });
  });
  expect(e.problems.map((p) => p.field).sort()).toEqual(['.spec.bogus', '.spec.ensure']);
});

test('validate: false skips it (for objects the targeted CRDs do not describe yet)', () => {
  const app = newApp();
  const c = new PostgresCluster(new Chart(app, 'db'), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
  c.apiObject.addJsonPatch(JsonPatch.add('/spec/futureField', true));
  synthesize(app, { log: false, validate: false });
  expect(fs.readdirSync(app.outdir)).toEqual(['db.k8s.yaml']);
});
