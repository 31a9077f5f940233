// Proxies as users have them: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (and their lower-case forms), read with Go's
// golang.org/x/net/http/httpproxy rules (what skopeo and containerd use), and a real CONNECT proxy on 127.0.0.1
// in front of an HTTPS registry whose name only the proxy can resolve. The built CLI runs as a process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProxySelector } from '../../lib/images/proxy';
import { runCli } from '../support/cli-process';
import { startConnectProxy, type TestProxy } from '../support/connect-proxy';
import { HELLO } from '../support/extension-images';
import { image, layer } from '../support/oci';
import { REGISTRY_PASSWORD, REGISTRY_USER, startRegistry, type TestRegistry } from '../support/registry';
import { makeCertificates } from '../support/tls';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe("the proxy for a URL, by Go's httpproxy rules", () => {
  const P = 'http://proxy.corp:3128/';
  const pick = (env: ConstructorParameters<typeof ProxySelector>[0], url: string) => new ProxySelector(env).proxyFor(new URL(url))?.href;
  test.each([
    // scheme picks the variable; a value without a scheme is http://
    [{ httpsProxy: 'proxy.corp:3128' }, 'https://ghcr.io/v2/', P],
    [{ httpsProxy: 'https://secure.corp' }, 'https://ghcr.io/v2/', 'https://secure.corp/'],
    [{ httpProxy: P }, 'https://ghcr.io/v2/', undefined],
    [{ httpProxy: P }, 'http://mirror.corp:5000/v2/', P],
    // loopback is never proxied, whatever NO_PROXY says
    [{ httpsProxy: P }, 'https://localhost:5000/v2/', undefined],
    [{ httpsProxy: P }, 'https://127.0.0.1:5000/v2/', undefined],
    [{ httpsProxy: P }, 'https://127.9.9.9/v2/', undefined],
    [{ httpsProxy: P }, 'https://[::1]:5000/v2/', undefined],
    [{ httpsProxy: P }, 'https://[::2]:5000/v2/', P],
    // NO_PROXY: *, domains and their subdomains, leading dot and *. for subdomains only, ports, IPs, CIDRs
    [{ httpsProxy: P, noProxy: '*' }, 'https://ghcr.io/v2/', undefined],
    [{ httpsProxy: P, noProxy: 'ghcr.io' }, 'https://ghcr.io/v2/', undefined],
    [{ httpsProxy: P, noProxy: 'ghcr.io' }, 'https://pkg.ghcr.io/v2/', undefined],
    [{ httpsProxy: P, noProxy: 'ghcr.io' }, 'https://notghcr.io/v2/', P],
    [{ httpsProxy: P, noProxy: '.corp.example' }, 'https://corp.example/v2/', P],
    [{ httpsProxy: P, noProxy: '.corp.example' }, 'https://r.corp.example/v2/', undefined],
    [{ httpsProxy: P, noProxy: '*.corp.example' }, 'https://corp.example/v2/', P],
    [{ httpsProxy: P, noProxy: '*.corp.example' }, 'https://r.corp.example/v2/', undefined],
    [{ httpsProxy: P, noProxy: ' GHCR.IO , other' }, 'https://ghcr.io/v2/', undefined],
    [{ httpsProxy: P, noProxy: 'mirror.corp:5000' }, 'https://mirror.corp:5000/v2/', undefined],
    [{ httpsProxy: P, noProxy: 'mirror.corp:5000' }, 'https://mirror.corp/v2/', P],
    [{ httpsProxy: P, noProxy: 'mirror.corp:443' }, 'https://mirror.corp/v2/', undefined],
    [{ httpsProxy: P, noProxy: '10.0.0.0/8' }, 'https://10.1.2.3:5000/v2/', undefined],
    [{ httpsProxy: P, noProxy: '10.0.0.0/8' }, 'https://11.1.2.3/v2/', P],
    [{ httpsProxy: P, noProxy: '192.168.1.5' }, 'https://192.168.1.5:5000/v2/', undefined],
    [{ httpsProxy: P, noProxy: '192.168.1.5:443' }, 'https://192.168.1.5:5000/v2/', P],
    [{ httpsProxy: P, noProxy: '2001:db8::/32' }, 'https://[2001:db8::7]/v2/', undefined],
    [{ httpsProxy: P, noProxy: '[2001:db8::7]:443' }, 'https://[2001:db8::7]/v2/', undefined],
    [{ httpsProxy: P, noProxy: ':443, ' }, 'https://ghcr.io/v2/', P],
  ])('%j, %s -> %s', (env, url, want) => {
    expect(pick(env, url)).toBe(want);
  });

  test('upper case wins over lower case; HTTP_PROXY under CGI and SOCKS5 are refused', async () => {
    const { proxyEnvironment } = await import('../../lib/images/proxy');
    expect(proxyEnvironment({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', no_proxy: 'x' })).toEqual({
      httpProxy: undefined,
      httpsProxy: 'http://upper:1',
      noProxy: 'x',
      cgi: false,
    });
    expect(proxyEnvironment({ https_proxy: 'http://lower:1' }).httpsProxy).toBe('http://lower:1');
    expect(() => pick({ httpProxy: P, cgi: true }, 'http://mirror.corp/v2/')).toThrow(/CGI/);
    expect(() => new ProxySelector({ httpsProxy: 'socks5://127.0.0.1:1080' })).toThrow(/SOCKS5 proxy, which this client does not support/);
  });
});

describe('through a real CONNECT proxy, with the built command', () => {
  const NAME = 'registry.proxied.test';
  let plain: TestRegistry;
  let secure: TestRegistry;
  let proxy: TestProxy;
  let ca: string;
  let ref: string;
  let docker: string;
  const run = (args: string[], env: Record<string, string>) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
    return runCli(['images', ...args], {
      ...clean,
      DOCKER_CONFIG: docker,
      CNPG_CONSTRUCTS_CACHE: tmp('cnpg-cache-'),
      NODE_EXTRA_CA_CERTS: ca,
      ...env,
    });
  };

  beforeAll(async () => {
    // The same storage twice: plain HTTP on loopback to push, HTTPS with Basic auth (a certificate for NAME only,
    // from a throw-away CA) to read through the proxy.
    const certs = makeCertificates(`DNS:${NAME}`);
    ca = path.join(tmp('cnpg-ca-'), 'ca.pem');
    fs.writeFileSync(ca, certs.ca);
    plain = await startRegistry();
    await plain.push('team/hello', '1', image([layer(HELLO)]));
    secure = await startRegistry({ tls: { cert: certs.cert, key: certs.key }, dataDir: plain.dataDir, auth: 'htpasswd' });
    const port = secure.host.split(':')[1];
    ref = `${NAME}:${port}/team/hello:1`;
    proxy = await startConnectProxy({ [NAME]: '127.0.0.1' });
    docker = tmp('cnpg-docker-');
    fs.writeFileSync(
      path.join(docker, 'config.json'),
      JSON.stringify({ auths: { [`${NAME}:${port}`]: { auth: Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64') } } }),
    );
  });
  afterAll(async () => {
    await proxy?.stop();
    await secure?.stop();
    await plain?.stop();
  });

  test('HTTPS_PROXY reaches a registry only the proxy can resolve; the proxy sees a tunnel and no credential', async () => {
    const before = proxy.connects.length;
    const r = await run(['inspect', ref, '-o', 'json', '-q'], { HTTPS_PROXY: proxy.url });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, extensions: [{ name: 'hello' }] });
    const seen = proxy.connects.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((c) => c.target === `${NAME}:${secure.host.split(':')[1]}`)).toBe(true);
    // The registry's credentials never reach the proxy: not in CONNECT headers, not readable in the tunnel (TLS).
    const basic = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
    for (const c of seen)
      expect(Object.keys(c.headers).filter((h) => h !== 'host' && h !== 'connection' && h !== 'proxy-connection')).toEqual([]);
    const tunnel = proxy.tunnelled().toString('latin1');
    expect(tunnel.length).toBeGreaterThan(1000);
    for (const secret of [REGISTRY_PASSWORD, basic, 'authorization', 'Authorization']) expect(tunnel).not.toContain(secret);
    expect(proxy.plainRequests).toEqual([]);
  });

  test('https_proxy (lower case) works too; NO_PROXY for the name connects directly, which cannot resolve it', async () => {
    expect((await run(['inspect', ref, '-q'], { https_proxy: proxy.url })).code).toBe(0);
    for (const noProxy of [NAME, '.proxied.test', '*', `${NAME}:${secure.host.split(':')[1]}`]) {
      const direct = await run(['inspect', ref, '-q'], { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy });
      expect(direct.code).toBe(2);
      expect(direct.err).toMatch(new RegExp(`could not reach https://${NAME.replace(/\./g, '\\.')}:\\d+ \\((ENOTFOUND|EAI_AGAIN)\\)`));
    }
    const other = await run(['inspect', ref, '-q'], { HTTPS_PROXY: proxy.url, NO_PROXY: 'other.test,proxied.test.example' });
    expect(other.code).toBe(0);
  });

  test('a loopback registry is never proxied, even with HTTPS_PROXY set and nothing in NO_PROXY', async () => {
    const before = proxy.connects.length;
    const r = await run(['inspect', `${plain.host}/team/hello:1`, '-q'], { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(r.code).toBe(0);
    expect(proxy.connects.length).toBe(before);
  });

  test('a proxy that wants credentials gets them from the proxy URL, and a refusal names the proxy without them', async () => {
    const guarded = await startConnectProxy(
      { [NAME]: '127.0.0.1' },
      { proxyAuthorization: `Basic ${Buffer.from('puser:p@ss-Word9').toString('base64')}` },
    );
    try {
      const port = guarded.url.split(':')[2];
      const ok = await run(['inspect', ref, '-q'], { HTTPS_PROXY: `http://puser:${encodeURIComponent('p@ss-Word9')}@127.0.0.1:${port}` });
      expect(ok.code).toBe(0);
      const refused = await run(['inspect', ref, '-q'], { HTTPS_PROXY: `http://puser:wrong-Secret7@127.0.0.1:${port}` });
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(
        new RegExp(`could not reach https://${NAME.replace(/\./g, '\\.')}:\\d+ through the proxy http://127\\.0\\.0\\.1:${port}`),
      );
      expect(refused.err).toMatch(/the proxy answered 407/);
      expect(refused.err + refused.out).not.toMatch(/wrong-Secret7|puser/);
    } finally {
      await guarded.stop();
    }
  });

  test('a proxy setting that is not a URL is an error that says so, not a silent direct connection', async () => {
    const r = await run(['inspect', ref, '-q'], { HTTPS_PROXY: 'socks5://127.0.0.1:1080' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/HTTPS_PROXY names a SOCKS5 proxy, which this client does not support.*Fix: set HTTPS_PROXY/);
  });
});
