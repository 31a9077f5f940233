#!/usr/bin/env node
// The app of this repository's cdk8s.yaml: what `cdk8s synth` (and `npm run synth`) runs.
//  1. Compiles the project first (scripts/compile.js: tsc, each file written atomically), so it never runs stale
//     build/ code (the operator manifest is the one the package ships in data/, unless CNPG_OPERATOR_MANIFEST
//     names another file).
//  2. Synthesizes examples/cdk8s into a fresh directory and replaces dist/ with it only when all of it
//     succeeded: a failed synth leaves the last good dist/ as it was. (cdk8s-cli empties its own output
//     directory before it runs an app, which is why cdk8s.yaml's `output` is a staging directory and
//     not dist/; the files are copied there too, so the CLI lists and validates the same files.)
//  3. A failure is one message on stderr and exit code 1: no code frame, no stack for errors the
//     library raises on purpose (their message names the field and the fix), nor for the app's validation
//     report (cdk8s lists every failed check with its construct path).
// CNPG_SYNTH_OUT moves the final directory (tests).
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');

const root = path.resolve(__dirname, '..');

const out = path.resolve(root, process.env.CNPG_SYNTH_OUT ?? 'dist');
const staging = process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined;

function fail(message) {
  process.stderr.write(`synth failed: ${message}\n${path.relative(process.cwd(), out) || out}/ was left as it was.\n`);
  process.exit(1);
}

const tsc = spawnSync(process.execPath, [path.join(root, 'scripts', 'compile.js'), path.join(root, 'tsconfig.json')], {
  cwd: root,
  encoding: 'utf8',
});
if (tsc.status !== 0) fail(`the project does not compile:\n${tsc.stdout}${tsc.stderr}`);

// Created beside the output directory, so the rename below stays on one filesystem and two synths into different
// directories never see each other's staging; and as mkdir(1) creates a directory, 0777 less the umask (0755
// typically), because the rename makes it the output and keeps its mode: mkdtemp would make it 0700.
const tmp = path.join(path.dirname(out), `.${path.basename(out)}-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.mkdirSync(tmp);
process.env.CDK8S_OUTDIR = tmp;
try {
  require(path.join(root, 'build', 'examples', 'cdk8s', 'main.js'));
} catch (e) {
  fs.rmSync(tmp, { recursive: true, force: true });
  const known =
    ['CnpgValidationError', 'OperatorManifestError', 'MissingPeerError'].includes(e?.name) ||
    String(e?.message).startsWith('Validation failed with the following errors');
  fail(known ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : e?.stack || String(e));
}

if (staging) {
  fs.mkdirSync(staging, { recursive: true });
  for (const f of fs.readdirSync(tmp)) fs.copyFileSync(path.join(tmp, f), path.join(staging, f));
}
// What cdk8s-cli asks the app for its validation report (construct paths) is not part of the output.
fs.rmSync(path.join(tmp, 'construct-metadata.json'), { force: true });
const old = `${out}.old-${process.pid}`;
if (fs.existsSync(out)) fs.renameSync(out, old);
fs.renameSync(tmp, out);
fs.rmSync(old, { recursive: true, force: true });
process.stderr.write(`synthesized into ${path.relative(process.cwd(), out) || out}/: ${fs.readdirSync(out).sort().join(', ')}\n`);
