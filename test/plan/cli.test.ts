// `cnpg-constructs plan`, run as users run it (the built command, as a process): exit 0 when the plan was made,
// 1 when a --fail-on category applies, 2 when it could not be made; text, JSON and Markdown.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { cluster, database, type Obj, PGVECTOR } from './support';

const CLI = path.join(__dirname, '..', '..', 'build', 'lib', 'cli', 'main.js');

function dir(objects: Obj[], file = 'objects.yaml'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-plan-cli-'));
  fs.writeFileSync(path.join(d, file), objects.map((o) => stringify(o)).join('---\n'));
  return d;
}
function plan(args: string[], input?: string) {
  return spawnSync(process.execPath, [CLI, 'plan', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, DOCKER_CONFIG: os.tmpdir() },
  });
}

const before = dir([cluster(), database()]);
const resized = dir([cluster({ resources: { limits: { memory: '2Gi' } } }), database()]);
const envOnly = dir([
  cluster({ postgresql: { extensions: [{ name: 'pgvector', image: { reference: PGVECTOR }, env: [{ name: 'A', value: '1' }] }] } }),
  database(),
]);
const refused = dir([cluster(), database({ extensions: [{ name: 'pgaudit' }] })]);

test('the plan is made: exit 0, whatever it says, with text on stdout', () => {
  const r = plan([before, resized]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^Cluster\/db\/angus: update, roll$/m);
  expect(r.stdout).toMatch(/\.spec\.resources(\.limits\.memory)?: roll: the postgres container gets the new resources/);
  expect(r.stdout).toMatch(/rollout \(3 instance\(s\), unsupervised, restart\):\n {4}1\. the 2 replica\(s\)/);
  expect(r.stdout).toMatch(/source: cloudnative-pg v1\.30\.0 pkg\/specs\/pods\.go:261/);
  expect(r.stdout).toMatch(
    /^plan: 1 cluster\(s\) restart, 0 object\(s\) need a manual restart, 0 refused; 0 created, 1 updated, 0 deleted, 1 unchanged$/m,
  );
});

test.each([
  ['restart', resized, 1],
  ['manual-restart', resized, 0],
  ['manual-restart', envOnly, 1],
  ['restart', envOnly, 0],
  ['refused', refused, 1],
  ['restart,manual-restart', refused, 0],
] as [string, string, number][])('--fail-on %s: exit %#', (failOn, after, code) => {
  const r = plan([before, after, '--fail-on', failOn, '--no-images']);
  expect(r.status).toBe(code);
  if (code === 1) expect(r.stderr).toMatch(new RegExp(`the plan has ${failOn.split(',')[0]}.*\\(--fail-on\\)`));
  else expect(r.stderr).toBe('');
});

test('-o json is the plan, -o markdown a pull-request comment', () => {
  const json = JSON.parse(plan([before, envOnly, '-o', 'json']).stdout);
  expect(json.summary).toMatchObject({ restart: false, manualRestart: true, refused: false });
  expect(json.objects[0].changes[0]).toMatchObject({ code: 'extension-env-changed', effect: 'manual-restart', cite: expect.any(Array) });
  const md = plan([before, envOnly, '-o', 'markdown']).stdout;
  expect(md).toMatch(/^## What CloudNativePG will do with this change$/m);
  expect(md).toMatch(/\| no \| ⚠️ yes \| no \|/);
  expect(md).toMatch(
    /\[instance\.go:813\]\(https:\/\/github\.com\/cloudnative-pg\/cloudnative-pg\/blob\/v1\.30\.0\/pkg\/management\/postgres\/instance\.go#L813\)/,
  );
  expect(md).toMatch(/\*\*Fix:\*\* restart the cluster after the apply: kubectl cnpg restart angus/);
});

test('standard input for one side (kubectl get -o yaml | cnpg-constructs plan - dist/)', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      cluster({
        logLevel: 'info',
        postgresql: { extensions: [{ name: 'pgvector', image: { reference: PGVECTOR } }], parameters: { wal_level: 'logical' } },
      }),
      database(),
    ],
  };
  const r = plan(['-', before], stringify(live));
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/plan: 0 cluster\(s\) restart.*0 updated, 0 deleted, 2 unchanged/);
});

test.each([
  ['a missing input', () => [before, '/nonexistent/dist'], /no such file or directory: \/nonexistent\/dist/],
  ['one input', () => [before], /name two inputs, <before> and <after> \(got 1\)/],
  ['both from standard input', () => ['-', '-'], /only one of <before> and <after> can be standard input/],
  ['a bad --fail-on', () => [before, resized, '--fail-on', 'reload'], /--fail-on takes restart, manual-restart, refused, not "reload"/],
  ['a bad -o', () => [before, resized, '-o', 'yaml'], /-o takes text, json or markdown/],
  [
    'invalid YAML',
    () => [before, dir([], 'broken.yaml').replace(/$/, '/broken.yaml')],
    /could not make the plan: .*broken\.yaml: document 0 is not valid YAML/,
  ],
] as [string, () => string[], RegExp][])('the plan cannot be made: %s, exit 2', (_n, args, message) => {
  const a = args();
  if (a[1]?.endsWith('broken.yaml')) fs.writeFileSync(a[1], 'kind: [unclosed\n');
  const r = plan(a);
  expect(r.stderr).toMatch(message);
  expect(r.status).toBe(2);
});

test('--help, and the command is listed by cnpg-constructs --help', () => {
  const r = plan(['--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/usage: cnpg-constructs plan \[options\] <before> <after>/);
  const top = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  expect(top.stdout).toMatch(/plan <before> <after> +what CloudNativePG will do with a change/);
});
