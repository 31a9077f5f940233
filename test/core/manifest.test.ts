import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KNOWN_OPERATOR_RELEASES, OperatorManifest, OperatorManifestError } from '../../lib/core';
import { sha256 } from '../../lib/core/operator-manifest';
import { startHttpsServer } from '../support/https-server';

// The file the suite runs on: $CNPG_OPERATOR_MANIFEST (../shared in this repository), else the verified download.
const file = OperatorManifest.load('1.30.0').source;
const original = fs.readFileSync(file);
const tmpdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-manifest-'));

describe('OperatorManifest', () => {
  test('the manifest the tests use is the verified CNPG 1.30.0 release', () => {
    const m = OperatorManifest.load('1.30.0');
    expect(m.version).toBe('1.30.0');
    expect(m.sha256).toBe(KNOWN_OPERATOR_RELEASES['1.30.0']);
    expect(m.objects).toHaveLength(26);
    expect(m.crds()).toHaveLength(11);
    expect(m.crd('Cluster').metadata.name).toBe('clusters.postgresql.cnpg.io');
  });

  test('a file named by CNPG_OPERATOR_MANIFEST that is missing names the variable and the three ways out', () => {
    const saved = process.env.CNPG_OPERATOR_MANIFEST;
    process.env.CNPG_OPERATOR_MANIFEST = path.join(tmpdir(), 'cnpg-1.30.0.yaml');
    try {
      expect(() => OperatorManifest.load('1.30.0')).toThrow(
        /cannot read the CNPG operator manifest .*cnpg-1\.30\.0\.yaml \(named by CNPG_OPERATOR_MANIFEST\): ENOENT.*Fix, one of: set CNPG_OPERATOR_MANIFEST=.*OperatorManifest\.fromFile.*allow one download/,
      );
    } finally {
      process.env.CNPG_OPERATOR_MANIFEST = saved;
    }
  });

  test('a tampered copy fails the hash check', () => {
    const dir = tmpdir();
    const tampered = path.join(dir, 'cnpg-1.30.0.yaml');
    fs.writeFileSync(tampered, original.toString('utf8').replace('--max-concurrent-reconciles=10', '--max-concurrent-reconciles=11'));
    expect(() => OperatorManifest.fromFile(tampered)).toThrow(/has sha256 [0-9a-f]{64}, but release 1.30.0 is f8bede43/);
  });

  test('asking for a version the file is not fails clearly', () => {
    expect(() => OperatorManifest.load('1.29.2')).toThrow(/holds CNPG 1.30.0, but 1.29.2 was asked for/);
  });

  test('a release without a known hash is refused unless one is given', () => {
    expect(() => OperatorManifest.release('1.31.0', { cacheDir: tmpdir() })).toThrow(/no sha256 is known for CNPG release 1.31.0/);
  });

  describe('download over HTTPS', () => {
    const saved = { ca: process.env.NODE_EXTRA_CA_CERTS };
    let server: Awaited<ReturnType<typeof startHttpsServer>>;
    beforeAll(async () => {
      server = await startHttpsServer({
        '/good/cnpg-1.30.0.yaml': original,
        '/evil/cnpg-1.30.0.yaml': Buffer.concat([original, Buffer.from('\n# injected\n')]),
        '/moved/cnpg-1.30.0.yaml': { redirect: '/good/cnpg-1.30.0.yaml' },
        '/downgrade/cnpg-1.30.0.yaml': { redirect: 'http://127.0.0.1:1/cnpg-1.30.0.yaml' },
      });
      process.env.NODE_EXTRA_CA_CERTS = server.caFile; // read by the download child process
    });
    afterAll(async () => {
      if (saved.ca === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved.ca;
      await server.close();
    });

    test('downloads, verifies and caches; the second load comes from the cache', () => {
      const cacheDir = tmpdir();
      const m = OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/good/cnpg-1.30.0.yaml` });
      expect(m.sha256).toBe(KNOWN_OPERATOR_RELEASES['1.30.0']);
      expect(sha256(fs.readFileSync(path.join(cacheDir, 'cnpg-1.30.0.yaml')))).toBe(KNOWN_OPERATOR_RELEASES['1.30.0']);
      expect(m.origin).toBe('download');
      expect(m.describe()).toBe(
        `CNPG 1.30.0 operator manifest: downloaded from ${server.url}/good/cnpg-1.30.0.yaml, cached as ${path.join(cacheDir, 'cnpg-1.30.0.yaml')} (sha256 ${KNOWN_OPERATOR_RELEASES['1.30.0']})`,
      );
      const hits = server.hits().length;
      const again = OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/good/cnpg-1.30.0.yaml` });
      expect(server.hits().length).toBe(hits);
      expect(again.describe()).toBe(
        `CNPG 1.30.0 operator manifest: cache ${path.join(cacheDir, 'cnpg-1.30.0.yaml')} (sha256 ${KNOWN_OPERATOR_RELEASES['1.30.0']})`,
      );
    });

    test('a tampered download is refused and nothing is cached', () => {
      const cacheDir = tmpdir();
      expect(() => OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/evil/cnpg-1.30.0.yaml` })).toThrow(
        OperatorManifestError,
      );
      expect(() => OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/evil/cnpg-1.30.0.yaml` })).toThrow(
        /expected f8bede43.*not used or cached/,
      );
      expect(fs.readdirSync(cacheDir)).toEqual([]);
    });

    test('a tampered cache entry is ignored and replaced by a verified download', () => {
      const cacheDir = tmpdir();
      fs.writeFileSync(path.join(cacheDir, 'cnpg-1.30.0.yaml'), 'kind: Nope\n');
      const m = OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/good/cnpg-1.30.0.yaml` });
      expect(m.sha256).toBe(KNOWN_OPERATOR_RELEASES['1.30.0']);
    });

    test('redirects are followed over HTTPS, and a redirect to plain HTTP is refused', () => {
      const m = OperatorManifest.release('1.30.0', { cacheDir: tmpdir(), url: `${server.url}/moved/cnpg-1.30.0.yaml` });
      expect(m.sha256).toBe(KNOWN_OPERATOR_RELEASES['1.30.0']);
      expect(server.hits()).toEqual(expect.arrayContaining(['/moved/cnpg-1.30.0.yaml', '/good/cnpg-1.30.0.yaml']));
      const cacheDir = tmpdir();
      expect(() => OperatorManifest.release('1.30.0', { cacheDir, url: `${server.url}/downgrade/cnpg-1.30.0.yaml` })).toThrow(
        /refused a redirect away from HTTPS to http:\/\/127\.0\.0\.1:1\/cnpg-1\.30\.0\.yaml/,
      );
      expect(fs.readdirSync(cacheDir)).toEqual([]);
    });

    test('a failed download is a clear error', () => {
      let message = '';
      try {
        OperatorManifest.release('1.30.0', { cacheDir: tmpdir(), url: `${server.url}/missing.yaml` });
      } catch (e) {
        message = (e as Error).message;
      }
      // One message with the three ways out: the variable, fromFile, or one download (then cached).
      expect(message).toMatch(
        /^no CNPG 1\.30\.0 operator manifest: CNPG_OPERATOR_MANIFEST is not set, none is cached, and the download from https:\/\/127\.0\.0\.1:\d+\/missing\.yaml failed \(HTTP 404\)\. Fix, one of: /,
      );
      expect(message).toContain('set CNPG_OPERATOR_MANIFEST=/path/to/cnpg-1.30.0.yaml');
      expect(message).toContain("pass manifest: OperatorManifest.fromFile('/path/to/cnpg-1.30.0.yaml')");
      expect(message).toMatch(
        /allow one download from https:\/\/raw\.githubusercontent\.com\/cloudnative-pg\/cloudnative-pg\/v1\.30\.0\/releases\/cnpg-1\.30\.0\.yaml \(it is verified and then cached in /,
      );
      expect(() => OperatorManifest.release('1.30.0', { cacheDir: tmpdir(), url: 'http://127.0.0.1:1/x.yaml' })).toThrow(/non-HTTPS/);
    });
  });
});
