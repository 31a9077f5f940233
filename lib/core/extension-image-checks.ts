// What CNPG's webhook checks in an extension image's paths and env (cited where each rule lives).
import { posix as posixPath } from 'node:path';
import type { Problem } from './errors';

/**
 * CNPG's rules for the path lists, exactly as its webhook has them (cloudnative-pg v1.30.0
 * `internal/webhook/v1/cluster_webhook.go`, `validateExtensions`/`validatePathList`): not empty, not listed
 * twice (as written), and `filepath.Clean(path)` must not start with "..". An absolute path is accepted: the
 * instance manager joins every entry to the image's mount point with `filepath.Join`, so "/lib" is "lib"
 * (`pkg/postgres/configuration.go`, `absolutizePaths`).
 */
export function checkPaths(field: string, paths: readonly string[] | undefined): Problem[] {
  if (paths === undefined) return [];
  const out: Problem[] = [];
  const seen: string[] = [];
  paths.forEach((raw, i) => {
    const f = `${field}[${i}]`;
    if (typeof raw !== 'string' || raw === '') {
      out.push({
        code: 'image-path-empty',
        field: f,
        message: 'is empty',
        value: raw,
        fix: 'remove the entry or name a directory of the image',
      });
      return;
    }
    if (seen.includes(raw)) {
      out.push({ code: 'image-path-duplicate', field: f, message: 'is listed twice', value: raw, fix: 'remove the duplicate' });
      return;
    }
    seen.push(raw);
    if (goClean(raw).startsWith('..')) {
      out.push({
        code: 'image-path-escapes',
        field: f,
        message: 'would escape the extension directory (it cleans to a path starting with "..")',
        value: raw,
        fix: 'name a directory inside the image',
      });
    }
  });
  return out;
}

/** Go's `filepath.Clean` on a Unix path: what CNPG's webhook compares. */
function goClean(p: string): string {
  const n = posixPath.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_ENV = new Set(['POD_NAME', 'NAMESPACE', 'CLUSTER_NAME']);

export function checkEnv(env: Readonly<Record<string, string>> | undefined): Problem[] {
  if (!env) return [];
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(env)) {
    const f = `env.${name}`;
    const upper = name.toUpperCase();
    if (!ENV_NAME.test(name)) {
      out.push({
        code: 'image-env-name-invalid',
        field: f,
        message: 'is not a valid environment variable name',
        value: name,
        fix: 'use letters, digits and "_", not starting with a digit',
      });
    } else if (upper === 'PATH' || upper === 'LD_LIBRARY_PATH') {
      out.push({
        code: 'image-env-name-refused',
        field: f,
        message: `CNPG rejects ${upper} in env`,
        value: name,
        fix: upper === 'PATH' ? 'use binPath' : 'use ldLibraryPath',
      });
    } else if (upper.startsWith('PG') || upper.startsWith('CNPG_') || RESERVED_ENV.has(upper)) {
      out.push({
        code: 'image-env-name-reserved',
        field: f,
        message: 'is reserved by CNPG (PG*, CNPG_*, POD_NAME, NAMESPACE, CLUSTER_NAME)',
        value: name,
        fix: 'choose another name',
      });
    }
    if (typeof value !== 'string' || value.length === 0) {
      out.push({ code: 'image-env-value-empty', field: f, message: 'has an empty value', value, fix: 'set a non-empty value' });
    } else {
      const unknown = [...value.replace(/\$\$\{/g, '').matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).filter((v) => v !== 'image_root');
      if (unknown.length > 0) {
        out.push({
          code: 'image-env-placeholder-unknown',
          field: f,
          message: `uses unknown placeholder \${${unknown[0]}}; CNPG only expands \${image_root}`,
          value,
          fix: 'use ${image_root}, or $${...} for a literal',
        });
      }
    }
  }
  return out;
}
