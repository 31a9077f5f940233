// Every import a reader copies from README.md or docs/*.md names something its entry exports: a curated entry that
// drops a name, or a doc that imports from the wrong entry, fails here rather than in a user's first compile.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const ENTRIES: Record<string, string> = {
  'cnpg-constructs': 'lib/core/index',
  'cnpg-constructs/cdk8s': 'lib/cdk8s/index',
  'cnpg-constructs/cdk8s-plus': 'lib/cdk8s/plus',
  'cnpg-constructs/pulumi': 'lib/pulumi/index',
  'cnpg-constructs/pulumi/provider': 'lib/pulumi/provider',
  'cnpg-constructs/images': 'lib/images/index',
};

/** The value imports (`import { a, b as c } from 'cnpg-constructs...'`) of a Markdown text; type-only names are left out. */
function valueImports(text: string): { entry: string; name: string }[] {
  const out: { entry: string; name: string }[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"](cnpg-constructs[^'"]*)['"]/g)) {
    if (m[1]) continue;
    for (const raw of m[2].split(',')) {
      const name = raw.trim().split(/\s+as\s+/)[0];
      if (name && !name.startsWith('type ')) out.push({ entry: m[3], name });
    }
  }
  return out;
}

const docs = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test('the reader of imports finds value names and leaves types out', () => {
  expect(valueImports("import { A, type B, C as D } from 'cnpg-constructs/cdk8s';\nimport type { E } from 'cnpg-constructs';")).toEqual([
    { entry: 'cnpg-constructs/cdk8s', name: 'A' },
    { entry: 'cnpg-constructs/cdk8s', name: 'C' },
  ]);
});

test.each(docs)('%s imports only what the entries export', (file) => {
  const missing: string[] = [];
  for (const { entry, name } of valueImports(fs.readFileSync(path.join(root, file), 'utf8'))) {
    const module = ENTRIES[entry];
    if (!module) {
      missing.push(`${entry} is not an entry of the package`);
      continue;
    }
    const exported = require(path.join(root, module)) as Record<string, unknown>;
    if (!(name in exported)) missing.push(`${name} from ${entry}`);
  }
  expect(missing).toEqual([]);
});
