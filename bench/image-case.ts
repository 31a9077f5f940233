// Pull, unpack and inspect one image in a fresh process, with an empty cache:
// node build/bench/image-case.js <lib|skopeo> <ref>. "lib" is the library's inspectImage (download with digest
// checks, diff_id checks, safe unpack, inspection); "skopeo" is `skopeo copy docker://<ref> oci:<dir>` then
// `tar -xzf` of each layer into one directory, the usual shell pipeline (no inspection at all).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectImage } from '../lib/images/inspect-image';
import { RegistryClient } from '../lib/images/registry';

async function main(): Promise<void> {
  const [mode, ref] = process.argv.slice(2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-bench-image-'));
  const t0 = process.hrtime.bigint();
  if (mode === 'lib') {
    const report = await inspectImage(ref, {
      client: new RegistryClient({ cacheDir: path.join(work, 'cache'), credentials: () => undefined }),
    });
    if (report.extensions.length === 0) throw new Error('no extension found');
  } else {
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${path.join(work, 'oci')}:x`]);
    const index = JSON.parse(fs.readFileSync(path.join(work, 'oci', 'index.json'), 'utf8'));
    const blob = (d: string) => path.join(work, 'oci', 'blobs', 'sha256', d.slice(7));
    const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8'));
    fs.mkdirSync(path.join(work, 'root'));
    for (const l of manifest.layers) execFileSync('tar', ['-xzf', blob(l.digest), '-C', path.join(work, 'root')]);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1e6 }));
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
