/** What the provider of PostgresExtensions takes and returns (plain values, as the dynamic-provider host passes them). */
import type { CascadedDrop, ExtensionRequest, InstalledExtension } from '../../core/sql';

/** How the provider reaches PostgreSQL. Pass it as a secret: it holds the password. */
export interface ConnectionInfo {
  /** Host name or address (a port-forward's 127.0.0.1, a NodePort, a LoadBalancer). */
  readonly host: string;
  /**
   * Port.
   * @default 5432
   */
  readonly port?: number;
  /** Role to connect as: it must be allowed to create the extensions (often a superuser; see docs/SECURITY.md). */
  readonly user: string;
  /** Its password. Never written to logs, errors or any output but the secret `connection`. */
  readonly password: string;
  /**
   * TLS: `disable`, `require` (encrypted, server not verified), `verify-ca` (signed by `sslRootCert`),
   * `verify-full` (signed by `sslRootCert` and issued to `tlsServerName`, else to `host`).
   * @default - 'verify-full' when sslRootCert is set, else 'require' (CNPG always serves TLS)
   */
  readonly sslMode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  /**
   * PEM of the CA that signed the server certificate (CNPG: the `ca.crt` of the `<cluster>-ca` secret).
   * @default - none
   */
  readonly sslRootCert?: string;
  /**
   * The name the server certificate is checked against with `verify-full`, when `host` is not one of its
   * names: CNPG's certificates name `<cluster>-rw`, `<cluster>-rw.<namespace>`, `<cluster>-rw.<namespace>.svc`,
   * so `verify-full` through a port-forward on 127.0.0.1 needs `tlsServerName: '<cluster>-rw'`.
   * @default - host
   */
  readonly tlsServerName?: string;
}

/** Inputs of PostgresExtensions, as the provider sees them (plain values). */
export interface PostgresExtensionsInputs {
  readonly connection: ConnectionInfo;
  readonly database: string;
  readonly extensions: readonly ExtensionRequest[];
  readonly dropCascade?: boolean;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  readonly readinessTimeoutSeconds?: number;
}

/** Outputs: the inputs plus what is installed, what the resource manages and where it is. */
export interface PostgresExtensionsOutputs extends PostgresExtensionsInputs {
  readonly installed: InstalledExtension[];
  readonly managed: string[];
  /** `system_identifier` of the PostgreSQL cluster the extensions were applied on. */
  readonly serverId?: string;
  /** OID of the database they were applied in. */
  readonly databaseOid?: string;
  /**
   * What the last apply's drops removed besides the extensions and their own parts, per extension, exactly as the
   * drops found it in the transaction (only with `dropCascade`: without it such a drop is refused).
   */
  readonly cascaded?: CascadedDrop[];
}
