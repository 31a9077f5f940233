// The registry client's HTTP: undici's request API (Node streams, no WHATWG stream layer), one dispatcher per
// proxy (undici's ProxyAgent, chosen per URL by ./proxy with Go's rules), a time limit on each request body
// included, network failures as RegistryErrors that say what to do, and the one redirect follower of the images
// toolkit: it sends credentials only to the origin it started from, never to the object store a blob redirect
// points at, and follows only to HTTPS (or to hosts allowed plain HTTP).
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { printable } from './format';
import { ProxyConfigError, ProxySelector } from './proxy';
import { RegistryError } from './registry-error';

const MAX_REDIRECTS = 5;

export interface HttpResponse {
  readonly status: number;
  readonly url: string;
  /** The first value of a header (lower-case name). */
  header(name: string): string | undefined;
  readonly body: Dispatcher.ResponseData['body'];
}

export interface TransportOptions {
  readonly timeoutMs: number;
  /** Proxy choice; from HTTPS_PROXY, HTTP_PROXY and NO_PROXY when not given. */
  readonly proxies?: ProxySelector;
  /** Hosts (`host[:port]`) that may be reached over plain HTTP. */
  readonly allowsHttp: (host: string) => boolean;
}

export interface SendOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The reference the request is for (messages). */
  readonly reference: string;
}

/** Requests with proxies, limits and error messages; one per registry client. */
export class HttpTransport {
  private readonly proxies: ProxySelector | ProxyConfigError;
  private readonly direct = new Agent({ connections: 8 });
  private readonly viaProxy = new Map<string, ProxyAgent>();

  constructor(private readonly options: TransportOptions) {
    try {
      this.proxies = options.proxies ?? new ProxySelector();
    } catch (e) {
      if (!(e instanceof ProxyConfigError)) throw e;
      // Reported on the first request, as a registry error with the reference.
      this.proxies = e;
    }
  }

  /** One request, no redirects followed. */
  public async send(url: URL, o: SendOptions): Promise<HttpResponse> {
    const proxy = this.proxyFor(url, o.reference);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: o.method ?? 'GET',
        headers: { 'user-agent': 'cnpg-constructs', ...o.headers },
        body: o.body,
        dispatcher: proxy ? this.agentFor(proxy) : this.direct,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        maxRedirections: 0,
      });
    } catch (e) {
      throw this.networkError(url, proxy, e, o.reference);
    }
    const headers: IncomingHttpHeaders = res.headers;
    return {
      status: res.statusCode,
      url: url.toString(),
      header: (name) => {
        const v = headers[name];
        return Array.isArray(v) ? v[0] : v;
      },
      body: res.body,
    };
  }

  /**
   * GET with redirects (at most 5). `authorization` goes to the origin of `start` only; a redirect elsewhere must be
   * HTTPS unless its host may be reached over plain HTTP.
   */
  public async follow(start: URL, o: SendOptions & { readonly authorization?: string }): Promise<HttpResponse> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers = { ...o.headers };
      if (o.authorization && url.origin === start.origin) headers.authorization = o.authorization;
      const res = await this.send(url, { ...o, headers });
      if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
      const location = res.header('location');
      await discard(res);
      if (!location) return res;
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.options.allowsHttp(next.host))) {
        throw new RegistryError(`the registry redirected to ${next.origin}, which is not HTTPS; refusing to follow`, {
          reference: o.reference,
          code: 'registry-redirect-refused',
          status: res.status,
        });
      }
      url = next;
    }
    throw new RegistryError(`more than ${MAX_REDIRECTS} redirects from ${start.origin}${start.pathname}`, {
      reference: o.reference,
      code: 'registry-too-many-redirects',
    });
  }

  private proxyFor(url: URL, reference: string): URL | undefined {
    if (this.proxies instanceof ProxyConfigError) {
      throw new RegistryError(this.proxies.message, {
        reference,
        code: 'registry-proxy-invalid',
        fix: 'set HTTPS_PROXY (and HTTP_PROXY) to http://host:port, or unset them',
      });
    }
    try {
      return this.proxies.proxyFor(url);
    } catch (e) {
      throw new RegistryError((e as Error).message, { reference, code: 'registry-proxy-invalid', fix: 'unset HTTP_PROXY' });
    }
  }

  private agentFor(proxy: URL): ProxyAgent {
    let agent = this.viaProxy.get(proxy.href);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy.href, connections: 8 });
      this.viaProxy.set(proxy.href, agent);
    }
    return agent;
  }

  /** A request that got no answer, with what to do. The proxy is named without its credentials. */
  private networkError(url: URL, proxy: URL | undefined, e: unknown, reference: string): RegistryError {
    const err = e as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
    const code = err.code && !err.code.startsWith('UND_ERR_') ? err.code : (err.cause?.code ?? err.code);
    const via = proxy ? ` through the proxy ${proxy.protocol}//${proxy.host}` : '';
    let reason = code ?? err.message ?? String(e);
    if (err.name === 'TimeoutError' || err.name === 'AbortError') reason = `no answer within ${this.options.timeoutMs} ms`;
    if (proxy) {
      const tunnel = /Proxy response \((\d+)\)/.exec(err.message ?? '');
      if (tunnel) reason = `the proxy answered ${tunnel[1]} to CONNECT ${url.host}`;
      // Never a proxy's credentials in a message.
      for (const secret of [proxy.username, proxy.password, decodeURIComponent(proxy.password)]) {
        if (secret) reason = reason.split(secret).join('***');
      }
    }
    const fix = isCertificateError(code)
      ? `the registry's TLS certificate is not trusted (${code}): if it is signed by a private CA, give the CA to Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`
      : isTlsProtocolError(code) && !this.options.allowsHttp(url.host)
        ? `${url.host} does not speak TLS: if it is a registry without TLS you trust, name it with --insecure-registry ${url.host}`
        : proxy
          ? `check the proxy (HTTPS_PROXY, HTTP_PROXY) and that it may reach ${url.host}, or name the host in NO_PROXY to connect directly`
          : 'check the registry host and your network; behind a proxy set HTTPS_PROXY (NO_PROXY for hosts reached directly)';
    return new RegistryError(`could not reach ${url.origin}${via} (${printable(reason)})`, {
      reference,
      code: isCertificateError(code) ? 'registry-tls-untrusted' : proxy ? 'registry-proxy-unreachable' : 'registry-unreachable',
      fix,
      unreachable: true,
      networkCode: code,
    });
  }
}

/** Reads and drops the rest of a body, so its connection can be reused. */
export async function discard(res: HttpResponse): Promise<void> {
  try {
    await res.body.dump();
  } catch {
    // Nothing to keep.
  }
}

/** The body of `res`, at most `limit` bytes (a declared or actual length over it is an error). */
export async function readLimited(res: HttpResponse, limit: number, what: string, reference: string): Promise<Buffer> {
  const tooLarge = (detail: string) =>
    new RegistryError(`${what} is ${detail}, over the limit of ${limit}`, { reference, code: 'registry-too-large' });
  const declared = Number(res.header('content-length') ?? Number.NaN);
  if (declared > limit) {
    await discard(res);
    throw tooLarge(`${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      res.body.destroy();
      throw tooLarge('longer');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A server that answered, but not with TLS (a plain-HTTP registry). */
export function isTlsProtocolError(code: string | undefined): boolean {
  return code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG';
}

/** Node's codes for a certificate it does not accept (as opposed to a server that does not speak TLS). */
export function isCertificateError(code: string | undefined): boolean {
  return (
    code !== undefined &&
    /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/.test(code)
  );
}
