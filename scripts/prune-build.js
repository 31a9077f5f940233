#!/usr/bin/env node
// Part of `npm run build` (and so of `npm pack`, through `prepare`): tsc writes build/ but never removes
// what it wrote before, so a module renamed or deleted in lib/ would stay in build/lib and be packed and
// published from a working copy. This removes every compiled file whose TypeScript source is gone. It removes only
// orphans, never the whole directory, so tests reading build/ while a test packs are not disturbed.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const build = path.join(root, 'build');
const compiled = /(\.d\.ts|\.js)$/;

function prune(dir) {
  if (!fs.existsSync(dir)) return [];
  const removed = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removed.push(...prune(file));
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
      continue;
    }
    if (!compiled.test(entry.name)) continue;
    const source = path.join(root, path.relative(build, file)).replace(compiled, '.ts');
    if (!fs.existsSync(source)) {
      fs.rmSync(file, { force: true });
      removed.push(path.relative(root, file));
    }
  }
  return removed;
}

const removed = ['lib', 'imports', 'examples', 'bench'].flatMap((d) => prune(path.join(build, d)));
if (removed.length > 0) process.stderr.write(`removed ${removed.length} compiled file(s) whose source is gone: ${removed.join(', ')}\n`);
