import { parse, stringify } from 'yaml';
import { buildKindConfig, CnpgValidationError, KIND_NODE_IMAGES } from '../../lib/core';

// The fields of kind.x-k8s.io/v1alpha4 (sigs.k8s.io/kind/pkg/apis/config/v1alpha4/types.go): kind's
// decoder is strict, so anything else makes `kind create cluster` fail.
const CLUSTER_FIELDS = [
  'kind',
  'apiVersion',
  'name',
  'nodes',
  'networking',
  'featureGates',
  'runtimeConfig',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
  'containerdConfigPatches',
  'containerdConfigPatchesJSON6902',
];
const NODE_FIELDS = ['role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902'];
const PORT_FIELDS = ['containerPort', 'hostPort', 'listenAddress', 'protocol'];

function expectOnlyKindFields(cfg: Record<string, unknown>) {
  expect(Object.keys(cfg).filter((k) => !CLUSTER_FIELDS.includes(k))).toEqual([]);
  for (const n of cfg.nodes as Record<string, unknown>[]) {
    expect(Object.keys(n).filter((k) => !NODE_FIELDS.includes(k))).toEqual([]);
    for (const p of (n.extraPortMappings as Record<string, unknown>[]) ?? [])
      expect(Object.keys(p).filter((k) => !PORT_FIELDS.includes(k))).toEqual([]);
  }
}

describe('kind config', () => {
  test.each([
    ['1.33', true, 'v1.33.12'],
    ['1.34', true, 'v1.34.8'],
    ['1.35', false, 'v1.35.5'],
    ['1.36', false, 'v1.36.1'],
  ])('Kubernetes %s: ImageVolume gate %s, node image %s pinned by digest', (version, gate, tag) => {
    const cfg = buildKindConfig('app/kind', { kubernetesVersion: version, imageVolumes: true });
    expect(cfg.featureGates).toEqual(gate ? { ImageVolume: true } : undefined);
    expect(cfg.nodes[0].image).toMatch(new RegExp(`^kindest/node:${tag.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(cfg).not.toHaveProperty('metadata');
    expectOnlyKindFields(cfg as unknown as Record<string, unknown>);
  });

  test('round-trips through YAML and keeps workers and port mappings', () => {
    const cfg = buildKindConfig('app/kind', {
      kubernetesVersion: '1.34',
      workers: 2,
      extraPortMappings: [{ containerPort: 30432, hostPort: 5432, listenAddress: '127.0.0.1' }],
    });
    expect(parse(stringify(cfg))).toStrictEqual(cfg);
    expect(cfg.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(cfg.nodes[0].extraPortMappings).toEqual([{ containerPort: 30432, hostPort: 5432, listenAddress: '127.0.0.1' }]);
    expect(cfg).toEqual(
      expect.objectContaining({ apiVersion: 'kind.x-k8s.io/v1alpha4', kind: 'Cluster', featureGates: { ImageVolume: true } }),
    );
  });

  test('refuses Kubernetes below 1.33 when a cluster mounts extension images', () => {
    expect(() =>
      buildKindConfig('app/kind', {
        kubernetesVersion: '1.32',
        nodeImage: `kindest/node:v1.32.11@sha256:${'a'.repeat(64)}`,
        imageVolumes: true,
      }),
    ).toThrow(
      /KindConfig at 'app\/kind' is invalid: kubernetesVersion: a cluster mounts extension images.*\(got "1.32"\)\. Fix: use kubernetesVersion "1.33" or later/,
    );
  });

  test('unknown versions and unpinned images are errors', () => {
    expect(() => buildKindConfig('k', { kubernetesVersion: '1.37' })).toThrow(/publishes no digest-pinned node image for Kubernetes 1.37/);
    expect(() => buildKindConfig('k', { nodeImage: 'kindest/node:v1.35.5' })).toThrow(/not pinned by digest/);
    expect(() => buildKindConfig('k', { kindRelease: 'v0.99.0' })).toThrow(CnpgValidationError);
  });

  test('every pinned image is a full sha256 digest', () => {
    for (const images of Object.values(KIND_NODE_IMAGES))
      for (const img of Object.values(images)) expect(img).toMatch(/^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });
});
