// A red-team pass on the unpacker: images built byte by byte to attack it, pushed to a real registry
// (Debian's docker-registry on 127.0.0.1) and pulled as users pull them. Each attack must be refused with a stable
// finding code, leave nothing outside the unpack root, and leave nothing behind.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pullImage } from '../../lib/images/pull';
import { RegistryClient } from '../../lib/images/registry';
import { UnsafeLayerError } from '../../lib/images/unpack';
import { HELLO } from '../support/extension-images';
import { image, layer, tar } from '../support/oci';
import { bombLayer, hugeWindowZstdLayer, imageWithConfig, paxFile, rawLayer, TAR_END } from '../support/oci-hostile';
import { startRegistry, type TestRegistry } from '../support/registry';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
let reg: TestRegistry;
let cache: string;
const client = () => new RegistryClient({ cacheDir: cache, credentials: () => undefined });
let n = 0;
const push = async (img: Parameters<TestRegistry['push']>[2]) => {
  const repo = `hostile/case${++n}`;
  await reg.push(repo, '1', img);
  return `${reg.host}/${repo}:1`;
};

beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg.stop());
beforeEach(() => {
  cache = tmp('cnpg-cache-');
});

/** A parent directory with a sentinel file next to the unpack root: nothing may touch it. */
function arena() {
  const parent = tmp('cnpg-hostile-');
  fs.writeFileSync(path.join(parent, 'sentinel'), 'outside the image');
  fs.mkdirSync(path.join(parent, 'beside'));
  fs.writeFileSync(path.join(parent, 'beside', 'file'), 'outside too');
  const root = path.join(parent, 'root');
  const untouched = () => {
    expect(fs.readdirSync(parent).sort()).toEqual(['beside', 'sentinel']);
    expect(fs.readFileSync(path.join(parent, 'sentinel'), 'utf8')).toBe('outside the image');
    expect(fs.statSync(path.join(parent, 'sentinel')).nlink).toBe(1);
    expect(fs.readdirSync(path.join(parent, 'beside'))).toEqual(['file']);
  };
  return { parent, root, untouched };
}

async function refused(ref: string, root: string, code: string, message: RegExp) {
  const err = await pullImage(ref, root, { client: client() }).catch((e) => e);
  expect(err).toBeInstanceOf(UnsafeLayerError);
  expect(err.finding.code).toBe(code);
  expect(err.message).toMatch(message);
  expect(err.message).toMatch(/refusing to unpack the image/);
}

describe('whiteouts', () => {
  test.each([
    ['".wh..." at the top (the parent of the root)', [{ path: '.wh...', content: '' }]],
    [
      '"sub/.wh..." (the root itself)',
      [
        { path: 'sub/', dir: true as const },
        { path: 'sub/.wh...', content: '' },
      ],
    ],
    ['".wh.." (the root itself)', [{ path: '.wh..', content: '' }]],
    ['"a/b/.wh..." (its own parent)', [{ path: 'a/b/.wh...', content: '' }]],
  ])('a whiteout naming %s is refused and deletes nothing', async (_what, entries) => {
    const base = layer(HELLO);
    const ref = await push(image([base, layer(entries)]));
    const { root, untouched } = arena();
    await refused(ref, root, 'layer-whiteout-invalid', /is a whiteout that names "\.{0,2}", not an entry of its directory/);
    untouched();
  });

  test('ordinary whiteouts and opaque directories still apply', async () => {
    const base = layer({ ...HELLO, 'doc/a.txt': 'a', 'doc/b.txt': 'b' });
    const top = layer([
      { path: 'doc/', dir: true },
      { path: 'doc/.wh..wh..opq', content: '' },
      { path: 'doc/c.txt', content: 'c' },
      { path: 'share/extension/.wh.hello--1.0--1.1.sql', content: '' },
    ]);
    const ref = await push(image([base, top]));
    const { root } = arena();
    await pullImage(ref, root, { client: client() });
    expect(fs.readdirSync(path.join(root, 'doc'))).toEqual(['c.txt']);
    expect(fs.readdirSync(path.join(root, 'share', 'extension')).sort()).toEqual(['hello--1.0.sql', 'hello.control']);
  });
});

