// The parsers the admission rules share, against the cases of CNPG's and Kubernetes' own tests, and the library's
// own rules over the wire object (stricter than CNPG where that protects the user).
import { admissionFindings, type KubeObject } from '../../lib/core';
import { FINDING_CODE_PATTERN } from '../../lib/core/findings';
import { parseCnpgSchedule } from '../../lib/core/backup/cron';
import { goBase64Decode, goCleanPath, goParseDuration, goRegexpCompiles } from '../../lib/core/admission/go-parse';
import { compareQuantities, parsePostgresQuantity, parseQuantity } from '../../lib/core/admission/quantity';
import { CLUSTER_CASES, cluster } from './admission-cases';
import { MORE_CLUSTER_CASES, OTHER_CASES } from './admission-cases-2';

const codes = (o: KubeObject) => admissionFindings([o]).map((f) => `${f.severity ?? 'error'} ${f.code} ${f.field}`);

describe('quantities as the API machinery and CNPG read them', () => {
  // cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook_test.go:495, parsePostgresQuantityValue
  test.each([
    ['1', '1Mi'],
    ['1B', '1'],
    ['1kB', '1Ki'],
    ['1MB', '1Mi'],
    ['1GB', '1Gi'],
    ['1TB', '1Ti'],
    ['1 B', '1'],
    ['1 MB', '1Mi'],
  ])('PostgreSQL size %s is %s', (pg, k8s) => {
    expect(compareQuantities(parsePostgresQuantity(pg) as never, parseQuantity(k8s) as never)).toBe(0);
  });
  test.each(['1kb', '1Mb', '1G', '1random', 'non-numeric', ''])('%j is no PostgreSQL size', (pg) => {
    expect(parsePostgresQuantity(pg)).toBeUndefined();
  });

  test('Kubernetes quantities: suffixes, exponents, signs, rounding to nano, binary cap', () => {
    const eq = (a: string, b: string) => compareQuantities(parseQuantity(a) as never, parseQuantity(b) as never);
    expect(eq('1Gi', '1073741824')).toBe(0);
    expect(eq('1.5Gi', '1536Mi')).toBe(0);
    expect(eq('1000m', '1')).toBe(0);
    expect(eq('1e3', '1k')).toBe(0);
    expect(eq('1E', '1e18')).toBe(0);
    expect(eq('0.9n', '1n')).toBe(0);
    expect(eq('8Ei', '9223372036854775807')).toBe(0);
    expect(eq('-1', '1')).toBe(-1);
    expect(eq('.5', '500m')).toBe(0);
    for (const bad of ['', '1K', '1Gb', 'abc', '1e', '1.2.3', '--1', '1 Gi']) expect(parseQuantity(bad)).toBeUndefined();
  });
});

describe('what Go parses', () => {
  test('path/filepath.Clean', () => {
    expect(['../a', 'a/../..', '/../x', 'a//b/./c', '', 'a/..'].map(goCleanPath)).toEqual(['../a', '..', '/x', 'a/b/c', '.', '.']);
  });
  test('base64.StdEncoding: padding required, newlines ignored, no stray bits', () => {
    expect(goBase64Decode('aGk=')?.toString()).toBe('hi');
    expect(goBase64Decode('aG\nk=')?.toString()).toBe('hi');
    expect([goBase64Decode('aGk'), goBase64Decode('aGl='), goBase64Decode('a-k=')]).toEqual([undefined, undefined, undefined]);
  });
  test('time.ParseDuration', () => {
    expect(['0', '1h30m', '0.5s', '-2m', '1', 'h', ''].map(goParseDuration)).toEqual([
      0,
      5.4e12,
      5e8,
      -1.2e11,
      undefined,
      undefined,
      undefined,
    ]);
  });
  test('regexp.Compile (RE2): named groups and flags yes, look-around and back-references no', () => {
    expect(['^a.*b$', '(?P<x>a)', '(?i)abc', '\\Aa\\z'].map(goRegexpCompiles)).toEqual([true, true, true, true]);
    expect(['([a', '(?=a)', '(a)\\1', '(?<!a)b'].map(goRegexpCompiles)).toEqual([false, false, false, false]);
  });
  test("robfig/cron v1.2.0 Parse (the backup rules' parser): five or six fields, names, ranges, steps, descriptors", () => {
    const cronError = (s: string) => {
      const p = parseCnpgSchedule(s);
      return 'error' in p ? p.error : undefined;
    };
    for (const ok of ['0 0 0 * * *', '1 2 3 4 5', '0 */5 * * * *', '0 0 9-17 * * mon-fri', '0 0 0 1 jan ?', '@daily', '@every 1h30m'])
      expect([ok, cronError(ok)]).toEqual([ok, undefined]);
    for (const bad of [
      '',
      '0 0 0 * * * 1996',
      '* * * *',
      '0 0 25 * * *',
      '0 60 * * * *',
      '0 0 0 0 * *',
      '@every x',
      '@sometimes',
      '0 0 5-2 * * *',
      '0 0 */0 * * *',
    ])
      expect([bad, cronError(bad)]).toEqual([bad, expect.any(String)]);
  });
});

