/** The extension list a `PostgresExtensions` resource asks for, and its checks at preview (`check`). */
import type { Finding } from '../findings';
import { unknownKeyFindings } from '../suggest';
import { CNPG_OWNED_EXTENSIONS, extensionNameProblem, identifierProblem, versionProblem } from './names';

/** One extension as asked for. */
export interface ExtensionRequest {
  /** SQL name (`CREATE EXTENSION <name>`). */
  readonly name: string;
  /** Version to create or update to; unset: the default version on create, never an update. */
  readonly version?: string;
  /** Schema; unset: `"$user", public` on create (as CNPG), never moved. */
  readonly schema?: string;
  /** Take over an extension that already exists but was not created by this resource. */
  readonly adopt?: boolean;
}

const REQUEST_KEYS = ['name', 'version', 'schema', 'adopt'];

/** Validates the extension list of a request. `isUnknown` tells values unknown during preview (skipped). */
export function checkExtensionRequests(extensions: unknown, isUnknown: (v: unknown) => boolean = () => false): Finding[] {
  if (isUnknown(extensions)) return [];
  if (!Array.isArray(extensions))
    return [
      {
        code: 'extensions-not-a-list',
        field: 'extensions',
        message: 'extensions must be a list',
        value: extensions,
        fix: 'give a list such as [{ name: "vector" }]: each entry is { name, version?, schema? } (and adopt? to take over an existing extension)',
      },
    ];
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  extensions.forEach((e: unknown, i) => {
    const p = `extensions[${i}]`;
    if (isUnknown(e)) return;
    if (typeof e !== 'object' || e === null) {
      out.push({
        code: 'extension-not-an-object',
        field: p,
        message: 'must be an object',
        value: e,
        fix: 'write { name, version?, schema? }',
      });
      return;
    }
    const x = e as Record<string, unknown>;
    out.push(...(unknownKeyFindings(p, x, REQUEST_KEYS) ?? []));
    if (!isUnknown(x.name)) {
      const np = extensionNameProblem(x.name);
      const name = x.name as string;
      if (np)
        out.push({
          code: 'sql-extension-name-invalid',
          field: `${p}.name`,
          message: np,
          value: x.name,
          fix: 'use the name CREATE EXTENSION takes (the name of its control file), e.g. "vector"',
        });
      else if (CNPG_OWNED_EXTENSIONS.includes(name))
        out.push({
          code: 'extension-managed-by-cnpg',
          field: `${p}.name`,
          message: `extension "${name}" is managed by CloudNativePG itself: it creates it in every database when a "${name}.*" parameter is set on the cluster, and drops it on every instance start when none is`,
          value: name,
          fix: `remove it from the list and set a ${name}.* parameter in the Cluster's postgresql.parameters (e.g. ${name === 'pgaudit' ? "pgaudit.log: 'ddl'" : "pg_stat_statements.track: 'all'"})`,
        });
      else {
        const first = seen.get(name);
        if (first !== undefined)
          out.push({
            code: 'extension-duplicate',
            field: `${p}.name`,
            message: `extension ${JSON.stringify(name)} is listed twice (also extensions[${first}])`,
            value: name,
            fix: 'list it once',
          });
        seen.set(name, i);
      }
    }
    if (x.version !== undefined && !isUnknown(x.version)) {
      const vp = versionProblem(x.version);
      if (vp)
        out.push({
          code: 'extension-version-invalid',
          field: `${p}.version`,
          message: vp,
          value: x.version,
          fix: 'use a version the extension has, such as "1.5", or leave it out for the default version',
        });
    }
    if (x.schema !== undefined && !isUnknown(x.schema)) {
      const sp = identifierProblem(x.schema, 'schema');
      if (sp)
        out.push({
          code: 'extension-schema-invalid',
          field: `${p}.schema`,
          message: sp,
          value: x.schema,
          fix: 'name a schema of the database',
        });
    }
    if (x.adopt !== undefined && !isUnknown(x.adopt) && typeof x.adopt !== 'boolean')
      out.push({
        code: 'extension-adopt-not-boolean',
        field: `${p}.adopt`,
        message: 'adopt must be true or false',
        value: x.adopt,
        fix: 'set adopt: true to take over an extension that exists, or leave it out',
      });
  });
  return out;
}
