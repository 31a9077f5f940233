// The one finding type: codes are stable kebab-case identifiers, and severity splits errors from warnings.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asWarning, errorsOf, FINDING_CODE_PATTERN, type Finding, isError, warningsOf } from '../../lib/core/findings';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every code written in lib/ is a kebab-case identifier', () => {
  const codes = sources(path.join(__dirname, '..', '..', 'lib')).flatMap((f) =>
    [...fs.readFileSync(f, 'utf8').matchAll(/\bcode: '([^']*)'/g)].map((m) => ({ file: f, code: m[1] })),
  );
  expect(codes.length).toBeGreaterThan(100);
  expect(codes.filter((c) => !FINDING_CODE_PATTERN.test(c.code))).toEqual([]);
});

test('errors and warnings are told apart by severity (absent: error)', () => {
  const e: Finding = { code: 'a-rule', field: 'x', message: 'is wrong', fix: 'fix it' };
  const w = asWarning({ code: 'b-rule', field: 'y', message: 'is doubtful', fix: 'check it' });
  expect(isError(e)).toBe(true);
  expect(isError(w)).toBe(false);
  const all = [e, w];
  expect(errorsOf(all)).toEqual([e]);
  expect(warningsOf(all)).toEqual([w]);
  const onlyErrors = [e];
  expect(errorsOf(onlyErrors)).toBe(onlyErrors);
});
