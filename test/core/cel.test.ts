// The CRDs' CEL rules are compiled into closures (lib/core/cel.ts) instead of run by @bufbuild/cel: this checks the
// two agree, rule by rule, on every rule of every CRD the library validates against (the CNPG release manifest and
// the shipped CRDs), over generated values shaped like what the rules read, errors included.
import * as fc from 'fast-check';
import { celProgram, CelError, compilesNatively, fullCelProgram } from '../../lib/core/cel';
import { SHIPPED_CRDS } from '../../lib/core/crds';
import { OperatorManifest } from '../../lib/core/operator-manifest';
import { shippedObjects } from '../../lib/core/shipped';

function rulesOf(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const x of value) rulesOf(x, out);
  else if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    for (const r of (v['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? [])
      if (!/\boldSelf\b/.test(r.rule)) out.add(r.rule);
    for (const k of Object.keys(v)) rulesOf(v[k], out);
  }
  return out;
}

const rules = [
  ...rulesOf([...OperatorManifest.load('1.30.0').crds(), ...SHIPPED_CRDS.flatMap((c) => shippedObjects(c.file))], new Set<string>()),
];

/** JSON → @bufbuild/cel values, every whole number an int (as the schema of these fields types them). */
function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return v;
}

const outcome = (v: unknown) => (v instanceof CelError ? 'error' : v === true || v === false ? v : `value ${typeof v}`);

/** Values built from the names and strings a rule mentions, so that its fields are sometimes there. */
function valuesFor(rule: string): fc.Arbitrary<unknown> {
  const names = [...new Set([...rule.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)\b(?!\()/g)].map((m) => m[1])), 'other'];
  const strings = [...new Set([...rule.matchAll(/'([^']*)'/g)].map((m) => m[1])), '', 'x', 'pg_x', '--log-level=debug', '\u{1F600}'];
  const scalar = fc.oneof(
    fc.constantFrom(...strings),
    fc.string({ maxLength: 3 }),
    fc.integer({ min: -2, max: 3 }),
    fc.constantFrom(0.5, -1.5),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('object')),
    list: fc.array(tie('value'), { maxLength: 3 }),
    object: fc.dictionary(fc.constantFrom(...names), tie('value'), { maxKeys: names.length }),
  }));
  return value;
}

test('the shipped CRDs have rules, and every one of them is compiled (none falls back to the full runtime)', () => {
  expect(rules.length).toBeGreaterThan(20);
  expect(rules.filter((r) => !compilesNatively(r))).toEqual([]);
});

test.each(rules)('%s: the same outcome as @bufbuild/cel', (rule) => {
  const mine = celProgram(rule, toCel);
  const full = fullCelProgram(rule, toCel);
  fc.assert(
    fc.property(valuesFor(rule), (self) => {
      expect(outcome(mine(self))).toEqual(outcome(full(self)));
    }),
    { numRuns: 300 },
  );
});

test.each([
  ['!(1 + 1 == 2)', true],
  ['self.x[0] == 1', true],
  ["self.matches('^a')", true],
  ['self == oldSelf', false],
])('%s is left to the full runtime, which evaluates it', (rule, ok) => {
  expect(compilesNatively(rule)).toBe(false);
  if (ok) expect(outcome(celProgram(rule, toCel)({ x: [2] }))).toEqual(outcome(fullCelProgram(rule, toCel)({ x: [2] })));
});
