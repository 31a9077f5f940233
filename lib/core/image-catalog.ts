import { checkKnownKeys, keysOf } from './keys';
import type { ImageCatalogSpec, ImageCatalogSpecImagesExtensions } from '../../imports/postgresql.cnpg.io.spec';
import { type Problem, nested, throwIfProblems } from './errors';
import type { ExtensionImage } from './extension-image';
import { checkImageReference, parseImageReference, parseOperandImageTag } from './image-ref';
import { checkDnsLabel, checkDnsSubdomain, checkUnique, extensionVolumeName, isDnsLabel } from './names';

/** One PostgreSQL major of an image catalog. */
export interface CatalogImageEntry {
  /** PostgreSQL major. CNPG trusts it: the library checks it against the image tag. */
  readonly major: number;
  /** Operand image, e.g. `ghcr.io/cloudnative-pg/postgresql:18.6-minimal-trixie@sha256:...`. */
  readonly image: string;
  /**
   * Extension images clusters may opt in to by name (CNPG 1.29+).
   * @default - none
   */
  readonly extensions?: readonly ExtensionImage[];
}

/** Props of an `ImageCatalog` or `ClusterImageCatalog`. */
export interface ImageCatalogProps {
  /**
   * Name of the catalog object.
   * @default - the construct id (cdk8s) or resource name (Pulumi)
   */
  readonly name?: string;
  /**
   * Namespace (ImageCatalog only; clusters must be in the same namespace).
   * @default - the chart's / provider's
   */
  readonly namespace?: string;
  /** One entry per PostgreSQL major (1 to 8, majors unique). */
  readonly images: readonly CatalogImageEntry[];
  /**
   * Component images by key, e.g. `{ pgbouncer: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1' }` (CNPG 1.28.4+, 1.29.2+ and 1.30+: `api/v1/imagecatalog_types.go` at those tags).
   * @default - none
   */
  readonly componentImages?: Readonly<Record<string, string>>;
}

/** The two catalog kinds: namespaced (`ImageCatalog`) and cluster-scoped (`ClusterImageCatalog`). */
export type ImageCatalogKind = 'ImageCatalog' | 'ClusterImageCatalog';

/** A validated catalog. */
export interface ImageCatalogModel {
  readonly kind: ImageCatalogKind;
  readonly name: string;
  readonly namespace?: string;
  readonly spec: ImageCatalogSpec;
  readonly images: readonly CatalogImageEntry[];
}

const CATALOG_KEYS = keysOf<ImageCatalogProps>()({ name: true, namespace: true, images: true, componentImages: true });
const ENTRY_KEYS = keysOf<CatalogImageEntry>()({ major: true, image: true, extensions: true });

/**
 * Checks a catalog's props (throwing a {@link CnpgValidationError} naming `path` with every problem) and builds its
 * model; `defaultName` is the name when `props.name` is not set, `frontEndKeys` the props a front end adds.
 */
