import { buildCluster, clusterManifest, CnpgValidationError, ExtensionImage } from '../../lib/core';

describe('catalog images are shared and immutable', () => {
  test('the same factory arguments give the same instance; different ones do not', () => {
    expect(ExtensionImage.pgvector('0.8.1')).toBe(ExtensionImage.pgvector('0.8.1'));
    expect(ExtensionImage.pgvector('0.8.1')).not.toBe(ExtensionImage.pgvector('0.8.0'));
    expect(ExtensionImage.pgvector('0.8.1', { distro: 'bookworm' })).not.toBe(ExtensionImage.pgvector('0.8.1'));
    expect(ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true })).not.toBe(ExtensionImage.postgis('3.6.1'));
    expect(ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true }).props.env).toBeDefined();
    expect(ExtensionImage.postgis('3.6.1').props.env).toBeUndefined();
    const on = ExtensionImage.wal2json('2.6', { outputPluginLibraries: true });
    const off = ExtensionImage.wal2json('2.6', { outputPluginLibraries: false });
    expect([on.outputPluginLibraries, off.outputPluginLibraries, ExtensionImage.wal2json('2.6').outputPluginLibraries]).toEqual([
      true,
      false,
      undefined,
    ]);
  });

  test('what a shared image hands out cannot be changed by one user for the others', () => {
    const img = ExtensionImage.postgis('3.6.1');
    const list = img.databaseExtensions();
    expect(list).toBe(img.databaseExtensions());
    expect(Object.isFrozen(list) && list.every((e) => Object.isFrozen(e))).toBe(true);
    expect(() => (list as { name: string }[]).push({ name: 'x' })).toThrow(TypeError);
    expect(
      ExtensionImage.postgis('3.6.1')
        .databaseExtensions()
        .map((e) => e.name),
    ).toHaveLength(8);
    const bad = ExtensionImage.pgvector('not a version!');
    const problems = bad.validate();
    expect(problems).toBe(bad.validate());
    expect(Object.isFrozen(problems)).toBe(true);
    expect(problems).toContainEqual(expect.objectContaining({ field: 'version', value: 'not a version!' }));
  });

  test('a reference-less image is checked strictly or leniently, each answer kept apart', () => {
    const img = ExtensionImage.fromImageCatalog('pgvector');
    expect(img.validate(false)).toEqual([]);
    expect(img.validate(true)).toEqual([expect.objectContaining({ field: 'reference', message: 'an image reference is required' })]);
    expect(img.validate(false)).toEqual([]);
  });
});

describe('clusters that mount the same images share the image steps', () => {
  const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
  const storage = { size: '1Gi' };
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (e) {
      if (e instanceof CnpgValidationError) return e.problems.map((p) => `${p.field}: ${p.message}`);
      throw e;
    }
    return [];
  };

  test('the same operand and images: one frozen result for both clusters, which no cluster can change for the other', () => {
    // pgaudit brings a parameter (CNPG preloads it itself); timescaledb a preload library.
    const images = () => [ExtensionImage.pgaudit('18.0', { log: 'ddl' }), ExtensionImage.timescaledb('2.23.0')];
    const a = buildCluster('a', 'a', { imageName: IMAGE, storage, extensions: images() });
    const b = buildCluster('b', 'b', { imageName: IMAGE, storage, extensions: images() });
    expect(b.extensions).toBe(a.extensions);
    expect(b.spec.postgresql?.sharedPreloadLibraries).toBe(a.spec.postgresql?.sharedPreloadLibraries);
    expect(b.spec.postgresql?.parameters).toBe(a.spec.postgresql?.parameters);
    expect(a.spec.postgresql?.parameters).toEqual({ 'pgaudit.log': 'ddl' });
    expect(() => {
      (a.spec.postgresql?.parameters as Record<string, string>).work_mem = '1GB';
    }).toThrow(TypeError);
    expect(a.spec.postgresql?.sharedPreloadLibraries).toEqual(['timescaledb']);
    expect(() => a.spec.postgresql?.sharedPreloadLibraries?.push('x')).toThrow(TypeError);
    expect(() => (a.extensions as ExtensionImage[]).pop()).toThrow(TypeError);
    expect(b.spec.postgresql?.sharedPreloadLibraries).toEqual(['timescaledb']);
    expect((clusterManifest(a).spec as Record<string, unknown>).postgresql).toEqual(
      (clusterManifest(b).spec as Record<string, unknown>).postgresql,
    );
  });

  test("a cluster's own parameters or preload libraries are its own, merged with the images'", () => {
    const own = buildCluster('c', 'c', {
      imageName: IMAGE,
      storage,
      extensions: [ExtensionImage.pgaudit('18.0', { log: 'ddl' }), ExtensionImage.timescaledb('2.23.0')],
      postgresql: { parameters: { work_mem: '8MB' }, sharedPreloadLibraries: ['auto_explain'] },
    });
    expect(own.spec.postgresql?.parameters).toEqual({ work_mem: '8MB', 'pgaudit.log': 'ddl' });
    expect(own.spec.postgresql?.sharedPreloadLibraries).toEqual(['auto_explain', 'timescaledb']);
    expect(Object.isFrozen(own.spec.postgresql?.sharedPreloadLibraries)).toBe(false);
    const plain = buildCluster('d', 'd', {
      imageName: IMAGE,
      storage,
      extensions: [ExtensionImage.pgaudit('18.0', { log: 'ddl' }), ExtensionImage.timescaledb('2.23.0')],
    });
    expect(plain.spec.postgresql?.parameters).toEqual({ 'pgaudit.log': 'ddl' });
    expect(plain.spec.postgresql?.sharedPreloadLibraries).toEqual(['timescaledb']);
  });

  test('another operand image is checked again: a bookworm operand after a trixie one still names the Debian mismatch', () => {
    const img = ExtensionImage.pgvector('0.8.1');
    expect(problemsOf(() => buildCluster('e', 'e', { imageName: IMAGE, storage, extensions: [img] }))).toEqual([]);
    expect(
      problemsOf(() =>
        buildCluster('f', 'f', { imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-bookworm', storage, extensions: [img] }),
      ),
    ).toEqual([expect.stringMatching(/^extensions\[0\]\.reference: is built on Debian trixie but the operand image on bookworm/)]);
    // And a clean cluster after the failing one is still clean (problems are never kept).
    expect(problemsOf(() => buildCluster('g', 'g', { imageName: IMAGE, storage, extensions: [img] }))).toEqual([]);
  });
});
