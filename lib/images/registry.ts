// A small client for the OCI distribution API (opencontainers/distribution-spec spec.md): manifests and
// indexes (image-spec manifest.md, image-index.md, and Docker's v2 schema 2 equivalents), blobs, the
// anonymous and credentialed bearer-token flow, Basic auth. Every manifest and blob is checked against
// its digest and size before anything uses it; nothing is trusted from a response header.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CredentialLookup, dockerConfigCredentials, type RegistryCredentials } from './credentials';
import { isLoopbackHost, type RemoteReference, remoteReference } from './reference';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

/** A content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface ImageManifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The parts of an image config (image-spec config.md) this library reads. */
export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly config?: { readonly Env?: readonly string[]; readonly Labels?: Readonly<Record<string, string>> };
  readonly rootfs?: { readonly type: string; readonly diff_ids: readonly string[] };
}

/** An image resolved for one platform. */
export interface ResolvedImage {
  readonly reference: RemoteReference;
  /** Digest of what the reference points at (an index or a manifest): the digest to pin `repo:tag@...` to. */
  readonly digest: string;
  readonly mediaType: string;
  /** Digest of the platform's manifest (equal to `digest` when the reference points at a manifest). */
  readonly manifestDigest: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly platform: Platform;
  /** Platforms an index offers (empty for a single manifest). */
  readonly platforms: readonly Platform[];
}

export type RegistryEvent =
  | { readonly type: 'manifest'; readonly reference: string; readonly digest: string }
  | { readonly type: 'blob'; readonly digest: string; readonly size: number; readonly cached: boolean }
  | { readonly type: 'progress'; readonly digest: string; readonly received: number; readonly size: number };

export interface RegistryClientOptions {
  /**
   * Platform to pick from an index.
   * @default { os: 'linux', architecture: 'amd64' }
   */
  readonly platform?: Platform;
  /**
   * Registries (`host[:port]`) that may be reached over plain HTTP. Loopback registries always may.
   * @default []
   */
  readonly insecureRegistries?: readonly string[];
  /**
   * Where credentials come from.
   * @default the Docker config, its credential helpers, then the containers auth file
   */
  readonly credentials?: CredentialLookup;
  /**
   * Directory of the verified-blob cache (content-addressed: a tampered file is detected and fetched again).
   * @default $CNPG_CONSTRUCTS_CACHE/blobs, else ~/.cache/cnpg-constructs/blobs
   */
  readonly cacheDir?: string;
  /**
   * Largest manifest, index or config accepted, in bytes.
   * @default 4 MiB
   */
  readonly maxManifestBytes?: number;
  /**
   * Largest blob (compressed layer) accepted, in bytes.
   * @default 2 GiB
   */
  readonly maxBlobBytes?: number;
  /**
   * Time allowed for one request, including the body, in milliseconds.
   * @default 300000
   */
  readonly timeoutMs?: number;
  readonly onEvent?: (e: RegistryEvent) => void;
}

/** A registry answered with something this client must not or cannot use. */
export class RegistryError extends Error {
  public override readonly name = 'RegistryError';
  constructor(
    message: string,
    public readonly reference: string,
    public readonly status?: number,
    /** The registry could not be reached at all (DNS, connection, TLS), as opposed to an answer. */
    public readonly unreachable = false,
    /** The network error's code (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...). */
    public readonly code?: string,
  ) {
    super(message);
    const at = message.lastIndexOf('. Fix: ');
    this.problem = at < 0 ? message : message.slice(0, at);
    this.fix = at < 0 ? undefined : message.slice(at + '. Fix: '.length);
  }

  /** The message without its fix. */
  public readonly problem: string;
  /** What to do, when the message says. */
  public readonly fix?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };
