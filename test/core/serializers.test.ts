import fc from 'fast-check';
import {
  toJson_ClusterSpecPostgresqlExtensions,
  toJson_ClusterSpecStorage,
  toJson_DatabaseSpec,
  toJson_DatabaseSpecExtensions,
} from '../../imports/postgresql.cnpg.io.spec';

// scripts/import-crds.js rewrites every generated toJson_* (an object literal of every field, then the generated
// undefined-filter) into assignments of the defined fields only, field by field in the literal's order. The output
// must be what the generated code gives: same keys, same order, nothing undefined.
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

  test('a nested serializer with a nested object field (storage) keeps the generated order too', () => {
    fc.assert(
      fc.property(
        fc.record({
          size: maybe(fc.string()),
          storageClass: maybe(fc.string()),
          resizeInUseVolumes: maybe(fc.boolean()),
          pvcTemplate: maybe(fc.record({ volumeName: maybe(fc.string()), storageClassName: maybe(fc.string()) })),
        }),
        (s) => {
          const out = toJson_ClusterSpecStorage(s as never);
          const pvc =
            s.pvcTemplate === undefined
              ? undefined
              : generatedFilter({ storageClassName: s.pvcTemplate.storageClassName, volumeName: s.pvcTemplate.volumeName });
          const expected = generatedFilter({
            pvcTemplate: pvc,
            resizeInUseVolumes: s.resizeInUseVolumes,
            size: s.size,
            storageClass: s.storageClass,
          });
          expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
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
