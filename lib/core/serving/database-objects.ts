// What a CNPG Database manages besides extensions: schemas, foreign-data wrappers and foreign servers (with options
// and USAGE grants), and the options of CREATE/ALTER DATABASE (cloudnative-pg v1.30.0 `api/v1/database_types.go`),
// checked as `internal/webhook/v1/database_webhook.go` and the Database CRD's rules check them.
import type { DatabaseSpec } from '../../../imports/postgresql.cnpg.io.spec';
import { NO_PROBLEMS, type Problem } from '../errors';
import { checkKnownKeys, keysOf } from '../keys';
import { checkPgIdentifier } from '../names';
import { propsSchema } from '../props-schema';
import { isPlainObject } from '../runtime-types';
import { checkServingFeature } from './common';

/** Whether an object of the database is created (`present`) or dropped (`absent`). */
export type Ensure = 'present' | 'absent';

/** A schema of the database (`CREATE SCHEMA ... AUTHORIZATION`). */
export interface DatabaseSchema {
  /** Name of the schema. */
  readonly name: string;
  /**
   * Role owning the schema.
   * @default - the role CNPG connects as (the superuser)
   */
  readonly owner?: string;
  /**
   * `absent` drops the schema.
   * @default 'present'
   */
  readonly ensure?: Ensure;
}

/** An option of a foreign-data wrapper or server. */
export interface ObjectOption {
  readonly name: string;
  readonly value: string;
  /**
   * `absent` removes the option.
   * @default 'present'
   */
  readonly ensure?: Ensure;
}

/** `GRANT` or `REVOKE USAGE` on a foreign-data wrapper or server to a role. */
export interface UsageGrant {
  /** The role. */
  readonly name: string;
  /** @default 'grant' */
  readonly type?: 'grant' | 'revoke';
}

/** A foreign-data wrapper (CNPG 1.28+). The extension that provides its handler (`postgres_fdw`) goes in `extensions`. */
export interface ForeignDataWrapper {
  readonly name: string;
  /**
   * Handler function, e.g. `postgres_fdw_handler`.
   * @default - the one the FDW's extension registers
   */
  readonly handler?: string;
  /**
   * Validator function, e.g. `postgres_fdw_validator`.
   * @default - the one the FDW's extension registers
   */
  readonly validator?: string;
  /**
   * Owner (a superuser).
   * @default - the role CNPG connects as
   */
  readonly owner?: string;
  /** @default - none */
  readonly options?: readonly ObjectOption[];
  /** @default - none */
  readonly usage?: readonly UsageGrant[];
  /** @default 'present' */
  readonly ensure?: Ensure;
}

/** A foreign server of one of the database's wrappers (CNPG 1.28+). */
export interface ForeignServer {
  readonly name: string;
  /** The wrapper: one of this database's `fdws`. */
  readonly fdw: string;
  /** Server options such as `host`, `port`, `dbname`. @default - none */
  readonly options?: readonly ObjectOption[];
  /** @default - none */
  readonly usage?: readonly UsageGrant[];
  /** @default 'present' */
  readonly ensure?: Ensure;
}

/** The Database props this module adds: objects inside the database and `CREATE DATABASE` options. */
export interface DatabaseObjectsProps {
  /**
   * Schemas to manage.
   * @default - none
   */
  readonly schemas?: readonly DatabaseSchema[];
  /**
   * Foreign-data wrappers to manage (CNPG 1.28+).
   * @default - none
   */
  readonly fdws?: readonly ForeignDataWrapper[];
  /**
   * Foreign servers to manage (CNPG 1.28+); each names one of `fdws`.
   * @default - none
   */
  readonly servers?: readonly ForeignServer[];
  /**
   * `TEMPLATE` (immutable).
   * @default - PostgreSQL's `template1`
   */
  readonly template?: string;
  /**
   * `ENCODING` (immutable).
   * @default - the template's
   */
  readonly encoding?: string;
  /**
   * `LOCALE` (immutable).
   * @default - the template's
   */
  readonly locale?: string;
  /**
   * `LOCALE_PROVIDER` (immutable).
   * @default - the template's
   */
  readonly localeProvider?: 'libc' | 'icu' | 'builtin';
  /**
   * `LC_COLLATE` (immutable).
   * @default - the template's
   */
  readonly localeCollate?: string;
  /**
   * `LC_CTYPE` (immutable).
   * @default - the template's
   */
  readonly localeCType?: string;
  /**
   * `ICU_LOCALE`, with `localeProvider: 'icu'` (immutable).
   * @default - none
   */
  readonly icuLocale?: string;
  /**
   * `ICU_RULES`, with `localeProvider: 'icu'` (immutable).
   * @default - none
   */
  readonly icuRules?: string;
  /**
   * `BUILTIN_LOCALE`, with `localeProvider: 'builtin'` (immutable).
   * @default - none
   */
  readonly builtinLocale?: string;
  /**
   * `COLLATION_VERSION` (immutable).
   * @default - none
   */
  readonly collationVersion?: string;
  /**
   * `IS_TEMPLATE`.
   * @default false
   */
  readonly isTemplate?: boolean;
  /**
   * `ALLOW_CONNECTIONS`.
   * @default true
   */
  readonly allowConnections?: boolean;
  /**
   * `CONNECTION LIMIT`; `-1` for none.
   * @default -1
   */
  readonly connectionLimit?: number;
  /**
   * `TABLESPACE`.
   * @default - the template's
   */
  readonly tablespace?: string;
}

