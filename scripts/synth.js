#!/usr/bin/env node
// `npm run synth`: runs `cdk8s synth` into a temporary directory and replaces dist/ only when it
// succeeded, so a failed synth never leaves a partial dist/ (nor destroys the last good one).
// Points CNPG_OPERATOR_MANIFEST at ../shared/cnpg/cnpg-1.30.0.yaml when that file exists and the
// variable is not set; otherwise the operator manifest is downloaded and checked against its sha256.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const shared = path.resolve(root, '..', 'shared', 'cnpg', 'cnpg-1.30.0.yaml');
const env = { ...process.env };
if (!env.CNPG_OPERATOR_MANIFEST && fs.existsSync(shared)) env.CNPG_OPERATOR_MANIFEST = shared;

// CNPG_SYNTH_OUT moves the output directory (tests); extra arguments go to `cdk8s synth` (e.g. --app).
const out = path.resolve(root, process.env.CNPG_SYNTH_OUT ?? 'dist');
const tmp = fs.mkdtempSync(path.join(root, '.dist-'));
const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
const r = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--output', tmp, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
if (r.status !== 0) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error('synth failed: dist/ was left as it was.');
  process.exit(r.status ?? 1);
}
fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
for (const f of fs.readdirSync(out).sort()) console.log(`  ${path.relative(root, path.join(out, f))}`);
