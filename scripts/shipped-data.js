#!/usr/bin/env node
// The upstream files the package ships in data/ (lib/core/shipped.ts): part of `npm run build`, after tsc.
//   node scripts/shipped-data.js              checks every data/<name>.yaml.br against the sha256 the library holds
//                                             (a mismatch fails the build) and writes data/<name>.json.br, its
//                                             parsed objects, when it is missing or was made from another text
//   node scripts/shipped-data.js --from DIR   (maintainers) compresses the upstream files from DIR (a copy of
//                                             ../shared) into data/, checking each against its sha256 first
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { createHash } = require('node:crypto');

const root = path.resolve(__dirname, '..');
const build = path.join(root, 'build', 'lib', 'core');
const { SHIPPED_OPERATOR_RELEASES } = require(path.join(build, 'operator-manifest.js'));
const { SHIPPED_CRDS } = require(path.join(build, 'crds.js'));
const { compress, dataDirectory, parseObjects, parsedFormBytes, readParsedForm } = require(path.join(build, 'shipped.js'));

/** Where ../shared keeps the upstream copy of each shipped file (for --from). */
const SHARED = {
  'cnpg-1.30.0': 'cnpg/cnpg-1.30.0.yaml',
  'barmancloud.cnpg.io_objectstores-v0.14.0': 'barman-cloud/barmancloud.cnpg.io_objectstores.yaml',
  'monitoring.coreos.com_podmonitors-v0.93.0': 'prometheus-operator/monitoring.coreos.com_podmonitors.yaml',
  'monitoring.coreos.com_prometheusrules-v0.93.0': 'prometheus-operator/monitoring.coreos.com_prometheusrules.yaml',
};
/** Every shipped file. */
const files = [...Object.values(SHIPPED_OPERATOR_RELEASES), ...SHIPPED_CRDS.map((c) => c.file)].map((f) => ({
  ...f,
  shared: SHARED[f.name],
}));
const data = dataDirectory();
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const fail = (message) => {
  process.stderr.write(`shipped-data: ${message}\n`);
  process.exit(1);
};

const from = process.argv.indexOf('--from');
if (from >= 0) {
  const dir = path.resolve(process.argv[from + 1] ?? fail('--from needs a directory'));
  fs.mkdirSync(data, { recursive: true });
  for (const f of files) {
    if (!f.shared) fail(`no copy of ${f.name} is known in ${dir}: add it to SHARED in scripts/shipped-data.js`);
    const text = fs.readFileSync(path.join(dir, f.shared));
    if (sha256(text) !== f.sha256) fail(`${f.shared} has sha256 ${sha256(text)}, expected ${f.sha256} (${f.source})`);
    fs.writeFileSync(path.join(data, `${f.name}.yaml.br`), compress(text));
    process.stderr.write(`data/${f.name}.yaml.br from ${f.shared}\n`);
  }
}

for (const f of files) {
  const file = path.join(data, `${f.name}.yaml.br`);
  if (!fs.existsSync(file)) fail(`data/${f.name}.yaml.br is missing (${f.source})`);
  const text = zlib.brotliDecompressSync(fs.readFileSync(file));
  const got = sha256(text);
  if (got !== f.sha256) fail(`data/${f.name}.yaml.br holds a text of sha256 ${got}, but ${f.source} is ${f.sha256}`);
  const parsed = path.join(data, `${f.name}.json.br`);
  let current = false;
  try {
    current = readParsedForm(zlib.brotliDecompressSync(fs.readFileSync(parsed)), f.sha256).state === 'current';
  } catch {
    current = false;
  }
  if (current) continue;
  const objects = parseObjects(text.toString('utf8'), `data/${f.name}.yaml.br`);
  const tmp = `${parsed}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, compress(parsedFormBytes(f.sha256, objects)));
  fs.renameSync(tmp, parsed);
}
