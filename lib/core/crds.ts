// Which CRD validates an object: CNPG's kinds (postgresql.cnpg.io) from the operator release the objects target, and
// the kinds of other projects this library emits from the CRDs it ships in data/ (lib/core/shipped.ts).
import { type KubeObject, type OperatorManifest, OperatorManifestError } from './operator-manifest';
import { isShipped, type ShippedFile, ShippedDataError, shippedObjects } from './shipped';

/** API group of CNPG's kinds. */
export const CNPG_GROUP = 'postgresql.cnpg.io';

/** A CRD this package ships: the kind it defines and the file (with its sha256) it comes from. */
export interface ShippedCrd {
  readonly group: string;
  readonly kind: string;
  readonly file: ShippedFile;
}

/**
 * The CRDs of other projects' kinds the library emits and validates, as released (sha256 of the upstream file):
 * the Barman Cloud plugin's `ObjectStore` and the Prometheus Operator's `PodMonitor` and `PrometheusRule`.
 */
export const SHIPPED_CRDS: readonly ShippedCrd[] = [
  {
    group: 'barmancloud.cnpg.io',
    kind: 'ObjectStore',
    file: {
      name: 'barmancloud.cnpg.io_objectstores-v0.14.0',
      sha256: '7c98720494253421339acd03aa77487869326ea20d4768a0c3aef8ff076daaef',
      source: 'plugin-barman-cloud v0.14.0 config/crd/bases/barmancloud.cnpg.io_objectstores.yaml',
    },
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'PodMonitor',
    file: {
      name: 'monitoring.coreos.com_podmonitors-v0.93.0',
      sha256: '45a93443daa687d3654f7e9631909ff7edcdf3ec09c5e60251b74aa2722aee5d',
      source: 'prometheus-operator v0.93.0 example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml',
    },
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'PrometheusRule',
    file: {
      name: 'monitoring.coreos.com_prometheusrules-v0.93.0',
      sha256: '78be98554b9c8506ab2b4f4feb91c5f3a56e536a0a510f3a8e876a459970d56d',
      source: 'prometheus-operator v0.93.0 example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    },
  },
];

/** The API group of an `apiVersion` (`''` for the core group). */
export function apiGroup(apiVersion: unknown): string {
  const s = String(apiVersion ?? '');
  const slash = s.indexOf('/');
  return slash < 0 ? '' : s.slice(0, slash);
}

/** The shipped CRD of a kind, if the package ships one. */
function shippedCrd(group: string, kind: string): ShippedCrd | undefined {
  return SHIPPED_CRDS.find((c) => c.group === group && c.kind === kind);
}

/**
 * Whether the library holds the CRD that validates `obj`: any kind of CNPG's group (its CRDs come from the operator
 * release), or a kind whose CRD the package ships.
 */
export function hasCrdFor(obj: unknown): obj is KubeObject {
  if (typeof obj !== 'object' || obj === null) return false;
  const group = apiGroup((obj as KubeObject).apiVersion);
  return group === CNPG_GROUP || shippedCrd(group, (obj as KubeObject).kind) !== undefined;
}

/** Where the CRD of an object comes from, for messages: the CNPG release, or the shipped file's upstream. */
export function crdSource(group: string, kind: string, manifest: OperatorManifest): string {
  return group === CNPG_GROUP
    ? `the CNPG ${manifest.version} CRD`
    : `the ${shippedCrd(group, kind)?.file.source ?? `${group} ${kind}`} CRD`;
}

/**
 * The CRD of `kind` in `group`: CNPG's from `manifest`, another project's from the package. Undefined when neither
 * holds it. Shared: read it, never change it.
 */
export function crdOf(group: string, kind: string, manifest: OperatorManifest): KubeObject | undefined {
  if (group === CNPG_GROUP) return manifest.sharedCrd(group, kind);
  const shipped = shippedCrd(group, kind);
  if (!shipped || !isShipped(shipped.file)) return undefined;
  try {
    return shippedObjects(shipped.file).find((o) => o.kind === 'CustomResourceDefinition');
  } catch (e) {
    if (e instanceof ShippedDataError) throw new OperatorManifestError(e.message);
    throw e;
  }
}
