// A real OCI registry on 127.0.0.1: Debian's `docker-registry` (CNCF distribution 2.8), with plain access,
// with token auth (`auth.token`) backed by a token server here that signs RS256 JWTs with an openssl key
// whose certificate is the registry's `rootcertbundle` (distribution's registry/auth/token), or with Basic auth
// (`auth.htpasswd`, bcrypt). Anonymous users get `pull` on repositories under `public/` (token auth); the user
// `ci` (password `s3cret`) gets pull and push everywhere. `tls` serves HTTPS with the given certificate;
// `dataDir` serves the storage of another registry (push through a plain one, read through this one).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Blob, Image } from './oci';
import { freePort } from './pg';
import { selfSigned } from './tls';

export const REGISTRY_USER = 'ci';
export const REGISTRY_PASSWORD = 's3cret';
export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly dataDir: string;
  /** Requests the token server answered, with whether they carried credentials. */
  readonly tokenRequests: { scope: string; user?: string }[];
  push(repo: string, tag: string, image: Image): Promise<string>;
  /** Pushes per-platform images and an index over them under `tag`; returns the index digest. */
  pushIndex(
    repo: string,
    tag: string,
    images: readonly { image: Image; platform: { os: string; architecture: string } }[],
    index: Blob,
  ): Promise<string>;
  /** Overwrites a stored blob's bytes (the registry serves them as they are). */
  tamper(digest: string, bytes: Buffer): void;
  stop(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface RegistryOptions {
  readonly auth?: 'token' | 'htpasswd';
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly dataDir?: string;
}

/** The Debian tools the image tests use; a clear message when one is missing (`.ci/run` installs them). */
export function requireTool(bin: string, pkg: string): void {
  const found = bin.startsWith('/')
    ? fs.existsSync(bin)
    : (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, bin)));
  if (!found)
    throw new Error(
      `${bin} is not installed: the extension-image tests need Debian's ${pkg} (apt-get install docker-registry skopeo zstd; .ci/run does it when missing)`,
    );
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  requireTool(REGISTRY_BIN, 'docker-registry');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-registry-'));
  const dataDir = options.dataDir ?? path.join(dir, 'data');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: { scope: string; user?: string }[] = [];
  let tokenServer: http.Server | undefined;
  let signer: ((access: { type: string; name: string; actions: string[] }[]) => string) | undefined;
  let auth = '';
  if (options.auth === 'token') {
    selfSigned(path.join(dir, 'key.pem'), path.join(dir, 'cert.pem'), '/CN=cnpg-test-token');
    const key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
    const der = execFileSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-outform', 'DER']);
    signer = (access) => {
      const now = Math.floor(Date.now() / 1000);
      const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] }));
      const claims = b64url(
        JSON.stringify({
          iss: 'cnpg-test-issuer',
          sub: 'ci',
          aud: 'cnpg-test',
          exp: now + 300,
          nbf: now - 10,
          iat: now,
          jti: randomUUID(),
          access,
        }),
      );
      const sig = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key);
      return `${head}.${claims}.${b64url(sig)}`;
    };
    const tokenPort = await freePort();
    tokenServer = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${tokenPort}`);
      const scope = url.searchParams.get('scope') ?? '';
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [user, password] = basic ? Buffer.from(basic[1], 'base64').toString().split(':') : [];
      tokenRequests.push({ scope, user });
      if (basic && (user !== REGISTRY_USER || password !== REGISTRY_PASSWORD)) {
        res.writeHead(401).end('{"details":"bad credentials"}');
        return;
      }
      const [type, name, actions] = scope.split(':');
      const granted = user ? (actions ?? '').split(',') : name?.startsWith('public/') ? ['pull'] : [];
      const token = (signer as NonNullable<typeof signer>)(
        type ? [{ type, name, actions: granted.filter((a) => (actions ?? '').split(',').includes(a)) }] : [],
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer?.listen(tokenPort, '127.0.0.1', resolve));
    auth = `auth:
  token:
    realm: http://127.0.0.1:${tokenPort}/token
    service: cnpg-test
    issuer: cnpg-test-issuer
    rootcertbundle: ${path.join(dir, 'cert.pem')}
