// A small client for the OCI distribution API (opencontainers/distribution-spec spec.md): manifests and
// indexes (image-spec manifest.md, image-index.md, and Docker's v2 schema 2 equivalents), blobs, the
// anonymous and credentialed bearer-token flow, Basic auth. Every manifest and blob is checked against
// its digest and size before anything uses it; nothing is trusted from a response header.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authorizationFor } from './auth';
import type { BlobFeed } from './blob-feed';
import { type CredentialLookup, dockerConfigCredentials } from './credentials';
import { hashFile, SHA256_DIGEST, sha256Digest } from '../core/digest';
import { FileAppender } from './file-appender';
import { type HttpResponse, HttpTransport, isCertificateError, readLimited } from './http';
import { type ProxyEnvironment, ProxySelector } from './proxy';
import { isLoopbackHost, type RemoteReference, remoteReference } from './reference';
import { RegistryError, statusError } from './registry-error';

export { parseChallenge } from './auth';
export { hashFile } from '../core/digest';
export type { ProxyEnvironment } from './proxy';
export { RegistryError, type RegistryErrorDetails } from './registry-error';

/** The manifest and index media types the client accepts (OCI and Docker). */
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

/** An OCI platform: `os/architecture[/variant]`. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** An image manifest (image-spec manifest.md): the config and the layers. */
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

/** What the client reports as it works: a manifest resolved, a blob fetched (or found in the cache), download progress. */
export type RegistryEvent =
  | { readonly type: 'manifest'; readonly reference: string; readonly digest: string }
  | { readonly type: 'blob'; readonly digest: string; readonly size: number; readonly cached: boolean }
  | { readonly type: 'progress'; readonly digest: string; readonly received: number; readonly size: number };

/** Options of {@link RegistryClient}. */
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
  /**
   * Proxies, as `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` would give them (read with Go's rules, as skopeo and
   * containerd read them: loopback is never proxied).
   * @default from the environment (`HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy`, `NO_PROXY`/`no_proxy`)
   */
  readonly proxy?: ProxyEnvironment;
  readonly onEvent?: (e: RegistryEvent) => void;
}

/** The platform picked from an index when none is given: `linux/amd64`. */
export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };
const MiB = 1024 * 1024;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CNPG_CONSTRUCTS_CACHE
    ? path.join(env.CNPG_CONSTRUCTS_CACHE, 'blobs')
    : path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cnpg-constructs', 'blobs');
}

/** Only sha256 digests: the algorithm every registry and runtime supports, and the only one we can check. */
function checkDigestFormat(digest: unknown, ref: string): void {
  if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest)) {
    throw new RegistryError(`digest ${JSON.stringify(digest)} is not sha256:<64 lowercase hex digits>`, {
      reference: ref,
      code: 'registry-digest-invalid',
    });
  }
}

