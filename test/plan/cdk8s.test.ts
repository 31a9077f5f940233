// cdk8s: the plan at synth against the previous output, opt-in (the option, or CNPG_PLAN), before anything is
// written; it can fail the synth (failOn) and stamp the restart CNPG would not do itself (stampRestart).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  ExtensionDatabase,
  ExtensionImage,
  PlanFailedError,
  PostgresCluster,
  planSynth,
  RESTART_ANNOTATION,
  synthesize,
} from '../../lib/cdk8s';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-plan-cdk8s-'));

/** The Recipe 23 app, with a pgvector version and PostGIS' data-directory env on or off. */
function app(outdir: string, pgvector: string, postgisEnv = true): App {
  const a = new App({ outdir });
  const chart = new Chart(a, 'angus', { namespace: 'db' });
  const images = [ExtensionImage.pgvector(pgvector), ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: postgisEnv })];
  const cluster = new PostgresCluster(chart, 'angus', {
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
    instances: 3,
    storage: { size: '1Gi' },
    extensions: images,
  });
  new ExtensionDatabase(chart, 'app', { cluster, name: 'app', owner: 'app', extensions: images });
  return a;
}

let previous: string;
beforeAll(() => {
  previous = tmp();
  synthesize(app(previous, '0.8.0'), { log: false });
});
afterEach(() => {
  for (const k of ['CNPG_PLAN', 'CNPG_PLAN_FAIL_ON', 'CNPG_PLAN_MARKDOWN', 'CNPG_PLAN_STAMP_RESTART']) delete process.env[k];
});

test('no previous output given: no plan, nothing read', async () => {
  expect(await planSynth(app(tmp(), '0.8.1'), { log: false })).toBeUndefined();
});

test('against the previous dist/: the image rollout, the ALTER EXTENSION after it, in text and Markdown', async () => {
  let text = '';
  const markdown = path.join(tmp(), 'plan.md');
  const next = app(tmp(), '0.8.1');
  const plan = await planSynth(next, { previous, markdown, log: (t) => (text += t) });
  const cluster = plan?.objects.find((o) => o.kind === 'Cluster');
  expect(cluster).toMatchObject({ id: 'Cluster/db/angus', effect: 'roll' });
  expect(cluster?.changes.map((c) => c.code)).toEqual(['extension-image-changed']);
  const db = plan?.objects.find((o) => o.kind === 'Database');
  expect(db?.statements?.map((s) => s.sql)).toEqual(['ALTER EXTENSION "vector" UPDATE TO "0.8.1"']);
  expect(text).toMatch(/^Cluster\/db\/angus: update, roll$/m);
  expect(fs.readFileSync(markdown, 'utf8')).toMatch(/^### 🔁 `Cluster\/db\/angus`: update, roll$/m);
  // Planning wrote nothing: the synth that follows does.
  expect(fs.readdirSync(next.outdir)).toEqual([]);
  synthesize(next, { log: false });
  expect(fs.readdirSync(next.outdir).length).toBeGreaterThan(0);
});

test('CNPG_PLAN and CNPG_PLAN_FAIL_ON turn it on from CI, and a restart fails the synth', async () => {
  process.env.CNPG_PLAN = previous;
  process.env.CNPG_PLAN_FAIL_ON = 'restart';
  await expect(planSynth(app(tmp(), '0.8.1'), { log: false })).rejects.toThrow(PlanFailedError);
  await expect(planSynth(app(tmp(), '0.8.1'), { log: false })).rejects.toThrow(/the plan has restart \(failOn\): nothing was synthesized/);
  // The same app is no change at all.
  expect((await planSynth(app(tmp(), '0.8.0'), { log: false }))?.summary).toMatchObject({
    restart: false,
    manualRestart: false,
    refused: false,
  });
  process.env.CNPG_PLAN_FAIL_ON = 'reboot';
  await expect(planSynth(app(tmp(), '0.8.0'), { log: false })).rejects.toThrow(
    /CNPG_PLAN_FAIL_ON: reboot is not one of restart, manual-restart, refused/,
  );
});

test("a restart CNPG will not do (PostGIS' env): reported, and with stampRestart the Cluster carries the restart annotation", async () => {
  const plain = await planSynth(app(tmp(), '0.8.0', false), { previous, log: false });
  expect(plain?.summary).toMatchObject({ manualRestart: true, restart: false });
  const out = tmp();
  const next = app(out, '0.8.0', false);
  const stamped = await planSynth(next, { previous, log: false, stampRestart: true });
  expect(stamped?.summary).toMatchObject({ manualRestart: false, restart: true });
  synthesize(next, { log: false });
  const objects = fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.k8s.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJS()));
  const cluster = objects.find((o) => o.kind === 'Cluster');
  expect(new Date(cluster.metadata.annotations[RESTART_ANNOTATION]).getTime()).toBeGreaterThan(Date.now() - 60_000);
});
