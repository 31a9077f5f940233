#!/usr/bin/env node
// Regenerates imports/ with `cdk8s import` from CloudNativePG's CRDs.
//
// 1. cdk8s-cli writes one file per API group, so importing clusters.yaml and then databases.yaml
//    would leave only the last one (cdk8s-cli#696). We concatenate the CRDs we need into ONE
//    multi-document file and import that once.
// 2. The generated module mixes pure code (spec interfaces, enums, int-or-string value classes and
//    the toJson_* serializers) with the ApiObject classes that `require('cdk8s')`. We split it, without
//    changing a line of either part, into
//      imports/postgresql.cnpg.io.spec.ts  pure; used by lib/core and the Pulumi front end
//      imports/postgresql.cnpg.io.ts       the Cluster/Database/... ApiObject classes and their *Props,
//                                          re-exporting the spec module; used by the cdk8s front end
//    so that `cnpg-constructs` and `cnpg-constructs/pulumi` never load cdk8s.
// 3. Every generated toJson_* builds an object literal with every field of its type, then drops the undefined
//    ones with
//      Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})
//    which allocates an entry array per field and copies the partial object once per defined field (and
//    ClusterSpec has 60 fields, of which a cluster sets a handful). Each serializer is rewritten, field by
//    field and in the same order, to assign only the defined values: the same keys, the same order, the same
//    expressions evaluated in the same order, a fresh object. It was a fifth of the construction time of a
//    Cluster + Database pair (docs/BENCHMARKS.md). The rewrite must match every serializer, or the script fails.
//
// Source directory: $CNPG_CRD_DIR, else ../shared/cnpg next to this repository.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const crdDir = process.env.CNPG_CRD_DIR ?? path.resolve(root, '..', 'shared', 'cnpg');
const kinds = ['clusters', 'databases', 'imagecatalogs', 'clusterimagecatalogs'];
const outDir = path.join(root, 'imports');
const mainFile = path.join(outDir, 'postgresql.cnpg.io.ts');
const specFile = path.join(outDir, 'postgresql.cnpg.io.spec.ts');

