// The registry client's HTTP: Node's fetch (undici inside Node), with undici's ProxyAgent (the npm package, pinned,
// loaded only when a proxy is chosen: loading it costs more than a whole small pull) as the dispatcher for URLs
// that ./proxy sends through a proxy by Go's rules; a time limit on each request, body included; network failures
// as RegistryErrors that say what to do; and the one redirect follower of the images toolkit: it sends
// credentials only to the origin it started from, never to the object store a blob redirect points at, and
// follows only to HTTPS (or to hosts allowed plain HTTP).
import type { Dispatcher } from 'undici';
import { MAX_REDIRECTS, redirectStep } from '../core/redirects';
import { printable } from './format';
import { ProxyConfigError, ProxySelector } from './proxy';
import { RegistryError } from './registry-error';

export interface HttpResponse {
  readonly status: number;
  readonly url: string;
  /** The first value of a header. */
  header(name: string): string | undefined;
  /** The body as it arrives; leaving the loop early cancels it. */
  chunks(): AsyncIterable<Uint8Array>;
  json(): Promise<unknown>;
  /** Drops the rest of the body. */
  discard(): Promise<void>;
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
  private readonly viaProxy = new Map<string, Dispatcher>();

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
    let res: Response;
    try {
      res = await fetch(url, {
        method: o.method ?? 'GET',
        headers: { 'user-agent': 'cnpg-constructs', ...o.headers },
        body: o.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        // Node's fetch takes an undici dispatcher (the same major version as the undici inside Node 20).
        ...(proxy ? { dispatcher: this.agentFor(proxy) } : {}),
      } as RequestInit);
    } catch (e) {
      throw this.networkError(url, proxy, e, o.reference);
    }
    const onBodyError = (e: unknown) => this.networkError(url, proxy, e, o.reference);
    return {
      status: res.status,
      url: url.toString(),
      header: (name) => res.headers.get(name) ?? undefined,
      chunks: () => bodyChunks(res, onBodyError),
      json: async () => {
        try {
          return await res.json();
        } catch (e) {
          if ((e as Error).name === 'SyntaxError') throw e;
          throw onBodyError(e);
        }
      },
      discard: async () => {
        try {
          await res.body?.cancel();
        } catch {
          // Nothing to keep.
        }
      },
    };
  }

  /**
   * GET with redirects (at most 5). `authorization` goes to the origin of `start` only; a redirect elsewhere must be
   * HTTPS unless its host may be reached over plain HTTP.
   */
  public async follow(start: URL, o: SendOptions & { readonly authorization?: string }): Promise<HttpResponse> {
    let url = start;
    for (let followed = 0; ; followed++) {
      const headers = { ...o.headers };
      if (o.authorization && url.origin === start.origin) headers.authorization = o.authorization;
      const res = await this.send(url, { ...o, headers });
      const step = redirectStep(url, res.status, res.header('location'), followed, this.options.allowsHttp);
      if (step.kind === 'final') return res;
      await discard(res);
      if (step.kind === 'refused') {
        throw new RegistryError(`the registry redirected to ${step.url.origin}, which is not HTTPS; refusing to follow`, {
          reference: o.reference,
          code: 'registry-redirect-refused',
          status: res.status,
        });
      }
      if (step.kind === 'too-many') {
        throw new RegistryError(`more than ${MAX_REDIRECTS} redirects from ${start.origin}${start.pathname}`, {
          reference: o.reference,
          code: 'registry-too-many-redirects',
        });
      }
      url = step.url;
    }
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

  private agentFor(proxy: URL): Dispatcher {
    let agent = this.viaProxy.get(proxy.href);
    if (!agent) {
      const { ProxyAgent } = require('undici') as typeof import('undici');
      agent = new ProxyAgent({ uri: proxy.href, connections: 8 });
      this.viaProxy.set(proxy.href, agent);
    }
    return agent;
  }

  /** A request that got no answer, with what to do. The proxy is named without its credentials. */
  private networkError(url: URL, proxy: URL | undefined, e: unknown, reference: string): RegistryError {
    // fetch rejects with TypeError('fetch failed'), the reason as its cause (through a proxy, one cause deeper).
    const chain: { code?: unknown; message?: string; name?: string }[] = [];
    for (
      let c = e as { code?: unknown; message?: string; name?: string; cause?: unknown } | undefined;
      c && chain.length < 5;
      c = c.cause as typeof c
    )
      chain.push(c);
    const codes = chain.map((c) => c.code).filter((c): c is string => typeof c === 'string');
    const code = codes.find((c) => !c.startsWith('UND_ERR_')) ?? codes[0];
    const via = proxy ? ` through the proxy ${proxy.protocol}//${proxy.host}` : '';
    const last = chain[chain.length - 1];
    let reason = code ?? last?.message ?? String(e);
    if (chain.some((c) => c.name === 'TimeoutError')) reason = `no answer within ${this.options.timeoutMs} ms`;
    if (proxy) {
      const tunnel = chain.map((c) => /Proxy response \((\d+)\)/.exec(c.message ?? '')).find((m) => m);
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

/** A response body as chunks; a failure while reading it is a network error. */
async function* bodyChunks(res: Response, onError: (e: unknown) => Error): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      let r: { done: boolean; value?: Uint8Array };
      try {
        r = await reader.read();
      } catch (e) {
        throw onError(e);
      }
      if (r.done) return;
      if (r.value) yield r.value;
    }
  } finally {
    // Early exit (a limit, an error downstream): drop the rest.
    reader.cancel().catch(() => undefined);
  }
}

/** Reads and drops the rest of a body, so its connection can be reused. */
export async function discard(res: HttpResponse): Promise<void> {
  await res.discard();
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
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.chunks()) {
    total += chunk.length;
    if (total > limit) throw tooLarge('longer');
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