const MiB = 1024 * 1024;
const MAX_REDIRECTS = 5;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CNPG_CONSTRUCTS_CACHE
    ? path.join(env.CNPG_CONSTRUCTS_CACHE, 'blobs')
    : path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cnpg-constructs', 'blobs');
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Only sha256 digests: the algorithm every registry and runtime supports, and the only one we can check. */
function checkDigestFormat(digest: string, ref: string): void {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new RegistryError(`${ref}: digest ${JSON.stringify(digest)} is not sha256:<64 lowercase hex digits>`, ref);
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` (RFC 7235 auth-params). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  let p: RegExpExecArray | null = re.exec(m[2]);
  while (p) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    p = re.exec(m[2]);
  }
  return { scheme: m[1].toLowerCase(), params };
}

function platformText(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split('/');
  if (!os || !architecture || rest.length > 0)
    throw new Error(`platform ${JSON.stringify(text)} is not os/architecture[/variant], e.g. linux/arm64`);
  return { os, architecture, variant };
}

/** Reads manifests and blobs from OCI registries. One client keeps tokens and schemes per registry. */
export class RegistryClient {
  private readonly platform: Platform;
  private readonly insecure: ReadonlySet<string>;
  private readonly credentials: CredentialLookup;
  public readonly cacheDir: string;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly timeoutMs: number;
  private readonly onEvent: (e: RegistryEvent) => void;
  /** Token (or Basic header) per `registry repository`. */
  private readonly authorization = new Map<string, string>();
  /** Scheme that answered, per registry host. */
  private readonly schemes = new Map<string, 'https' | 'http'>();

  constructor(options: RegistryClientOptions = {}) {
    this.platform = options.platform ?? DEFAULT_PLATFORM;
    this.insecure = new Set(options.insecureRegistries ?? []);
    this.credentials = options.credentials ?? dockerConfigCredentials();
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * MiB;
    this.maxBlobBytes = options.maxBlobBytes ?? 2048 * MiB;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** Resolves `ref` to its digest, the platform's manifest and its config. */
  public async resolve(ref: string | RemoteReference): Promise<ResolvedImage> {
    const r = typeof ref === 'string' ? remoteReference(ref) : ref;
    if (r.digest) checkDigestFormat(r.digest, r.text);
    const top = await this.manifestBytes(r, r.digest ?? (r.tag as string), r.digest);
    let doc = this.parseJson<{ mediaType?: string; manifests?: Descriptor[] } & Partial<ImageManifest>>(top.bytes, r, 'manifest');
    const mediaType = doc.mediaType ?? top.contentType;
    let manifestDigest = top.digest;
    let platforms: Platform[] = [];
    if (mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList || Array.isArray(doc.manifests)) {
      const entries = (doc.manifests ?? []).filter((d) => d.platform && d.platform.os !== 'unknown');
      platforms = entries.map((d) => d.platform as Platform);
      const pick =
        entries.find(
          (d) =>
            d.platform?.os === this.platform.os &&
            d.platform.architecture === this.platform.architecture &&
            (this.platform.variant === undefined || d.platform.variant === this.platform.variant),
        ) ?? undefined;
      if (!pick) {
        throw new RegistryError(
          `${r.text} has no image for ${platformText(this.platform)}; it offers ${platforms.map(platformText).join(', ') || 'no platform'}. Fix: pick one with --platform (or the platform option)`,
          r.text,
        );
      }
      checkDigestFormat(pick.digest, r.text);
      const m = await this.manifestBytes(r, pick.digest, pick.digest, pick.size);
      manifestDigest = m.digest;
      doc = this.parseJson(m.bytes, r, 'manifest');
    }
    const manifest = doc as ImageManifest;
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
      throw new RegistryError(`${r.text}: manifest ${manifestDigest} has no config or layers (is it an image, not an artifact?)`, r.text);
    }
    for (const d of [manifest.config, ...manifest.layers]) checkDigestFormat(d.digest, r.text);
    const configFile = await this.blob(r, manifest.config, this.maxManifestBytes);
    const config = this.parseJson<ImageConfig>(fs.readFileSync(configFile), r, 'config');
    const platform: Platform = config.os && config.architecture ? { os: config.os, architecture: config.architecture } : this.platform;
    return { reference: r, digest: top.digest, mediaType, manifestDigest, manifest, config, platform, platforms };
  }

  /** The digest `ref` points at now (one manifest request). */
  public async digestOf(ref: string | RemoteReference): Promise<{ digest: string; mediaType: string }> {
    const r = typeof ref === 'string' ? remoteReference(ref) : ref;
    const top = await this.manifestBytes(r, r.tag ?? (r.digest as string), r.tag ? undefined : r.digest);
    const doc = this.parseJson<{ mediaType?: string }>(top.bytes, r, 'manifest');
    return { digest: top.digest, mediaType: doc.mediaType ?? top.contentType };
  }

  /**
   * A blob as a verified file in the cache: downloaded to a temporary file while hashing, renamed into
   * place only when digest and size match. A cached file is re-hashed before use.
   */
  public async blob(ref: string | RemoteReference, d: Descriptor, limit = this.maxBlobBytes): Promise<string> {
    const r = typeof ref === 'string' ? remoteReference(ref) : ref;
    checkDigestFormat(d.digest, r.text);
    if (!Number.isSafeInteger(d.size) || d.size < 0) throw new RegistryError(`${r.text}: blob ${d.digest} has no valid size`, r.text);
    if (d.size > limit) {
      throw new RegistryError(
        `${r.text}: blob ${d.digest} is ${d.size} bytes, over the limit of ${limit}. Fix: raise the limit (maxBlobBytes, --max-blob-size) if you trust the image`,
        r.text,
      );
    }
    const file = path.join(this.cacheDir, 'sha256', d.digest.slice(7));
    if (fs.existsSync(file)) {
      if ((await hashFile(file)) === d.digest) {
        this.onEvent({ type: 'blob', digest: d.digest, size: d.size, cached: true });
        return file;
      }
      fs.rmSync(file, { force: true });
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    const res = await this.request(r, `/v2/${r.repository}/blobs/${d.digest}`, {});
    if (res.status !== 200) throw await this.statusError(r, res, `blob ${d.digest}`);
    const hash = createHash('sha256');
    let received = 0;
    let lastReport = 0;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      if (!res.body) throw new RegistryError(`${r.text}: blob ${d.digest} came without a body`, r.text);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        received += chunk.length;
        if (received > d.size) {
          throw new RegistryError(
            `${r.text}: blob ${d.digest} is longer than the ${d.size} bytes its descriptor says; refusing it`,
            r.text,
          );
        }
        hash.update(chunk);
        fs.writeSync(fd, chunk);
        if (received - lastReport >= 8 * MiB) {
          lastReport = received;
          this.onEvent({ type: 'progress', digest: d.digest, received, size: d.size });
        }
      }
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== d.digest || received !== d.size) {
      fs.rmSync(tmp, { force: true });
      throw new RegistryError(
        `${r.text}: blob ${d.digest} does not match its digest (got ${got}, ${received} of ${d.size} bytes): the registry or something between served other content; refusing it`,
        r.text,
      );
    }
    fs.renameSync(tmp, file);
    this.onEvent({ type: 'blob', digest: d.digest, size: d.size, cached: false });
    return file;
  }

  private parseJson<T>(bytes: Uint8Array, r: RemoteReference, what: string): T {
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    } catch (e) {
      throw new RegistryError(`${r.text}: the ${what} is not JSON (${(e as Error).message})`, r.text);
    }
  }

  private async manifestBytes(
    r: RemoteReference,
    tagOrDigest: string,
    expected: string | undefined,
    expectedSize?: number,
  ): Promise<{ bytes: Uint8Array; digest: string; contentType: string }> {
    const res = await this.request(r, `/v2/${r.repository}/manifests/${tagOrDigest}`, { Accept: MANIFEST_ACCEPT });
    if (res.status !== 200) throw await this.statusError(r, res, `manifest ${tagOrDigest}`);
    const bytes = await readLimited(res, this.maxManifestBytes, r, `manifest ${tagOrDigest}`);
    const digest = sha256(bytes);
    if (expected && digest !== expected) {
      throw new RegistryError(`${r.text}: manifest ${tagOrDigest} does not match its digest (got ${digest}); refusing it`, r.text);
    }
    if (expectedSize !== undefined && bytes.length !== expectedSize) {
      throw new RegistryError(
        `${r.text}: manifest ${tagOrDigest} is ${bytes.length} bytes, its descriptor says ${expectedSize}; refusing it`,
        r.text,
      );
    }
    this.onEvent({ type: 'manifest', reference: `${r.registry}/${r.repository}:${tagOrDigest}`, digest });
    return { bytes, digest, contentType: (res.headers.get('content-type') ?? '').split(';')[0].trim() };
  }

  private async statusError(r: RemoteReference, res: Response, what: string): Promise<RegistryError> {
    let detail = '';
    try {
      const body = (await res.text()).slice(0, 2000);
      const errors = (JSON.parse(body) as { errors?: { code?: string; message?: string }[] }).errors;
      if (errors?.length) detail = `: ${errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`;
    } catch {
      // Not a distribution error body.
    }
    const fix =
      res.status === 404
        ? 'check the repository and the tag (does it exist for this registry?)'
        : res.status === 401 || res.status === 403
          ? `log in to ${r.registry} (docker login / podman login write the credentials this reads), or check that the credentials may pull ${r.repository}`
          : res.status === 429
            ? 'the registry rate-limits you: log in, or use a mirror'
            : 'retry later, or check the registry';
    return new RegistryError(`${r.text}: ${r.registry} answered ${res.status} for ${what}${detail}. Fix: ${fix}`, r.text, res.status);
  }

  private allowsHttp(host: string): boolean {
    return isLoopbackHost(host) || this.insecure.has(host);
  }

  /** GET with auth and redirects. Authorization goes only to the registry's own origin. */
  private async request(r: RemoteReference, apiPath: string, headers: Record<string, string>): Promise<Response> {
    let scheme = this.schemes.get(r.apiHost);
    let res: Response;
    if (scheme === undefined) {
      try {
        res = await this.authorized(r, `https://${r.apiHost}${apiPath}`, headers);
        scheme = 'https';
      } catch (e) {
        // Loopback registries usually speak plain HTTP (like Docker, try HTTPS first); others only when allowed.
        // A certificate the registry presented but Node does not trust is not a reason to drop TLS.
        if (!(e instanceof RegistryError && e.unreachable) || isCertificateError(e.code) || !this.allowsHttp(r.apiHost)) throw e;
        res = await this.authorized(r, `http://${r.apiHost}${apiPath}`, headers);
        scheme = 'http';
      }
      this.schemes.set(r.apiHost, scheme);
      return res;
    }
    return this.authorized(r, `${scheme}://${r.apiHost}${apiPath}`, headers);
  }

  private async authorized(r: RemoteReference, url: string, headers: Record<string, string>): Promise<Response> {
    const key = `${r.apiHost} ${r.repository}`;
    let res = await this.follow(r, url, headers, this.authorization.get(key));
    if (res.status !== 401) return res;
    const header = res.headers.get('www-authenticate');
    await res.body?.cancel();
    const challenge = header ? parseChallenge(header) : undefined;
    const creds = this.credentials(r.registry);
    let value: string;
    if (challenge?.scheme === 'bearer') value = `Bearer ${await this.token(r, challenge, creds)}`;
    else if (challenge?.scheme === 'basic') {
      if (!creds?.username) {
        throw new RegistryError(
          `${r.text}: ${r.registry} asks for credentials (Basic) and none are configured. Fix: docker login ${r.registry} (or add auths."${r.registry}" to ~/.docker/config.json)`,
          r.text,
          401,
        );
      }
      if (!url.startsWith('https:') && !isLoopbackHost(r.apiHost)) {
        throw new RegistryError(`${r.text}: refusing to send credentials over plain HTTP to ${r.apiHost}`, r.text, 401);
      }
      value = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    } else {
      throw new RegistryError(
        `${r.text}: ${r.registry} answered 401 with ${header ? `an unsupported challenge (${header})` : 'no WWW-Authenticate header'}`,
        r.text,
        401,
      );
    }
    this.authorization.set(key, value);
    res = await this.follow(r, url, headers, value);
    if (res.status === 401 || res.status === 403) throw await this.statusError(r, res, new URL(url).pathname);
    return res;
  }

  /** The token flow of the distribution spec (token.md): GET realm?service=&scope=, Basic credentials if any. */
  private async token(r: RemoteReference, c: Challenge, creds: RegistryCredentials | undefined): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw new RegistryError(`${r.text}: the Bearer challenge of ${r.registry} names no realm`, r.text, 401);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`${r.text}: the token realm ${JSON.stringify(realm)} is not a URL`, r.text, 401);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowsHttp(url.host))) {
      throw new RegistryError(
        `${r.text}: refusing the token realm ${realm}: not HTTPS and not a loopback or allowed-insecure host`,
        r.text,
        401,
      );
    }
    if (c.params.service) url.searchParams.set('service', c.params.service);
    url.searchParams.set('scope', c.params.scope ?? `repository:${r.repository}:pull`);
    const headers: Record<string, string> = {};
    let res: Response;
    if (creds?.identityToken) {
      const body = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        service: c.params.service ?? '',
        scope: url.searchParams.get('scope') ?? '',
        client_id: 'cnpg-constructs',
      });
      res = await fetch(url.origin + url.pathname, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } else {
      if (creds?.username) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
      res = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    }
    if (res.status !== 200) {
      const who = creds ? `with the credentials from ${creds.source}` : 'anonymously';
      throw new RegistryError(
        `${r.text}: the token service ${url.origin} refused a pull token ${who} (${res.status}). Fix: ${creds ? 'check those credentials' : `docker login ${r.registry}, if the repository is private`}`,
        r.text,
        res.status,
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${r.text}: the token service ${url.origin} answered without a token`, r.text, 401);
    return token;
  }

  private async follow(
    r: RemoteReference,
    start: string,
    headers: Record<string, string>,
    authorization: string | undefined,
  ): Promise<Response> {
    const origin = new URL(start).origin;
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const h: Record<string, string> = { 'User-Agent': 'cnpg-constructs', ...headers };
      // Credentials go to the registry's origin only, never to the object store a redirect points at.
      if (authorization && new URL(url).origin === origin) h.Authorization = authorization;
      let res: Response;
      try {
        res = await fetch(url, { headers: h, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const code = cause?.code;
        const fix = isCertificateError(code)
          ? `the registry's TLS certificate is not trusted (${code}): if it is signed by a private CA, give the CA to Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`
          : isTlsProtocolError(code) && !this.allowsHttp(r.apiHost)
            ? `${r.apiHost} does not speak TLS: if it is a registry without TLS you trust, name it with --insecure-registry ${r.apiHost}`
            : 'check the registry host, your network and any proxy (HTTPS_PROXY is not used by this client)';
        throw new RegistryError(
          `${r.text}: could not reach ${new URL(url).origin} (${code ?? cause?.message ?? (e as Error).message}). Fix: ${fix}`,
          r.text,
          undefined,
          true,
          code,
        );
      }
      if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) return res;
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.allowsHttp(next.host))) {
        throw new RegistryError(
          `${r.text}: ${r.registry} redirected to ${next.origin}, which is not HTTPS; refusing to follow`,
          r.text,
          res.status,
        );
      }
      url = next.toString();
    }
    throw new RegistryError(`${r.text}: more than ${MAX_REDIRECTS} redirects from ${start}`, r.text);
  }
}

/** A server that answered, but not with TLS (a plain-HTTP registry). */
function isTlsProtocolError(code: string | undefined): boolean {
  return code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG';
}

/** Node's codes for a certificate it does not accept (as opposed to a server that does not speak TLS). */
function isCertificateError(code: string | undefined): boolean {
  return (
    code !== undefined &&
    /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/.test(code)
  );
}

async function readLimited(res: Response, limit: number, r: RemoteReference, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel();
    throw new RegistryError(`${r.text}: ${what} is ${declared} bytes, over the limit of ${limit}`, r.text);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) throw new RegistryError(`${r.text}: ${what} is over the limit of ${limit} bytes`, r.text);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
