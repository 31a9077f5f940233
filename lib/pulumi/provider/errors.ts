/** The provider's errors: each says what was tried and on what, with what PostgreSQL said; none holds the password. */
import type { PostgresExtensionsInputs } from './types';

/** An error of the `pg` driver: PostgreSQL's fields when the server sent it, a Node.js code otherwise. */
export type PgError = Error & { code?: string; detail?: string; hint?: string };

/**
 * Throws an error with `message` (never built from the password). `missingDatabase`: the database was not there
 * (PostgreSQL 3D000), so refresh and delete can tell "gone" from any other failure without reading the message.
 */
export function fail(message: string, missingDatabase = false): never {
  throw Object.assign(new Error(message), { missingDatabase });
}

export function isMissingDatabase(e: unknown): boolean {
  return (e as { missingDatabase?: boolean }).missingDatabase === true;
}

/** `host:port/database`, the resource's id and how every message names where it acted. */
export function target(inputs: PostgresExtensionsInputs): string {
  return `${inputs.connection.host}:${inputs.connection.port ?? 5432}/${inputs.database}`;
}

/**
 * What PostgreSQL said, as psql shows it: the message, then its DETAIL and HINT lines (the hint is often the
 * fix: "Must be superuser to create this extension."), then `then` (what it means for the apply).
 */
export function pgSaid(e: PgError, then: string): string {
  const lines = [
    ...(e.detail ? [`  DETAIL: ${e.detail.split('\n').join('\n    ')}`] : []),
    ...(e.hint ? [`  HINT: ${e.hint.split('\n').join('\n    ')}`] : []),
  ];
  return lines.length === 0 ? `${e.message}. ${then}` : `${e.message}\n${lines.join('\n')}\n${then}`;
}
