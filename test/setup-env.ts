// Point the one manifest loader (OperatorManifest.load) at the CNPG 1.30.0 release manifest in
// ../shared/cnpg when it is there (this repository's CI). Elsewhere the copy shipped in the package is used.
import * as fs from 'node:fs';
import * as path from 'node:path';

const shared = path.resolve(__dirname, '..', '..', 'shared', 'cnpg', 'cnpg-1.30.0.yaml');
if (!process.env.CNPG_OPERATOR_MANIFEST && fs.existsSync(shared)) {
  process.env.CNPG_OPERATOR_MANIFEST = shared;
}

// synthesize() says where the operator manifest came from on stderr; tests that check it pass `log`.
process.env.CNPG_CONSTRUCTS_QUIET = '1';

// Property tests (fast-check) run the same cases on every run, so a CI run cannot fail on a seed nobody chose; set
// FC_SEED to another number to explore further (a counterexample found that way belongs in the test's examples).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_202) });
