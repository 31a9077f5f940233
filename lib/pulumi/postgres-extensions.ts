import * as pulumi from '@pulumi/pulumi';
import type { CascadedDrop, InstalledExtension } from '../core/sql';
import * as providerModule from './provider';
import type { ConnectionInfo } from './provider';

export type { ConnectionInfo } from './provider';

/**
 * The dynamic provider of {@link PostgresExtensions}: the module `cnpg-constructs/pulumi/provider` itself.
 * Passing the module (not an object built from it) lets Pulumi store a `require` of that module in each
 * resource's `__provider` when the package is installed, instead of a copy of its code.
 */
export const postgresExtensionsProvider: pulumi.dynamic.ResourceProvider = providerModule;

/** {@link ConnectionInfo} whose fields may be Outputs (e.g. a password read from a Secret). */
export type ConnectionInput = { readonly [K in keyof ConnectionInfo]: pulumi.Input<ConnectionInfo[K]> };

/** One extension of {@link PostgresExtensionsArgs.extensions}. */
export interface PostgresExtensionInput {
  /** SQL name (`CREATE EXTENSION <name>`). */
  readonly name: pulumi.Input<string>;
  /**
   * Version to create, or to update to with `ALTER EXTENSION ... UPDATE TO` (after checking the update path).
   * @default - the default version on create; never updated
   */
  readonly version?: pulumi.Input<string>;
  /**
   * Schema to create it in, or to move it to (`ALTER EXTENSION ... SET SCHEMA`).
   * @default - `"$user", public` on create (as CNPG); never moved
   */
  readonly schema?: pulumi.Input<string>;
  /**
   * Manage an extension that already exists but was not created by this resource. Without it, such an
   * extension is an error (nothing is adopted silently).
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/** Args of {@link PostgresExtensions}. */
export interface PostgresExtensionsArgs {
  /** How to reach PostgreSQL; made secret by the resource (state holds it encrypted). */
  readonly connection: pulumi.Input<ConnectionInput>;
  /** Database whose extensions this resource owns. */
  readonly database: pulumi.Input<string>;
  /** The extensions, created in dependency order; removing one drops it. */
  readonly extensions: pulumi.Input<pulumi.Input<PostgresExtensionInput>[]>;
  /**
   * Drop removed extensions with CASCADE: what goes with them (a column of one of their types, a view using one of
   * their functions, an object marked `DEPENDS ON EXTENSION`, which PostgreSQL drops silently even under RESTRICT)
   * goes, and the output `cascaded` says what. An extension that is still listed, or that this resource does not
   * manage, is never dropped.
   * @default false: a drop that would take anything besides the extension's own objects is refused, naming each
   */
  readonly dropCascade?: pulumi.Input<boolean>;
  /**
   * Connection timeout.
   * @default 10000
   */
  readonly connectTimeoutMs?: pulumi.Input<number>;
  /**
   * Statement and lock timeout.
   * @default 60000
   */
  readonly statementTimeoutMs?: pulumi.Input<number>;
}

/**
 * The resource options PostgresExtensions always applies: `connection` is a secret output, so state
 * holds it encrypted. Exported for tests (the mock monitor does not see resource options).
 */
export function postgresExtensionsOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions(opts, { additionalSecretOutputs: ['connection'] });
}

/** The type token `pulumi.dynamic.Resource` gives this resource (module `cnpg`, type `PostgresExtensions`). */
export const POSTGRES_EXTENSIONS_TYPE = 'pulumi-nodejs:dynamic/cnpg:PostgresExtensions';
/** What the package exports its provider module as (package.json `exports`). */
export const PROVIDER_MODULE = 'cnpg-constructs/pulumi/provider';

let providerText: pulumi.Input<string> | undefined;

/**
 * The provider as the dynamic-provider host loads it (`requireFromString(text).handler()`, resolving from the
 * program's directory). When the program can `require` this package's provider module by name (the package is
 * installed), Pulumi's closure serializer writes a `require` of it; the same text is written here, which spares
 * each program the serializer's V8 inspector session (about 170 ms of a `pulumi up`). Otherwise (the library run
 * from source, or bundled) the serializer serializes it by value, exactly as `pulumi.dynamic.Resource` does.
 */
export function serializedProvider(): pulumi.Input<string> {
  if (providerText !== undefined) return providerText;
  let byName = false;
  try {
    byName = require.resolve(PROVIDER_MODULE, { paths: [process.cwd()] }) === require.resolve('./provider');
  } catch {
    // Not resolvable by name from the program: serialize by value.
  }
  providerText = byName
    ? `exports.handler = __f0;\nconst provider = require(${JSON.stringify(PROVIDER_MODULE)});\n\nfunction __f0() {\n  return provider;\n}\n`
    : pulumi.runtime.serializeFunction(() => postgresExtensionsProvider, { allowSecrets: false }).then((sf) => sf.text);
  return providerText;
}

/**
 * The set of extensions of one PostgreSQL database, activated in the database itself by a Pulumi
 * dynamic provider: `DROP EXTENSION`, `ALTER EXTENSION ... UPDATE TO` / `SET SCHEMA`, `CREATE EXTENSION`, in the
 * order PostgreSQL needs, in one transaction under an advisory lock, after a pre-flight that every extension and
 * version is available (a missing image mount shows there) and that no drop takes more than asked for. `pulumi refresh` sees extensions dropped by hand.
 *
 * Type token: `pulumi-nodejs:dynamic/cnpg:PostgresExtensions`.
 */
export class PostgresExtensions extends pulumi.CustomResource {
  /** The managed extensions as installed (after refresh: as found). */
  declare public readonly installed: pulumi.Output<InstalledExtension[]>;
  /** Names of the extensions this resource owns. */
  declare public readonly managed: pulumi.Output<string[]>;
  /** What the last apply's drops took besides the extensions themselves (with `dropCascade`), per extension. */
  declare public readonly cascaded: pulumi.Output<CascadedDrop[]>;
  /** The connection (secret). */
  declare public readonly connection: pulumi.Output<ConnectionInfo>;
  /** The database. */
  declare public readonly database: pulumi.Output<string>;

  constructor(name: string, args: PostgresExtensionsArgs, opts?: pulumi.CustomResourceOptions) {
    // What pulumi.dynamic.Resource registers, with the provider text from serializedProvider().
    super(
      POSTGRES_EXTENSIONS_TYPE,
      name,
      {
        installed: undefined,
        managed: undefined,
        cascaded: undefined,
        dropCascade: false,
        ...args,
        connection: pulumi.secret(args.connection),
        __provider: serializedProvider(),
      },
      postgresExtensionsOptions(opts),
    );
  }
}
