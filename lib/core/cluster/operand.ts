// Step: the operand image (imageName or imageCatalogRef) and the PostgreSQL major, minor, distro and flavour it says.
import type { Problem } from '../errors';
import { checkImageReference, parseImageReference, parseOperandImageTag } from '../image-ref';
import { CNPG_DEFAULT_IMAGE } from '../admission/cluster-view';
import { BoundedCache } from '../memo';
import { checkDnsSubdomain } from '../names';
import type { PostgresClusterProps } from './props';

/** The oldest PostgreSQL major CNPG runs (see operandInfo). */
const MIN_POSTGRES_MAJOR = 13;

/** The operand image's PostgreSQL major, minor, distro and flavour (`minimal`, `standard`, `system`), with the problems found. */
export type OperandInfo = { major?: number; minor?: number; distro?: string; flavour?: string; problems: Problem[] };

// Platform repos name a handful of operand images in hundreds of clusters: what an imageName says (and its
// problems, which do not depend on anything else when postgresMajor and imageCatalogRef are not set) is
// worked out once per string. Results are frozen: they are shared.
const operandMemo = new BoundedCache<string, OperandInfo>('operand images by imageName', 256);

/** What the operand image of `props` says, memoized by `imageName` when nothing else decides it. */
export function operandInfoOf(props: PostgresClusterProps): OperandInfo {
  if (typeof props.imageName !== 'string' || props.imageCatalogRef !== undefined || props.postgresMajor !== undefined)
    return operandInfo(props);
  let info = operandMemo.get(props.imageName);
  if (!info) {
    const computed = operandInfo(props);
    info = Object.freeze({ ...computed, problems: Object.freeze(computed.problems) as Problem[] });
    operandMemo.set(props.imageName, info);
  }
  return info;
}

/** Whether `operand` is the memoized (shared) answer for `imageName`: only then are the image steps memoized. */
export function isMemoizedOperand(imageName: string, operand: OperandInfo): boolean {
  return operandMemo.get(imageName) === operand;
}

function operandInfo(props: PostgresClusterProps): OperandInfo {
  const problems: Problem[] = [];
  if (props.imageName !== undefined && props.imageCatalogRef !== undefined) {
    problems.push({
      code: 'image-name-and-catalog',
      field: 'imageCatalogRef',
      message: 'imageName and imageCatalogRef are mutually exclusive',
      value: props.imageCatalogRef.name,
      fix: 'remove one of them',
    });
  }
  if (props.imageCatalogRef) {
    const r = props.imageCatalogRef;
    if (r.kind !== 'ImageCatalog' && r.kind !== 'ClusterImageCatalog') {
      problems.push({
        code: 'catalog-ref-kind-invalid',
        field: 'imageCatalogRef.kind',
        message: 'must be ImageCatalog or ClusterImageCatalog',
        value: r.kind,
        fix: 'use "ImageCatalog" or "ClusterImageCatalog"',
      });
    }
    problems.push(...checkDnsSubdomain('imageCatalogRef.name', r.name, 'a catalog name'));
    // CNPG runs PostgreSQL 13 or newer: cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go,
    // validateConfiguration ("Unsupported PostgreSQL version. Versions 13 or newer are supported"), with the major
    // GetPostgresqlMajorVersion takes from the catalog reference.
    if (!Number.isInteger(r.major) || r.major < MIN_POSTGRES_MAJOR) {
      problems.push({
        code: 'catalog-ref-major-invalid',
        field: 'imageCatalogRef.major',
        message: `is not a PostgreSQL major CNPG runs (${MIN_POSTGRES_MAJOR} or newer)`,
        value: r.major,
        fix: 'use a major such as 18',
      });
    }
    return { major: r.major, problems };
  }
  if (props.imageName === undefined) return defaultOperandInfo(props, problems);
  const refProblems = checkImageReference('imageName', props.imageName);
  if (refProblems.length > 0) return { major: props.postgresMajor, problems: [...problems, ...refProblems] };
  const ref = parseImageReference(props.imageName);
  const tag = parseOperandImageTag(ref?.tag);
  if (!tag && props.postgresMajor === undefined) {
    problems.push({
      code: 'operand-tag-no-major',
      field: 'imageName',
      message: 'has no tag starting with the PostgreSQL version, so neither CNPG nor this library can tell its major',
      value: props.imageName,
      // CNPG refuses an imageName with only a digest whatever postgresMajor says (validateImageName: "Can't use just
      // the image sha as we can't detect upgrades"), so postgresMajor is no fix for one.
      fix:
        ref?.digest !== undefined && ref.tag === undefined
          ? 'add the version tag before the digest: ":18-minimal-trixie@sha256:..." (CNPG refuses an imageName with only a digest)'
          : 'use a tag such as "18-minimal-trixie" or "18.6-minimal-trixie" (a digest may follow: ":18-minimal-trixie@sha256:..."), or set postgresMajor',
    });
  }
  if (tag && props.postgresMajor !== undefined && tag.postgresMajor !== props.postgresMajor) {
    problems.push({
      code: 'postgres-major-contradicts-tag',
      field: 'postgresMajor',
      message: `contradicts the tag of imageName, which says ${tag.postgresMajor}`,
      value: props.postgresMajor,
      fix: 'remove postgresMajor or fix the tag',
    });
  }
  return { major: props.postgresMajor ?? tag?.postgresMajor, minor: tag?.minor, distro: tag?.distro, flavour: tag?.flavour, problems };
}

/**
 * A cluster without imageName and imageCatalogRef: CNPG's defaulting webhook sets imageName to the operator's
 * default image (cloudnative-pg v1.30.0 api/v1/cluster_defaults.go, SetDefaults: `configuration.Current.PostgresImageName`,
 * which is `versions.DefaultImageName` unless the operator is configured otherwise), a `system` image. Without
 * extension images that is a working cluster of that image's major. With them it is refused: the bundled copies of a
 * system image are found before the mounted ones, the rule the admission check `extensions-need-explicit-image` applies
 * to the emitted object.
 */
function defaultOperandInfo(props: PostgresClusterProps, problems: Problem[]): OperandInfo {
  if ((props.extensions ?? []).length > 0) {
    problems.push({
      code: 'image-name-required',
      field: 'imageName',
      message: `is required with extension images (or imageCatalogRef): without it CNPG runs its default image ${CNPG_DEFAULT_IMAGE}, a system image whose bundled extensions are found before the mounted ones`,
      value: undefined,
      fix: 'set imageName: "ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie"',
    });
    return { major: props.postgresMajor, problems };
  }
  const tag = parseOperandImageTag(parseImageReference(CNPG_DEFAULT_IMAGE)?.tag);
  if (tag && props.postgresMajor !== undefined && props.postgresMajor !== tag.postgresMajor) {
    problems.push({
      code: 'postgres-major-contradicts-tag',
      field: 'postgresMajor',
      message: `contradicts CNPG's default image ${CNPG_DEFAULT_IMAGE}, which runs when imageName is not set (PostgreSQL ${tag.postgresMajor})`,
      value: props.postgresMajor,
      fix: 'remove postgresMajor, or set imageName to an image of that major',
    });
  }
  return { major: tag?.postgresMajor, minor: tag?.minor, distro: tag?.distro, flavour: tag?.flavour, problems };
}
