import * as pulumi from '@pulumi/pulumi';
import type { InstalledExtension } from '../core/sql';
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
   * Drop removed extensions with CASCADE (also dropping objects that depend on them).
   * @default false: a drop with dependents fails, naming them
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

/**
 * The set of extensions of one PostgreSQL database, activated in the database itself by a Pulumi
 * dynamic provider: `CREATE EXTENSION`, `ALTER EXTENSION ... UPDATE TO` / `SET SCHEMA`, `DROP EXTENSION`,
 * in one transaction under an advisory lock, after a pre-flight that every extension and version is
 * available (a missing image mount shows there). `pulumi refresh` sees extensions dropped by hand.
 *
 * Type token: `pulumi-nodejs:dynamic/cnpg:PostgresExtensions`.
 */
export class PostgresExtensions extends pulumi.dynamic.Resource {
  /** The managed extensions as installed (after refresh: as found). */
  declare public readonly installed: pulumi.Output<InstalledExtension[]>;
  /** Names of the extensions this resource owns. */
  declare public readonly managed: pulumi.Output<string[]>;
  /** The connection (secret). */
  declare public readonly connection: pulumi.Output<ConnectionInfo>;
  /** The database. */
  declare public readonly database: pulumi.Output<string>;

  constructor(name: string, args: PostgresExtensionsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      postgresExtensionsProvider,
      name,
      { installed: undefined, managed: undefined, dropCascade: false, ...args, connection: pulumi.secret(args.connection) },
      postgresExtensionsOptions(opts),
      'cnpg',
      'PostgresExtensions',
    );
  }
}
