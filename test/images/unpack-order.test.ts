// The unpacker writes regular files in the background while it reads on: the tree it leaves must be the one that
// applying every entry alone, in order, leaves (image-spec layer.md), whatever order the writes land in.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LayerSource, unpackLayers } from '../../lib/images/unpack';
import { layer, type TarEntry } from '../support/oci';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

function sources(dir: string, layers: readonly (readonly TarEntry[])[]): LayerSource[] {
  return layers.map((entries, i) => {
    const l = layer(entries);
    const file = path.join(dir, `layer${i}`);
    fs.writeFileSync(file, l.bytes);
    return { file, mediaType: l.mediaType, digest: l.digest, diffId: l.diffId };
  });
}

/** Every entry below `root`: files with their content, links with their target, directories as `/`. */
function tree(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = fs.lstatSync(path.join(root, r));
    if (st.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(path.join(root, r))}`;
    else if (st.isDirectory()) Object.assign(out, { [`${r}/`]: '' }, tree(root, r));
    else out[r] = fs.readFileSync(path.join(root, r), 'utf8');
  }
  return out;
}

const many = (prefix: string, n: number, content: (i: number) => string): TarEntry[] =>
  Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}`, content: content(i) }));

test('a path written again, in the same layer or a later one, keeps its last content', async () => {
  const dir = tmp('cnpg-order-');
  const root = path.join(dir, 'root');
  const big = 'x'.repeat(3 * 1024 * 1024);
  await unpackLayers(
    sources(dir, [
      [
        { path: 'd/', dir: true },
        ...many('d/f', 50, (i) => `first ${i}`),
        { path: 'd/f7', content: big },
        { path: 'd/f7', content: 'second 7' },
        ...many('d/f', 20, (i) => `second ${i}`),
      ],
      [...many('d/f', 10, (i) => `third ${i}`), { path: 'd/f3', symlink: 'f4' }],
    ]),
    root,
  );
  const t = tree(root);
  expect(t['d/f0']).toBe('third 0');
  expect(t['d/f3']).toBe('-> f4');
  expect(t['d/f7']).toBe('third 7');
  expect(t['d/f15']).toBe('second 15');
  expect(t['d/f49']).toBe('first 49');
  expect(Object.keys(t)).toHaveLength(51);
});

test('many writes of a few paths, one after another: each keeps the last', async () => {
  const dir = tmp('cnpg-order-');
  const root = path.join(dir, 'root');
  const entries = Array.from({ length: 600 }, (_, i) => ({ path: `p${i % 3}`, content: `version ${i}` }));
  await unpackLayers(sources(dir, [entries]), root);
  expect(tree(root)).toEqual({ p0: 'version 597', p1: 'version 598', p2: 'version 599' });
});

test('a file replaced by a directory, a directory by a file, and a hard link to a file just written', async () => {
  const dir = tmp('cnpg-order-');
  const root = path.join(dir, 'root');
  await unpackLayers(
    sources(dir, [
      [
        ...many('f', 30, (i) => `file ${i}`),
        { path: 'a', content: 'a file' },
        { path: 'a/inner', content: 'under a, now a directory' },
        { path: 'b/', dir: true },
        { path: 'b/x', content: 'gone with b' },
        { path: 'link', hardlink: 'f29' },
      ],
      [{ path: 'b', content: 'b is a file' }, { path: '.wh.f0', content: '' }, ...many('g', 5, (i) => `g ${i}`)],
    ]),
    root,
  );
  const t = tree(root);
  expect(t['a/']).toBe('');
  expect(t['a/inner']).toBe('under a, now a directory');
  expect(t.b).toBe('b is a file');
  expect(t['b/x']).toBeUndefined();
  expect(t.f0).toBeUndefined();
  expect(t.f1).toBe('file 1');
  expect(t.link).toBe('file 29');
  expect(fs.statSync(path.join(root, 'link')).ino).toBe(fs.statSync(path.join(root, 'f29')).ino);
  expect(t.g4).toBe('g 4');
});
