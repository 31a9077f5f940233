// The one error of the registry client: what went wrong (the problem) and what to do (the fix), kept apart, with a
// stable finding code (lib/core/findings.ts) so that lock, verify and the CLI report it like any other finding; and
// the answers of a registry that refuses a request (401, 404, 429, ...) as such errors, with their fixes.
import type { Finding } from '../core/findings';
import { printable } from './format';

/** What a {@link RegistryError} is about. */
export interface RegistryErrorDetails {
  /** The image reference the request was for. */
  readonly reference: string;
  /** Stable kebab-case code of the rule (`registry-unreachable`, `registry-not-found`, ...). */
  readonly code: string;
  /** What to do. */
  readonly fix?: string;
  /** The HTTP status the registry answered, when it answered. */
  readonly status?: number;
  /** The registry could not be reached at all (DNS, connection, TLS, proxy), as opposed to an answer. */
  readonly unreachable?: boolean;
  /** The network error's code (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...). */
  readonly networkCode?: string;
}

/** A registry answered with something this client must not or cannot use, or could not be reached. */
export class RegistryError extends Error {
  public override readonly name = 'RegistryError';
  /** The reference the request was for. */
  public readonly reference: string;
  /** What is wrong, without the reference in front and without the fix. Text from the registry is escaped. */
  public readonly detail: string;
  /** What to do, when there is something to do. */
  public readonly fix?: string;
  /** The HTTP status the registry answered, when it answered. */
  public readonly status?: number;
  /** Whether the registry could not be reached at all. */
  public readonly unreachable: boolean;
  /** The network error's code, when the registry could not be reached. */
  public readonly networkCode?: string;
  /** The stable finding code. */
  public readonly findingCode: string;

  constructor(detail: string, details: RegistryErrorDetails) {
    const text = printable(detail);
    super(`${details.reference}: ${text}${details.fix ? `. Fix: ${details.fix}` : ''}`);
    this.reference = details.reference;
    this.detail = text;
    this.fix = details.fix;
    this.status = details.status;
    this.unreachable = details.unreachable ?? false;
    this.networkCode = details.networkCode;
    this.findingCode = details.code;
  }

  /** `<reference>: <detail>`: the message without its fix. */
  public get problem(): string {
    return `${this.reference}: ${this.detail}`;
  }

  /** The error as a finding (`where`: the reference). */
  public get finding(): Finding {
    return {
      code: this.findingCode,
      where: this.reference,
      field: '',
      message: this.detail,
      fix: this.fix ?? 'check the reference and the registry',
    };
  }
}

/**
 * A registry's answer `status` to a request for `what` in repository `r` as an error, with the fix for the status;
 * the registry's own error text (distribution spec, "errors") from `body` is kept, escaped.
 */
export function statusError(
  r: { readonly text: string; readonly registry: string; readonly repository: string },
  status: number,
  body: string,
  what: string,
): RegistryError {
  let detail = '';
  try {
    const errors = (JSON.parse(body.slice(0, 2000)) as { errors?: { code?: unknown; message?: unknown }[] }).errors;
    if (Array.isArray(errors) && errors.length) {
      detail = `: ${errors
        .slice(0, 5)
        .map((e) => `${typeof e?.code === 'string' ? e.code : ''} ${typeof e?.message === 'string' ? e.message : ''}`.trim())
        .join('; ')}`;
    }
  } catch {
    // Not a distribution error body.
  }
  const [code, fix] =
    status === 404
      ? ['registry-not-found', 'check the repository and the tag (does it exist for this registry?)']
      : status === 401 || status === 403
        ? [
            'registry-unauthorized',
            `log in to ${r.registry} (docker login / podman login write the credentials this reads), or check that the credentials may pull ${r.repository}`,
          ]
        : status === 429
          ? ['registry-rate-limited', 'the registry rate-limits you: log in, or use a mirror']
          : ['registry-error-status', 'retry later, or check the registry'];
  return new RegistryError(`${r.registry} answered ${status} for ${what}${detail}`, { reference: r.text, code, fix, status });
}
