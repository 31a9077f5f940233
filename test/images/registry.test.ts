// The registry client and the safe unpacker against a real registry (Debian's docker-registry on
// 127.0.0.1), with images the test builds: index and platforms, gzip/zstd/plain layers, digests checked,
// the token flow (anonymous and with Docker-config credentials), hostile layers refused.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { credentialFiles, dockerConfigCredentials } from '../../lib/images/credentials';
import { inspectImage } from '../../lib/images/inspect-image';
import { pullImage } from '../../lib/images/pull';
import { RegistryClient, RegistryError } from '../../lib/images/registry';
import { UnsafeLayerError } from '../../lib/images/unpack';
import { contribFiles, HELLO } from '../support/extension-images';
import { image, index, layer } from '../support/oci';
import { REGISTRY_PASSWORD, REGISTRY_USER, requireTool, startRegistry, type TestRegistry } from '../support/registry';
import { makeCertificates } from '../support/tls';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const anonymous = () => undefined;

describe('registry client against docker-registry', () => {
  let reg: TestRegistry;
  let cache: string;
  const client = (extra: ConstructorParameters<typeof RegistryClient>[0] = {}) =>
    new RegistryClient({ cacheDir: cache, credentials: anonymous, ...extra });
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => reg.stop());
  beforeEach(() => {
    cache = tmp('cnpg-cache-');
  });

  test('an index with two platforms, gzip and zstd layers: digest agrees with skopeo, the extensions are read', async () => {
    const amd = image([layer(contribFiles('cube', 'earthdistance'), 'gzip'), layer(HELLO, 'zstd')]);
    const arm = image([layer(HELLO, 'none')], { os: 'linux', architecture: 'arm64' });
    const idx = index([
      { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
      { image: arm, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    await reg.pushIndex(
      'ext/geo',
      '1.0-18-trixie',
      [
        { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
        { image: arm, platform: { os: 'linux', architecture: 'arm64' } },
      ],
      idx,
    );
    const ref = `${reg.host}/ext/geo:1.0-18-trixie`;
    // skopeo, an independent client, sees the same index and computes the same digest.
    requireTool('skopeo', 'skopeo');
    const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    expect(JSON.parse(raw.toString()).manifests).toHaveLength(2);
    const rawFile = path.join(tmp('cnpg-raw-'), 'index.json');
    fs.writeFileSync(rawFile, raw);
    const skopeoDigest = execFileSync('skopeo', ['manifest-digest', rawFile]).toString().trim();

    const report = await inspectImage(ref, { client: client() });
    expect(report.digest).toBe(idx.digest);
    expect(report.digest).toBe(skopeoDigest);
    expect(report.manifestDigest).toBe(amd.manifest.digest);
    expect(report.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(report.findings.filter((f) => f.severity !== 'warning')).toEqual([]);
    const byName = Object.fromEntries(report.extensions.map((e) => [e.name, e]));
    expect(Object.keys(byName)).toEqual(['cube', 'earthdistance', 'hello']);
    expect(byName.earthdistance.requires).toEqual(['cube']);
    expect(byName.cube.modules).toEqual(['cube']);
    expect(byName.cube.versions).toContain(byName.cube.defaultVersion);
    expect(byName.cube.updates.length).toBeGreaterThan(0);
    expect(byName.hello).toMatchObject({
      defaultVersion: '1.1',
      versions: ['1.0', '1.1'],
      installScripts: ['1.0'],
      updates: [{ from: '1.0', to: '1.1' }],
      relocatable: true,
      trusted: true,
      modules: [],
    });
    expect(report.libraries.find((l) => l.file === 'lib/cube.so')).toMatchObject({
      needed: expect.arrayContaining(['libc.so.6']),
      missing: [],
    });

    const armReport = await inspectImage(ref, { client: client({ platform: { os: 'linux', architecture: 'arm64' } }) });
    expect(armReport.manifestDigest).toBe(arm.manifest.digest);
    expect(armReport.extensions.map((e) => e.name)).toEqual(['hello']);

    await expect(client({ platform: { os: 'linux', architecture: 's390x' } }).resolve(ref)).rejects.toThrow(
      /has no image for linux\/s390x; it offers linux\/amd64, linux\/arm64\. Fix: pick one with --platform/,
    );
  });

  test('a blob whose bytes do not match its digest is refused and not cached; a cached file that was altered is fetched again', async () => {
    const good = layer({ ...HELLO, 'tampered.txt': 'this layer only' });
    const img = image([good]);
    await reg.push('ext/tampered', '1', img);
    const ref = `${reg.host}/ext/tampered:1`;
    // First a clean pull fills the cache; then the cached file is altered: it must be detected and replaced.
    await inspectImage(ref, { client: client() });
    const cached = path.join(cache, 'sha256', good.digest.slice(7));
    fs.writeFileSync(cached, 'evil');
    const again = await inspectImage(ref, { client: client() });
    expect(again.extensions.map((e) => e.name)).toEqual(['hello']);
    expect(fs.readFileSync(cached)).toEqual(good.bytes);

    const fresh = tmp('cnpg-cache-');
    const evil = Buffer.from(good.bytes);
    evil[evil.length - 20] ^= 0xff;
    reg.tamper(good.digest, evil);
    await expect(inspectImage(ref, { client: new RegistryClient({ cacheDir: fresh, credentials: anonymous }) })).rejects.toThrow(
      new RegExp(`blob ${good.digest} does not match its digest \\(got sha256:[0-9a-f]{64}, ${evil.length} of ${good.size} bytes\\)`),
    );
    expect(fs.existsSync(path.join(fresh, 'sha256', good.digest.slice(7)))).toBe(false);
    expect(fs.readdirSync(path.join(fresh, 'sha256')).filter((f) => f.includes('partial'))).toEqual([]);
  });

  test('the uncompressed layer must match the config diff_id', async () => {
    const l = layer(HELLO);
    await reg.push('ext/diffid', '1', image([l], undefined, [`sha256:${'0'.repeat(64)}`]));
    await expect(inspectImage(`${reg.host}/ext/diffid:1`, { client: client() })).rejects.toThrow(
      /uncompresses to sha256:[0-9a-f]{64}, but the image config says sha256:0{64}/,
    );
  });

  test('later layers delete and hide what earlier layers wrote (whiteouts, opaque directories)', async () => {
    const base = layer({ ...HELLO, 'share/extension/old.control': "default_version = '1'\n", 'doc/a.txt': 'a', 'doc/b.txt': 'b' });
    const top = layer([
      { path: 'share/extension/.wh.old.control', content: '' },
      { path: 'doc/', dir: true },
      { path: 'doc/.wh..wh..opq', content: '' },
      { path: 'doc/c.txt', content: 'c' },
    ]);
    await reg.push('ext/whiteout', '1', image([base, top]));
    const root = tmp('cnpg-unpack-');
    fs.rmSync(root, { recursive: true });
    await pullImage(`${reg.host}/ext/whiteout:1`, root, { client: client() });
    expect(fs.readdirSync(path.join(root, 'share', 'extension')).sort()).toEqual([
      'hello--1.0--1.1.sql',
      'hello--1.0.sql',
      'hello.control',
    ]);
    expect(fs.readdirSync(path.join(root, 'doc'))).toEqual(['c.txt']);
  });

  const hostile: [string, Parameters<typeof layer>[0], RegExp][] = [
    ['a ".." path', [{ path: '../escaped.txt', content: 'x' }], /entry "..\/escaped.txt" has a ".." path component/],
    ['a nested ".." path', [{ path: 'share/../../escaped.txt', content: 'x' }], /has a ".." path component/],
    ['an absolute path', [{ path: '/tmp/escaped.txt', content: 'x' }], /has an absolute path/],
    [
      'an absolute symbolic link',
      [{ path: 'lib', symlink: '/etc' }],
      /symbolic link to the absolute path "\/etc", outside the image once mounted/,
    ],
    [
      'a symbolic link out of the image',
      [{ path: 'share/x', symlink: '../../..' }],
      /symbolic link to "..\/..\/..", which resolves outside the image/,
    ],
    [
      'a write through a symbolic link',
      [
        { path: 'share/', dir: true },
        { path: 'lib', symlink: 'share' },
        { path: 'lib/x.so', content: 'x' },
      ],
      /entry "lib\/x.so" would be written through the symbolic link "lib"/,
    ],
    ['a hard link to a file outside', [{ path: 'x', hardlink: '../etc/passwd' }], /has a ".." link target component/],
  ];
  test.each(hostile)('a layer with %s is refused, and nothing is written outside the root', async (_what, entries, message) => {
    const repo = `ext/hostile-${Math.random().toString(36).slice(2, 8)}`;
    await reg.push(repo, '1', image([layer(entries, 'gzip')]));
    const parent = tmp('cnpg-hostile-');
    const root = path.join(parent, 'root');
    const err = await pullImage(`${reg.host}/${repo}:1`, root, { client: client() }).catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeLayerError);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/refusing to unpack the image/);
    // Nothing outside the root, and the root itself removed again.
    expect(fs.readdirSync(parent)).toEqual([]);
    expect(fs.existsSync('/tmp/escaped.txt')).toBe(false);
  });

  test('a missing tag and a missing repository say so, with the status and a fix', async () => {
    await reg.push('ext/present', '1', image([layer(HELLO)]));
    await expect(client().resolve(`${reg.host}/ext/present:2`)).rejects.toThrow(
      /answered 404 for manifest 2: MANIFEST_UNKNOWN.*Fix: check the repository and the tag/,
    );
    const err = await client()
      .resolve(`${reg.host}/ext/absent:1`)
      .catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(404);
  });
});

describe('token auth (distribution auth.token, RS256 JWTs from a token server)', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' });
    await reg.push('public/hello', '1', image([layer(HELLO)]));
    await reg.push('private/hello', '1', image([layer(HELLO)]));
  });
  afterAll(async () => reg.stop());

  test('a public repository is pulled with an anonymous token; the token is reused', async () => {
    reg.tokenRequests.length = 0;
    const c = new RegistryClient({ cacheDir: tmp('cnpg-cache-'), credentials: anonymous });
    const report = await inspectImage(`${reg.host}/public/hello:1`, { client: c });
    expect(report.extensions.map((e) => e.name)).toEqual(['hello']);
    expect(reg.tokenRequests).toEqual([{ scope: 'repository:public/hello:pull', user: undefined }]);
  });

  test('a private repository: anonymous is refused with a fix; credentials from a Docker config work', async () => {
    const anon = new RegistryClient({ cacheDir: tmp('cnpg-cache-'), credentials: anonymous });
    await expect(anon.resolve(`${reg.host}/private/hello:1`)).rejects.toThrow(/answered 401 .*Fix: log in to 127\.0\.0\.1:\d+/);

    const home = tmp('cnpg-docker-');
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64') } } }),
    );
    reg.tokenRequests.length = 0;
    const authed = new RegistryClient({
      cacheDir: tmp('cnpg-cache-'),
      credentials: dockerConfigCredentials(credentialFiles({ HOME: home })),
    });
    const report = await inspectImage(`${reg.host}/private/hello:1`, { client: authed });
    expect(report.extensions.map((e) => e.name)).toEqual(['hello']);
    expect(reg.tokenRequests[0]).toEqual({ scope: 'repository:private/hello:pull', user: REGISTRY_USER });

    fs.writeFileSync(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${REGISTRY_USER}:wrong`).toString('base64') } } }),
    );
    const wrong = new RegistryClient({
      cacheDir: tmp('cnpg-cache-'),
      credentials: dockerConfigCredentials(credentialFiles({ HOME: home })),
    });
    await expect(wrong.resolve(`${reg.host}/private/hello:1`)).rejects.toThrow(
      /refused a pull token with the credentials from .*config\.json \(auths\.127\.0\.0\.1:\d+\) \(401\)\. Fix: check those credentials/,
    );
  });
});

describe('Basic auth at the registry (distribution auth.htpasswd, bcrypt)', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await reg.push('team/hello', '1', image([layer(HELLO)]));
  });
  afterAll(async () => reg.stop());

  const configWith = (auth: string) => {
    const home = tmp('cnpg-docker-');
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(auth).toString('base64') } } }),
    );
    return credentialFiles({ HOME: home });
  };

  test('credentials from a Docker config are sent; none or wrong ones fail with what to do', async () => {
    const ok = new RegistryClient({
      cacheDir: tmp('cnpg-cache-'),
      credentials: dockerConfigCredentials(configWith(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`)),
    });
    expect((await inspectImage(`${reg.host}/team/hello:1`, { client: ok })).extensions.map((e) => e.name)).toEqual(['hello']);

    const none = new RegistryClient({ cacheDir: tmp('cnpg-cache-'), credentials: anonymous });
    await expect(none.resolve(`${reg.host}/team/hello:1`)).rejects.toThrow(
      /asks for credentials \(Basic\) and none are configured\. Fix: docker login 127\.0\.0\.1:\d+ \(or add auths\."127\.0\.0\.1:\d+" to ~\/\.docker\/config\.json\)/,
    );
    const wrong = new RegistryClient({
      cacheDir: tmp('cnpg-cache-'),
      credentials: dockerConfigCredentials(configWith(`${REGISTRY_USER}:nope`)),
    });
    await expect(wrong.resolve(`${reg.host}/team/hello:1`)).rejects.toThrow(/answered 401 .*UNAUTHORIZED.*Fix: log in to 127\.0\.0\.1:\d+/);
  });
});

