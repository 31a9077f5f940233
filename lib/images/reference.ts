// Image references as a container runtime reads them: `[registry/]repository[:tag][@digest]`, with Docker
// Hub as the default registry and `library/` as its default namespace (containerd's and the kubelet's rule).
import { parseImageReference } from '../core/image-ref';

/** A reference resolved to the registry host and the repository path the distribution API uses. */
export interface RemoteReference {
  /** The reference as written. */
  readonly text: string;
  /** The registry as written (`ghcr.io`, `127.0.0.1:5000`), `docker.io` when none is written. */
  readonly registry: string;
  /** The host the API is served from (`registry-1.docker.io` for `docker.io`). */
  readonly apiHost: string;
  /** Repository path for `/v2/<repository>/...` (`library/postgres` for `postgres`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Parses `ref` for a registry client; throws naming the reference when it is not one. */
export function remoteReference(ref: string): RemoteReference {
  const p = parseImageReference(ref);
  if (!p) {
    throw new Error(
      `${JSON.stringify(ref)} is not an image reference: use [registry/]repository[:tag][@sha256:<64 hex digits>], e.g. ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie`,
    );
  }
  const registry = p.registry ?? 'docker.io';
  const hub = DOCKER_HUB.has(registry);
  const repository = hub && !p.repository.includes('/') ? `library/${p.repository}` : p.repository;
  return {
    text: ref,
    registry: hub ? 'docker.io' : registry,
    apiHost: hub ? 'registry-1.docker.io' : registry,
    repository,
    tag: p.tag ?? (p.digest ? undefined : 'latest'),
    digest: p.digest,
  };
}

/** `registry/repository[:tag]`: the reference without its digest (the key of a lock entry). */
export function withoutDigest(ref: string): string {
  const at = ref.indexOf('@');
  return at < 0 ? ref : ref.slice(0, at);
}

/** Whether `host` (`name[:port]`) is this machine: plain HTTP is allowed there without asking. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
