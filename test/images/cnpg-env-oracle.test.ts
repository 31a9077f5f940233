// CNPG is the oracle for an extension entry's env and path lists: the cases of its own unit tests at v1.30.0
// (our inputs, the verdicts CNPG's tests assert; file:line cited per case), run through the library's wire-shape
// rules (lib/core/extension-image-checks.ts) and through ExtensionImage's validation, which calls them.
import { ExtensionImage } from '../../lib/cdk8s';
import {
  expandEnvValue,
  extensionEntryFindings,
  isReservedEnvironmentVariable,
  unknownPlaceholders,
} from '../../lib/core/extension-image-checks';

const ENV_TEST = 'cloudnative-pg v1.30.0 pkg/postgres/environment_test.go';
const WEBHOOK_TEST = 'cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook_test.go';

describe(`IsReservedEnvironmentVariable (${ENV_TEST}:28-47)`, () => {
  test.each(['PGDATA', 'PGHOST', 'CNPG_SECRET', 'POD_NAME', 'NAMESPACE', 'CLUSTER_NAME', 'pgdata', 'Cnpg_x', 'pod_name'])(
    '%s is reserved (upper-cased first, environment.go)',
    (name) => expect(isReservedEnvironmentVariable(name)).toBe(true),
  );
  test.each(['LC_ALL', 'TZ', 'FOO', 'PATH', 'LD_LIBRARY_PATH', 'GDAL_DATA'])('%s is not', (name) =>
    expect(isReservedEnvironmentVariable(name)).toBe(false),
  );
});

describe(`FindUnknownPlaceholders (${ENV_TEST}:50-90)`, () => {
  test.each([
    ['/some/path', []],
    ['${image_root}/lib', []],
    ['${image_rot}/lib', ['${image_rot}']],
    ['${foo}/${bar}', ['${foo}', '${bar}']],
    ['${image_root}/${typo}', ['${typo}']],
    ['$${not_a_placeholder}', []],
    ['$${image_root}', []],
    ['$${escaped}/${unknown}', ['${unknown}']],
    ['$$${unknown}', ['${unknown}']],
    ['$$$${unknown}', []],
  ])('%s', (value, unknown) => expect(unknownPlaceholders(value)).toEqual(unknown));
});

describe(`ExpandEnvPlaceholders (${ENV_TEST}:92-128)`, () => {
  test.each([
    ['${image_root}/lib', '/extensions/my-ext/lib'],
    ['$${not_expanded}', '${not_expanded}'],
    ['${image_root}/$${literal}', '/extensions/my-ext/${literal}'],
    ['$${image_root}', '${image_root}'],
    ['$$${image_root}', '$/extensions/my-ext'],
    ['$$$${image_root}', '$${image_root}'],
    ['plain $$text', 'plain $$text'],
    ['${unknown}', '${unknown}'],
  ])('%s', (value, expanded) => expect(expandEnvValue(value, '/extensions/my-ext')).toBe(expanded));
});

describe(`validateExtensions over one wire entry (${WEBHOOK_TEST})`, () => {
  const base = '.spec.postgresql.extensions[0]';
  const fields = (entry: Record<string, unknown>) =>
    extensionEntryFindings({ name: 'extOne', ...entry }, base).map((f) => `${f.code} ${f.field}`);
  test.each([
    [
      'duplicate bin_path entries (6038)',
      { bin_path: ['/usr/bin', '/usr/local/bin', '/usr/local/bin'] },
      ['image-path-duplicate .bin_path[2]'],
    ],
    ['an empty bin_path entry (6066)', { bin_path: ['/usr/bin', ''] }, ['image-path-empty .bin_path[1]']],
    [
      'path traversal in every list (6091)',
      { extension_control_path: ['../x'], dynamic_library_path: ['../x'], ld_library_path: ['../x'], bin_path: ['../x'] },
      [
        'image-path-escapes .extension_control_path[0]',
        'image-path-escapes .dynamic_library_path[0]',
        'image-path-escapes .ld_library_path[0]',
        'image-path-escapes .bin_path[0]',
      ],
    ],
    [
      'PATH and LD_LIBRARY_PATH in env are forbidden (6195)',
      {
        env: [
          { name: 'PATH', value: '/my/binary/path' },
          { name: 'LD_LIBRARY_PATH', value: '/my/library/path' },
        ],
      },
      ['image-env-name-refused .env[0].name', 'image-env-name-refused .env[1].name'],
    ],
    [
      'reserved env names (6231)',
      {
        env: [
          { name: 'PGDATA', value: '/some/path' },
          { name: 'CNPG_SECRET', value: 'some_value' },
        ],
      },
      ['image-env-name-reserved .env[0].name', 'image-env-name-reserved .env[1].name'],
    ],
    [
      'a duplicate env name (6269)',
      {
        env: [
          { name: 'FOO', value: 'foo' },
          { name: 'FOO', value: 'bar' },
        ],
      },
      ['image-env-name-duplicate .env[1].name'],
    ],
    [
      'an unknown placeholder (6303)',
      {
        env: [
          { name: 'GOOD', value: '${image_root}/lib' },
          { name: 'BAD', value: '${image_rot}/lib' },
        ],
      },
      ['image-env-placeholder-unknown .env[1].value'],
    ],
    // The dedicated-field names are compared as written (a map lookup in validateExtensionEnvVars): "path" is allowed.
    ['lower-case path is an ordinary variable', { env: [{ name: 'path', value: '/x' }] }, []],
    ['an escaped placeholder is a literal', { env: [{ name: 'LITERAL', value: '$${image_root}/x' }] }, []],
    ['an absolute path is accepted (joined to the mount point)', { bin_path: ['/bin'], ld_library_path: ['./lib/'] }, []],
  ])('%s', (_what, entry, expected) => expect(fields(entry)).toEqual(expected.map((e) => e.replace(' .', ` ${base}.`))));
});

describe('ExtensionImage validation runs the same rules over its props', () => {
  const problems = (env: Record<string, string>, binPath?: string[]) =>
    new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', env, binPath }).validate().map((p) => `${p.code} ${p.field}`);
  test('reserved in any case, PATH only as written, the $${...} escape, bin_path', () => {
    expect(problems({ pgFoo: 'x', path: '/x', PATH: '/y', LITERAL: '$${pgdata}', BAD: '${pgdata}' }, ['bin', 'bin'])).toEqual([
      'image-path-duplicate binPath[1]',
      'image-env-name-reserved env.pgFoo',
      'image-env-name-refused env.PATH',
      'image-env-placeholder-unknown env.BAD',
    ]);
  });
});
