import fc from 'fast-check';
import { checkPgIdentifier, isPgIdentifier, PG_IDENTIFIER_MAX_BYTES } from '../../lib/core/names';

describe('PostgreSQL identifiers', () => {
  test('the fast check agrees with the byte-counting definition, for any string', () => {
    const oracle = (s: string) => s.length > 0 && !s.includes('\u0000') && Buffer.byteLength(s, 'utf8') <= PG_IDENTIFIER_MAX_BYTES;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 70 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ unit: 'grapheme', maxLength: 25 }),
        ),
        (s) => {
          expect(isPgIdentifier(s)).toBe(oracle(s));
          expect(checkPgIdentifier('f', s, 'name').length === 0).toBe(oracle(s));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('the boundary: 21 three-byte characters fit, 22 do not; 63 ASCII fit, 64 do not', () => {
    expect(isPgIdentifier('€'.repeat(21))).toBe(true);
    expect(isPgIdentifier('€'.repeat(22))).toBe(false);
    expect(isPgIdentifier('a'.repeat(63))).toBe(true);
    expect(checkPgIdentifier('name', 'a'.repeat(64), 'database name')).toEqual([
      expect.objectContaining({ field: 'name', message: 'database name is 64 bytes; PostgreSQL would truncate it to 63' }),
    ]);
    expect(isPgIdentifier(42)).toBe(false);
  });
});