describe('HTTPS with a private CA, through the built command', () => {
  // The same storage served twice: plain HTTP to push, HTTPS (certificate for 127.0.0.1, signed by a throw-away
  // CA) to read, as a private mirror with an internal CA would be.
  let plain: TestRegistry;
  let secure: TestRegistry;
  let ca: string;
  const cli = path.join(__dirname, '..', '..', 'build', 'lib', 'cli', 'main.js');
  beforeAll(async () => {
    const certs = makeCertificates();
    ca = path.join(tmp('cnpg-ca-'), 'ca.pem');
    fs.writeFileSync(ca, certs.ca);
    plain = await startRegistry();
    await plain.push('mirror/hello', '1.1-18-trixie', image([layer(HELLO)]));
    secure = await startRegistry({ tls: { cert: certs.cert, key: certs.key }, dataDir: plain.dataDir });
  });
  afterAll(async () => {
    await secure.stop();
    await plain.stop();
  });

  const inspect = (env: Record<string, string>) =>
    spawnSync(process.execPath, [cli, 'images', 'inspect', `${secure.host}/mirror/hello:1.1-18-trixie`, '-o', 'json', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: tmp('cnpg-docker-'), CNPG_CONSTRUCTS_CACHE: tmp('cnpg-cache-'), ...env },
    });

  test('an untrusted certificate is an error that says how to trust the CA (no fallback to plain HTTP); with NODE_EXTRA_CA_CERTS it works', () => {
    const untrusted = inspect({});
    expect(untrusted.status).toBe(2);
    expect(untrusted.stderr).toMatch(
      /could not reach https:\/\/127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)\. Fix: the registry's TLS certificate is not trusted/,
    );
    expect(untrusted.stderr).toMatch(/NODE_EXTRA_CA_CERTS=\/path\/to\/ca\.pem/);
    const trusted = inspect({ NODE_EXTRA_CA_CERTS: ca });
    expect(trusted.stderr).toBe('');
    expect(trusted.status).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ ok: true, extensions: [{ name: 'hello' }] });
  });
});

