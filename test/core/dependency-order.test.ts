import fc from 'fast-check';
import { dependencyOrder, stableDependencyOrder } from '../../lib/core/sql';

/** The first, obvious implementation, kept as the oracle for the faster one. */
function reference<T extends { name: string }>(items: readonly T[], requires: (name: string) => readonly string[]) {
  const pending = [...items];
  const listed = new Set(items.map((i) => i.name));
  const done = new Set<string>();
  const ordered: T[] = [];
  const moved: string[] = [];
  while (pending.length > 0) {
    const idx = pending.findIndex((it) => requires(it.name).every((r) => done.has(r) || !listed.has(r)));
    if (idx < 0) return { ordered: [...ordered, ...pending], moved, cycle: pending.map((p) => p.name) };
    for (const blocked of pending.slice(0, idx)) if (!moved.includes(blocked.name)) moved.push(blocked.name);
    const [it] = pending.splice(idx, 1);
    ordered.push(it);
    done.add(it.name);
  }
  return { ordered, moved, cycle: [] as string[] };
}

const graph = (edges: Record<string, string[]>) => (name: string) => edges[name] ?? [];
const named = (...names: string[]) => names.map((name) => ({ name }));

describe('stableDependencyOrder', () => {
  test('a list already in order is left as it is', () => {
    const r = stableDependencyOrder(
      named('postgis', 'postgis_raster', 'fuzzystrmatch', 'postgis_tiger_geocoder'),
      graph({ postgis_raster: ['postgis'], postgis_tiger_geocoder: ['postgis', 'fuzzystrmatch'] }),
    );
    expect(r.ordered.map((x) => x.name)).toEqual(['postgis', 'postgis_raster', 'fuzzystrmatch', 'postgis_tiger_geocoder']);
    expect(r).toMatchObject({ moved: [], cycle: [] });
  });

  test('an item listed before what it requires moves just after it, and is reported', () => {
    const r = stableDependencyOrder(named('postgis_raster', 'vector', 'postgis'), graph({ postgis_raster: ['postgis'] }));
    expect(r.ordered.map((x) => x.name)).toEqual(['vector', 'postgis', 'postgis_raster']);
    expect(r).toMatchObject({ moved: ['postgis_raster'], cycle: [] });
  });

  test('requirements outside the list (plpgsql, or ones reported elsewhere) do not block', () => {
    const r = stableDependencyOrder(named('earthdistance'), graph({ earthdistance: ['cube', 'plpgsql'] }));
    expect(r).toMatchObject({ ordered: [{ name: 'earthdistance' }], moved: [], cycle: [] });
  });

  test('a cycle is left at the end in list order, and dependencyOrder throws on it', () => {
    const requires = graph({ a: ['b'], b: ['a'] });
    const r = stableDependencyOrder(named('a', 'x', 'b'), requires);
    expect(r.ordered.map((x) => x.name)).toEqual(['x', 'a', 'b']);
    expect(r.cycle).toEqual(['a', 'b']);
    expect(() => dependencyOrder(named('a', 'b'), requires)).toThrow('extensions require each other in a cycle: a, b');
  });

  test('asks for the requirements of each item once', () => {
    const asked: string[] = [];
    stableDependencyOrder(named('c', 'b', 'a'), (n) => {
      asked.push(n);
      return ({ c: ['b'], b: ['a'] } as Record<string, string[]>)[n] ?? [];
    });
    expect(asked.sort()).toEqual(['a', 'b', 'c']);
  });

  test('agrees with the reference implementation on random graphs, duplicates and cycles included', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
    fc.assert(
      fc.property(fc.array(name, { maxLength: 9 }), fc.dictionary(name, fc.array(name, { maxLength: 3 })), (names, edges) => {
        const items = names.map((n, i) => ({ name: n, i }));
        const requires = graph(edges);
        expect(stableDependencyOrder(items, requires)).toEqual(reference(items, requires));
      }),
      { numRuns: 2000 },
    );
  });
});