/** Keys and run-time types of {@link DatabaseObjectsProps}, for the Database builder. @internal */
export const DATABASE_OBJECT_SCHEMA = propsSchema<DatabaseObjectsProps>()({
  schemas: 'array',
  fdws: 'array',
  servers: 'array',
  template: 'string',
  encoding: 'string',
  locale: 'string',
  localeProvider: 'string',
  localeCollate: 'string',
  localeCType: 'string',
  icuLocale: 'string',
  icuRules: 'string',
  builtinLocale: 'string',
  collationVersion: 'string',
  isTemplate: 'boolean',
  allowConnections: 'boolean',
  connectionLimit: 'int32',
  tablespace: 'string',
});

const SCHEMA_KEYS = keysOf<DatabaseSchema>()({ name: true, owner: true, ensure: true });
const OPTION_KEYS = keysOf<ObjectOption>()({ name: true, value: true, ensure: true });
const USAGE_KEYS = keysOf<UsageGrant>()({ name: true, type: true });
const FDW_KEYS = keysOf<ForeignDataWrapper>()({
  name: true,
  handler: true,
  validator: true,
  owner: true,
  options: true,
  usage: true,
  ensure: true,
});
const SERVER_KEYS = keysOf<ForeignServer>()({ name: true, fdw: true, options: true, usage: true, ensure: true });

function ensureProblem(field: string, v: unknown): Problem[] {
  return v === undefined || v === 'present' || v === 'absent'
    ? []
    : [
        {
          code: 'database-object-ensure-invalid',
          field,
          message: 'must be "present" or "absent"',
          value: v,
          fix: 'use "present" or "absent"',
        },
      ];
}

/** Each entry's name once (`field.Duplicate` of the webhook), naming the first. */
function duplicates(field: string, list: readonly { readonly name?: unknown }[], what: string): Problem[] {
  const seen = new Map<unknown, number>();
  const out: Problem[] = [];
  list.forEach((x, i) => {
    const first = seen.get(x?.name);
    if (first === undefined) seen.set(x?.name, i);
    else
      out.push({
        code: 'database-object-duplicate',
        field: `${field}[${i}].name`,
        message: `is also ${field}[${first}]: CNPG's webhook refuses a ${what} listed twice`,
        value: x.name,
        fix: `list each ${what} once`,
      });
  });
  return out;
}

function entries(field: string, list: unknown, keys: readonly string[], what: string, out: Problem[]): readonly Record<string, unknown>[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    out.push({ code: 'wrong-type', field, message: 'must be a list', value: list, fix: 'wrap it in [ ]' });
    return [];
  }
  const good: Record<string, unknown>[] = [];
  list.forEach((x, i) => {
    if (!isPlainObject(x)) {
      out.push({
        code: 'wrong-type',
        field: `${field}[${i}]`,
        message: `must be a ${what} { name, ... }`,
        value: x,
        fix: 'pass an object literal',
      });
      return;
    }
    out.push(...checkKnownKeys(`${field}[${i}]`, x, keys), ...checkPgIdentifier(`${field}[${i}].name`, x.name, `${what} name`));
    good.push(x);
  });
  out.push(...duplicates(field, good, what));
  return good;
}

/** Options and usage grants of a wrapper or server (`validateNameOptionsUsages`). */
function optionsAndUsage(field: string, x: Record<string, unknown>, out: Problem[]): void {
  const options = entries(`${field}.options`, x.options, OPTION_KEYS, 'option', out);
  options.forEach((o, i) => {
    if (typeof o.value !== 'string')
      out.push({
        code: 'database-option-value-required',
        field: `${field}.options[${i}].value`,
        message: 'is required (a string)',
        value: o.value,
        fix: 'give the option a value',
      });
    out.push(...ensureProblem(`${field}.options[${i}].ensure`, o.ensure));
  });
  const usage = entries(`${field}.usage`, x.usage, USAGE_KEYS, 'usage grant', out);
  usage.forEach((u, i) => {
    if (u.type !== undefined && u.type !== 'grant' && u.type !== 'revoke')
      out.push({
        code: 'database-usage-type-invalid',
        field: `${field}.usage[${i}].type`,
        message: 'must be "grant" or "revoke"',
        value: u.type,
        fix: 'use "grant" or "revoke"',
      });
  });
  out.push(...ensureProblem(`${field}.ensure`, x.ensure));
}

