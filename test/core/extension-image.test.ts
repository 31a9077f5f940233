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
    const plainFirst = buildCluster('x', 'x', {
      imageName: IMAGE,
      storage,
      extensions: [ExtensionImage.pgaudit('18.0', { log: 'ddl' }), ExtensionImage.timescaledb('2.23.0')],
    });
    expect(own.spec.postgresql?.sharedPreloadLibraries).not.toBe(plainFirst.spec.postgresql?.sharedPreloadLibraries);
    expect(own.spec.postgresql?.parameters).not.toBe(plainFirst.spec.postgresql?.parameters);
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

describe('clusters that differ only by name share their checked model', () => {
  const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
  const props = () => ({
    imageName: IMAGE,
    instances: 3,
    storage: { size: '2Gi' },
    extensions: [ExtensionImage.pgvector('0.8.1'), ExtensionImage.postgis('3.6.1')],
    postgresql: { parameters: { work_mem: '16MB' } },
  });
  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof CnpgValidationError) return e.message;
      throw e;
    }
    return 'no error';
  };

  test('one frozen spec, and one serialized wire spec for the shared (cdk8s) manifests; names, labels and namespaces stay each its own', () => {
    const a = buildCluster('a', 'db-a', props());
    const b = buildCluster('b', 'db-b', { ...props(), labels: undefined });
    const c = buildCluster('c', 'db-c', { ...props(), namespace: 'team' });
    expect([a.name, b.name, c.name]).toEqual(['db-a', 'db-b', 'db-c']);
    expect(c.namespace).toBe('team');
    expect(b.spec).not.toBe(a.spec); // `labels: undefined` is another key (an unknown key would be a problem even when undefined)
    const d = buildCluster('d', 'db-d', props());
    expect(d.spec).toBe(a.spec);
    expect(Object.isFrozen(a.spec) && Object.isFrozen(a.spec.storage)).toBe(true);
    expect(clusterManifest(d, true).spec).toBe(clusterManifest(a, true).spec);
    expect(clusterManifest(d).spec).not.toBe(clusterManifest(a).spec);
    expect(clusterManifest(d).spec).toEqual(clusterManifest(a).spec);
    expect(clusterManifest(d, true).metadata).toEqual({ name: 'db-d' });
  });

  test('a shared model still checks the name, with the same problem a first build gives', () => {
    buildCluster('a', 'ok', props());
    const onHit = failure(() => buildCluster('p', 'x', { ...props(), name: 'Not_A_Label' }));
    expect(onHit).toMatch(/^PostgresCluster at 'p' is invalid: name: the cluster name must be a lowercase DNS-1035 label/);
    const fresh = failure(() => buildCluster('p', 'x', { ...props(), instances: 2, name: 'Not_A_Label' }));
    expect(fresh).toBe(onHit);
    expect(failure(() => buildCluster('q', 'x', { ...props(), name: 7 as never }))).toMatch(/name: must be a string, not a number/);
  });

  test('any other difference is checked in full: a nested value, an unknown key (even undefined), a typo in a nested object', () => {
    const a = buildCluster('a', 'db-a', props());
    const bigger = buildCluster('b', 'db-b', { ...props(), storage: { size: '5Gi' } });
    expect(bigger.spec.storage?.size).toBe('5Gi');
    expect(a.spec.storage?.size).toBe('2Gi');
    expect(failure(() => buildCluster('c', 'db-c', { ...props(), instance: undefined } as never))).toMatch(
      /instance: is not a known option \(got "instance"\)\. Fix: did you mean "instances"/,
    );
    expect(failure(() => buildCluster('d', 'db-d', { ...props(), storage: { size: '2Gi', storageclass: 'fast' } } as never))).toMatch(
      /storage\.storageclass: is not a known option/,
    );
  });

  test('parameters in another order are another cluster (the spec keeps each cluster\'s order); a JSON "__proto__" key is data', () => {
    const ab = buildCluster('a', 'db-a', { ...props(), postgresql: { parameters: { work_mem: '16MB', max_connections: '200' } } });
    const ba = buildCluster('b', 'db-b', { ...props(), postgresql: { parameters: { max_connections: '200', work_mem: '16MB' } } });
    expect(Object.keys(ab.spec.postgresql?.parameters ?? {})).toEqual(['work_mem', 'max_connections']);
    expect(Object.keys(ba.spec.postgresql?.parameters ?? {})).toEqual(['max_connections', 'work_mem']);
    const fromJson = JSON.parse('{"storage": {"size": "2Gi"}, "labels": {"__proto__": "x"}}');
    expect(failure(() => buildCluster('j', 'db-j', { ...props(), ...fromJson }))).toMatch(
      /labels\.__proto__: is a key that reaches the object prototype/,
    );
    expect(failure(() => buildCluster('k', 'db-k', { ...props(), ...fromJson }))).toMatch(/labels\.__proto__/);
  });

  test('after a long run of all-different clusters, clusters that repeat are shared again (only every 16th miss is remembered)', () => {
    for (let i = 0; i < 40; i++) buildCluster(`v${i}`, `v${i}`, { ...props(), storage: { size: `${i + 10}Gi` } });
    const same = Array.from({ length: 20 }, (_, i) => buildCluster(`s${i}`, `s${i}`, { ...props(), instances: 5 }));
    expect(same[19].spec).toBe(same[18].spec);
    expect(same.map((m) => m.name).at(-1)).toBe('s19');
  });

  test("the user's own pass-through objects are never frozen or shared", () => {
    const bootstrap = { initdb: { database: 'app', owner: 'app' } };
    const a = buildCluster('a', 'db-a', { ...props(), bootstrap });
    const b = buildCluster('b', 'db-b', { ...props(), bootstrap: { initdb: { database: 'app', owner: 'app' } } });
    expect(Object.isFrozen(bootstrap) || Object.isFrozen(bootstrap.initdb)).toBe(false);
    expect(a.spec).not.toBe(b.spec);
    bootstrap.initdb.database = 'other';
    expect(b.spec.bootstrap?.initdb?.database).toBe('app');
  });
});
