// Step: shared_preload_libraries and CNPG's managed modules.
import { CNPG_MANAGED_MODULES, managedModuleEnabled, managedModuleFix } from '../extension-catalog';
import type { ExtensionImage } from '../extension-image';
import type { Problem } from '../errors';
import type { PostgresClusterProps } from './props';

/** Step: preload libraries (the user's, then the images', without duplicates) and CNPG's managed modules. */
export function mergePreload(
  props: PostgresClusterProps,
  images: readonly ExtensionImage[],
  parameters: Readonly<Record<string, string>>,
): { preload: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  // Preload libraries: the user's, then the images', without duplicates.
  const preload: string[] = [];
  for (const lib of [...(props.postgresql?.sharedPreloadLibraries ?? []), ...images.flatMap((x) => x.sharedPreloadLibraries)]) {
    if (!preload.includes(lib)) preload.push(lib);
  }
  (props.postgresql?.sharedPreloadLibraries ?? []).forEach((lib, i) => {
    if (typeof lib !== 'string' || !/^[A-Za-z0-9_$./-]+$/.test(lib)) {
      problems.push({
        code: 'preload-library-invalid',
        field: `postgresql.sharedPreloadLibraries[${i}]`,
        message: 'is not a library name',
        value: lib,
        fix: 'use a library name such as "pg_stat_statements"',
      });
    } else if (CNPG_MANAGED_MODULES.some((m) => m.name === lib && m.createsExtension) && !managedModuleEnabled(lib, parameters)) {
      // Preloading alone creates nothing, and CNPG drops the extension on every start (extension-catalog.ts).
      problems.push({
        code: 'preload-managed-module-alone',
        field: `postgresql.sharedPreloadLibraries[${i}]`,
        message: `preloading ${lib} alone does not give the databases the extension: CNPG creates it only when a ${lib}.* parameter is set, and drops it on every instance start otherwise`,
        value: lib,
        fix: managedModuleFix(lib).replace(/^remove it from the Database and set/, 'set'),
      });
    }
  });
  // A mounted image of a managed module does nothing until CNPG sees one of its parameters.
  images.forEach((img, i) => {
    for (const e of img.sqlExtensions) {
      if (CNPG_MANAGED_MODULES.some((m) => m.name === e.name) && !managedModuleEnabled(e.name, parameters)) {
        problems.push({
          code: 'managed-module-not-enabled',
          field: `extensions[${i}]`,
          message: `CNPG loads ${e.name} and creates it in every database only when a ${e.name}.* parameter is set; none is`,
          value: img.name,
          fix: `set a ${e.name}.* parameter in postgresql.parameters${img.catalogEntry?.enablingOption ? `, or pass ${img.catalogEntry.enablingOption} to ExtensionImage.${img.catalogEntry.factory}` : ''}`,
        });
      }
    }
  });
  return { preload, problems };
}