describe('links resolved inside the root, chains included', () => {
  test('a chain of links that each look local but climb out is refused when it is made', async () => {
    // d/up -> ..  is the root (local); d/out -> up/..  reads as "d" but is the root's parent.
    const ref = await push(
      image([
        layer([
          { path: 'd/', dir: true },
          { path: 'd/up', symlink: '..' },
          { path: 'd/out', symlink: 'up/..' },
        ]),
      ]),
    );
    const { root, untouched } = arena();
    await refused(ref, root, 'layer-symlink-escapes', /entry "d\/out" is a symbolic link to "up\/\.\.", which resolves outside the image/);
    untouched();
  });

  test('the same chain made in the other order, across layers, is refused once all layers are applied', async () => {
    const ref = await push(
      image([
        layer([
          { path: 'd/', dir: true },
          { path: 'd/out', symlink: 'up/..' },
        ]),
        layer([{ path: 'd/up', symlink: '..' }]),
      ]),
    );
    const { root, untouched } = arena();
    await refused(
      ref,
      root,
      'layer-symlink-escapes',
      /entry "d\/out" is a symbolic link to "up\/\.\.", which, once all layers are applied/,
    );
    untouched();
  });

  test('a hard link through such a chain to a file outside the root is refused (no link to the sentinel)', async () => {
    // e -> d/up/.. is made while d/up does not exist (so it resolves to "d"), then d/up -> .., then a hard link
    // through e: the host's kernel would resolve e/../sentinel... to the sentinel beside the root.
    const ref = await push(
      image([
        layer([
          { path: 'd/', dir: true },
          { path: 'e', symlink: 'd/up/..' },
          { path: 'd/up', symlink: '..' },
          { path: 'stolen', hardlink: 'e/sentinel' },
        ]),
      ]),
    );
    const { root, untouched } = arena();
    await refused(ref, root, 'layer-hardlink-escapes', /entry "stolen" is a hard link to "e\/sentinel", which resolves outside the image/);
    untouched();
  });

  test('links that stay inside, through other links, are kept', async () => {
    const ref = await push(
      image([
        layer([
          ...Object.entries(HELLO).map(([p, content]) => ({ path: p, content })),
          { path: 'lib/', dir: true },
          { path: 'lib/real.so', content: 'x' },
          { path: 'lib/alias', symlink: '../share/../lib' },
          { path: 'share/mod.so', symlink: '../lib/alias/real.so' },
          { path: 'lib/copy.so', hardlink: 'lib/alias/real.so' },
        ]),
      ]),
    );
    const { root } = arena();
    await pullImage(ref, root, { client: client() });
    expect(fs.readFileSync(path.join(root, 'share', 'mod.so'), 'utf8')).toBe('x');
    expect(fs.statSync(path.join(root, 'lib', 'copy.so')).nlink).toBe(2);
  });
});

