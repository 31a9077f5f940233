// Point the one manifest loader (OperatorManifest.load) at the CNPG 1.30.0 release manifest in
// ../shared/cnpg when it is there (this repository's CI). Elsewhere the tests download the official
// file and check it against the sha256 the library ships.
import * as fs from 'node:fs';
import * as path from 'node:path';

const shared = path.resolve(__dirname, '..', '..', 'shared', 'cnpg', 'cnpg-1.30.0.yaml');
if (!process.env.CNPG_OPERATOR_MANIFEST && fs.existsSync(shared)) {
  process.env.CNPG_OPERATOR_MANIFEST = shared;
}

// synthesize() says where the operator manifest came from on stderr; tests that check it pass `log`.
process.env.CNPG_CONSTRUCTS_QUIET = '1';