describe('what the client sends where (a registry double for what docker-registry cannot do)', () => {
  test('Authorization is not sent to the host a blob redirect points at; a realm over plain HTTP off loopback is refused', async () => {
    const img = image([layer(HELLO)]);
    const seen: { host: string; authorization?: string; url: string }[] = [];
    const store = http.createServer((req, res) => {
      seen.push({ host: 'store', authorization: req.headers.authorization, url: req.url ?? '' });
      const digest = (req.url ?? '').split('/').pop();
      const b = [img.config, ...img.layers].find((x) => x.digest === digest);
      res.writeHead(b ? 200 : 404).end(b?.bytes);
    });
    await new Promise<void>((r) => store.listen(0, '127.0.0.2', r));
    const storePort = (store.address() as { port: number }).port;
    let realm = '';
    const registry = http.createServer((req, res) => {
      seen.push({ host: 'registry', authorization: req.headers.authorization, url: req.url ?? '' });
      if (req.headers.authorization !== 'Basic dTpw') {
        res.writeHead(401, { 'www-authenticate': realm || 'Basic realm="test"' }).end();
        return;
      }
      if (req.url?.includes('/manifests/')) {
        res.writeHead(200, { 'content-type': img.manifest.mediaType }).end(img.manifest.bytes);
        return;
      }
      res.writeHead(307, { location: `http://127.0.0.2:${storePort}/blobs/${(req.url ?? '').split('/').pop()}` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(registry.address() as { port: number }).port}`;
    try {
      const c = new RegistryClient({ cacheDir: tmp('cnpg-cache-'), credentials: () => ({ username: 'u', password: 'p', source: 'test' }) });
      const report = await inspectImage(`${host}/x/y:1`, { client: c });
      expect(report.extensions.map((e) => e.name)).toEqual(['hello']);
      expect(seen.filter((s) => s.host === 'store').length).toBe(2);
      expect(seen.filter((s) => s.host === 'store' && s.authorization)).toEqual([]);
      expect(seen.filter((s) => s.host === 'registry' && s.url.includes('/blobs/')).every((s) => s.authorization === 'Basic dTpw')).toBe(
        true,
      );

      realm = 'Bearer realm="http://registry.example.com/token",service="x"';
      const c2 = new RegistryClient({ cacheDir: tmp('cnpg-cache-'), credentials: anonymous });
      await expect(c2.resolve(`${host}/x/y:1`)).rejects.toThrow(
        /refusing the token realm http:\/\/registry\.example\.com\/token: not HTTPS and not a loopback or allowed-insecure host/,
      );
    } finally {
      registry.close();
      store.close();
    }
  });
});