export function buildImageCatalog(
  path: string,
  defaultName: string,
  kind: ImageCatalogKind,
  props: ImageCatalogProps,
  frontEndKeys: readonly string[] = [],
): ImageCatalogModel {
  const problems: Problem[] = [
    ...checkKnownKeys('', props, [...CATALOG_KEYS, ...frontEndKeys]),
    ...(Array.isArray(props.images) ? props.images : []).flatMap((e, i) => checkKnownKeys(`images[${i}]`, e, ENTRY_KEYS)),
  ];
  const name = props.name ?? defaultName;
  problems.push(...checkDnsSubdomain(props.name === undefined ? 'name (defaulted from the id)' : 'name', name, 'the catalog name'));
  if (kind === 'ClusterImageCatalog' && props.namespace !== undefined) {
    problems.push({
      code: 'catalog-cluster-scoped-namespace',
      field: 'namespace',
      message: 'a ClusterImageCatalog is cluster-scoped',
      value: props.namespace,
      fix: 'remove namespace, or use an ImageCatalog',
    });
  }
  if (props.namespace !== undefined && kind === 'ImageCatalog')
    problems.push(...checkDnsLabel('namespace', props.namespace, 'the namespace'));
  const images = props.images ?? [];
  if (images.length < 1 || images.length > 8) {
    problems.push({
      code: 'catalog-entry-count',
      field: 'images',
      message: `must hold 1 to 8 entries, one per PostgreSQL major (has ${images.length})`,
      value: images.length,
      fix: 'list one { major, image } per major',
    });
  }
  problems.push(...checkUnique('images', images, (e) => String(e.major), 'this major', 'list each major once'));
  images.forEach((e, i) => {
    const f = `images[${i}]`;
    if (!Number.isInteger(e.major) || e.major < 10)
      problems.push({
        code: 'catalog-major-invalid',
        field: `${f}.major`,
        message: 'is not a PostgreSQL major (10 or later)',
        value: e.major,
        fix: 'use a major such as 18',
      });
    const refProblems = checkImageReference(`${f}.image`, e.image);
    problems.push(...refProblems);
    if (refProblems.length === 0) {
      const tag = parseOperandImageTag(parseImageReference(e.image)?.tag);
      if (tag && tag.postgresMajor !== e.major) {
        problems.push({
          code: 'catalog-tag-major-mismatch',
          field: `${f}.image`,
          message: `its tag says PostgreSQL ${tag.postgresMajor} but the entry is for major ${e.major}; CNPG trusts the declared major`,
          value: e.image,
          fix: `use a PostgreSQL ${e.major} image or fix major`,
        });
      }
    }
    const exts = e.extensions ?? [];
    if (exts.length > 0 && e.major < 18) {
      problems.push({
        code: 'catalog-extensions-need-pg18',
        field: `${f}.extensions`,
        message: `extension images need PostgreSQL 18 or later, but this entry is for ${e.major}`,
        value: e.major,
        fix: 'move the extensions to the entry for major 18',
      });
    }
    exts.forEach((x, j) => {
      problems.push(...nested(`${f}.extensions[${j}]`, x.validate(true)));
      if (x.postgresMajor !== undefined && x.postgresMajor !== e.major) {
        problems.push({
          code: 'catalog-extension-major-mismatch',
          field: `${f}.extensions[${j}].reference`,
          message: `is built for PostgreSQL ${x.postgresMajor}, the entry is for ${e.major}`,
          value: x.reference,
          fix: `use the image built for PostgreSQL ${e.major}`,
        });
      }
    });
    problems.push(
      ...checkUnique(
        `${f}.extensions`,
        exts,
        (x) => extensionVolumeName(x.name),
        'this extension name (after "_" becomes "-")',
        'give each image a distinct name',
      ),
    );
  });
  const keys = Object.keys(props.componentImages ?? {});
  keys.forEach((k) => {
    if (!isDnsLabel(k))
      problems.push({
        code: 'catalog-component-key-invalid',
        field: `componentImages.${k}`,
        message: 'is not a valid component key',
        value: k,
        fix: 'use a lowercase key such as "pgbouncer"',
      });
    problems.push(...checkImageReference(`componentImages.${k}`, props.componentImages?.[k]));
  });
  throwIfProblems(path, kind, problems);
  return {
    kind,
    name,
    namespace: kind === 'ImageCatalog' ? props.namespace : undefined,
    images,
    spec: {
      images: images.map((e) => ({
        major: e.major,
        image: e.image,
        extensions: e.extensions?.length
          ? e.extensions.map((x) => x.toClusterExtension(true) as ImageCatalogSpecImagesExtensions)
          : undefined,
      })),
      componentImages: keys.length ? keys.map((key) => ({ key, image: props.componentImages?.[key] as string })) : undefined,
    },
  };
}

/** The catalog reference a cluster uses, with the catalog itself so the cluster can check against it. */
export interface CheckedCatalogReference {
  readonly kind: ImageCatalogKind;
  readonly name: string;
  readonly major: number;
  /** The catalog, when built in the same program: extension names and majors are then checked. */
  readonly catalog?: ImageCatalogModel;
}

/** A reference to `model` for `major`; throws when the catalog has no such major. */
export function catalogReference(path: string, model: ImageCatalogModel, major: number): CheckedCatalogReference {
  if (!model.images.some((e) => e.major === major)) {
    throwIfProblems(path, model.kind, [
      {
        code: 'catalog-major-missing',
        field: 'major',
        message: `the catalog has no image for PostgreSQL ${major}`,
        value: major,
        fix: `use one of ${model.images.map((e) => e.major).join(', ')}`,
      },
    ]);
  }
  return { kind: model.kind, name: model.name, major, catalog: model };
}
