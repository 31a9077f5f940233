import fc from 'fast-check';
import {
  checkPgIdentifier,
  DNS_HOST_NAME_PATTERN,
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  isDnsSubdomain,
  isPgIdentifier,
  PG_IDENTIFIER_MAX_BYTES,
  QUALIFIED_NAME_PATTERN,
} from '../../lib/core/names';
import { checkInputs } from '../../lib/pulumi/provider/check';

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

describe('Kubernetes name patterns (one copy, k8s.io/apimachinery pkg/util/validation/validation.go)', () => {
  // apimachinery's formats, written out: the composed patterns must accept exactly what these accept.
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const qualified = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
  const names = fc.oneof(
    fc.stringMatching(/^[-a-zA-Z0-9._/]{0,12}$/),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('a', 'a.b', 'a..b', '-a', 'a-', 'A', 'example.com/gpu', 'a/b/c', '/a', 'a/'),
  );

  test('the label, subdomain and qualified-name patterns accept what apimachinery formats accept', () => {
    fc.assert(
      fc.property(names, (s) => {
        expect(DNS_LABEL_PATTERN.test(s)).toBe(label.test(s));
        expect(DNS_SUBDOMAIN_PATTERN.test(s)).toBe(subdomain.test(s));
        expect(QUALIFIED_NAME_PATTERN.test(s)).toBe(qualified.test(s));
      }),
      { numRuns: 3000 },
    );
  });

  test('a subdomain has at most 253 characters; a host name is the subdomain in either case, ASCII only', () => {
    expect(isDnsSubdomain('a'.repeat(253))).toBe(true);
    expect(isDnsSubdomain('a'.repeat(254))).toBe(false);
    expect(isDnsSubdomain('')).toBe(false);
    expect(isDnsSubdomain('Angus-rw')).toBe(false);
    expect(DNS_HOST_NAME_PATTERN.test('Angus-RW.Default.svc')).toBe(true);
    // U+212A KELVIN SIGN folds to "k" only under Unicode case folding: it is not a host name.
    expect(DNS_HOST_NAME_PATTERN.test('\u212A')).toBe(false);
  });

  test("the provider's tlsServerName check uses them: either case, at most 253 characters", () => {
    const codes = (tlsServerName: string) =>
      checkInputs({
        connection: { host: 'h', user: 'u', password: 'p', sslMode: 'verify-full', sslRootCert: PEM, tlsServerName },
        database: 'd',
      })
        .filter((f) => f.field === 'connection.tlsServerName')
        .map((f) => f.code);
    expect(codes('Angus-RW')).toEqual([]);
    expect(codes('a'.repeat(253))).toEqual([]);
    expect(codes('a'.repeat(254))).toEqual(['connection-tls-server-name-invalid']);
    expect(codes('-x-')).toEqual(['connection-tls-server-name-invalid']);
  });
});

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
