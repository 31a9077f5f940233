import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeObject } from '../../lib/core';

/** Runs a cdk8s app module (which calls app.synth()) into a fresh directory; returns the files and objects. */
export function synthModule(modulePath: string): { dir: string; files: string[]; objects: KubeObject[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-synth-'));
  const before = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = dir;
  try {
    jest.isolateModules(() => {
      require(modulePath);
    });
  } finally {
    if (before === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = before;
  }
  const files = fs.readdirSync(dir).sort();
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const objects = files
    .filter((f) => f.endsWith('.k8s.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter(Boolean);
  return { dir, files, objects };
}
