import type { Problem } from './errors';
import { identifierProblem, MAX_IDENTIFIER_BYTES } from './sql';

/** CNPG's pattern for `spec.postgresql.extensions[].name` (and image catalog extension names). */
export const EXTENSION_NAME_PATTERN = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
/** CNPG 1.29.2+ limit: `ext-` + name must fit a 63-character volume name. */
export const EXTENSION_NAME_MAX_LENGTH = 59;
// The DNS and label name patterns of Kubernetes (k8s.io/apimachinery pkg/util/validation/validation.go:
// dns1123LabelFmt, dns1123SubdomainFmt, dns1035LabelFmt, qualifiedNameFmt, labelValueFmt), the one copy the library
// checks names with.
const LABEL_1123 = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_1123 = `${LABEL_1123}(\\.${LABEL_1123})*`;
const QUALIFIED_NAME_PART = '[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?';
/** RFC 1123 label, as Kubernetes requires for names of most objects. */
export const DNS_LABEL_PATTERN = new RegExp(`^${LABEL_1123}$`);
/** The longest RFC 1123 subdomain Kubernetes accepts. */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;
/** A DNS-1035 label: what Kubernetes requires of a Service name (a letter first). */
export const DNS_1035_LABEL_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A qualified name (label key, resource name): an optional RFC 1123 subdomain and `/`, then a name part. */
export const QUALIFIED_NAME_PATTERN = new RegExp(`^(${SUBDOMAIN_1123}/)?${QUALIFIED_NAME_PART}$`);
/** A label value: empty, or a name part of at most 63 characters. */
export const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kubernetes' image pull policies. */
export const PULL_POLICIES: readonly string[] = ['Always', 'IfNotPresent', 'Never'];
/** RFC 1123 subdomain (object names such as Database). */
export const DNS_SUBDOMAIN_PATTERN = new RegExp(`^${SUBDOMAIN_1123}$`);
/**
 * A DNS host name as a client compares it (RFC 4343: case-insensitively): the RFC 1123 subdomain in either case,
 * such as a TLS server name.
 */
export const DNS_HOST_NAME_PATTERN = new RegExp(DNS_SUBDOMAIN_PATTERN.source, 'i');

/** Whether `name` is an RFC 1123 subdomain of at most 253 characters (a Kubernetes object name). */
export function isDnsSubdomain(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= DNS_SUBDOMAIN_MAX_LENGTH && DNS_SUBDOMAIN_PATTERN.test(name);
}

/** Whether `name` is an RFC 1123 label of at most 63 characters. */
export function isDnsLabel(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && DNS_LABEL_PATTERN.test(name);
}
/** A Kubernetes resource quantity (`1Gi`, `500m`, `1e3`), as apimachinery parses it. */
export const QUANTITY_PATTERN = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** PostgreSQL's identifier limit: names longer than NAMEDATALEN-1 bytes are truncated silently. */
export const PG_IDENTIFIER_MAX_BYTES = MAX_IDENTIFIER_BYTES;

/** The Pod volume name CNPG derives from an extension name (1.27.4+/1.28.2+/1.29+). */
export function extensionVolumeName(name: string): string {
  return `ext-${name.replace(/_/g, '-')}`;
}

export function checkExtensionName(field: string, name: unknown): Problem[] {
  if (typeof name !== 'string' || name.length === 0) {
    return [
      {
        code: 'extension-name-required',
        field,
        message: 'an extension image needs a name',
        value: name,
        fix: 'set a lowercase name such as "pgvector"; it becomes the mount directory /extensions/<name>',
      },
    ];
  }
  const out: Problem[] = [];
  if (!EXTENSION_NAME_PATTERN.test(name)) {
    out.push({
      code: 'extension-name-invalid',
      field,
      message: `is not a valid CNPG extension name (pattern ${EXTENSION_NAME_PATTERN.source})`,
      value: name,
      fix: 'use lowercase letters, digits, "-" and "_", starting and ending with a letter or digit',
    });
  }
  if (name.length > EXTENSION_NAME_MAX_LENGTH) {
    out.push({
      code: 'extension-name-too-long',
      field,
      message: `is ${name.length} characters long; CNPG allows at most ${EXTENSION_NAME_MAX_LENGTH} (the volume name "ext-<name>" must fit 63)`,
      value: name,
      fix: `shorten it to ${EXTENSION_NAME_MAX_LENGTH} characters or fewer`,
    });
  }
  return out;
}

