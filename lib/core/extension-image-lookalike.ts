// What a custom ExtensionImage whose reference is one of CNPG's catalog images lacks of what the catalog says that
// image needs: a mistake that works in the YAML and fails in PostgreSQL (`could not load library`, data files not
// found), so a warning with the fix.
import { CATALOG } from './extension-catalog';
import type { Problem } from './errors';
import type { ExtensionImage } from './extension-image';
import { parseImageReference } from './image-ref';

const NO_FINDINGS: readonly Problem[] = Object.freeze([]);
const memo = new WeakMap<ExtensionImage, { env?: readonly Problem[]; noEnv?: readonly Problem[] }>();

/**
 * Warnings for a custom image whose reference is one of CNPG's catalog images (by repository name, so mirrors
 * count) but that lacks what the catalog says the image needs: its `ld_library_path` (PostGIS: `system`, where
 * libgeos and libproj live) and, where the operator applies extension `env` (`envSupported`), its env. Images made
 * by a factory have both. Found once per image (images are immutable).
 */
export function catalogLookalikeWarnings(img: ExtensionImage, envSupported: boolean): readonly Problem[] {
  if (img.catalogEntry !== undefined || typeof img.reference !== 'string') return NO_FINDINGS;
  let known = memo.get(img);
  if (!known) {
    known = {};
    memo.set(img, known);
  }
  const slot = envSupported ? 'env' : 'noEnv';
  known[slot] ??= Object.freeze(findWarnings(img, envSupported));
  return known[slot];
}

function findWarnings(img: ExtensionImage, envSupported: boolean): Problem[] {
  const repository = parseImageReference(img.reference as string)?.repository;
  const entry = Object.values(CATALOG).find((e) => repository === e.imageName || repository?.endsWith(`/${e.imageName}`));
  if (!entry) return [];
  const out: Problem[] = [];
  const p = img.props;
  const clean = (d: string) => d.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const given = (Array.isArray(p.ldLibraryPath) ? p.ldLibraryPath : []).map(clean);
  const missing = (entry.ldLibraryPath ?? []).filter((d) => !given.includes(clean(d)));
  if (missing.length > 0) {
    out.push({
      severity: 'warning',
      code: 'image-catalog-ld-library-path-missing',
      field: 'ldLibraryPath',
      message: `the image is CNPG's ${entry.imageName}, whose libraries need ld_library_path ${JSON.stringify(entry.ldLibraryPath)}; without it the extension's module cannot load its shared libraries`,
      value: p.ldLibraryPath,
      fix: `add ldLibraryPath: ${JSON.stringify(entry.ldLibraryPath)}, or use ExtensionImage.${entry.factory}(version) (it sets what the image needs)`,
    });
  }
  const env = p.env !== null && typeof p.env === 'object' ? p.env : {};
  const missingEnv = Object.keys(entry.env ?? {}).filter((k) => !Object.hasOwn(env, k));
  if (envSupported && missingEnv.length > 0) {
    out.push({
      severity: 'warning',
      code: 'image-catalog-env-missing',
      field: 'env',
      message: `the image is CNPG's ${entry.imageName}, whose metadata sets ${missingEnv.join(', ')} (CNPG 1.29+ applies extension env); without ${missingEnv.length > 1 ? 'them' : 'it'} its data files are not found`,
      value: p.env,
      fix: `add env: ${JSON.stringify(entry.env)}, or use ExtensionImage.${entry.factory}(version)`,
    });
  }
  return out;
}
