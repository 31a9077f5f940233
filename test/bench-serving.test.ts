// The serving bench compares like with like: its library side and its raw ApiObjects write the same YAML.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthInto } from '../bench/serving-case';

test('bench/serving-case.ts: lib and raw synthesize byte-identical YAML', () => {
  const read = (variant: 'lib' | 'raw') =>
    fs.readFileSync(synthInto(fs.mkdtempSync(path.join(os.tmpdir(), `cnpg-bench-${variant}-`)), variant, 3), 'utf8');
  const lib = read('lib');
  expect(lib).toBe(read('raw'));
  expect(lib.split(/^---$/m)).toHaveLength(9);
});
