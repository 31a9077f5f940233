import fc from 'fast-check';
import {
  toJson_ClusterSpecPostgresqlExtensions,
  toJson_DatabaseSpec,
  toJson_DatabaseSpecExtensions,
} from '../../imports/postgresql.cnpg.io.spec';

// scripts/import-crds.js replaces the generated undefined-filter of every toJson_* with one loop.
// The output must be what the generated expression gives: same keys, same order, nothing undefined.
const generatedFilter = (result: Record<string, unknown>) =>
  // biome-ignore lint/performance/noAccumulatingSpread: the generated expression, verbatim, is the oracle
  Object.entries(result).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

describe('generated serializers after the import rewrite', () => {
  test('drop undefined fields and keep the generated key order', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.string(),
          version: maybe(fc.string()),
          schema: maybe(fc.string()),
          ensure: maybe(fc.constantFrom('present', 'absent')),
        }),
        (e) => {
          const out = toJson_DatabaseSpecExtensions(e as never);
          const expected = generatedFilter({ ensure: e.ensure, name: e.name, schema: e.schema, version: e.version });
          expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
          expect(Object.values(out ?? {})).not.toContain(undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('rename camelCase fields to CNPG wire names and nest', () => {
    expect(toJson_ClusterSpecPostgresqlExtensions({ name: 'postgis', image: { reference: 'r' }, ldLibraryPath: ['system'] })).toStrictEqual(
      {
        image: { reference: 'r' },
        ld_library_path: ['system'],
        name: 'postgis',
      },
    );
    expect(
      toJson_DatabaseSpec({ name: 'app', owner: 'app', cluster: { name: 'angus' }, extensions: [{ name: 'vector', version: '0.8.1' }] }),
    ).toStrictEqual({
      cluster: { name: 'angus' },
      extensions: [{ name: 'vector', version: '0.8.1' }],
      name: 'app',
      owner: 'app',
    });
  });
});
