// The redirect rules of every HTTP client in this library: the registry client's transport (lib/images/http.ts,
// HttpTransport.follow) and the synchronous download of release manifests (./operator-manifest.ts, httpsGetSync).
// At most MAX_REDIRECTS hops; each to HTTPS, or to plain HTTP only for a host the caller allows it for. No imports:
// every entry point may load it.

export const MAX_REDIRECTS = 5;

/** What to do with one response of a GET that follows redirects. */
export type RedirectStep =
  /** Not a redirect (or one without a Location): the answer. */
  | { readonly kind: 'final' }
  | { readonly kind: 'follow'; readonly url: URL }
  /** A redirect away from HTTPS to a host not allowed plain HTTP. */
  | { readonly kind: 'refused'; readonly url: URL }
  /** A redirect after MAX_REDIRECTS followed ones. */
  | { readonly kind: 'too-many' };

/**
 * The step after a response of `status` (with `location`) to a request of `current`, when `followed` redirects were
 * followed before it. `allowsHttp` says which hosts (`host[:port]`) may be reached over plain HTTP.
 */
export function redirectStep(
  current: URL,
  status: number,
  location: string | undefined,
  followed: number,
  allowsHttp: (host: string) => boolean,
): RedirectStep {
  if (status < 300 || status >= 400 || status === 304 || !location) return { kind: 'final' };
  const url = new URL(location, current);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowsHttp(url.host))) return { kind: 'refused', url };
  if (followed >= MAX_REDIRECTS) return { kind: 'too-many' };
  return { kind: 'follow', url };
}
