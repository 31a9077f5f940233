// Runs TypeScript sources in a child process (`node -r ./test/support/ts-node.js lib/cli/main.ts ...`), so that tests
// run the command the way users run it, from the source, without a build: each .ts file is transpiled on require
// (types are checked by `npm run lint`).
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true, resolveJsonModule: true },
  });
  module._compile(outputText, filename);
};