/**
 * The problems of a Database's objects and options: the webhook's rules (each schema, wrapper, server, option and
 * usage once; a server's `fdw` among `fdws` unless the server is absent), the CRD's locale rules
 * (`builtinLocale` needs `localeProvider: builtin`, `icuLocale`/`icuRules` need `icu`), identifiers as PostgreSQL
 * takes them, and the operator version (wrappers and servers: CNPG 1.28+).
 */
export function checkDatabaseObjects(props: DatabaseObjectsProps, operatorVersion?: string): readonly Problem[] {
  const p = props as Record<string, unknown>;
  if (
    p.schemas === undefined &&
    p.fdws === undefined &&
    p.servers === undefined &&
    p.builtinLocale === undefined &&
    p.icuLocale === undefined &&
    p.icuRules === undefined &&
    p.connectionLimit === undefined &&
    p.localeProvider === undefined
  )
    return NO_PROBLEMS;
  const out: Problem[] = [];
  const schemas = entries('schemas', p.schemas, SCHEMA_KEYS, 'schema', out);
  schemas.forEach((s, i) => {
    if (s.owner !== undefined) out.push(...checkPgIdentifier(`schemas[${i}].owner`, s.owner, 'owner role'));
    out.push(...ensureProblem(`schemas[${i}].ensure`, s.ensure));
  });
  const fdws = entries('fdws', p.fdws, FDW_KEYS, 'foreign-data wrapper', out);
  fdws.forEach((f, i) => {
    if (f.owner !== undefined) out.push(...checkPgIdentifier(`fdws[${i}].owner`, f.owner, 'owner role'));
    optionsAndUsage(`fdws[${i}]`, f, out);
  });
  const servers = entries('servers', p.servers, SERVER_KEYS, 'foreign server', out);
  servers.forEach((s, i) => {
    optionsAndUsage(`servers[${i}]`, s, out);
    if (s.ensure === 'absent') return;
    const fdw = fdws.find((f) => f.name === s.fdw);
    if (!fdw)
      // database_webhook.go validateServerFDWReference: "referenced fdw not defined in spec.fdws"
      out.push({
        code: 'database-server-fdw-missing',
        field: `servers[${i}].fdw`,
        message: `names no foreign-data wrapper of this database's fdws (${fdws.map((f) => f.name).join(', ') || 'none'})`,
        value: s.fdw,
        fix: `add { name: ${JSON.stringify(s.fdw)} } to fdws (and the extension that provides it to extensions)`,
      });
    else if (fdw.ensure === 'absent')
      out.push({
        code: 'database-server-fdw-absent',
        field: `servers[${i}].fdw`,
        message: `is a wrapper this database drops (ensure: absent), which PostgreSQL refuses while a server uses it`,
        value: s.fdw,
        fix: 'drop the server too (ensure: "absent"), or keep the wrapper',
      });
  });
  if ((p.fdws !== undefined || p.servers !== undefined) && operatorVersion)
    out.push(...checkServingFeature(operatorVersion, 'databaseFdws', p.fdws !== undefined ? 'fdws' : 'servers'));
  // The Database CRD's x-kubernetes-validations on spec.
  const provider = p.localeProvider;
  if (provider !== undefined && provider !== 'libc' && provider !== 'icu' && provider !== 'builtin')
    out.push({
      code: 'database-locale-provider-invalid',
      field: 'localeProvider',
      message: 'must be "libc", "icu" or "builtin"',
      value: provider,
      fix: 'use "libc", "icu" or "builtin"',
    });
  for (const [k, needs] of [
    ['builtinLocale', 'builtin'],
    ['icuLocale', 'icu'],
    ['icuRules', 'icu'],
  ] as const)
    if (p[k] !== undefined && provider !== needs)
      out.push({
        code: 'database-locale-provider-mismatch',
        field: k,
        message: `is only available when localeProvider is "${needs}"`,
        value: p[k],
        fix: `set localeProvider: "${needs}", or remove ${k}`,
      });
  if (typeof p.connectionLimit === 'number' && p.connectionLimit < -1)
    out.push({
      code: 'database-connection-limit-invalid',
      field: 'connectionLimit',
      message: 'must be -1 (no limit) or more',
      value: p.connectionLimit,
      fix: 'use -1 for no limit, or 0 and up',
    });
  return out;
}

/** The part of a Database's spec the objects and options make, only what is set (copies: the user's lists stay theirs). */
export function databaseObjectsSpec(props: DatabaseObjectsProps): Partial<DatabaseSpec> {
  const out: Record<string, unknown> = {};
  for (const k of DATABASE_OBJECT_SCHEMA.keys) {
    const v = (props as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = copy(v);
  }
  return out as Partial<DatabaseSpec>;
}

/** A copy of plain data in this realm (structuredClone's arrays fail `instanceof Array` in a vm context, as Pulumi's serializer tests). */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k in v) out[k] = copy(v[k]);
    return out;
  }
  return v;
}
