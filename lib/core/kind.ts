import { isIP } from 'node:net';
import { checkKnownKeys } from './keys';
import { propsSchema } from './props-schema';
import { checkRuntimeTypes } from './runtime-types';
import { type Problem, throwIfProblems } from './errors';
import { DNS_LABEL_PATTERN } from './names';

/** kind releases and the node images they publish, pinned by digest (kind release notes). */
export const KIND_NODE_IMAGES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'v0.32.0': {
    '1.36': 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
    '1.35': 'kindest/node:v1.35.5@sha256:ce977ae6d65918d0b58a5f8b5e940429c2ce42fa3a5619ec2bbc60b949c0ac95',
    '1.34': 'kindest/node:v1.34.8@sha256:02722c2dedddcfc00febf5d27fbeb9b7b2c14294c82109ff4a85d89ac9ba3256',
    '1.33': 'kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4',
  },
  'v0.31.0': {
    '1.35': 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f',
    '1.34': 'kindest/node:v1.34.3@sha256:08497ee19eace7b4b5348db5c6a1591d7752b164530a36f855cb0f2bdcbadd48',
    '1.33': 'kindest/node:v1.33.7@sha256:d26ef333bdb2cbe9862a0f7c3803ecc7b4303d8cea8e814b481b09949d353040',
  },
  'v0.30.0': {
    '1.34': 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
    '1.33': 'kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2',
  },
  'v0.29.0': {
    '1.33': 'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f',
  },
};

/** The kind release this library pins by default (latest verified). */
export const DEFAULT_KIND_RELEASE = 'v0.32.0';
/** Kubernetes minor used by default: kind v0.32.0's default node image. */
export const DEFAULT_KUBERNETES_VERSION = '1.36';

