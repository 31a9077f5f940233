// Every check is a construct validation: plain app.synth() (what a platform repository's main.ts ends with)
// reports every problem of the app at once, each at its construct path with its code, before anything is written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { CnpgChecks, ExtensionDatabase, ExtensionImage, KindConfig, PostgresCluster, synthesize } from '../../lib/cdk8s';
import { brokenApp, EXPECTED_ERRORS, EXPECTED_WARNINGS } from '../support/broken-app';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(Testing.app().outdir, 'checks-')) });

function synthFailure(app: App, synth: () => void = () => app.synth()): string {
  try {
    synth();
  } catch (e) {
    expect(fs.readdirSync(app.outdir)).toEqual([]); // nothing written
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}

describe('an app with every mistake only the whole app shows', () => {
  test('app.synth() reports each of them at its construct, with its code, and writes nothing', () => {
    const app = newApp();
    brokenApp(app);
    const message = synthFailure(app);
    expect(message).toMatch(/^Validation failed with the following errors:/);
    for (const [where, code, field] of EXPECTED_ERRORS) expect(message).toContain(`[${where}] ${code}: ${field}: `);
    expect(message.split('\n').filter((l) => l.startsWith('  ['))).toHaveLength(EXPECTED_ERRORS.length);
    expect(message).toContain(
      '[same-name-b/angus] duplicate-object-name: name: names the same Cluster (angus in namespace "team") as \'same-name-a/angus\'',
    );
    expect(message).toMatch(/\[patched\/angus\] crd-schema: \.spec: imageName and imageCatalogRef are mutually exclusive \(CEL rule: /);
  });

  test('CnpgChecks.of(app) gives the same findings to code, warnings apart', () => {
    const app = newApp();
    brokenApp(app);
    const found = CnpgChecks.of(app);
    expect(found.errors.map((f) => [f.where, f.code, f.field])).toEqual(expect.arrayContaining(EXPECTED_ERRORS.map((e) => [...e])));
    expect(found.errors).toHaveLength(EXPECTED_ERRORS.length);
    expect(found.warnings.map((f) => [f.where, f.code])).toEqual(EXPECTED_WARNINGS.map((w) => [...w]));
    expect(CnpgChecks.of(app.node.findChild('databases')).errors.map((f) => f.where)).toEqual(['databases/two', 'databases/app-dash-db']);
  });

  test('synthesize(app) fails the same way', () => {
    const app = newApp();
    brokenApp(app);
    const viaSynthesize = synthFailure(app, () => synthesize(app, { log: false }));
    const other = newApp();
    brokenApp(other);
    expect(viaSynthesize).toBe(synthFailure(other));
  });
});

describe('escape hatches', () => {
  test('a patch that breaks nothing passes; one added after a synth is checked at the next', () => {
    const app = newApp();
    const c = new PostgresCluster(new Chart(app, 'db'), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    c.addJsonPatch(JsonPatch.add('/spec/description', 'patched'));
    app.synth();
    expect(fs.readFileSync(path.join(app.outdir, 'db.k8s.yaml'), 'utf8')).toContain('description: patched');
    c.addJsonPatch(JsonPatch.add('/spec/futureField', true));
    expect(synthFailureKeepingOutput(app)).toContain('[db/angus] crd-schema: .spec.futureField: unknown field "futureField"');
  });

  test('CnpgChecks.configure(app, { crds: false }) skips the CRDs (for fields the targeted release does not have yet)', () => {
    const app = newApp();
    CnpgChecks.configure(app, { crds: false });
    const c = new PostgresCluster(new Chart(app, 'db'), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    c.addJsonPatch(JsonPatch.add('/spec/futureField', true));
    app.synth();
    expect(fs.readdirSync(app.outdir)).toEqual(['db.k8s.yaml']);
  });

  test('a namespace stamped by the chart is part of the checked object', () => {
    const app = newApp();
    const chart = new Chart(app, 'a', { namespace: 'team' });
    const cluster = new PostgresCluster(chart, 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app' });
    new PostgresCluster(new Chart(app, 'b'), 'angus', { imageName: IMAGE, storage: { size: '1Gi' } });
    expect(CnpgChecks.of(app).findings).toEqual([]);
  });
});

describe('kind configs', () => {
  test('two with one file name, and one too old for image volumes, fail synth naming each', () => {
    const app = newApp();
    new PostgresCluster(new Chart(app, 'db'), 'angus', {
      imageName: IMAGE,
      storage: { size: '1Gi' },
      extensions: [ExtensionImage.pgvector('0.8.1')],
    });
    new KindConfig(app, 'one');
    new KindConfig(app, 'two', { kubernetesVersion: '1.32', nodeImage: `kindest/node:v1.32.11@sha256:${'c'.repeat(64)}` });
    const message = synthFailure(app, () => synthesize(app, { log: false }));
    expect(message).toContain("[two] duplicate-object-name: fileName: names the same file (kind-config.yaml) as 'one'");
    expect(message).toMatch(/\[two\] [a-z-]+: kubernetesVersion: /);
  });

  test('a file name with a directory is refused at construction', () => {
    expect(() => new KindConfig(newApp(), 'k', { fileName: '../kind.yaml' })).toThrow(
      /fileName: must be a file name ending in \.yaml or \.yml, without a directory \(got "\.\.\/kind\.yaml"\)/,
    );
  });
});

/** A failing synth after a good one: the earlier output stays. */
function synthFailureKeepingOutput(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}
