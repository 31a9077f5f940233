// What the built command prints when an image, a registry or a local file is hostile or broken: no part of a
// secret in any output, text from images and registries escaped so it cannot forge report lines, and the image
// lock's schema enforced (and never written through a symbolic link). The CLI runs as a process, as users run it.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageLock } from '../../lib/core/image-lock';
import { printable } from '../../lib/images/format';
import { runCli } from '../support/cli-process';
import { contribFiles, HELLO } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { startRegistry, type TestRegistry } from '../support/registry';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
/** `cnpg-constructs images <args>` with a fresh Docker config and cache unless `env` says otherwise. */
const run = (args: string[], env: Record<string, string> = {}, cwd = tmp('cnpg-cwd-')) =>
  runCli(
    ['images', ...args],
    { ...process.env, DOCKER_CONFIG: tmp('cnpg-docker-'), CNPG_CONSTRUCTS_CACHE: tmp('cnpg-cache-'), ...env },
    cwd,
  );

/** Every substring of `secret` of `n` characters: none may appear anywhere. */
const pieces = (secret: string, n = 5) => Array.from({ length: secret.length - n + 1 }, (_, i) => secret.slice(i, i + n));

let reg: TestRegistry;
let authed: TestRegistry;
beforeAll(async () => {
  reg = await startRegistry();
  authed = await startRegistry({ auth: 'htpasswd' });
});
afterAll(async () => {
  await reg.stop();
  await authed.stop();
});

describe('no part of a secret in any message', () => {
  const password = 'Zq7Xw9VkQp3T';
  const auth = Buffer.from(`ci:${password}`).toString('base64');
  const configs: [string, string][] = [
    ['an unquoted auth value', `{"auths":{"HOST":{"auth":${auth}}}}`],
    ['a bad character after the value', `{"auths":{"HOST":{"auth":"${auth}" x}}}`],
    ['a control character inside the value', `{"auths":{"HOST":{"auth":"${auth}\u0001"}}}`],
    ['a truncated file', `{"auths":{"HOST":{"auth":"${auth}`],
    ['the password as a number', `{"auths":{"HOST":{"username":"ci","password":7391${password.length}}}}`],
    ['a password that is not a string', `{"auths":{"HOST":{"username":"ci","password":["${password}"]}}}`],
    ['a bare secret', `${auth}`],
  ];
  test.each(configs)('a credentials file with %s: the error names the file and the place, never the secret', async (_what, text) => {
    await authed.push('private/x', '1', image([layer(HELLO)]));
    const docker = tmp('cnpg-docker-');
    fs.writeFileSync(path.join(docker, 'config.json'), text.replace('HOST', authed.host));
    const r = await run(['inspect', `${authed.host}/private/x:1`, '-q'], { DOCKER_CONFIG: docker });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /config\.json (is not valid JSON \((at line 1, column \d+|somewhere in the file)\)|is not a JSON object|\(auths\.[^)]+\): "password" is not a string)/,
    );
    for (const s of [password, auth, `7391${password.length}`]) for (const piece of pieces(s)) expect(r.all).not.toContain(piece);
  });

  test('proxy credentials in HTTPS_PROXY never appear when the proxy cannot be reached', async () => {
    const r = await run(['inspect', 'registry.invalid/x/y:1', '-q'], { HTTPS_PROXY: `http://proxyuser:${password}@127.0.0.1:9` });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/could not reach/);
    for (const piece of pieces(password)) expect(r.all).not.toContain(piece);
  });
});

describe('text from images and registries cannot forge report lines', () => {
  test.each([
    ['\n', '\\n'],
    ['\x1b[2K', '\\x1b[2K'],
    ['\u202e', '\\u202e'],
    ['\r', '\\r'],
    ['\u0085', '\\x85'],
  ])('printable escapes %j', (raw, shown) => {
    expect(printable(`a${raw}b`)).toBe(`a${shown}b`);
  });
  test('printable keeps ordinary text, non-ASCII included', () => {
    expect(printable('PostGIS 3.6 — données, 数据, tabs\\ and quotes "')).toBe('PostGIS 3.6 — données, 数据, tabs\\ and quotes "');
  });

  test('file names with newlines and escape sequences are printed escaped by images inspect', async () => {
    const forged = '\nok: CNPG can mount this image as shown\x1b[2K';
    const files: Record<string, string | Buffer> = { ...HELLO, ...contribFiles('cube') };
    files[`lib/cube${forged}.so`] = files['lib/cube.so'];
    files[`top${forged}/readme`] = 'x';
    await reg.push('forge/names', '1', image([layer(files)]));
    const r = await run(['inspect', `${reg.host}/forge/names:1`, '-q']);
    expect(r.all).not.toContain('\x1b');
    // The only "ok:" line is the command's own verdict (or none, if the image has problems).
    const okLines = r.out.split('\n').filter((l) => l.startsWith('ok:'));
    expect(okLines.length).toBeLessThanOrEqual(1);
    expect(r.out).toContain('top\\nok: CNPG can mount this image as shown\\x1b[2K');
    expect(r.out).toContain('lib/cube\\nok: CNPG can mount this image as shown\\x1b[2K.so');
  });

  test("a registry's error body with newlines and escapes is printed escaped", async () => {
    const evil = 'nope\nok: CNPG can mount this image as shown\x1b]0;owned\x07';
    const server = http.createServer((_req, res) => {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: evil }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
      const r = await run(['inspect', `${host}/x/y:1`, '-q']);
      expect(r.code).toBe(2);
      expect(r.all).not.toContain('\x1b');
      expect(r.all).not.toContain('\x07');
      expect(r.all.split('\n').filter((l) => l.startsWith('ok:'))).toEqual([]);
      expect(r.err).toContain('MANIFEST_UNKNOWN nope\\nok: CNPG can mount this image as shown\\x1b]0;owned\\x07');
    } finally {
      server.close();
    }
  });
});