/** A port of the node container published on the host (so a NodePort can reach Postgres). */
export interface KindPortMapping {
  /** Port inside the node container (e.g. a NodePort such as 30432). */
  readonly containerPort: number;
  /**
   * Port on the host.
   * @default - kind picks one at random
   */
  readonly hostPort?: number;
  /**
   * Host address to listen on.
   * @default - kind's 0.0.0.0 (consider "127.0.0.1")
   */
  readonly listenAddress?: string;
  /**
   * Protocol.
   * @default - kind's TCP
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Props of the kind cluster config (`kind.x-k8s.io/v1alpha4`). */
export interface KindConfigProps {
  /**
   * Kubernetes minor (`1.33` ... `1.36`). The ImageVolume feature gate is set for 1.33 and 1.34, where it
   * is off by default, and left out from 1.35 on.
   * @default '1.36'
   */
  readonly kubernetesVersion?: string;
  /**
   * kind release whose node images are pinned by digest.
   * @default 'v0.32.0'
   */
  readonly kindRelease?: string;
  /**
   * Node image, when not from the table (must be pinned by digest).
   * @default - from the kind release table
   */
  readonly nodeImage?: string;
  /**
   * Cluster name (`kind create cluster` uses it unless --name is given).
   * @default - not emitted (kind's "kind")
   */
  readonly name?: string;
  /**
   * Number of worker nodes besides the control plane.
   * @default 0
   */
  readonly workers?: number;
  /**
   * Ports of the control-plane node published on the host.
   * @default - none
   */
  readonly extraPortMappings?: readonly KindPortMapping[];
  /**
   * Whether any cluster mounts extension images (set by `synthesize`): then Kubernetes must be 1.33+.
   * @default false
   */
  readonly imageVolumes?: boolean;
}

/** The kind config, with only fields kind's strict decoder knows. */
export interface KindClusterConfig {
  kind: 'Cluster';
  apiVersion: 'kind.x-k8s.io/v1alpha4';
  name?: string;
  featureGates?: Record<string, boolean>;
  nodes: { role: 'control-plane' | 'worker'; image: string; extraPortMappings?: KindPortMapping[] }[];
}

function minorOf(v: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Keys and run-time types of {@link KindConfigProps}. */
const KIND_SCHEMA = propsSchema<KindConfigProps>()({
  kubernetesVersion: 'string',
  kindRelease: 'string',
  nodeImage: 'string',
  name: 'string',
  workers: 'int32',
  extraPortMappings: 'array',
  imageVolumes: 'boolean',
});

/**
 * Checks the props (throwing a {@link CnpgValidationError} naming `path` with every problem) and builds the kind
 * config: the node image of the Kubernetes version for the kind release, the `ImageVolume` gate where it is needed.
 */
export function buildKindConfig(path: string, props: KindConfigProps = {}): KindClusterConfig {
  throwIfProblems(path, 'KindConfig', checkRuntimeTypes('', props, KIND_SCHEMA.types));
  const problems: Problem[] = [...checkKnownKeys('', props, KIND_SCHEMA.keys)];
  const release = props.kindRelease ?? DEFAULT_KIND_RELEASE;
  // Without kubernetesVersion, a node image's own version decides (the feature gate must match the node).
  const imageMinor = typeof props.nodeImage === 'string' ? /:v(\d+\.\d+)(?:\.\d+)?(?:@|$)/.exec(props.nodeImage)?.[1] : undefined;
  const version = props.kubernetesVersion ?? imageMinor ?? DEFAULT_KUBERNETES_VERSION;
  const mm = minorOf(version);
  const table = KIND_NODE_IMAGES[release];
  if (!table) {
    problems.push({
      code: 'kind-release-unknown',
      field: 'kindRelease',
      message: 'is not a kind release this library has pinned node images for',
      value: release,
      fix: `use one of ${Object.keys(KIND_NODE_IMAGES).join(', ')}, or set nodeImage`,
    });
  }
  if (!mm) {
    problems.push({
      code: 'kind-kubernetes-version-invalid',
      field: 'kubernetesVersion',
      message: 'is not a Kubernetes version',
      value: version,
      fix: 'use a minor such as "1.35"',
    });
  }
  const minorKey = mm ? `${mm[0]}.${mm[1]}` : version;
  if (mm && props.imageVolumes && (mm[0] < 1 || (mm[0] === 1 && mm[1] < 33))) {
    problems.push({
      code: 'kind-kubernetes-too-old-for-image-volumes',
      field: 'kubernetesVersion',
      message: 'a cluster mounts extension images, which need the ImageVolume feature (Kubernetes 1.33+, gate on by default from 1.35)',
      value: version,
      fix: 'use kubernetesVersion "1.33" or later',
    });
  }
  let image = props.nodeImage;
  if (image !== undefined && !/@sha256:[0-9a-f]{64}$/.test(image)) {
    problems.push({
      code: 'kind-node-image-not-pinned',
      field: 'nodeImage',
      message: 'is not pinned by digest; the tag alone may name an image built for another kind release',
      value: image,
      fix: 'append @sha256:<digest> from the kind release notes',
    });
  }
  // The feature gate follows kubernetesVersion: a node image of another minor would get the wrong one.
  const nodeMinor = imageMinor;
  if (nodeMinor !== undefined && mm && nodeMinor !== minorKey) {
    problems.push({
      code: 'kind-node-image-version-mismatch',
      field: 'nodeImage',
      message: `is Kubernetes ${nodeMinor}, but kubernetesVersion is ${minorKey}: the ImageVolume feature gate is decided from kubernetesVersion`,
      value: props.nodeImage,
      fix: `set kubernetesVersion: "${nodeMinor}", or use a node image of Kubernetes ${minorKey}`,
    });
  }
  if (image === undefined && table && mm) {
    image = table[minorKey];
    if (!image) {
      problems.push({
        code: 'kind-node-image-unknown',
        field: 'kubernetesVersion',
        message: `kind ${release} publishes no digest-pinned node image for Kubernetes ${minorKey} that this library knows`,
        value: version,
        fix: `use one of ${Object.keys(table).join(', ')}, another kindRelease, or set nodeImage`,
      });
    }
  }
  const workers = props.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0)
    problems.push({
      code: 'kind-workers-invalid',
      field: 'workers',
      message: 'must be a whole number of at least 0',
      value: props.workers,
      fix: 'use a whole number of at least 0: 0 for a single node, or the number of workers',
    });
  const hostPorts = new Set<string>();
  (props.extraPortMappings ?? []).forEach((p, i) => {
    const f = `extraPortMappings[${i}]`;
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
      problems.push({
        code: 'kind-container-port-invalid',
        field: `${f}.containerPort`,
        message: 'must be a port from 1 to 65535',
        value: p.containerPort,
        fix: 'use the NodePort of the service, e.g. 30432',
      });
    if (p.hostPort !== undefined && (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535))
      problems.push({
        code: 'kind-host-port-invalid',
        field: `${f}.hostPort`,
        message: 'must be a port from 0 to 65535',
        value: p.hostPort,
        fix: 'use a free host port, e.g. 5432',
      });
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol))
      problems.push({
        code: 'kind-protocol-invalid',
        field: `${f}.protocol`,
        message: 'must be TCP, UDP or SCTP',
        value: p.protocol,
        fix: 'use "TCP"',
      });
    if (p.listenAddress !== undefined && !isIP(p.listenAddress))
      problems.push({
        code: 'kind-listen-address-invalid',
        field: `${f}.listenAddress`,
        message: 'is not an IP address',
        value: p.listenAddress,
        fix: 'use "127.0.0.1" or "0.0.0.0"',
      });
    if (p.hostPort) {
      const key = `${p.listenAddress ?? '0.0.0.0'}:${p.hostPort}/${p.protocol ?? 'TCP'}`;
      if (hostPorts.has(key))
        problems.push({
          code: 'kind-host-port-duplicate',
          field: `${f}.hostPort`,
          message: 'is published twice',
          value: p.hostPort,
          fix: 'use distinct host ports',
        });
      hostPorts.add(key);
    }
  });
  if (props.name !== undefined && !DNS_LABEL_PATTERN.test(props.name))
    problems.push({
      code: 'kind-name-invalid',
      field: 'name',
      message: 'is not a valid kind cluster name',
      value: props.name,
      fix: 'use lowercase letters, digits and "-"',
    });
  throwIfProblems(path, 'KindConfig', problems);

  const gate = mm !== undefined && mm[0] === 1 && (mm[1] === 33 || mm[1] === 34);
  const controlPlane: KindClusterConfig['nodes'][number] = { role: 'control-plane', image: image as string };
  if (props.extraPortMappings?.length) controlPlane.extraPortMappings = props.extraPortMappings.map((p) => ({ ...p }));
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    ...(props.name ? { name: props.name } : {}),
    ...(gate ? { featureGates: { ImageVolume: true } } : {}),
    nodes: [controlPlane, ...Array.from({ length: workers }, () => ({ role: 'worker' as const, image: image as string }))],
  };
}
