// Loads one entry point of the library from source in a fresh Node process and prints, as JSON,
// every package it loaded and how long the require took. TypeScript files are transpiled on the fly
// (typescript.transpileModule), so no build is needed.

const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const entries = {
  core: 'lib/core/index.ts',
  cdk8s: 'lib/cdk8s/index.ts',
  'cdk8s-plus': 'lib/cdk8s/plus.ts',
  pulumi: 'lib/pulumi/index.ts',
  images: 'lib/images/index.ts',
};
const entry = path.join(root, entries[process.argv[2]]);

require.extensions['.ts'] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(out.outputText, filename);
};

const packages = new Set();
const origLoad = Module._load;
Module._load = function (request, parent, isMain) {
  const resolved = (() => {
    try {
      return Module._resolveFilename(request, parent, isMain);
    } catch {
      return request;
    }
  })();
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(resolved);
  if (m) packages.add(m[1]);
  return origLoad.call(this, request, parent, isMain);
};
const t0 = process.hrtime.bigint();
require(entry);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ packages: [...packages].sort(), ms }));
