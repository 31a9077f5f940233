#!/usr/bin/env node
// `tsc -p <tsconfig>` (default tsconfig.json), with one difference: each output file is written atomically (a
// temporary file in the same directory, then a rename) and left alone when its text is unchanged. Tests and tools
// read build/ while another process compiles (a `cdk8s synth`, an `npm pack` running `prepare`); with tsc's own
// writes they could load a file it had truncated and not yet rewritten. Part of `npm run build` and scripts/cdk8s-app.js.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const project = path.resolve(process.argv[2] ?? 'tsconfig.json');
const report = (diagnostics) => {
  if (diagnostics.length === 0) return;
  process.stderr.write(
    ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => '\n',
    }),
  );
};

const config = ts.getParsedCommandLineOfConfigFile(
  project,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      report([d]);
      process.exit(1);
    },
  },
);
const program = ts.createProgram({
  rootNames: config.fileNames,
  options: config.options,
  projectReferences: config.projectReferences,
});

function writeAtomically(file, text) {
  try {
    if (fs.readFileSync(file, 'utf8') === text) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const emitted = program.emit(undefined, writeAtomically);
const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
report(diagnostics);
process.exit(diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error) ? 1 : 0);
