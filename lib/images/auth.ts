// Registry authentication as the distribution spec has it: a 401 with `WWW-Authenticate: Bearer realm=...,
// service=..., scope=...` is answered with a token from the realm (distribution docs spec/auth/token.md: GET with
// Basic credentials if any; an OAuth2 refresh token, `identitytoken`, is exchanged with a POST, spec/auth/oauth.md),
// `Basic realm=...` with the credentials themselves. Credentials are sent only over HTTPS (or to loopback), and
// a realm is reached only over HTTPS unless its host may be reached over plain HTTP.
import type { CredentialLookup, RegistryCredentials } from './credentials';
import { discard, type HttpResponse, type HttpTransport } from './http';
import { isLoopbackHost, type RemoteReference } from './reference';
import { RegistryError } from './registry-error';

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
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

function basic(creds: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
}

/** The Authorization value to retry a request with after a 401, from its challenge and the credentials. */
export async function authorizationFor(
  http: HttpTransport,
  r: RemoteReference,
  res: HttpResponse,
  credentials: CredentialLookup,
  allowsHttp: (host: string) => boolean,
): Promise<string> {
  const header = res.header('www-authenticate');
  await discard(res);
  const challenge = header ? parseChallenge(header) : undefined;
  const creds = credentials(r.registry);
  if (challenge?.scheme === 'bearer') return `Bearer ${await token(http, r, challenge, creds, allowsHttp)}`;
  if (challenge?.scheme === 'basic') {
    if (!creds?.username) {
      throw new RegistryError(`${r.registry} asks for credentials (Basic) and none are configured`, {
        reference: r.text,
        code: 'registry-credentials-missing',
        fix: `docker login ${r.registry} (or add auths."${r.registry}" to ~/.docker/config.json)`,
        status: 401,
      });
    }
    if (!res.url.startsWith('https:') && !isLoopbackHost(r.apiHost)) {
      throw new RegistryError(`refusing to send credentials over plain HTTP to ${r.apiHost}`, {
        reference: r.text,
        code: 'registry-insecure-refused',
        status: 401,
      });
    }
    return basic(creds);
  }
  throw new RegistryError(
    `${r.registry} answered 401 with ${header ? `an unsupported challenge (${header.slice(0, 200)})` : 'no WWW-Authenticate header'}`,
    { reference: r.text, code: 'registry-auth-unsupported', status: 401 },
  );
}

/** The token flow (token.md): GET realm?service=&scope= with Basic credentials, or POST a refresh token. */
async function token(
  http: HttpTransport,
  r: RemoteReference,
  c: Challenge,
  creds: RegistryCredentials | undefined,
  allowsHttp: (host: string) => boolean,
): Promise<string> {
  const realm = c.params.realm;
  const fail = (detail: string, code: string, status = 401, fix?: string) =>
    new RegistryError(detail, { reference: r.text, code, status, fix });
  if (!realm) throw fail(`the Bearer challenge of ${r.registry} names no realm`, 'registry-token-realm-invalid');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw fail(`the token realm ${JSON.stringify(realm.slice(0, 200))} is not a URL`, 'registry-token-realm-invalid');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowsHttp(url.host))) {
    throw fail(
      `refusing the token realm ${url.origin}${url.pathname}: not HTTPS and not a loopback or allowed-insecure host`,
      'registry-insecure-refused',
    );
  }
  if (c.params.service) url.searchParams.set('service', c.params.service);
  url.searchParams.set('scope', c.params.scope ?? `repository:${r.repository}:pull`);
  let res: HttpResponse;
  if (creds?.identityToken) {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: creds.identityToken,
      service: c.params.service ?? '',
      scope: url.searchParams.get('scope') ?? '',
      client_id: 'cnpg-constructs',
    });
    res = await http.send(new URL(url.origin + url.pathname), {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      reference: r.text,
    });
  } else {
    res = await http.send(url, { headers: creds?.username ? { authorization: basic(creds) } : {}, reference: r.text });
  }
  if (res.status !== 200) {
    await discard(res);
    const who = creds ? `with the credentials from ${creds.source}` : 'anonymously';
    throw fail(
      `the token service ${url.origin} refused a pull token ${who} (${res.status})`,
      'registry-token-refused',
      res.status,
      creds ? 'check those credentials' : `docker login ${r.registry}, if the repository is private`,
    );
  }
  let parsed: { token?: unknown; access_token?: unknown };
  try {
    parsed = (await res.json()) as typeof parsed;
  } catch {
    throw fail(`the token service ${url.origin} answered with something that is not JSON`, 'registry-token-missing');
  }
  const t = parsed?.token ?? parsed?.access_token;
  if (typeof t !== 'string' || !t) throw fail(`the token service ${url.origin} answered without a token`, 'registry-token-missing');
  return t;
}
