import { ExtensionImage } from '../../lib/core/extension-image';
import { propsSchema } from '../../lib/core/props-schema';

interface Example {
  readonly name: string;
  readonly count?: number;
  readonly tags?: readonly string[];
  readonly images?: readonly ExtensionImage[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly nested?: { readonly size: string };
  readonly mode?: 'a' | 'b';
}

const ok = () =>
  propsSchema<Example>()({
    name: 'string',
    count: 'int32',
    tags: 'stringArray',
    images: { instanceOf: ExtensionImage, name: 'ExtensionImage', arrayOf: true },
    labels: 'stringMap',
    nested: 'object',
    mode: null,
  });

describe('propsSchema', () => {
  test('gives the keys in declaration order and the run-time types of the keys that have one', () => {
    const schema = ok();
    expect(schema.keys).toEqual(['name', 'count', 'tags', 'images', 'labels', 'nested', 'mode']);
    expect(Object.keys(schema.types)).toEqual(['name', 'count', 'tags', 'images', 'labels', 'nested']);
    expect(Object.isFrozen(schema.keys) && Object.isFrozen(schema.types)).toBe(true);
  });

  test('the compiler refuses a missing key, an extra key and a run-time type that does not fit', () => {
    // Each declaration below must fail to compile (tsc -p tsconfig.test.json runs in `npm run lint`): the
    // directive itself is an error when the line compiles.
    const wrong = [
      // @ts-expect-error -- `count` and the others are missing
      () => propsSchema<Example>()({ name: 'string' }),
      () =>
        propsSchema<Example>()({
          name: 'string',
          count: 'int32',
          tags: 'stringArray',
          images: 'array',
          labels: 'stringMap',
          nested: 'object',
          mode: 'string',
          // @ts-expect-error -- not a key of Example
          extra: 'string',
        }),
      () =>
        propsSchema<Example>()({
          // @ts-expect-error -- a string is not a number
          name: 'int32',
          // @ts-expect-error -- a number is not a string
          count: 'string',
          // @ts-expect-error -- a list is not a string map
          tags: 'stringMap',
          // @ts-expect-error -- a list of ExtensionImage is not a list of strings
          images: 'stringArray',
          // @ts-expect-error -- a map is not a list
          labels: 'array',
          // @ts-expect-error -- an object is not a boolean
          nested: 'boolean',
          mode: 'string',
        }),
    ];
    expect(wrong).toHaveLength(3);
  });
});
