import * as path from 'node:path';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import { expectValidCnpgObjects } from '../support/crd-validator';
import { synthModule } from '../support/synth';

describe('examples/cdk8s: from nothing to the Recipe 23 cluster on kind', () => {
  const { dir, files, objects } = synthModule(path.resolve(__dirname, '..', '..', 'examples', 'cdk8s', 'main.ts'));

  test('writes the kind config, the operator and the cluster in apply order', () => {
    expect(files).toEqual(['0000-cnpg-operator.k8s.yaml', '0001-angus.k8s.yaml', 'kind-config.yaml']);
    const kinds = objects.map((o) => o.kind);
    expect(kinds.indexOf('CustomResourceDefinition')).toBe(0);
    expect(kinds.lastIndexOf('CustomResourceDefinition')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('Namespace')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('Deployment')).toBeLessThan(kinds.indexOf('Cluster'));
  });

  test('the kind config is Kubernetes 1.35 (no gate needed) with the port mapping', () => {
    const kind = parse(fs.readFileSync(path.join(dir, 'kind-config.yaml'), 'utf8'));
    expect(kind).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      nodes: [
        {
          role: 'control-plane',
          image: expect.stringMatching(/^kindest\/node:v1\.35\.5@sha256:ce977ae6/),
          extraPortMappings: [{ containerPort: 30432, hostPort: 5432, listenAddress: '127.0.0.1' }],
        },
      ],
    });
  });

  test('every CNPG object validates against the emitted CRDs', () => {
    expect(expectValidCnpgObjects(objects)).toBe(2);
  });
});
