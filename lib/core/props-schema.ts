// One declaration per props type, from which both its key list (unknown keys are errors) and its run-time type
// checks (JavaScript callers, JSON, `as never`) come. The compiler checks the declaration against the interface:
// a key of the interface that is missing, a key that is not in it, or a run-time type that does not fit the key's
// TypeScript type fails to compile.
import type { RuntimeType } from './runtime-types';

/** A run-time `instanceof` check of one value (`arrayOf`: of every element of a list). */
type InstanceCheck<V> = {
  readonly instanceOf: abstract new (...args: never[]) => V;
  readonly name: string;
  readonly arrayOf?: false;
};
type InstanceArrayCheck<E> = {
  readonly instanceOf: abstract new (...args: never[]) => E;
  readonly name: string;
  readonly arrayOf: true;
};

/**
 * The run-time types that fit a TypeScript type `V` (`undefined` aside): strings and string unions are `'string'`,
 * numbers `'int32'`, lists `'array'` (`'stringArray'` for lists of strings, an `arrayOf` instance check for lists of
 * class instances), string maps `'stringMap'`, other objects `'object'` (or an instance check). `null` in a
 * declaration means the key is checked by its own rule, not by type (a union of a string and a number, say).
 */
export type RuntimeTypeOf<V> = [V] extends [string]
  ? 'string'
  : [V] extends [boolean]
    ? 'boolean'
    : [V] extends [number]
      ? 'int32'
      : [V] extends [readonly string[]]
        ? 'stringArray' | 'array'
        : [V] extends [readonly (infer E)[]]
          ? 'array' | InstanceArrayCheck<E>
          : [V] extends [Readonly<Record<string, string>>]
            ? 'stringMap' | 'object'
            : [V] extends [object]
              ? 'object' | InstanceCheck<V>
              : never;

/** The declaration of a props type `T`: every key of `T`, each with a run-time type that fits it or `null`. */
export type SchemaDeclaration<T> = { readonly [K in keyof Required<T>]-?: RuntimeTypeOf<NonNullable<T[K]>> | null };

/** A props type's keys (for unknown-key checks) and run-time types (for checkRuntimeTypes), from one declaration. */
export interface PropsSchema<T> {
  /** Every key of the props type, in declaration order (frozen). */
  readonly keys: readonly string[];
  /** The run-time type of every key that has one (frozen). */
  readonly types: Readonly<Record<string, RuntimeType>>;
  /** The declaration it was made from, to spread into the declaration of a props type that extends `T`. */
  readonly declaration: SchemaDeclaration<T>;
}

/**
 * The schema of props type `T`: `propsSchema<StorageProps>()({ size: 'string', storageClass: 'string' })`.
 * Curried so that `T` is given and the declaration is checked against it.
 */
export function propsSchema<T>(): (declaration: SchemaDeclaration<T>) => PropsSchema<T> {
  return (declaration) => {
    const types: Record<string, RuntimeType> = {};
    for (const [k, t] of Object.entries(declaration) as [string, RuntimeType | null][]) if (t !== null) types[k] = t;
    return Object.freeze({ keys: Object.freeze(Object.keys(declaration)), types: Object.freeze(types), declaration });
  };
}