describe("the library's own rules on the wire object", () => {
  test('a parameter value with a newline (postgresql.conf holds one line per parameter)', () => {
    expect(codes(cluster({ postgresql: { parameters: { work_mem: '4MB\nport = 1' } } }))).toEqual([
      'error parameter-control-character .spec.postgresql.parameters.work_mem',
    ]);
  });

  test('archive_mode, which CNPG replaces without a word: a warning naming what it becomes', () => {
    expect(codes(cluster({ postgresql: { parameters: { archive_mode: 'off' } } }))).toEqual([
      'warning parameter-replaced-by-cnpg .spec.postgresql.parameters.archive_mode',
    ]);
    expect(codes(cluster({ postgresql: { parameters: { archive_mode: 'on' } } }))).toEqual([]);
  });

  test("extension images on CNPG's default operand image (a system image whose copies win) are refused", () => {
    const ext = { extensions: [{ name: 'pgvector', image: { reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' } }] };
    expect(codes(cluster({ imageName: undefined, postgresql: ext }))).toContain('error extensions-need-explicit-image .spec.imageName');
    expect(codes(cluster({ postgresql: ext }))).toEqual([]);
  });

  test('cnpg.io/validation: disabled turns the webhook rules off with a warning; an odd value is warned about', () => {
    const bad = { imageName: 'postgres:12', postgresql: { parameters: { port: '1' } } };
    expect(codes(cluster(bad, { annotations: { 'cnpg.io/validation': 'disabled' } }))).toEqual([
      'warning validation-disabled .metadata.annotations.cnpg.io/validation',
    ]);
    expect(codes(cluster(bad, { annotations: { 'cnpg.io/validation': 'off' } }))).toEqual([
      'warning validation-annotation-invalid .metadata.annotations.cnpg.io/validation',
      'error cluster-postgres-major-unsupported .spec.imageName',
      'error parameter-fixed-by-cnpg .spec.postgresql.parameters.port',
    ]);
  });

  test('a volume of size 0 (the PersistentVolumeClaim would be refused)', () => {
    expect(codes(cluster({ storage: { size: '0' }, walStorage: { size: '0Gi' } }))).toEqual([
      'error storage-size-zero .spec.storage.size',
      'error storage-size-zero .spec.walStorage.size',
    ]);
  });

  test('shared_preload_libraries: names only, and a managed module only with its parameter', () => {
    expect(codes(cluster({ postgresql: { shared_preload_libraries: ['pgaudit', 'bad name'] } }))).toEqual([
      'error preload-managed-module-alone .spec.postgresql.shared_preload_libraries[0]',
      'error preload-library-invalid .spec.postgresql.shared_preload_libraries[1]',
    ]);
    expect(codes(cluster({ postgresql: { shared_preload_libraries: ['pgaudit'], parameters: { 'pgaudit.log': 'ddl' } } }))).toEqual([]);
  });

  test('every code the rules emit over the agreement table is kebab-case', () => {
    const all = [...CLUSTER_CASES, ...MORE_CLUSTER_CASES, ...OTHER_CASES].flatMap((k) =>
      admissionFindings([k.object], { previous: k.previous ? [k.previous] : undefined }),
    );
    const seen = new Set(all.map((f) => f.code));
    expect(seen.size).toBeGreaterThan(120);
    for (const code of seen) expect(code).toMatch(FINDING_CODE_PATTERN);
  });
});
