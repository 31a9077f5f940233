// The checks of a catalog factory's arguments (ExtensionImage.pgvector('0.8.1', { tag, distro, ... })): what the
// props of the image it makes cannot show any more.
import type { Problem } from './errors';
import { type CatalogImage, EXTENSION_IMAGE_DISTROS } from './extension-catalog';
import type { CatalogImageOptions, Wal2jsonImageOptions } from './extension-image-props';
import { parseExtensionImageTag } from './image-ref';

/** What a catalog image's version (the first part of its tag) looks like: `0.8.1`, `3.6.1`, `2.29.2`. */
export const VERSION_PATTERN = /^[0-9]+(?:[.-][0-9A-Za-z]+)*$/;

/** What a factory worked out from its arguments: the tag, PostgreSQL major, distro and registry of the image. */
export interface FactoryImage {
  readonly tag: string;
  readonly major: number;
  readonly distro: string;
  readonly registry: string;
}

/**
 * Problems of a catalog factory's arguments: a `tag` that contradicts `postgresMajor` or `distro`, a version that is
 * not one (or one the catalog does not know: a warning), a distro CNPG does not build.
 */
export function catalogFactoryChecks(
  entry: CatalogImage,
  version: string,
  options: CatalogImageOptions | Wal2jsonImageOptions,
  { tag, major, distro, registry }: FactoryImage,
): Problem[] {
  const tagged = options.tag !== undefined ? parseExtensionImageTag(options.tag) : undefined;
  return [
    ...(tagged && tagged.postgresMajor !== major
      ? [
          {
            code: 'image-tag-major-mismatch',
            field: 'tag',
            message: `says PostgreSQL ${tagged.postgresMajor}, but the image is for PostgreSQL ${major} (postgresMajor)`,
            value: options.tag,
            fix: `use a tag built for PostgreSQL ${major} ("...-${major}-${distro}"), or set postgresMajor: ${tagged.postgresMajor} on a cluster of that major`,
          },
        ]
      : []),
    ...(tagged && tagged.distro !== distro
      ? [
          {
            code: 'image-tag-distro-mismatch',
            field: 'tag',
            message: `says ${tagged.distro}, but distro is ${distro}`,
            value: options.tag,
            fix: `set distro: "${tagged.distro}" or use a ${distro} tag`,
          },
        ]
      : []),
    ...(VERSION_PATTERN.test(version)
      ? []
      : [
          {
            code: 'image-version-invalid',
            field: 'version',
            message: 'is not a version',
            value: version,
            fix: `pass a version such as "${entry.knownVersions.at(-1)}"`,
          },
        ]),
    ...(VERSION_PATTERN.test(version) && !entry.knownVersions.includes(version)
      ? [
          {
            severity: 'warning' as const,
            code: 'image-version-unknown',
            field: 'version',
            message: `is not a ${entry.name} version the library's catalog knows (${entry.knownVersions.join(', ')}), so the tag ${tag} may not exist`,
            value: version,
            fix: `use one of ${entry.knownVersions.join(', ')}, or check that ${registry}/${entry.imageName}:${tag} exists (npx cnpg-constructs images inspect ${registry}/${entry.imageName}:${tag})`,
          },
        ]
      : []),
    ...((EXTENSION_IMAGE_DISTROS as readonly string[]).includes(distro)
      ? []
      : [
          {
            code: 'image-distro-unknown',
            field: 'distro',
            message: `CNPG builds ${entry.name} only for ${EXTENSION_IMAGE_DISTROS.join(' and ')}`,
            value: distro,
            fix: 'use "trixie" or "bookworm"',
          },
        ]),
  ];
}
