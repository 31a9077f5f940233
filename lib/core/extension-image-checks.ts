// CNPG's admission rules for one `spec.postgresql.extensions[]` entry, over the wire shape CNPG receives (JSON
// names: extension_control_path, bin_path, env[].name ...), so that the same rules hold for ExtensionImage props,
// for synthesized objects and for any YAML. Cited where each rule lives in cloudnative-pg v1.30.0.
import { posix as posixPath } from 'node:path';
import type { Finding } from './findings';

/** One `spec.postgresql.extensions[]` entry as CNPG receives it. */
export interface ExtensionEntryWire {
  readonly name?: unknown;
  readonly image?: { readonly reference?: unknown; readonly pullPolicy?: unknown };
  readonly extension_control_path?: unknown;
  readonly dynamic_library_path?: unknown;
  readonly ld_library_path?: unknown;
  readonly bin_path?: unknown;
  readonly env?: unknown;
}

/** The path lists of an entry: wire name -> the prop that sets it. */
export const EXTENSION_PATH_FIELDS = {
  extension_control_path: 'extensionControlPath',
  dynamic_library_path: 'dynamicLibraryPath',
  ld_library_path: 'ldLibraryPath',
  bin_path: 'binPath',
} as const;

/**
 * A path list as CNPG's webhook checks it (`internal/webhook/v1/cluster_webhook.go`, `validateExtensions`:
 * `ensureNotEmptyOrDuplicate`, `validatePathList`): no empty entry, none listed twice (as written), and
 * `filepath.Clean(path)` must not start with "..". An absolute path is accepted: the instance manager joins every
 * entry to the image's mount point with `filepath.Join`, so "/lib" is "lib" (`pkg/utils/extensions/extensions.go`,
 * `CollectBinPaths`; `pkg/postgres/configuration.go`).
 */
export function checkPathList(field: string, paths: readonly unknown[] | undefined): Finding[] {
  if (paths === undefined) return [];
  const out: Finding[] = [];
  const seen: unknown[] = [];
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

/**
 * cloudnative-pg v1.30.0 `pkg/postgres/environment.go`, `IsReservedEnvironmentVariable`: the names the operator
 * keeps for itself, compared in upper case: the `CNPG_` and `PG` prefixes, POD_NAME, NAMESPACE, CLUSTER_NAME
 * (what `pkg/specs/pods.go` CreatePodEnvConfig sets).
 */
export function isReservedEnvironmentVariable(name: string): boolean {
  const n = name.toUpperCase();
  return n.startsWith('CNPG_') || n.startsWith('PG') || n === 'POD_NAME' || n === 'NAMESPACE' || n === 'CLUSTER_NAME';
}

// cloudnative-pg v1.30.0 pkg/postgres/environment.go, envPlaceholderRegexp: one or more "$" then {name}; an odd
// count of "$" makes the last one a placeholder, an even count is all escapes ("$${x}" is the literal "${x}").
const PLACEHOLDER = /(\$+)\{([^}]+)\}/g;

/** The `${...}` placeholders of `value` CNPG does not know (FindUnknownPlaceholders: only `${image_root}`). */
export function unknownPlaceholders(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].filter((m) => m[1].length % 2 === 1 && m[2] !== 'image_root').map((m) => `\${${m[2]}}`);
}

/**
 * `value` as the instance manager sets it (ExpandEnvPlaceholders): `${image_root}` is `mountPoint`, `$$` before a
 * brace is one `$`, unknown placeholders stay as written.
 */
export function expandEnvValue(value: string, mountPoint: string): string {
  return value.replace(PLACEHOLDER, (match: string, dollars: string, name: string) => {
    const prefix = '$'.repeat(Math.floor(dollars.length / 2));
    if (dollars.length % 2 === 0) return prefix + match.slice(dollars.length);
    return name === 'image_root' ? prefix + mountPoint : match;
  });
}

/** How the fields of one env entry are named in the findings. */
export type EnvFieldNamer = (index: number, name: string, part: 'name' | 'value') => string;

/**
 * The env entries of one extension as CNPG's webhook checks them (`internal/webhook/v1/cluster_webhook.go`,
 * `validateExtensionEnvVars`): reserved names refused (case-insensitively), PATH and LD_LIBRARY_PATH refused
 * (exactly those names: their own fields are bin_path and ld_library_path), unknown placeholders refused (`$${...}`
 * is a literal), a name listed twice refused.
 */