describe('the image lock', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  test.each([
    ['a digest that is a list', { 'r.io/a:1': { digest: [digest] } }, /entry "r\.io\/a:1" has no "digest" of the form sha256/],
    ['an entry that is a string', { 'r.io/a:1': digest }, /entry "r\.io\/a:1" is a string, not an object/],
    ['an entry that is null', { 'r.io/a:1': null }, /entry "r\.io\/a:1" is null, not an object/],
    ['a media type that is a number', { 'r.io/a:1': { digest, mediaType: 5 } }, /has a "mediaType" that is not a string/],
    ['an unknown key in an entry', { 'r.io/a:1': { digest, digests: [] } }, /has the unknown key "digests"/],
    ['a key with a digest', { [`r.io/a:1@${digest}`]: { digest } }, /is not an image reference without a digest/],
  ])('%s is refused on read', (_what, images, message) => {
    expect(() => ImageLock.fromJson({ lockfileVersion: 1, images }, 'cnpg-images.lock.json')).toThrow(message);
  });
  test('images that is a list, or an unknown top-level key, is refused', () => {
    expect(() => ImageLock.fromJson({ lockfileVersion: 1, images: [] })).toThrow(/not an image lock of version 1/);
    expect(() => ImageLock.fromJson({ lockfileVersion: 1, images: {}, extra: 1 })).toThrow(/unknown key "extra"/);
  });

  const project = async () => {
    await reg.push('lock/x', '1', image([layer(HELLO)]));
    const dir = tmp('cnpg-lock-');
    fs.writeFileSync(
      path.join(dir, 'cluster.yaml'),
      `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: a\nspec:\n  instances: 1\n  imageName: ${reg.host}/lock/x:1\n`,
    );
    return dir;
  };

  test('images lock with a lock entry of the wrong type: could not run, and the file is not rewritten', async () => {
    const dir = await project();
    const text = JSON.stringify({ lockfileVersion: 1, images: { [`${reg.host}/lock/x:1`]: { digest: [digest] } } });
    fs.writeFileSync(path.join(dir, 'cnpg-images.lock.json'), text);
    const r = await run(['lock', 'cluster.yaml', '-q'], {}, dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no "digest" of the form sha256/);
    expect(fs.readFileSync(path.join(dir, 'cnpg-images.lock.json'), 'utf8')).toBe(text);
  });

  test('a lock file that is a symbolic link is not written through to where it points', async () => {
    const dir = await project();
    // A link to a real, outdated lock somewhere else: reading through it is fine, writing through it is not.
    const elsewhere = path.join(tmp('cnpg-elsewhere-'), 'target.json');
    const stale = `${JSON.stringify({ lockfileVersion: 1, images: { [`${reg.host}/lock/x:1`]: { digest } } }, null, 2)}\n`;
    fs.writeFileSync(elsewhere, stale);
    fs.symlinkSync(elsewhere, path.join(dir, 'cnpg-images.lock.json'));
    const dangling = path.join(tmp('cnpg-elsewhere-'), 'absent');
    fs.symlinkSync(dangling, path.join(dir, 'other.lock.json'));
    const r = await run(['lock', 'cluster.yaml', '-q', '--file', 'other.lock.json'], {}, dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/other\.lock\.json is a symbolic link \(to ".*absent"\); refusing to write through it/);
    expect(fs.existsSync(dangling)).toBe(false);
    const r2 = await run(['lock', 'cluster.yaml', '-q'], {}, dir);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/cnpg-images\.lock\.json is a symbolic link .*refusing to write through it/);
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe(stale);
    // A regular lock file is written (by rename) and has the usual mode.
    const r3 = await run(['lock', 'cluster.yaml', '-q', '--file', 'real.lock.json'], {}, dir);
    expect(r3.code).toBe(0);
    expect(ImageLock.load(path.join(dir, 'real.lock.json')).size).toBe(1);
    expect(fs.statSync(path.join(dir, 'real.lock.json')).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