describe('paths deeper than the system allows', () => {
  test('a 5000-byte path is refused cleanly, and nothing is left behind', async () => {
    const deep = `${'a/'.repeat(2500)}x.txt`;
    const ref = await push(image([await rawLayer(Buffer.concat([paxFile(deep, 'x'), TAR_END]))]));
    const { root, untouched } = arena();
    await refused(ref, root, 'layer-path-too-long', /over the system's limit of 4095 \(PATH_MAX\)/);
    untouched();
  });

  test('a name over 255 bytes is refused', async () => {
    const ref = await push(image([await rawLayer(Buffer.concat([paxFile(`share/${'n'.repeat(300)}`, 'x'), TAR_END]))]));
    const { root, untouched } = arena();
    await refused(ref, root, 'layer-path-too-long', /has a name of 300 bytes, over the system's limit of 255 \(NAME_MAX\)/);
    untouched();
  });
});

describe('every layer checked against the config', () => {
  test('a config without rootfs.diff_ids is refused', async () => {
    const ref = await push(imageWithConfig([layer(HELLO)], { os: 'linux', architecture: 'amd64', config: {} }));
    const { root, untouched } = arena();
    await refused(ref, root, 'image-config-no-diff-ids', /lists no rootfs\.diff_ids for 1 layer\(s\)/);
    untouched();
  });

  test('a config with fewer diff_ids than layers is refused (the unchecked layer would pass)', async () => {
    const a = layer(HELLO);
    const b = layer({ 'share/extra.txt': 'unchecked' });
    const ref = await push(
      imageWithConfig([a, b], { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [a.diffId] } }),
    );
    const { root, untouched } = arena();
    await refused(ref, root, 'image-config-no-diff-ids', /lists 1 rootfs\.diff_ids for 2 layer\(s\)/);
    untouched();
  });
});

describe('memory bounded for every compression (the built library, in its own process)', () => {
  const built = path.join(__dirname, '..', '..', 'build', 'lib', 'images');
  /** Pulls `ref` in a fresh Node process with the built library; its own peak RSS (VmHWM) and the refusal. */
  const pullInChild = (ref: string, maxUnpackedBytes: number) => {
    const root = path.join(tmp('cnpg-bomb-'), 'root');
    const script = `
      const { pullImage } = require(${JSON.stringify(path.join(built, 'pull.js'))});
      const { RegistryClient } = require(${JSON.stringify(path.join(built, 'registry.js'))});
      pullImage(process.argv[1], process.argv[2], {
        client: new RegistryClient({ cacheDir: process.argv[3], credentials: () => undefined }),
        maxUnpackedBytes: Number(process.argv[4]),
      }).then(() => ({ ok: true }), (e) => ({ code: e.finding && e.finding.code, message: e.message }))
        // VmHWM, this process's own peak: getrusage's maxRSS keeps the parent's peak across fork and exec.
        .then((r) => process.stdout.write(JSON.stringify({ ...r, maxRssMb: Number(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]) / 1024 })));`;
    const out = execFileSync(process.execPath, ['-e', script, ref, root, cache, String(maxUnpackedBytes)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return { ...(JSON.parse(out) as { ok?: boolean; code?: string; message?: string; maxRssMb: number }), left: fs.existsSync(root) };
  };

  test('a zstd layer of a few hundred kB that expands to 2 GiB stops at the limit without growing memory', async () => {
    const bomb = await bombLayer('zstd', 2 * 1024 ** 3);
    expect(bomb.size).toBeLessThan(1024 * 1024);
    const r = pullInChild(await push(image([bomb])), 256 * 1024 * 1024);
    expect(r.code).toBe('layer-too-large');
    expect(r.message).toMatch(/unpacks to more than 268435456 bytes \(the limit\)/);
    expect(r.maxRssMb).toBeLessThan(400);
    expect(r.left).toBe(false);
  });

  test('a gzip layer that expands to 1 GiB stops at the limit without growing memory', async () => {
    const bomb = await bombLayer('gzip', 1024 ** 3);
    expect(bomb.size).toBeLessThan(2 * 1024 * 1024);
    const r = pullInChild(await push(image([bomb])), 256 * 1024 * 1024);
    expect(r.code).toBe('layer-too-large');
    expect(r.maxRssMb).toBeLessThan(400);
    expect(r.left).toBe(false);
  });

  test('a zstd frame that asks for a 2 GiB window is refused before anything is allocated for it', async () => {
    const raw = tar([{ path: 'share/extension/x.control', content: "default_version = '1'\n" }]);
    const r = pullInChild(await push(image([hugeWindowZstdLayer(raw, 31)])), 256 * 1024 * 1024);
    expect(r.code).toBe('layer-zstd-window-too-large');
    expect(r.message).toMatch(/a zstd frame needs a window of 2147483648 bytes, over the limit of 134217728/);
    expect(r.maxRssMb).toBeLessThan(400);
    expect(r.left).toBe(false);
  });

  test("zstd layers within the limits unpack: the zstd CLI's, and one with a declared 1 MiB window in raw blocks", async () => {
    const one = layer(HELLO, 'zstd');
    const raw = tar([{ path: 'share/extension/x.control', content: "default_version = '1'\n" }]);
    const windowed = hugeWindowZstdLayer(raw, 20);
    const root = path.join(tmp('cnpg-zstd-'), 'root');
    await pullImage(await push(image([one, windowed])), root, { client: client() });
    expect(fs.readdirSync(path.join(root, 'share', 'extension')).sort()).toEqual([
      'hello--1.0--1.1.sql',
      'hello--1.0.sql',
      'hello.control',
      'x.control',
    ]);
  });
});
