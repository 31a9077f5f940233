// Registry credentials the way `docker login`, `podman login` and `skopeo login` leave them: the Docker
// config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`: `auths.<host>.auth` = base64 user:pass,
// or `identitytoken`; `credHelpers`/`credsStore` run `docker-credential-<helper> get`), then the containers
// auth file (`$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Credentials for one registry, from a Docker config file or a credential helper. */
export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  readonly identityToken?: string;
  /** Where they came from, for messages (never the secret). */
  readonly source: string;
}

/** Looks up credentials for a registry host (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
export type CredentialLookup = (registry: string) => RegistryCredentials | undefined;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}
interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === 'docker.io') keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

/**
 * Where JSON.parse stopped, as `line L, column C`, and nothing of the text: V8's messages quote the text around
 * the error (`Unexpected token 'Y', ..."auth":Y2k6WnE3WH"...`), which in a credentials file is the secret.
 */
export function jsonErrorPlace(text: string, e: unknown): string {
  const at = /at position (\d+)/.exec((e as Error)?.message ?? '');
  if (!at) return 'somewhere in the file';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

function readConfig(file: string): ConfigFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Never the parser's message: it quotes the text, and the text holds passwords.
    throw new Error(`${file} is not valid JSON (${jsonErrorPlace(text, e)}): fix or remove it`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file} is not a JSON object: fix or remove it`);
  return data as ConfigFile;
}

function fromEntry(entry: AuthEntry, source: string): RegistryCredentials | undefined {
  if (!entry || typeof entry !== 'object')
    throw new Error(`${source} is not an object with "auth" or "username"/"password": fix or remove it`);
  for (const key of ['auth', 'username', 'password', 'identitytoken'] as const) {
    // The value is not quoted: it may be the secret.
    if (entry[key] !== undefined && typeof entry[key] !== 'string')
      throw new Error(`${source}: "${key}" is not a string: fix or remove it`);
  }
  if (entry.identitytoken) return { identityToken: entry.identitytoken, source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`${source}: "auth" is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password, source };
  return undefined;
}

function fromHelper(helper: string, registry: string, source: string): RegistryCredentials | undefined {
  const bin = `docker-credential-${helper}`;
  let out: string;
  try {
    out = execFileSync(bin, ['get'], { input: registry, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 }).toString();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: Buffer };
    if (err.code === 'ENOENT')
      throw new Error(`${source} names the credential helper "${helper}" for ${registry}, but ${bin} is not on PATH`);
    // Helpers answer "credentials not found in native keychain" with a non-zero exit: no credentials.
    return undefined;
  }
  let r: { Username?: unknown; Secret?: unknown };
  try {
    r = JSON.parse(out);
  } catch {
    // Not its output in the message: a helper prints the secret.
    throw new Error(`${source}: ${bin} get printed something that is not JSON for ${registry}`);
  }
  if (!r || typeof r.Secret !== 'string' || !r.Secret) return undefined;
  if (r.Username !== undefined && typeof r.Username !== 'string')
    throw new Error(`${source}: ${bin} get printed a Username that is not a string`);
  return r.Username === '<token>'
    ? { identityToken: r.Secret, source: `${source} (${bin})` }
    : { username: r.Username, password: r.Secret, source: `${source} (${bin})` };
}

/** Config files to read, in order, from the environment. */
export function credentialFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const docker = path.join(env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker'), 'config.json');
  const containers =
    env.REGISTRY_AUTH_FILE ?? (env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : undefined);
  return containers ? [docker, containers] : [docker];
}

/** The default lookup: Docker config, credential helpers, then the containers auth file. */
export function dockerConfigCredentials(files: readonly string[] = credentialFiles()): CredentialLookup {
  return (registry) => {
    for (const file of files) {
      const config = readConfig(file);
      if (!config) continue;
      const keys = keysFor(registry);
      const helper = config.credHelpers?.[registry];
      if (helper) return fromHelper(helper, registry, file);
      for (const key of keys) {
        const entry = config.auths?.[key];
        if (!entry) continue;
        const creds = fromEntry(entry, `${file} (auths.${key})`);
        if (creds) return creds;
        if (config.credsStore) return fromHelper(config.credsStore, registry, file);
      }
    }
    return undefined;
  };
}
