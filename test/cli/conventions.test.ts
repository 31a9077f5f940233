// `cnpg-constructs` follows the conventions of well-kept command-line tools (GNU, git, npm; clig.dev), run as users
// run it (the built command, as a process): -h/--help and `help <command>` print that command's own usage on
// standard output and succeed, --version prints the package's version, exit codes are 0 success, 1 findings,
// 2 could not run (a usage error included) with the error on standard error and a pointer to --help; and what
// `cdk8s synth` writes follows the umask, as every tool's output does.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { CliIo } from '../../lib/cli/validate';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(REPO, 'build', 'lib', 'cli', 'main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-cli-conventions-'));

function run(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input ?? '',
    env: { ...process.env, DOCKER_CONFIG: tmp() },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every command and command of a command, as typed after `cnpg-constructs`. */
const COMMANDS: string[][] = [
  [],
  ['validate'],
  ['images'],
  ['images', 'inspect'],
  ['images', 'verify'],
  ['images', 'lock'],
  ['images', 'test'],
  ['plan'],
];
const synopsis = (command: string[]) => `usage: cnpg-constructs ${command.length ? command.join(' ') : '<command>'}`;

describe.each(COMMANDS.map((c) => [c.join(' ') || '(the program)', c] as const))('%s', (_name, command) => {
  const forms = [
    [...command, '-h'],
    [...command, '--help'],
    ['help', ...command],
    ['--help', ...command],
  ];
  const runs = forms.map((f) => run(f));

  test.each(forms.map((f, i) => [f.join(' '), i] as const))('%s: its own usage on stdout, nothing on stderr, exit 0', (_f, i) => {
    expect(runs[i]).toEqual({ code: 0, out: expect.stringMatching(new RegExp(`^${synopsis(command)} `)), err: '' });
    expect(runs[i].out).toMatch(/-h, --help/);
    expect(runs[i].out.endsWith('\n')).toBe(true);
  });

  test('every form prints the same text', () => {
    expect(new Set(runs.map((r) => r.out)).size).toBe(1);
  });

  test('the help flag wins over the other arguments, wherever it is', () => {
    const r = run([...command, ...(command[0] === 'images' ? ['-q'] : []), 'some-file.yaml', '--help']);
    if (command.length === 0)
      expect(r.code).toBe(2); // the program: some-file.yaml is an unknown command
    else expect(r).toEqual(runs[0]);
  });
});

test("each command's usage is its own (no two commands print the same text)", () => {
  const texts = COMMANDS.map((c) => run([...c, '--help']).out);
  expect(new Set(texts).size).toBe(COMMANDS.length);
  expect(texts[COMMANDS.findIndex((c) => c[1] === 'test')]).toMatch(
    /This RUNS THE IMAGES' CODE \(SQL scripts, native modules\) ON THIS MACHINE/,
  );
  expect(texts[COMMANDS.findIndex((c) => c[1] === 'inspect')]).not.toMatch(/RUNS THE IMAGES' CODE|--pg-bin|--check/);
});

test('the program lists every command, and how to read its usage', () => {
  const top = run(['--help']).out;
  for (const c of COMMANDS.slice(1)) if (c.join(' ') !== 'images') expect(top).toMatch(new RegExp(`^  ${c.join(' ')} `, 'm'));
  expect(top).toMatch(/^ {2}help \[<command> \[<sub>\]\] /m);
  expect(top).toMatch(/^ {2}-V, --version +the version of cnpg-constructs$/m);
  expect(top).toMatch(/^exit code: 0 success, 1 findings or a failed check, 2 could not run \(a usage error included\)$/m);
});

test('--version and -V print the version of package.json on stdout, exit 0', () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  expect(run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  expect(run(['-V'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  expect(run(['--version', 'extra'])).toMatchObject({ code: 2, out: '' });
});

const POINTER = (command: string) =>
  new RegExp(`\\nTry 'cnpg-constructs${command ? ` ${command}` : ''} --help' for more information\\.\\n$`);

test.each([
  [['nonsense'], /^cnpg-constructs: unknown command "nonsense"\nusage: cnpg-constructs <command> \[options\]/, ''],
  [['--nonsense'], /^cnpg-constructs: unknown option "--nonsense"\n/, ''],
  [['help', 'nonsense'], /^cnpg-constructs help: unknown command "nonsense"\n/, ''],
  [['help', 'plan', 'extra'], /^cnpg-constructs help: plan has no command extra\n/, ''],
  [['help', 'images', 'inspect', 'extra'], /^cnpg-constructs help: images has no command inspect extra\n/, ''],
  [
    ['help', 'images', 'nonsense'],
    /^cnpg-constructs images: unknown command "nonsense" \(the commands are inspect, verify, lock and test\)\n/,
    'images',
  ],
  [['images', 'nonsense'], /^cnpg-constructs images: unknown command "nonsense"/, 'images'],
  [['images', '-q', 'inspect'], /^cnpg-constructs images: name a command \(inspect, verify, lock or test\) before the options\n/, 'images'],
  [
    ['images', 'inspect', '--nonsense', 'x'],
    /^cnpg-constructs images inspect: unknown option --nonsense\nusage: cnpg-constructs images inspect \[options\] <ref>\n/,
    'images inspect',
  ],
  [['images', 'inspect'], /^cnpg-constructs images inspect: name one image reference \(got 0\)\n/, 'images inspect'],
  [['images', 'inspect', 'x', '--check'], /^cnpg-constructs images inspect: --check is an option of images lock only\n/, 'images inspect'],
  [['images', 'verify', '--pg-bin', 'x'], /^cnpg-constructs images verify: --pg-bin is an option of images test only\n/, 'images verify'],
  [
    ['images', 'lock', '--operand', 'x'],
    /^cnpg-constructs images lock: --operand is an option of images inspect, verify and test only\n/,
    'images lock',
  ],
  [['images', 'test', 'x', '--platform', 'linux'], /^cnpg-constructs images test: platform "linux" is not os\/architecture/, 'images test'],
  [['images', 'test'], /^cnpg-constructs images test: name at least one image reference\n/, 'images test'],
  [
    ['plan', '--nonsense', 'a', 'b'],
    /^cnpg-constructs plan: unknown option --nonsense\nusage: cnpg-constructs plan \[options\] <before> <after>\n/,
    'plan',
  ],
  [['plan', 'a'], /^cnpg-constructs plan: name two inputs/, 'plan'],
] as [string[], RegExp, string][])('%j: a usage error on stderr with a pointer to --help, exit 2', (args, message, helpOf) => {
  const r = run(args);
  expect(r).toEqual({ code: 2, out: '', err: expect.stringMatching(message) });
  expect(r.err).toMatch(POINTER(helpOf));
});

test('no command, or images without one: the usage on stderr, exit 2', () => {
  expect(run([])).toEqual({ code: 2, out: '', err: run(['--help']).out });
  expect(run(['images'])).toEqual({ code: 2, out: '', err: run(['images', '--help']).out });
});

test('validate: 0 valid, 1 invalid, 2 an unknown option (on stderr) or input it cannot read', () => {
  const dir = tmp();
  const cluster = (instances: unknown) => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'c', namespace: 'db' },
    spec: { instances, storage: { size: '1Gi' } },
  });
  fs.writeFileSync(path.join(dir, 'valid.yaml'), stringify(cluster(1)));
  fs.writeFileSync(path.join(dir, 'invalid.yaml'), stringify(cluster('three')));
  expect(run(['validate', 'valid.yaml'], { cwd: dir })).toMatchObject({ code: 0, err: '' });
  expect(run(['validate', 'invalid.yaml'], { cwd: dir })).toMatchObject({ code: 1, err: '' });
  expect(run(['validate', '--nonsense', 'valid.yaml'], { cwd: dir })).toMatchObject({ code: 2, out: '', err: /unknown option --nonsense/ });
  expect(run(['validate', 'missing.yaml'], { cwd: dir })).toMatchObject({ code: 2, out: '', err: /missing\.yaml/ });
});

test('images verify and plan: 0 with nothing to report, 2 (on stderr) for input they cannot read', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'none.yaml'), stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
  expect(run(['images', 'verify', 'none.yaml', '-q'], { cwd: dir })).toMatchObject({ code: 0, out: /^ok: 0 image\(s\)/ });
  expect(run(['plan', 'none.yaml', 'none.yaml', '--no-images'], { cwd: dir })).toMatchObject({ code: 0, err: '' });
  const missing = run(['images', 'verify', 'missing.yaml'], { cwd: dir });
  expect(missing).toMatchObject({ code: 2, out: '', err: /could not run: no such file or directory: missing\.yaml/ });
  expect(missing.err).toMatch(POINTER('images verify'));
  expect(run(['plan', 'none.yaml', 'missing.yaml'], { cwd: dir })).toMatchObject({ code: 2, out: '', err: /missing\.yaml/ });
});