`;
  }
  if (options.auth === 'htpasswd') {
    const bcrypt = require('bcryptjs') as typeof import('bcryptjs');
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${REGISTRY_USER}:${bcrypt.hashSync(REGISTRY_PASSWORD, 10)}\n`);
    auth = `auth:\n  htpasswd:\n    realm: cnpg-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  let tls = '';
  if (options.tls) {
    fs.writeFileSync(path.join(dir, 'tls.crt'), options.tls.cert);
    fs.writeFileSync(path.join(dir, 'tls.key'), options.tls.key);
    tls = `\n  tls:\n    certificate: ${path.join(dir, 'tls.crt')}\n    key: ${path.join(dir, 'tls.key')}`;
  }
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: ${dataDir} }, delete: { enabled: true } }
http:
  addr: ${host}${tls}
${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  // Started is not ready: poll /v2/ (bounded) and say what was last seen.
  let last = 'no answer';
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if (options.tls) {
        // HTTPS with a private CA this process does not trust: ready when it accepts connections.
        await new Promise<void>((resolve, reject) => {
          const sock = net.connect(port, '127.0.0.1', () => {
            sock.end();
            resolve();
          });
          sock.on('error', reject);
        });
        last = 'accepting connections';
        break;
      }
      const res = await fetch(`http://${host}/v2/`);
      last = `HTTP ${res.status}`;
      if (res.status === 200 || res.status === 401) break;
    } catch (e) {
      last = String((e as { cause?: Error }).cause ?? e);
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      tokenServer?.close();
      throw new Error(
        `docker-registry on ${host} not ready after 15 s (last: ${last}; exit ${child.exitCode}; stderr: ${stderr.slice(-500)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const pushToken = async (repo: string): Promise<Record<string, string>> => {
    if (options.auth === 'htpasswd')
      return { Authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}` };
    if (!signer) return {};
    return { Authorization: `Bearer ${signer([{ type: 'repository', name: repo, actions: ['pull', 'push'] }])}` };
  };
  const putBlob = async (repo: string, b: Blob, headers: Record<string, string>) => {
    const head = await fetch(`http://${host}/v2/${repo}/blobs/${b.digest}`, { method: 'HEAD', headers });
    if (head.status === 200) return;
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
    if (start.status !== 202) throw new Error(`upload start ${start.status}: ${await start.text()}`);
    const location = new URL(start.headers.get('location') as string, `http://${host}`);
    location.searchParams.set('digest', b.digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: b.bytes,
    });
    if (put.status !== 201) throw new Error(`blob put ${put.status}: ${await put.text()}`);
  };
  const putManifest = async (repo: string, ref: string, m: Blob, headers: Record<string, string>) => {
    const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': m.mediaType },
      body: m.bytes,
    });
    if (res.status !== 201) throw new Error(`manifest put ${res.status}: ${await res.text()}`);
  };
  const pushImage = async (repo: string, ref: string, img: Image) => {
    const headers = await pushToken(repo);
    for (const b of [img.config, ...img.layers]) await putBlob(repo, b, headers);
    await putManifest(repo, ref, img.manifest, headers);
    return img.manifest.digest;
  };
  return {
    host,
    dataDir,
    tokenRequests,
    push: pushImage,
    async pushIndex(repo, tag, images, idx) {
      for (const { image } of images) await pushImage(repo, image.manifest.digest, image);
      await putManifest(repo, tag, idx, await pushToken(repo));
      return idx.digest;
    },
    tamper(digest, bytes) {
      const hex = digest.slice(7);
      fs.writeFileSync(path.join(dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'), bytes);
    },
    async stop() {
      child.kill();
      tokenServer?.close();
      await new Promise((r) => setTimeout(r, 50));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
