// The public API check of `npm run lint` (scripts/api-docs.js), on fixtures: an entry that exports an
// undocumented function (and class member, and re-export) must fail, naming each; the same entry documented passes.
// Then what the package entries export: the internals the curated entries leave out are not reachable by name.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'api-docs.js');

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'ES2022', types: [] }, include: ['*.ts'] }),
  );
  fs.writeFileSync(
    path.join(dir, 'inner.ts'),
    [
      '/** Documented where it is declared. */',
      'export function documented(): number {',
      '  return 1;',
      '}',
      'export function reexported(): number {',
      '  return 2;',
      '}',
      'export function internal(): number {',
      '  return 3;',
      '}',
      '',
    ].join('\n'),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(entry: string, text: string, ...args: string[]): { status: number | null; out: string } {
  fs.writeFileSync(path.join(dir, entry), text);
  const r = spawnSync(process.execPath, [SCRIPT, '--project', path.join(dir, 'tsconfig.json'), ...args, path.join(dir, entry)], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const UNDOCUMENTED = `/**
 * The fixture entry: this file comment documents none of the names below.
 * @module fixture
 */
export { documented, reexported } from './inner';

export function undocumentedFunction(): void {}

/** A documented class. */
export class Widget {
  /** Documented. */
  public size = 1;
  public undocumentedMethod(): void {}
  private hidden(): void {}
}
`;

describe('scripts/api-docs.js', () => {
  test('fails on an entry exporting an undocumented function, naming it, its file and line, and the fix', () => {
    const r = check('entry.ts', UNDOCUMENTED, '--pending', 'none');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /entry\.ts:7: undocumentedFunction \(Function, exported by .*entry\.ts\) has no doc comment\. Fix: write a \/\*\* \.\.\. \*\/ comment/,
    );
    // A re-exported name is checked where it is declared; public class members too, private ones not.
    expect(r.out).toMatch(/inner\.ts:5: reexported \(Function/);
    expect(r.out).toMatch(/entry\.ts:13: Widget\.undocumentedMethod \(Method/);
    expect(r.out).not.toMatch(/ documented \(|Widget \(|Widget\.size|hidden|internal \(/);
    expect(r.out).toMatch(/api-docs: 3 public symbol\(s\) without a doc comment/);
  });

  test('passes once every exported name has a doc comment (a comment on the re-export counts)', () => {
    const documented = UNDOCUMENTED.replace(
      "export { documented, reexported } from './inner';",
      "export { documented } from './inner';\n/** Documented at the re-export. */\nexport { reexported } from './inner';",
    )
      .replace('export function undocumentedFunction', '/** Now documented. */\nexport function undocumentedFunction')
      .replace('  public undocumentedMethod', '  /** Now documented. */\n  public undocumentedMethod');
    const r = check('documented.ts', documented, '--pending', 'none');
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  test('a name in the pending list is reported as pending, not as a failure; a pending name that is documented is reported stale', () => {
    const pending = path.join(dir, 'pending.json');
    fs.writeFileSync(
      pending,
      JSON.stringify({
        pending: { undocumentedFunction: 'entry.ts', reexported: 'inner.ts', 'Widget.undocumentedMethod': 'entry.ts', documented: 'x' },
      }),
    );
    const r = check('entry.ts', UNDOCUMENTED, '--pending', pending);
    expect(r.status).toBe(0);
    expect(r.out).toContain('api-docs: 3 undocumented name(s) pending in');
    expect(r.out).toMatch(/documented or gone, remove from .*pending\.json: documented$/m);
  });

  test('an unknown option is an error naming the known ones', () => {
    const r = check('entry.ts', UNDOCUMENTED, '--strict');
    expect(r.status).toBe(2);
    expect(r.out).toContain('api-docs: unknown option --strict (known: --list, --project <tsconfig>, --pending <file|none>)');
  });
});

describe('the package entries', () => {
  // Loaded from source: the same modules the compiled entries are built from.
  const core = require('../../lib/core') as Record<string, unknown>;
  const cdk8s = require('../../lib/cdk8s') as Record<string, unknown>;
  const pulumi = require('../../lib/pulumi') as Record<string, unknown>;
  const provider = require('../../lib/pulumi/provider') as Record<string, unknown>;
  const images = require('../../lib/images') as Record<string, unknown>;

  test('export what the README, the examples and docs/ use', () => {
    for (const name of [
      'ExtensionImage',
      'CATALOG',
      'OperatorManifest',
      'buildCluster',
      'clusterManifest',
      'planChanges',
      'renderText',
      'admissionFindings',
      'CnpgValidation',
      'CnpgValidationError',
      'BarmanCloudManifest',
      'clusterEndpoints',
    ])
      expect([name, typeof core[name]]).toEqual([name, expect.stringMatching(/function|object/)]);
    for (const name of [
      'PostgresCluster',
      'ExtensionDatabase',
      'CnpgOperator',
      'KindConfig',
      'synthesize',
      'Pooler',
      'PodMonitor',
      'ImageLockResolver',
      'planSynth',
      'ExtensionImage',
    ])
      expect([name, typeof cdk8s[name]]).toEqual([name, 'function']);
    for (const name of ['PostgresCluster', 'ExtensionDatabase', 'PostgresExtensions', 'CnpgOperator', 'CnpgResourceError', 'planChanges'])
      expect([name, typeof pulumi[name]]).toEqual([name, 'function']);
    expect(Object.keys(provider).sort()).toEqual(['check', 'create', 'delete', 'diff', 'read', 'update']);
    for (const name of [
      'inspectImage',
      'verifyObjects',
      'verifyExtensionImages',
      'lockReferences',
      'smokeTest',
      'RegistryClient',
      'pullImage',
      'checkUpdatePaths',
      'ImageLock',
    ])
      expect([name, typeof images[name]]).toEqual([name, 'function']);
  });

  test('do not export the internals: SQL planning and quoting, name checks, rule registration, peers, edit distance', () => {
    const internal = [
      'STEP_SEPARATOR',
      'planExtensions',
      'quoteIdent',
      'orderSteps',
      'checkDnsLabel',
      'registerObjectRules',
      'assertPeersInstalled',
      'httpsGetSync',
      'clusterPropOf',
      'FINDING_CODE_PATTERN',
      'editDistance',
      'closestKey',
    ];
    for (const entry of [core, cdk8s, pulumi]) expect(internal.filter((n) => n in entry)).toEqual([]);
    expect(['servedCluster'].filter((n) => n in cdk8s)).toEqual([]);
    expect(['postgresExtensionsProvider', 'serializedProvider', 'PROVIDER_MODULE'].filter((n) => n in pulumi)).toEqual([]);
    expect(['mapLimit', 'parseChallenge', 'hashFile', 'isElf', 'createVerdict', 'clusterUses'].filter((n) => n in images)).toEqual([]);
  });
});