test("a failure no command reports (standard output closed under it: EPIPE) is exit 2 with one line, never Node's 1", async () => {
  const child = spawn(process.execPath, [CLI, 'images', 'test', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect({ code, err }).toEqual({ code: 2, err: 'cnpg-constructs: could not run: write EPIPE\n' });
});

describe('every option a usage lists is one its command takes, and no other', () => {
  const quiet = () => {
    let out = '';
    let err = '';
    const io: CliIo = { stdin: async () => '', stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: tmp() };
    return { io, result: () => ({ out, err }) };
  };
  // The placeholders of the usage texts, and a value each.
  const SAMPLE: Record<string, string> = {
    'text|json': 'json',
    'text|json|markdown': 'json',
    dir: 'some-dir',
    'ref|built-in': 'built-in',
    soname: 'libx.so.1',
    path: 'x.lock.json',
    user: 'nobody',
    lib: 'pg_stat_statements',
    'name=value': 'work_mem=8MB',
    'os/arch[/variant]': 'linux/arm64',
    host: 'localhost:5000',
    bytes: '1000',
    '<list>': 'restart,refused',
    '<v>': '1.30.0',
  };
  /** [option, its value or undefined] of each option row of a usage text. */
  const optionsOf = (usage: string): [string, string | undefined][] =>
    [...usage.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)(?: (\S+))? {2}/gm)]
      .map((m) => [m[1], m[2]] as [string, string | undefined])
      .filter(([o]) => o !== '--help');
  const argsFor = (options: [string, string | undefined][]) =>
    options.flatMap(([o, v]) => {
      if (v !== undefined && !(v in SAMPLE)) throw new Error(`no sample value for ${o} ${v}`);
      return v === undefined ? [o] : [o, SAMPLE[v]];
    });

  const { runImages } = require(path.join(REPO, 'build', 'lib', 'cli', 'images.js'));
  const { runPlan } = require(path.join(REPO, 'build', 'lib', 'cli', 'plan.js'));
  const images = ['inspect', 'verify', 'lock', 'test'] as const;
  const usage = (command: string) => {
    const { io, result } = quiet();
    return runImages([command, '--help'], io).then(() => result().out as string);
  };
  // What each command says when the options parsed and its input is missing.
  const NEXT: Record<(typeof images)[number], [string[], RegExp]> = {
    inspect: [[], /images inspect: name one image reference \(got 0\)/],
    verify: [['missing.yaml'], /could not run: no such file or directory: missing\.yaml/],
    lock: [['missing.yaml'], /could not run: (no such file or directory: missing\.yaml|.*x\.lock\.json does not exist)/],
    test: [[], /images test: name at least one image reference/],
  };

  test.each(images)('images %s: takes all of its options at once', async (command) => {
    const options = optionsOf(await usage(command));
    expect(options.length).toBeGreaterThan(5);
    const { io, result } = quiet();
    const [positional, next] = NEXT[command];
    expect(await runImages([command, ...argsFor(options), ...positional], io)).toBe(2);
    expect(result().err).toMatch(next);
  });

  test.each(images)('images %s: refuses the options of the other commands', async (command) => {
    const own = new Set(optionsOf(await usage(command)).map(([o]) => o));
    const others = new Map<string, string | undefined>();
    for (const c of images) for (const [o, v] of optionsOf(await usage(c))) if (!own.has(o)) others.set(o, v);
    expect(others.size).toBeGreaterThan(0);
    for (const [o, v] of others) {
      const { io, result } = quiet();
      expect(await runImages([command, ...argsFor([[o, v]]), 'x'], io)).toBe(2);
      expect(result().err).toMatch(
        new RegExp(`^cnpg-constructs images ${command}: ${o} is an option of images (\\w+, )*\\w+( and \\w+)? only\\n`),
      );
    }
  });

  test('plan: takes all of its options at once', async () => {
    const help = quiet();
    await runPlan(['--help'], help.io);
    const options = optionsOf(help.result().out);
    expect(options.map(([o]) => o)).toEqual([
      '--output',
      '--fail-on',
      '--operator-version',
      '--no-images',
      '--insecure-registry',
      '--platform',
      '--cache-dir',
    ]);
    const { io, result } = quiet();
    expect(await runPlan([...argsFor(options), 'missing.yaml', 'missing.yaml'], io)).toBe(2);
    expect(result().err).toMatch(/^cnpg-constructs plan: could not make the plan: no such file or directory: missing\.yaml\n$/);
  });
});

test('cdk8s synth (scripts/cdk8s-app.js) creates the output directory and its files as the umask says, not 0700', () => {
  const out = path.join(tmp(), 'dist');
  const r = spawnSync('sh', ['-c', 'umask 027 && exec "$0" scripts/cdk8s-app.js', process.execPath], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CNPG_SYNTH_OUT: out },
  });
  expect([r.status, r.stderr]).toEqual([0, expect.stringContaining('synthesized into')]);
  expect((fs.statSync(out).mode & 0o777).toString(8)).toBe('750');
  const files = fs.readdirSync(out);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) expect((fs.statSync(path.join(out, f)).mode & 0o777).toString(8)).toBe('640');
  expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('.dist-'))).toEqual([]);
});
