import { clusterManifest, buildCluster, ExtensionImage, type KubeObject } from '../../lib/core';
import { validateCnpgObject } from '../support/crd-validator';

const good = (): KubeObject =>
  clusterManifest(
    buildCluster('t', 'angus', {
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie',
      storage: { size: '1Gi' },
      extensions: [ExtensionImage.pgvector('0.8.1')],
    }),
  );

describe('the CRD validator rejects what the API server would', () => {
  test('a valid Cluster passes', () => {
    expect(validateCnpgObject(good())).toEqual([]);
  });

  test('an unknown field is rejected', () => {
    const o = good();
    (o.spec as Record<string, unknown>).imageNmae = 'typo';
    expect(validateCnpgObject(o)).toEqual([expect.objectContaining({ path: '.spec.imageNmae', message: 'unknown field "imageNmae"' })]);
  });

  test('a CEL rule is evaluated: imageName and imageCatalogRef are mutually exclusive', () => {
    const o = good();
    (o.spec as Record<string, unknown>).imageCatalogRef = {
      apiGroup: 'postgresql.cnpg.io',
      kind: 'ClusterImageCatalog',
      name: 'x',
      major: 18,
    };
    expect(
      validateCnpgObject(o)
        .map((e) => e.message)
        .join('\n'),
    ).toContain('imageName and imageCatalogRef are mutually exclusive');
  });

  test('a CEL rule is evaluated: reserved database name', () => {
    const db: KubeObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'x' },
      spec: { name: 'postgres', owner: 'app', cluster: { name: 'angus' } },
    };
    expect(
      validateCnpgObject(db)
        .map((e) => e.message)
        .join('\n'),
    ).toContain('the name postgres is reserved');
  });

  test('the extension name pattern and list-map keys are enforced', () => {
    const o = good();
    const pg = o.spec as { postgresql: { extensions: { name: string }[] } };
    pg.postgresql.extensions.push({ name: 'pgvector' }, { name: 'Bad_' });
    const msgs = validateCnpgObject(o).map((e) => `${e.path} ${e.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringContaining('duplicate key ["pgvector"]'),
        expect.stringMatching(/extensions\[2\]\.name must match/),
      ]),
    );
  });

  test('wrong types and a missing required field are rejected', () => {
    const o = good();
    (o.spec as Record<string, unknown>).instances = 'one';
    delete (o.spec as Record<string, unknown>).storage;
    const db: KubeObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'x' },
      spec: { name: 'app', cluster: { name: 'angus' } },
    };
    expect(validateCnpgObject(o).map((e) => e.message)).toContain('must be of type integer, got string');
    expect(validateCnpgObject(db).map((e) => e.message)).toContain('required field "owner" is missing');
  });
});