function generate() {
  const docs = kinds.map((k) => {
    const file = path.join(crdDir, `postgresql.cnpg.io_${k}.yaml`);
    if (!fs.existsSync(file)) {
      console.error(`import-crds: ${file} not found. Set CNPG_CRD_DIR to a directory holding CNPG's config/crd/bases files.`);
      process.exit(1);
    }
    return fs.readFileSync(file, 'utf8').replace(/^---\s*\n/, '');
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-crds-'));
  const combined = path.join(tmp, 'postgresql.cnpg.io.yaml');
  fs.writeFileSync(combined, docs.join('\n---\n'));
  const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
  execFileSync(
    process.execPath,
    [cli, 'import', combined, '--language', 'typescript', '--output', outDir, '--no-save', '--no-check-upgrade'],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** Splits generated source into top-level chunks, each holding one declaration and its leading comments. */
function chunks(lines) {
  const out = [];
  let cur = { lines: [], name: undefined, kind: undefined };
  let depth = 0;
  for (const line of lines) {
    const startsTopLevel = depth === 0 && /^(\/\*\*|\/\* eslint-disable|export )/.test(line);
    if (startsTopLevel && cur.name !== undefined) {
      out.push(cur);
      cur = { lines: [], name: undefined, kind: undefined };
    }
    const decl = depth === 0 ? /^export (?:declare )?(class|interface|function|enum|const|type) (\w+)/.exec(line) : null;
    if (decl) {
      cur.kind = decl[1];
      cur.name = decl[2];
      cur.apiObject = / extends ApiObject\b/.test(line);
    }
    cur.lines.push(line);
    for (const ch of line.replace(/'(?:[^'\\]|\\.)*'/g, '').replace(/\/\/.*$/, '')) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
  }
  if (cur.lines.length) out.push(cur);
  return out;
}

function split() {
  const src = fs.readFileSync(mainFile, 'utf8');
  const lines = src.split('\n');
  const headerEnd = lines.findIndex((l) => l.startsWith('/**'));
  const header = lines.slice(0, headerEnd);
  const all = chunks(lines.slice(headerEnd));
  const apiKinds = new Set(all.filter((c) => c.apiObject).map((c) => c.name));
  // Bound to cdk8s: the ApiObject classes, their <Kind>Props interfaces (metadata: ApiObjectMetadata)
  // and the toJson_<Kind>Props serializers; a trailing eslint-enable comment stays with its function.
  const isBound = (c) =>
    c.name !== undefined &&
    (apiKinds.has(c.name) ||
      apiKinds.has(c.name.replace(/Props$/, '')) ||
      (/^toJson_(\w+)Props$/.test(c.name) && apiKinds.has(c.name.slice(7, -5))));
  const bound = [];
  const pure = [];
  for (const c of all) (isBound(c) ? bound : pure).push(c);
  const pureNames = new Set(pure.filter((c) => c.name).map((c) => c.name));
  const boundText = bound.map((c) => c.lines.join('\n')).join('\n');
  const used = [...pureNames].filter((n) => new RegExp(`\\b${n}\\b`).test(boundText)).sort();
  const generatedBy = header.find((l) => l.startsWith('// generated')) ?? '// generated by cdk8s';
  fs.writeFileSync(
    specFile,
    [
      `${generatedBy} (pure part, split by scripts/import-crds.js: no cdk8s import)`,
      '',
      pure.map((c) => c.lines.join('\n')).join('\n'),
    ].join('\n'),
  );
  fs.writeFileSync(
    mainFile,
    [
      ...header.filter((l) => l.trim() !== ''),
      `import { ${used.join(', ')} } from './postgresql.cnpg.io.spec';`,
      "export * from './postgresql.cnpg.io.spec';",
      '',
      boundText,
      '',
    ].join('\n'),
  );
  if (pure.some((c) => c.lines.some((l) => /\bApiObject\b|from 'cdk8s'|from 'constructs'/.test(l)))) {
    console.error('import-crds: the pure spec module still references cdk8s; the split rules need updating.');
    process.exit(1);
  }
}

const DROP_UNDEFINED_GENERATED = 'Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})';
const FIELD = /^ {4}'([^']+)': (.+),$/;

/** Rewrites each serializer's `const result = { 'k': expr, ... }; return <drop undefined>(result);` (see 3. above). */
function fastSerializers() {
  const lines = fs.readFileSync(specFile, 'utf8').split('\n');
  const serializers = lines.filter((l) => l.startsWith('export function toJson_')).length;
  const out = [];
  let rewritten = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '  const result = {') {
      out.push(lines[i]);
      continue;
    }
    const fields = [];
    let j = i + 1;
    for (; lines[j] !== '  };'; j++) {
      const m = FIELD.exec(lines[j]);
      if (!m) fail(`a field line of an unexpected form: ${lines[j]}`);
      // In the literal, '__proto__' would set the prototype; assigned, too: neither is a field.
      if (m[1] === '__proto__') fail('a field named __proto__');
      fields.push(m);
    }
    if (lines[j + 1] !== '  // filter undefined values' || lines[j + 2] !== `  return ${DROP_UNDEFINED_GENERATED};`) {
      fail(`a serializer that does not end with the generated undefined-filter (line ${j + 2})`);
    }
    out.push('  const result: Record<string, any> = {};');
    if (fields.length > 0) out.push('  let value: any;');
    for (const [, key, expr] of fields) out.push(`  if ((value = ${expr}) !== undefined) result['${key}'] = value;`);
    out.push('  return result;');
    rewritten++;
    i = j + 2;
  }
  if (serializers === 0 || rewritten !== serializers) {
    fail(`rewrote ${rewritten} of ${serializers} serializers`);
  }
  fs.writeFileSync(specFile, out.join('\n'));
}

function fail(why) {
  console.error(`import-crds: ${why}; cdk8s-cli changed its output, update fastSerializers().`);
  process.exit(1);
}

generate();
split();
fastSerializers();
console.log(`import-crds: imports/ regenerated from ${kinds.join(', ')} in ${crdDir}`);