function platformText(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Parses `os/architecture[/variant]` (`linux/arm64`); throws for anything else. */
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
  /** The verified-blob cache directory of this client. */
  public readonly cacheDir: string;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly onEvent: (e: RegistryEvent) => void;
  private readonly http: HttpTransport;
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
    this.onEvent = options.onEvent ?? (() => undefined);
    this.http = new HttpTransport({
      timeoutMs: options.timeoutMs ?? 300_000,
      proxies: options.proxy ? new ProxySelector(options.proxy) : undefined,
      allowsHttp: (host) => this.allowsHttp(host),
    });
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
      const entries = (Array.isArray(doc.manifests) ? doc.manifests : []).filter(
        (d) => d && typeof d.platform === 'object' && d.platform !== null && d.platform.os !== 'unknown',
      );
      platforms = entries.map((d) => d.platform as Platform);
      const pick = entries.find(
        (d) =>
          d.platform?.os === this.platform.os &&
          d.platform.architecture === this.platform.architecture &&
          (this.platform.variant === undefined || d.platform.variant === this.platform.variant),
      );
      if (!pick) {
        throw new RegistryError(
          `${r.text} has no image for ${platformText(this.platform)}; it offers ${platforms.map(platformText).join(', ') || 'no platform'}`,
          { reference: r.text, code: 'registry-no-platform', fix: 'pick one with --platform (or the platform option)' },
        );
      }
      checkDigestFormat(pick.digest, r.text);
      const m = await this.manifestBytes(r, pick.digest, pick.digest, pick.size);
      manifestDigest = m.digest;
      doc = this.parseJson(m.bytes, r, 'manifest');
    }
    const manifest = doc as ImageManifest;
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
      throw new RegistryError(`manifest ${manifestDigest} has no config or layers (is it an image, not an artifact?)`, {
        reference: r.text,
        code: 'registry-not-image',
      });
    }
    for (const d of [manifest.config, ...manifest.layers]) checkDigestFormat(d?.digest, r.text);
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
   * A blob as a verified file in the cache: downloaded to a temporary file while hashing, renamed into place only
   * when digest and size match. A cached file is re-hashed before use. `feed`, when given, follows the bytes as
   * they arrive (the unpacker reads a layer while it downloads) and fails if the blob does.
   */
  public async blob(ref: string | RemoteReference, d: Descriptor, limit = this.maxBlobBytes, feed?: BlobFeed): Promise<string> {
    try {
      const file = await this.fetchBlob(typeof ref === 'string' ? remoteReference(ref) : ref, d, limit, feed);
      feed?.end(file, d.size);
      return file;
    } catch (e) {
      feed?.fail(e as Error);
      throw e;
    }
  }

  private async fetchBlob(r: RemoteReference, d: Descriptor, limit: number, feed: BlobFeed | undefined): Promise<string> {
    checkDigestFormat(d.digest, r.text);
    const fail = (detail: string, code: string, fix?: string) => new RegistryError(detail, { reference: r.text, code, fix });
    if (!Number.isSafeInteger(d.size) || d.size < 0) throw fail(`blob ${d.digest} has no valid size`, 'registry-size-invalid');
    if (d.size > limit) {
      throw fail(
        `blob ${d.digest} is ${d.size} bytes, over the limit of ${limit}`,
        'registry-too-large',
        'raise the limit (maxBlobBytes, --max-blob-size) if you trust the image',
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
    const res = await this.request(r, `/v2/${r.repository}/blobs/${d.digest}`, {});
    if (res.status !== 200) throw await this.statusError(r, res, `blob ${d.digest}`);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    const hash = createHash('sha256');
    let received = 0;
    let lastReport = 0;
    // wx: a fresh file, never one that is there (or a link someone put there).
    const fd = fs.openSync(tmp, 'wx', 0o644);
    feed?.at(tmp);
    // The writes land in the background (libuv's threads), at most 8 MiB behind the network.
    const out = new FileAppender(fd, (n) => feed?.landed(n));
    try {
      for await (const chunk of res.chunks()) {
        received += chunk.length;
        if (received > d.size) {
          throw fail(`blob ${d.digest} is longer than the ${d.size} bytes its descriptor says; refusing it`, 'registry-size-mismatch');
        }
        hash.update(chunk);
        feed?.arrived(chunk);
        out.append(chunk);
        if (out.backlog > 8 * MiB) await out.flush();
        if (received - lastReport >= 8 * MiB) {
          lastReport = received;
          this.onEvent({ type: 'progress', digest: d.digest, received, size: d.size });
        }
      }
      await out.flush();
    } catch (e) {
      await out.settled();
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.closeSync(fd);
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== d.digest || received !== d.size) {
      fs.rmSync(tmp, { force: true });
      throw fail(
        `blob ${d.digest} does not match its digest (got ${got}, ${received} of ${d.size} bytes): the registry or something between served other content; refusing it`,
        'registry-digest-mismatch',
      );
    }
    fs.renameSync(tmp, file);
    this.onEvent({ type: 'blob', digest: d.digest, size: d.size, cached: false });
    return file;
  }

  private parseJson<T>(bytes: Uint8Array, r: RemoteReference, what: string): T {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new RegistryError(`the ${what} is not JSON`, { reference: r.text, code: 'registry-not-json' });
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      throw new RegistryError(`the ${what} is not a JSON object`, { reference: r.text, code: 'registry-not-json' });
    }
    return v as T;
  }

  private async manifestBytes(
    r: RemoteReference,
    tagOrDigest: string,
    expected: string | undefined,
    expectedSize?: number,
  ): Promise<{ bytes: Uint8Array; digest: string; contentType: string }> {
    const res = await this.request(r, `/v2/${r.repository}/manifests/${tagOrDigest}`, { accept: MANIFEST_ACCEPT });
    if (res.status !== 200) throw await this.statusError(r, res, `manifest ${tagOrDigest}`);
    const bytes = await readLimited(res, this.maxManifestBytes, `manifest ${tagOrDigest}`, r.text);
    const digest = sha256Digest(bytes);
    if (expected && digest !== expected) {
      throw new RegistryError(`manifest ${tagOrDigest} does not match its digest (got ${digest}); refusing it`, {
        reference: r.text,
        code: 'registry-digest-mismatch',
      });
    }
    if (expectedSize !== undefined && bytes.length !== expectedSize) {
      throw new RegistryError(`manifest ${tagOrDigest} is ${bytes.length} bytes, its descriptor says ${expectedSize}; refusing it`, {
        reference: r.text,
        code: 'registry-size-mismatch',
      });
    }
    this.onEvent({ type: 'manifest', reference: `${r.registry}/${r.repository}:${tagOrDigest}`, digest });
    return { bytes, digest, contentType: (res.header('content-type') ?? '').split(';')[0].trim() };
  }

  /** The registry's answer as an error (./registry-error.ts, statusError), with its error body. */
  private async statusError(r: RemoteReference, res: HttpResponse, what: string): Promise<RegistryError> {
    let body = '';
    try {
      body = (await readLimited(res, 64 * 1024, 'error body', r.text)).toString('utf8');
    } catch {
      // No body to quote.
    }
    return statusError(r, res.status, body, what);
  }

  private allowsHttp(host: string): boolean {
    return isLoopbackHost(host) || this.insecure.has(host);
  }

  /** GET with auth and redirects. Authorization goes only to the registry's own origin. */
  private async request(r: RemoteReference, apiPath: string, headers: Record<string, string>): Promise<HttpResponse> {
    const scheme = this.schemes.get(r.apiHost);
    if (scheme !== undefined) return this.authorized(r, new URL(`${scheme}://${r.apiHost}${apiPath}`), headers);
    let res: HttpResponse;
    try {
      res = await this.authorized(r, new URL(`https://${r.apiHost}${apiPath}`), headers);
      this.schemes.set(r.apiHost, 'https');
    } catch (e) {
      // Loopback registries usually speak plain HTTP (like Docker, try HTTPS first); others only when allowed.
      // A certificate the registry presented but Node does not trust is not a reason to drop TLS.
      if (!(e instanceof RegistryError && e.unreachable) || isCertificateError(e.networkCode) || !this.allowsHttp(r.apiHost)) throw e;
      res = await this.authorized(r, new URL(`http://${r.apiHost}${apiPath}`), headers);
      this.schemes.set(r.apiHost, 'http');
    }
    return res;
  }

  private async authorized(r: RemoteReference, url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    const key = `${r.apiHost} ${r.repository}`;
    let res = await this.http.follow(url, { headers, authorization: this.authorization.get(key), reference: r.text });
    if (res.status !== 401) return res;
    const value = await authorizationFor(this.http, r, res, this.credentials, (host) => this.allowsHttp(host));
    this.authorization.set(key, value);
    res = await this.http.follow(url, { headers, authorization: value, reference: r.text });
    if (res.status === 401 || res.status === 403) throw await this.statusError(r, res, url.pathname);
    return res;
  }
}
