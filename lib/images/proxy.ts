// Which proxy a registry request goes through: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (upper case first, then
// lower case) read exactly as the registry tools of this ecosystem read them. skopeo, containerd and the kubelet use
// Go's golang.org/x/net/http/httpproxy (proxy.go: FromEnvironment, proxyForURL, useProxy, config.init,
// canonicalAddr), whose rules these are:
// - https URLs use HTTPS_PROXY, http URLs HTTP_PROXY (not under CGI, REQUEST_METHOD set); a value without a scheme
//   means http://;
// - never for `localhost` or a loopback IP, whatever NO_PROXY says;
// - NO_PROXY is a comma-separated list: `*` (nothing is proxied), an IP or CIDR (`10.0.0.0/8`, `::1/128`), an IP
//   with a port, or a domain (`example.com` matches it and its subdomains, `.example.com` and `*.example.com` only
//   subdomains), each with an optional `:port` that must then match the request's port (80/443 by default).
// The tunnel itself is undici's ProxyAgent (CONNECT, so what goes to an https registry is end-to-end TLS the
// proxy cannot read); this file only chooses.
import * as net from 'node:net';
import * as url from 'node:url';

/** The proxy settings of the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`), as Go reads them. */
export interface ProxyEnvironment {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
  readonly cgi?: boolean;
}

/** The proxy settings of `env` (Go's FromEnvironment). */
export function proxyEnvironment(env: NodeJS.ProcessEnv = process.env): ProxyEnvironment {
  const any = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  return {
    httpProxy: any('HTTP_PROXY', 'http_proxy'),
    httpsProxy: any('HTTPS_PROXY', 'https_proxy'),
    noProxy: any('NO_PROXY', 'no_proxy'),
    cgi: (env.REQUEST_METHOD ?? '') !== '',
  };
}

/** A proxy setting that cannot be used; the message names the variable, never its credentials. */
export class ProxyConfigError extends Error {
  public override readonly name = 'ProxyConfigError';
}

type Matcher = (host: string, port: string, ip: string | undefined) => boolean;

/** Parses a proxy value as Go's parseProxy does (host[:port] means http://host[:port]). */
function parseProxy(value: string, variable: string): URL {
  const parse = (v: string) => {
    try {
      return new URL(v);
    } catch {
      return undefined;
    }
  };
  let url = parse(value);
  if (!url || !['http:', 'https:', 'socks5:'].includes(url.protocol)) url = parse(`http://${value}`) ?? url;
  if (!url?.hostname) throw new ProxyConfigError(`${variable} is not a proxy URL (expected http://host:port)`);
  if (url.protocol === 'socks5:') {
    throw new ProxyConfigError(`${variable} names a SOCKS5 proxy, which this client does not support: use an HTTP proxy (CONNECT)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxyConfigError(`${variable} is not an http:// or https:// proxy URL`);
  return url;
}

function isLoopbackIp(ip: string): boolean {
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  const lower = ip.toLowerCase();
  return lower === '::1' || /^::ffff:127\./.test(lower) || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(lower);
}

/** The NO_PROXY list as matchers (Go's config.init). `*` gives the one matcher that matches everything. */
function noProxyMatchers(noProxy: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (const raw of noProxy.split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return [() => true];
    const cidr = /^(.+)\/(\d{1,3})$/.exec(p);
    if (cidr && net.isIP(cidr[1])) {
      const family = net.isIPv4(cidr[1]) ? 'ipv4' : 'ipv6';
      const prefix = Number(cidr[2]);
      if (prefix <= (family === 'ipv4' ? 32 : 128)) {
        const list = new net.BlockList();
        list.addSubnet(cidr[1], prefix, family);
        matchers.push((_h, _p, ip) => ip !== undefined && list.check(ip, net.isIPv4(ip) ? 'ipv4' : 'ipv6'));
        continue;
      }
    }
    let host = p;
    let port = '';
    const hp = /^(\[[^\]]*\]|[^:]*):(\d*)$/.exec(p);
    if (hp) {
      if (!hp[1]) continue; // no host part: malformed, ignored (as Go does)
      host = hp[1].startsWith('[') ? hp[1].slice(1, -1) : hp[1];
      port = hp[2];
    } else if (p.startsWith('[') && p.endsWith(']')) host = p.slice(1, -1);
    if (net.isIP(host)) {
      const want = host;
      matchers.push((_h, reqPort, ip) => ip !== undefined && sameIp(ip, want) && (port === '' || port === reqPort));
      continue;
    }
    if (!host) continue;
    if (host.startsWith('*.')) host = host.slice(1);
    host = url.domainToASCII(host.replace(/^\./, ''))
      ? `${host.startsWith('.') ? '.' : ''}${url.domainToASCII(host.replace(/^\./, ''))}`
      : host;
    const matchHost = !host.startsWith('.');
    const suffix = matchHost ? `.${host}` : host;
    matchers.push((h, reqPort) => (h.endsWith(suffix) || (matchHost && h === suffix.slice(1))) && (port === '' || port === reqPort));
  }
  return matchers;
}

function sameIp(a: string, b: string): boolean {
  if (a === b) return true;
  const list = new net.BlockList();
  list.addAddress(b, net.isIPv4(b) ? 'ipv4' : 'ipv6');
  return list.check(a, net.isIPv4(a) ? 'ipv4' : 'ipv6');
}

/** Chooses the proxy for request URLs, as Go's Config.ProxyFunc does. */
export class ProxySelector {
  private readonly http?: URL;
  private readonly https?: URL;
  private readonly matchers: Matcher[];
  private readonly cgi: boolean;

  constructor(config: ProxyEnvironment = proxyEnvironment()) {
    this.http = config.httpProxy ? parseProxy(config.httpProxy, 'HTTP_PROXY') : undefined;
    this.https = config.httpsProxy ? parseProxy(config.httpsProxy, 'HTTPS_PROXY') : undefined;
    this.matchers = noProxyMatchers(config.noProxy ?? '');
    this.cgi = config.cgi ?? false;
  }

  /** The proxy for `url`, or undefined to connect directly. */
  public proxyFor(url: URL): URL | undefined {
    const proxy = url.protocol === 'https:' ? this.https : url.protocol === 'http:' ? this.http : undefined;
    if (!proxy) return undefined;
    if (url.protocol === 'http:' && this.cgi) {
      throw new ProxyConfigError('refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set; golang.org/s/cgihttpproxy)');
    }
    return this.useProxy(url) ? proxy : undefined;
  }

  /** Go's useProxy over canonicalAddr(url). */
  private useProxy(url: URL): boolean {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (host === 'localhost') return false;
    const ip = net.isIP(host) ? host : undefined;
    if (ip && isLoopbackIp(ip)) return false;
    const h = host.trim().toLowerCase();
    return !this.matchers.some((m) => m(h, port, ip));
  }
}
