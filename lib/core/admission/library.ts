// The library's own rules over the wire object, for YAML the constructs never saw: mistakes CNPG accepts and that
// fail later (a volume of size 0 the PVC refuses, a preloaded managed module CNPG then drops).
import { CNPG_MANAGED_MODULES, managedModuleEnabled, managedModuleFix } from '../extension-catalog';
import type { KubeObject } from '../operator-manifest';
import { clusterView, list, rec, str } from './cluster-view';
import { isZeroQuantity, parseQuantity } from './quantity';
import { registerObjectRules } from './registry';
import { Findings } from './rule';

function checkVolumes(object: KubeObject): Findings {
  const out = new Findings();
  const spec = clusterView(object).spec;
  const zero = (field: string, storage: unknown) => {
    const size = str(rec(storage)?.size);
    const q = size === '' ? undefined : parseQuantity(size);
    if (q && isZeroQuantity(q))
      out.error(
        'storage-size-zero',
        `${field}.size`,
        'is zero: a PersistentVolumeClaim needs a size larger than 0',
        size,
        'use a size such as "1Gi"',
      );
  };
  zero('.spec.storage', spec.storage);
  zero('.spec.walStorage', spec.walStorage);
  for (const [i, t] of list(spec.tablespaces).entries()) zero(`.spec.tablespaces[${i}].storage`, rec(t)?.storage);
  return out;
}

/** `shared_preload_libraries`: library names, and CNPG's managed modules only with the parameter that turns them on. */
function checkPreload(object: KubeObject): Findings {
  const out = new Findings();
  const v = clusterView(object);
  for (const [i, lib] of list(rec(v.spec.postgresql)?.shared_preload_libraries).entries()) {
    const field = `.spec.postgresql.shared_preload_libraries[${i}]`;
    if (typeof lib !== 'string' || !/^[A-Za-z0-9_$./-]+$/.test(lib)) {
      out.error('preload-library-invalid', field, 'is not a library name', lib, 'use a library name such as "pg_stat_statements"');
    } else if (CNPG_MANAGED_MODULES.some((m) => m.name === lib && m.createsExtension) && !managedModuleEnabled(lib, v.parameters)) {
      out.error(
        'preload-managed-module-alone',
        field,
        `preloading ${lib} alone does not give the databases the extension: CNPG creates it only when a ${lib}.* parameter is set, and drops it on every instance start otherwise`,
        lib,
        managedModuleFix(lib).replace(/^remove it from the Database and set/, 'set'),
      );
    }
  }
  return out;
}

registerObjectRules(
  {
    kinds: ['Cluster'],
    source: 'library',
    cite: "the library's own: a PersistentVolumeClaim of size 0 is refused when CNPG creates it",
    check: (o) => checkVolumes(o).list,
  },
  {
    kinds: ['Cluster'],
    source: 'library',
    cite: "the library's own: CNPG's ManagedExtensions (pkg/postgres/configuration.go) need a <name>.* parameter",
    check: (o) => checkPreload(o).list,
  },
);
