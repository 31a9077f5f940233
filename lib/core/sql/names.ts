/** What PostgreSQL accepts as an identifier, an extension name and an extension version. */

/** PostgreSQL truncates identifiers to NAMEDATALEN-1 = 63 bytes: such names are rejected, not truncated. */
export const MAX_IDENTIFIER_BYTES = 63;

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Problems of an identifier (extension, schema, database name); empty when fine. */
export function identifierProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (value.length === 0) return `${what} must not be empty`;
  if (value.includes('\u0000')) return `${what} must not contain a NUL character`;
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short names need no byte count.
  if (value.length * 3 > MAX_IDENTIFIER_BYTES && utf8Length(value) > MAX_IDENTIFIER_BYTES)
    return `${what} is ${utf8Length(value)} bytes; PostgreSQL would truncate it to ${MAX_IDENTIFIER_BYTES}`;
  return undefined;
}

/**
 * Problems of an extension version (PostgreSQL 18 src/backend/commands/extension.c, `check_valid_version_name`:
 * no "--", no leading/trailing "-", no "/" or "\\").
 */
export function versionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'version must be a string';
  if (value.length === 0) return 'version must not be empty (leave it out for the default version)';
  if (value.includes('\u0000')) return 'version must not contain a NUL character';
  if (utf8Length(value) > MAX_IDENTIFIER_BYTES) return `version is ${utf8Length(value)} bytes; at most ${MAX_IDENTIFIER_BYTES}`;
  if (value.includes('--') || value.startsWith('-') || value.endsWith('-'))
    return 'version must not contain "--" or start or end with "-" (PostgreSQL rule)';
  if (/[/\\]/.test(value)) return 'version must not contain "/" or "\\" (PostgreSQL rule)';
  return undefined;
}

/**
 * Problems of an extension name: an identifier, and PostgreSQL's own rule for extension names
 * (`check_valid_extension_name` in src/backend/commands/extension.c: not empty, no "--", no leading or
 * trailing "-", no directory separator), so that what PostgreSQL refuses is refused at preview.
 */
export function extensionNameProblem(value: unknown): string | undefined {
  const p = identifierProblem(value, 'extension name');
  if (p) return p;
  const v = value as string;
  if (v.includes('--') || v.startsWith('-') || v.endsWith('-'))
    return 'extension name must not contain "--" or start or end with "-" (PostgreSQL rule)';
  if (/[/\\]/.test(v)) return 'extension name must not contain "/" or "\\" (PostgreSQL rule)';
  return undefined;
}

/**
 * SQL extensions CloudNativePG owns in every database: when any `<name>.*` parameter is set on the
 * cluster, the operator preloads the library and runs CREATE EXTENSION in every database; when none
 * is, the instance manager runs DROP EXTENSION on every start. Anything else that manages them fights
 * the operator. Source: cloudnative-pg v1.30.0 `pkg/postgres/configuration.go` (`ManagedExtensions`,
 * entries without `SkipCreateExtension`) and `internal/management/controller/instance_controller.go`
 * (`reconcileExtensions`). `auto_explain` and `pg_failover_slots` are managed the same way but are
 * modules only: there is no extension to create.
 */
export const CNPG_OWNED_EXTENSIONS: readonly string[] = ['pgaudit', 'pg_stat_statements'];

/** Whether a string holds a control character (a newline included): such values fit no config line or host name. */
export function hasControlCharacters(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  return /[\u0000-\u001f\u007f]/.test(s);
}
