import { ExtensionImage } from '../../lib/core';

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