export function checkDnsLabel(field: string, name: unknown, what: string, max = 63): Problem[] {
  if (typeof name !== 'string' || name.length === 0) {
    return [
      { code: 'name-required', field, message: `${what} is required`, value: name, fix: 'set a lowercase DNS label such as "angus"' },
    ];
  }
  if (!DNS_LABEL_PATTERN.test(name) || name.length > max) {
    return [
      {
        code: 'name-not-dns-label',
        field,
        message: `${what} must be a lowercase RFC 1123 label of at most ${max} characters`,
        value: name,
        fix: 'use lowercase letters, digits and "-", starting and ending with a letter or digit',
      },
    ];
  }
  return [];
}

export function checkDnsSubdomain(field: string, name: unknown, what: string): Problem[] {
  if (!isDnsSubdomain(name)) {
    return [
      {
        code: 'name-not-dns-subdomain',
        field,
        message: `${what} must be a lowercase RFC 1123 subdomain of at most 253 characters`,
        value: name,
        fix: 'use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
      },
    ];
  }
  return [];
}

/** Whether {@link checkPgIdentifier} finds nothing wrong: the check without building problems. */
export function isPgIdentifier(name: unknown): name is string {
  return identifierProblem(name, 'name') === undefined;
}

/**
 * A PostgreSQL identifier (database, role, schema, extension name) as this library accepts it: the one
 * rule of `sql.ts` (non-empty, at most 63 bytes, which PostgreSQL would silently truncate, free of NUL), which
 * the provider applies too, as a Problem.
 */
export function checkPgIdentifier(field: string, name: unknown, what: string): Problem[] {
  const p = identifierProblem(name, what);
  if (p === undefined) return [];
  const fix =
    typeof name !== 'string' || name.length === 0
      ? `set the ${what}`
      : name.includes('\u0000')
        ? 'remove the NUL character'
        : `use a name of at most ${PG_IDENTIFIER_MAX_BYTES} bytes`;
  return [{ code: 'pg-identifier-invalid', field, message: p, value: name, fix }];
}

/** Finds entries whose `key` collides; returns the problems, naming both positions. */
export function checkUnique<T>(field: string, items: readonly T[], key: (t: T) => string, what: string, fix: string): Problem[] {
  const seen = new Map<string, number>();
  const out: Problem[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) {
      out.push({ code: 'duplicate-entry', field: `${field}[${i}]`, message: `${what} collides with ${field}[${first}]`, value: k, fix });
    } else {
      seen.set(k, i);
    }
  });
  return out;
}

/**
 * Names of the objects CNPG creates for a cluster, from its suffixes (cloudnative-pg v1.30.0
 * `api/v1/cluster_types.go`: `ApplicationUserSecretSuffix`, `SuperUserSecretSuffix`, `ServiceReadWriteSuffix`,
 * `DefaultServerCaSecretSuffix`: `<name>-ca`, unless the cluster brings its own CA).
 */
export function clusterObjectNames(cluster: string): {
  readonly appSecret: string;
  readonly superuserSecret: string;
  readonly caSecret: string;
  readonly readWriteService: string;
} {
  return {
    appSecret: `${cluster}-app`,
    superuserSecret: `${cluster}-superuser`,
    caSecret: `${cluster}-ca`,
    readWriteService: `${cluster}-rw`,
  };
}
