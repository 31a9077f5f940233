#!/usr/bin/env node
// Writes test/plan/cnpg-citations.lock.json: the text of every line of cloudnative-pg v1.30.0 the library cites
// (lib/core/plan/cite.ts), read from a git mirror of the CNPG source (CNPG_SOURCE, else the default of
// test/support/citations.ts). The tests check each citation against the committed lock, and the lock against the
// mirror when there is one. Refuses to write when a citation is not the line it names.
require('../test/support/ts-node.js');
const fs = require('node:fs');
const { CITATION_LOCK, CNPG_MIRROR, CNPG_TAG, gitSource, loadCitingModules, lockFrom, lockText } = require('../test/support/citations.ts');
require('../lib/core/index.ts');
loadCitingModules();
const { allCitations } = require('../lib/core/plan/cite.ts');

const source = gitSource();
if (!source) {
  console.error(`no git mirror of the CNPG source with tag ${CNPG_TAG} at ${CNPG_MIRROR}: set CNPG_SOURCE to one`);
  process.exit(1);
}
try {
  const lock = lockFrom(allCitations(), source);
  fs.writeFileSync(CITATION_LOCK, lockText(lock));
  const n = Object.values(lock.files).reduce((s, f) => s + Object.keys(f.lines).length, 0);
  console.log(`${CITATION_LOCK}: ${n} lines of ${Object.keys(lock.files).length} files of ${CNPG_TAG} (${lock.commit})`);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
