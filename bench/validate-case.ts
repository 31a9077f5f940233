// Validate a file of N CNPG objects (half Clusters, half Databases) in a fresh process:
// node build/bench/validate-case.js <full|crd|schema> <N> [manifest]. "full" is `cnpg-constructs validate` (YAML read
// as kubectl reads it, schema and CEL rules, CNPG's admission rules and the library's checks); "crd" the same run
// without the admission rules (the same reader, schema and CEL); "schema" the same reader and the schema walk
// without CEL, what schema-only validators do. Without a manifest file: the release the package ships.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { readDocuments } from '../lib/cli/inputs';
import { runValidate } from '../lib/cli/validate';
import { cnpgDefaulted } from '../lib/core/admission';
import type { KubeObject } from '../lib/core/operator-manifest';
import { OperatorManifest } from '../lib/core/operator-manifest';
import { validateCnpgObject } from '../lib/core/validator';

const [mode, nArg, manifestFile] = process.argv.slice(2);
const n = Number(nArg);
const docs: string[] = [];
for (let i = 0; i < n; i++) {
  const name = `c${i >> 1}`;
  docs.push(
    stringify(
      i % 2 === 0
        ? {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Cluster',
            metadata: { name, namespace: 'db' },
            spec: {
              instances: 1,
              imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
              storage: { size: '1Gi' },
              postgresql: { extensions: [{ name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' } }] },
            },
          }
        : {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Database',
            metadata: { name: `${name}-app`, namespace: 'db' },
            spec: { name: 'app', owner: 'app', cluster: { name }, extensions: [{ name: 'vector', version: '0.8.1' }] },
          },
    ),
  );
}
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-validate-')), 'objects.yaml');
fs.writeFileSync(file, docs.join('---\n'));
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
(async () => {
  if (mode === 'full') {
    const code = await runValidate([...(manifestFile ? ['--manifest', manifestFile] : []), file], {
      stdin: async () => '',
      stdout: () => undefined,
      stderr: (s) => process.stderr.write(s),
      cwd: process.cwd(),
    });
    if (code !== 0) throw new Error(`validate exited ${code}`);
  } else {
    // The same reader as `validate` on both baselines, so that the rows compare validation, not YAML parsers.
    const manifest = manifestFile ? OperatorManifest.fromFile(manifestFile) : OperatorManifest.load();
    const io = { stdin: async () => '', stdout: () => undefined, stderr: () => undefined, cwd: process.cwd() };
    const { documents } = await readDocuments([file], io);
    for (const d of documents) {
      const problems =
        mode === 'crd'
          ? validateCnpgObject(cnpgDefaulted(d.object as KubeObject), manifest)
          : validateCnpgObject(d.object as KubeObject, manifest, { cel: false });
      if (problems.length > 0) throw new Error('invalid');
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024 }));
})();
