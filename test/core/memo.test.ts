import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCluster, type ClusterModel, type PostgresClusterProps } from '../../lib/core/cluster';
import { buildDatabase } from '../../lib/core/database';
import { ExtensionImage } from '../../lib/core/extension-image';
import { parseExtensionImageTag, parseImageReference, parseOperandImageTag } from '../../lib/core/image-ref';
import { memoizationEnabled, setMemoization } from '../../lib/core/memo';
import { synthModule } from '../support/synth';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'cdk8s');

/** Synthesizes an example in a fresh module registry (its own memos), with memoization on or off by environment. */
function synthExample(file: string, memo: boolean): { files: string[]; objects: unknown[]; log: string } {
  const before = process.env.CNPG_CONSTRUCTS_NO_MEMO;
  const write = process.stderr.write;
  let log = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    log += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  if (memo) delete process.env.CNPG_CONSTRUCTS_NO_MEMO;
  else process.env.CNPG_CONSTRUCTS_NO_MEMO = '1';
  try {
    const { files, objects } = synthModule(path.join(EXAMPLES, file));
    return { files, objects, log };
  } finally {
    process.stderr.write = write;
    if (before === undefined) delete process.env.CNPG_CONSTRUCTS_NO_MEMO;
    else process.env.CNPG_CONSTRUCTS_NO_MEMO = before;
  }
}

/**
 * What a build gives: the model (as data; an ExtensionImage as its props, not the answers it keeps) or the error
 * message, for comparing two builds.
 */
function outcome(build: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(build(), (_k, v) => (v instanceof ExtensionImage ? { extensionImage: v.props } : v)));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A platform repo's clusters: many that differ only by name, a few with errors and warnings, and their databases. */
function platform(): unknown[] {
  const pgvector = ExtensionImage.pgvector('0.8.1');
  const postgis = ExtensionImage.postgis('3.6.1');
  const base: PostgresClusterProps = {
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie',
    storage: { size: '1Gi' },
    extensions: [pgvector, postgis],
  };
  const out: unknown[] = [];
  const clusters: ClusterModel[] = [];
  for (let i = 0; i < 40; i++) {
    const props: PostgresClusterProps =
      i % 10 === 7
        ? { ...base, name: `c${i}`, instances: 0 }
        : i % 10 === 8
          ? { ...base, name: `c${i}`, imageName: 'ghcr.io/cloudnative-pg/postgresql:18.6-standard-trixie' }
          : { ...base, name: `c${i}`, roles: i % 3 === 0 ? [{ name: `r${i}`, login: true }] : undefined };
    out.push(
      outcome(() => {
        const m = buildCluster(`app/c${i}`, `c${i}`, props);
        clusters.push(m);
        return m;
      }),
    );
  }
  for (const [i, c] of clusters.entries()) {
    out.push(outcome(() => buildDatabase(`app/db${i}`, c, { name: 'app', owner: 'app', extensions: [pgvector, postgis] })));
    out.push(outcome(() => buildDatabase(`app/bad${i}`, c, { name: 'app', owner: 'app', extensions: [{ name: 'pg_nothing' }] })));
  }
  return out;
}

afterEach(() => setMemoization(true));

describe('memoization changes no output and no finding', () => {
  test.each(fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')))(
    'examples/cdk8s/%s synthesizes alike with memoization on and off',
    (file) => {
      const on = synthExample(file, true);
      const off = synthExample(file, false);
      expect(on.objects.length).toBeGreaterThan(0);
      expect(off.files).toEqual(on.files);
      expect(off.objects).toEqual(on.objects);
      expect(off.log).toEqual(on.log);
    },
  );

  test('a platform of clusters and databases builds alike with memoization on and off', () => {
    setMemoization(true);
    const on = platform();
    const onAgain = platform();
    setMemoization(false);
    expect(memoizationEnabled()).toBe(false);
    const off = platform();
    expect(on.some((x) => (x as { error?: string }).error !== undefined)).toBe(true);
    expect(on.some((x) => ((x as { warnings?: unknown[] }).warnings ?? []).length > 0)).toBe(true);
    expect(off).toEqual(on);
    expect(onAgain).toEqual(on);
  });
});

describe('a memoized result is not shared mutably', () => {
  const props = (name: string): PostgresClusterProps => ({
    name,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie',
    storage: { size: '1Gi' },
    postgresql: { parameters: { work_mem: '8MB' } },
    extensions: [ExtensionImage.pgvector('0.8.1')],
  });

  /** Tries to change every part of a model; a frozen part refuses (TypeError), which is fine. */
  function scribble(model: ClusterModel): void {
    const attempts: (() => void)[] = [
      () => {
        (model.spec as { instances?: number }).instances = 9;
      },
      () => {
        (model.spec.storage as { size?: string }).size = '9Gi';
      },
      () => {
        (model.spec.postgresql?.parameters as Record<string, string>).work_mem = '9MB';
      },
      () => {
        (model.spec.postgresql?.sharedPreloadLibraries as string[] | undefined)?.push('scribbled');
      },
      () => {
        const first = (model.spec.postgresql?.extensions as { name: string }[] | undefined)?.[0];
        if (first) first.name = 'scribbled';
      },
      () => {
        (model.warnings as unknown[]).push({ code: 'scribbled' });
      },
    ];
    for (const attempt of attempts) {
      try {
        attempt();
      } catch (e) {
        expect(e).toBeInstanceOf(TypeError);
      }
    }
  }

  test('changing one cluster model changes neither the next cluster built nor a rebuild', () => {
    setMemoization(false);
    const fresh = outcome(() => buildCluster('app/b', 'b', props('b')));
    setMemoization(true);
    for (let i = 0; i < 3; i++) {
      const a = buildCluster(`app/a${i}`, `a${i}`, props(`a${i}`));
      scribble(a);
      expect(outcome(() => buildCluster('app/b', 'b', props('b')))).toEqual(fresh);
    }
  });

  test('changing a parsed image reference changes nothing the next parse sees', () => {
    const ref = 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie';
    const first = parseImageReference(ref) as { tag?: string };
    expect(() => {
      first.tag = 'scribbled';
    }).toThrow(TypeError);
    expect(parseImageReference(ref)?.tag).toBe('0.8.1-18-trixie');
  });

  test.each([
    ['an extension image tag', () => parseExtensionImageTag('0.8.1-18-trixie') as { distro?: string }],
    ['an operand image tag', () => parseOperandImageTag('18.4-minimal-trixie') as { distro?: string }],
  ])('changing %s as parsed changes nothing the next parse sees', (_what, parse) => {
    const first = parse();
    expect(() => {
      first.distro = 'scribbled';
    }).toThrow(TypeError);
    expect(parse().distro).toBe('trixie');
    setMemoization(false);
    expect(parse()).toEqual(first);
  });
});
