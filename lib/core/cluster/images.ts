// Step: the extension images a cluster mounts, checked against the operand image and each other, and where each SQL
// extension of the cluster comes from.
import { BASE_IMAGE_EXTENSIONS, CATALOG } from '../extension-catalog';
import { nested, type Problem } from '../errors';
import type { ExtensionImage } from '../extension-image';
import { catalogLookalikeWarnings } from '../extension-image-lookalike';
import type { CheckedCatalogReference } from '../image-catalog';
import { checkUnique, extensionVolumeName } from '../names';
import { DEFAULT_OPERATOR_VERSION, supportsFeature } from '../compat';
import type { OperandInfo } from './operand';
import type { AvailableSqlExtension, PostgresClusterProps } from './props';

/**
 * Step: the extension images as CNPG mounts them: resolved from an image catalog when given by name, each
 * image's own checks, PostgreSQL major and Debian release against the operand image, names (also as volume
 * names), and companion images.
 */
export function checkImages(
  props: PostgresClusterProps,
  operand: OperandInfo,
): { requested: readonly ExtensionImage[]; images: ExtensionImage[]; problems: Problem[] } {
  const problems: Problem[] = [];
  // Extension images. With an image catalog, images given by name only come from the catalog: the
  // library then knows them through the catalog's ExtensionImage (when the catalog is in the program).
  const requested = props.extensions ?? [];
  const viaCatalog = props.imageCatalogRef !== undefined;
  const catalog = (props.imageCatalogRef as CheckedCatalogReference | undefined)?.catalog;
  const catalogEntry = catalog?.images.find((e) => e.major === props.imageCatalogRef?.major);
  if (catalog && !catalogEntry) {
    problems.push({
      code: 'catalog-major-missing',
      field: 'imageCatalogRef.major',
      message: `catalog ${catalog.name} has no image for PostgreSQL ${props.imageCatalogRef?.major}`,
      value: props.imageCatalogRef?.major,
      fix: `use one of ${catalog.images.map((e) => e.major).join(', ')}`,
    });
  }
  const images = requested.map((img, i) => {
    if (!viaCatalog || img.reference !== undefined || !catalogEntry) return img;
    const fromCatalog = (catalogEntry.extensions ?? []).find((x) => x.name === img.name);
    if (!fromCatalog) {
      problems.push({
        code: 'catalog-extension-missing',
        field: `extensions[${i}]`,
        message: `catalog ${catalog?.name} has no extension "${img.name}" for PostgreSQL ${catalogEntry.major} (it has: ${(catalogEntry.extensions ?? []).map((x) => x.name).join(', ') || 'none'})`,
        value: img.name,
        fix: 'add the image to the catalog, or give this extension a reference',
      });
      return img;
    }
    return img.sqlExtensions.length > 0 || img.sharedPreloadLibraries.length > 0 ? img : img.withKnowledgeOf(fromCatalog);
  });
  const envSupported = supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv');
  images.forEach((img, i) => {
    const found = img.validate(!viaCatalog);
    if (found.length > 0) problems.push(...nested(`extensions[${i}]`, found));
    const lookalike = catalogLookalikeWarnings(img, envSupported);
    if (lookalike.length > 0) problems.push(...nested(`extensions[${i}]`, lookalike));
  });
  if (images.length > 0 && (operand.flavour === 'standard' || operand.flavour === 'system')) {
    // The instance manager writes extension_control_path = $system:<each image's share dir>, and PostgreSQL takes
    // the first control file it finds (cloudnative-pg v1.30.0 pkg/postgres/configuration.go,
    // setExtensionControlPath): an extension the operand image bundles is loaded from there, not from the image.
    problems.push({
      severity: 'warning',
      code: 'operand-image-bundles-extensions',
      field: 'imageName',
      message: `is a ${operand.flavour} image, which bundles extensions of its own (pgvector, pgaudit, ...): CNPG puts $system first in extension_control_path, so a bundled copy wins over the one a mounted image provides`,
      value: props.imageName,
      fix: `use the minimal image of the same version (e.g. "${String(props.imageName).replace(`-${operand.flavour}`, '-minimal')}") with extension images`,
    });
  }
  if (images.length > 0) {
    if (operand.major !== undefined && operand.major < 18) {
      problems.push({
        code: 'extensions-need-pg18',
        field: viaCatalog ? 'imageCatalogRef.major' : 'imageName',
        message: `extension images need PostgreSQL 18 or later (extension_control_path), but the cluster runs PostgreSQL ${operand.major}`,
        value: viaCatalog ? operand.major : props.imageName,
        fix: 'use a PostgreSQL 18 image such as "ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie", or bake the extensions into a custom operand image',
      });
    }
    images.forEach((img, i) => {
      const m = img.postgresMajor;
      if (m === undefined) {
        if (img.reference !== undefined && img.props.postgresMajor === undefined) {
          problems.push({
            code: 'image-tag-no-major',
            field: `extensions[${i}].reference`,
            message: 'has a tag that does not say the PostgreSQL major (CNPG tags end in -<major>-<distro>)',
            value: img.reference,
            fix: `set postgresMajor: ${operand.major ?? 18} on the ExtensionImage if the image is built for that major`,
          });
        }
      } else if (m < 18) {
        problems.push({
          code: 'image-built-for-old-major',
          field: `extensions[${i}].reference`,
          message: `is built for PostgreSQL ${m}; extension images need 18 or later`,
          value: img.reference,
          fix: 'use the image built for PostgreSQL 18 (tag ...-18-<distro>)',
        });
      } else if (operand.major !== undefined && operand.major >= 18 && m !== operand.major) {
        // Below 18 extensions-need-pg18 says it all: an image of that major is no fix.
        problems.push({
          code: 'image-major-mismatch',
          field: `extensions[${i}].reference`,
          message: `is built for PostgreSQL ${m} but the cluster runs ${operand.major}`,
          value: img.reference,
          fix: `use the image built for PostgreSQL ${operand.major}`,
        });
      }
      if (img.distro && operand.distro && img.distro !== operand.distro) {
        problems.push({
          code: 'image-distro-mismatch',
          field: `extensions[${i}].reference`,
          message: `is built on Debian ${img.distro} but the operand image on ${operand.distro}; its libraries may not load`,
          value: img.reference,
          fix: `use the ${operand.distro} build of the extension image (distro: "${operand.distro}")`,
        });
      }
    });
    problems.push(...checkUnique('extensions', images, (x) => x.name, 'this extension name', 'give each image a distinct name'));
    const dupNames = new Set(images.map((x) => x.name).filter((n, i, all) => all.indexOf(n) !== i));
    problems.push(
      ...checkUnique(
        'extensions',
        images.filter((x) => !dupNames.has(x.name)),
        (x) => extensionVolumeName(x.name),
        'the volume name CNPG derives ("_" becomes "-", so pg_ivm and pg-ivm are both ext-pg-ivm)',
        'rename one of the two images',
      ).map((p) => ({ ...p, message: `${p.message}: ${p.value}` })),
    );
    const names = new Set(images.map((x) => x.name));
    images.forEach((img, i) => {
      for (const req of img.requiresImages) {
        if (!names.has(req)) {
          problems.push({
            code: 'image-companion-missing',
            field: `extensions[${i}]`,
            message: `${img.name} needs the ${req} image mounted in the same cluster`,
            value: img.name,
            fix: `add ExtensionImage.${CATALOG[req]?.factory ?? `fromCatalog("${req}", `}${CATALOG[req]?.factory ? '(' : ''}version) to extensions`,
          });
        }
      }
    });
  }

  return { requested, images, problems };
}

/**
 * Where each SQL extension comes from, in PostgreSQL's search order as CNPG configures it: the instance
 * manager writes `extension_control_path = $system:<each image's share dir, in list order>` and PostgreSQL
 * takes the first control file it finds (cloudnative-pg v1.30.0 `pkg/postgres/configuration.go`,
 * `setExtensionControlPath`). So the operand image's own copy wins over every mounted image, and an earlier
 * image over a later one. A scan over a handful of entries: nothing is built or kept per cluster.
 */
export function sqlExtensionLookup(images: readonly ExtensionImage[]): (name: string) => AvailableSqlExtension | undefined {
  return (name) => {
    if (Object.hasOwn(BASE_IMAGE_EXTENSIONS, name)) return BASE_IMAGE_EXTENSIONS[name];
    for (const img of images) {
      const exts = img.sqlExtensions;
      for (let i = 0; i < exts.length; i++) {
        if (exts[i].name === name)
          return i === 0
            ? { name, requires: exts[i].requires, image: img.name, version: img.sqlVersion, versions: img.sqlVersions }
            : { name, requires: exts[i].requires, image: img.name, version: undefined };
      }
    }
    return undefined;
  };
}