export function checkExtensionEnv(
  env: readonly { readonly name?: unknown; readonly value?: unknown }[] | undefined,
  fieldOf: EnvFieldNamer,
  dedicated: { readonly PATH: string; readonly LD_LIBRARY_PATH: string },
): Finding[] {
  if (!env) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  env.forEach((e, i) => {
    const name = typeof e.name === 'string' ? e.name : '';
    if (isReservedEnvironmentVariable(name)) {
      out.push({
        code: 'image-env-name-reserved',
        field: fieldOf(i, name, 'name'),
        message:
          'is reserved by CNPG (the PG* and CNPG_* prefixes, POD_NAME, NAMESPACE, CLUSTER_NAME, in any case): the usage of this environment variable is reserved for the operator',
        value: name,
        fix: 'choose another name',
      });
    }
    if (name === 'PATH' || name === 'LD_LIBRARY_PATH') {
      out.push({
        code: 'image-env-name-refused',
        field: fieldOf(i, name, 'name'),
        message: `${name} must be configured via ${dedicated[name]}`,
        value: name,
        fix: `list the image's directories in ${dedicated[name]}`,
      });
    }
    if (typeof e.value === 'string') {
      const unknown = unknownPlaceholders(e.value);
      if (unknown.length > 0) {
        out.push({
          code: 'image-env-placeholder-unknown',
          field: fieldOf(i, name, 'value'),
          message: `uses unsupported placeholder(s) ${unknown.join(', ')}; CNPG only expands \${image_root}`,
          value: e.value,
          fix: 'use ${image_root}, or $${...} for a literal ${...}',
        });
      }
    }
    if (seen.has(name)) {
      out.push({
        code: 'image-env-name-duplicate',
        field: fieldOf(i, name, 'name'),
        message: 'is listed twice',
        value: name,
        fix: 'keep one entry per name',
      });
    }
    seen.add(name);
  });
  return out;
}

/**
 * CNPG's admission rules for one `spec.postgresql.extensions[]` entry at `base` (`.spec.postgresql.extensions[0]`):
 * its path lists and env (`validateExtensions`). Findings name fields in the wire shape (`<base>.bin_path[1]`,
 * `<base>.env[0].name`).
 */
export function extensionEntryFindings(entry: ExtensionEntryWire, base: string): Finding[] {
  const out: Finding[] = [];
  for (const key of Object.keys(EXTENSION_PATH_FIELDS) as (keyof typeof EXTENSION_PATH_FIELDS)[]) {
    const list = entry[key];
    if (Array.isArray(list)) out.push(...checkPathList(`${base}.${key}`, list));
  }
  if (Array.isArray(entry.env)) {
    out.push(
      ...checkExtensionEnv(entry.env as { name?: unknown; value?: unknown }[], (i, _n, part) => `${base}.env[${i}].${part}`, {
        PATH: `${base}.bin_path`,
        LD_LIBRARY_PATH: `${base}.ld_library_path`,
      }),
    );
  }
  return out;
}

// The CRD's own schema for env (postgresql.cnpg.io_clusters.yaml: name pattern ^[a-zA-Z_][a-zA-Z0-9_]*$, value
// minLength 1): the API server refuses these before the webhook; checked here for props, where no schema ran yet.
const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The env of ExtensionImage props (`env: { NAME: value }`): the CRD's schema, then CNPG's webhook rules. */
export function checkEnv(env: Readonly<Record<string, string>> | undefined): Finding[] {
  if (!env) return [];
  const out: Finding[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      out.push({
        code: 'image-env-name-invalid',
        field: `env.${name}`,
        message: 'is not a valid environment variable name',
        value: name,
        fix: 'use letters, digits and "_", not starting with a digit',
      });
    }
    if (typeof value !== 'string' || value.length === 0) {
      out.push({ code: 'image-env-value-empty', field: `env.${name}`, message: 'has an empty value', value, fix: 'set a non-empty value' });
    }
  }
  const entries = Object.entries(env).map(([name, value]) => ({ name, value }));
  out.push(...checkExtensionEnv(entries, (_i, name) => `env.${name}`, { PATH: 'binPath', LD_LIBRARY_PATH: 'ldLibraryPath' }));
  return out;
}

/** The path lists of ExtensionImage props. */
export function checkPaths(field: string, paths: readonly string[] | undefined): Finding[] {
  return checkPathList(field, paths);
}
