// What an admission rule is: a check over the object the API server (and CNPG's webhook) receives, so that the
// same rule holds for objects the constructs built and for any YAML given to `cnpg-constructs validate`.
import type { Finding, Severity } from '../findings';
import type { KubeObject } from '../operator-manifest';

/** What a rule knows besides the object it checks. */
export interface AdmissionContext {
  /** The CNPG release the objects target (`1.30.0`). */
  readonly operatorVersion: string;
  /**
   * Every object of the set being checked (an app's output, the files given to `validate`), for rules that look
   * across objects: a `Database` and its `Cluster`, two clusters archiving to one destination.
   */
  readonly objects: readonly KubeObject[];
  /**
   * The same object as it is before this change (`validate --previous`, a plan), for the rules CNPG applies only on
   * update (storage shrink, immutable fields).
   * @default - none: the object is being created
   */
  readonly previous?: KubeObject;
  /**
   * The objects are only part of the set (a Pulumi component checks its object with the few it knows of): a rule
   * that concludes from something being absent warns instead of refusing.
   * @default false
   */
  readonly partial?: boolean;
}

/**
 * A rule over one object. Its findings' `field` is a path in the object (`.spec.postgresql.parameters.wal_level`);
 * the runner sets `where`.
 */
export interface ObjectRule {
  /** API group of the kinds. @default 'postgresql.cnpg.io' */
  readonly group?: string;
  /** The kinds the rule applies to (`Cluster`, `Database`, ...). */
  readonly kinds: readonly string[];
  /** Where the rule lives upstream (`cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go, validateWALLevel`). */
  readonly cite: string;
  /**
   * `webhook`: CNPG's validating webhook applies it, so the `cnpg.io/validation: disabled` annotation turns it off as
   * it turns off the webhook; `library`: this library's own rule (stricter than CNPG, where that protects the user).
   * @default 'webhook'
   */
  readonly source?: 'webhook' | 'library';
  /** `update`: the rule compares the object with its previous version and runs only when there is one. */
  readonly on?: 'create-and-update' | 'update';
  /** The findings of one object (an empty list, ideally a shared frozen one, when there are none). */
  check(object: KubeObject, context: AdmissionContext): readonly Finding[];
}

/** A finding about one object of a set. */
export interface ObjectFinding extends Finding {
  readonly object: KubeObject;
  /** Where the rule that found it lives upstream (its {@link ObjectRule.cite}), when asked for with `cite: true`. */
  readonly cite?: string;
}

/** A rule over the whole set (two objects that collide, a reference to an object that is not there). */
export interface SetRule {
  /** Where the rule lives upstream, or why the library adds it. */
  readonly cite: string;
  check(context: AdmissionContext): readonly ObjectFinding[];
}

/** Collects a rule's findings; `list` is a shared frozen empty list when nothing was found. */
export class Findings {
  private items: Finding[] | undefined;

  /** An error (CNPG refuses the object). */
  error(code: string, field: string, message: string, value: unknown, fix: string): void {
    this.add('error', code, field, message, value, fix);
  }

  /** A warning (CNPG accepts the object and warns, or the library does). */
  warn(code: string, field: string, message: string, value: unknown, fix: string): void {
    this.add('warning', code, field, message, value, fix);
  }

  get list(): readonly Finding[] {
    return this.items ?? NONE;
  }

  private add(severity: Severity, code: string, field: string, message: string, value: unknown, fix: string): void {
    this.items ??= [];
    this.items.push(severity === 'error' ? { code, field, message, value, fix } : { severity, code, field, message, value, fix });
  }
}

/** The empty result. */
export const NONE: readonly Finding[] = Object.freeze([]);
