// The image steps of a cluster, computed once per combination of operand image and extension images.
import { DEFAULT_OPERATOR_VERSION, supportsFeature } from '../compat';
import { NO_PROBLEMS, type Problem } from '../errors';
import { type ExtensionImage, imageId } from '../extension-image';
import { errorsOf } from '../findings';
import { BoundedCache } from '../memo';
import { checkImages, sqlExtensionLookup } from './images';
import { isMemoizedOperand, type OperandInfo } from './operand';
import { mergeImageParameters } from './parameters';
import { mergePreload } from './preload';
import type { AvailableSqlExtension, PostgresClusterProps } from './props';

/** What the image steps give a cluster; shared between clusters when memoized (see imageSteps). */
export interface ImageSteps {
  readonly images: readonly ExtensionImage[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly preload: readonly string[];
  readonly imageStep: { readonly problems: Problem[] };
  readonly parameterStep: { readonly problems: Problem[] };
  readonly preloadStep: { readonly problems: Problem[] };
  readonly sqlExtension: (name: string) => AvailableSqlExtension | undefined;
}

/**
 * Platform repos mount the same few images in hundreds of clusters: the image steps (checkImages,
 * mergeImageParameters, mergePreload) of a cluster whose only inputs to them are its operand image, its
 * (immutable, shared) ExtensionImage values and whether its operator applies extension env are computed once per
 * such combination, like a Database's plan. Not memoized: image catalogs, user parameters or preload libraries,
 * operands not memoized by name, and any combination with an error (messages are per cluster; warnings are kept).
 * What is kept is frozen, as it is shared.
 */
const imageStepsMemo = new BoundedCache<string, ImageSteps>('image steps by operand and images', 512);

/** The image steps of a cluster (checkImages, mergeImageParameters, mergePreload), memoized as said above. */
export function imageSteps(props: PostgresClusterProps, operand: OperandInfo, requested: readonly ExtensionImage[]): ImageSteps {
  const pg = props.postgresql;
  let key: string | undefined;
  if (
    props.imageCatalogRef === undefined &&
    typeof props.imageName === 'string' &&
    isMemoizedOperand(props.imageName, operand) &&
    (pg?.parameters === undefined || Object.keys(pg.parameters).length === 0) &&
    (pg?.sharedPreloadLibraries === undefined || pg.sharedPreloadLibraries.length === 0)
  ) {
    // The operator version decides which warnings the images get (extension env from CNPG 1.29).
    let ids = `${props.imageName}|${supportsFeature(props.operatorVersion ?? DEFAULT_OPERATOR_VERSION, 'extensionEnv')}`;
    for (let i = 0; i < requested.length; i++) ids += `|${imageId(requested[i])}`;
    key = ids;
    const hit = imageStepsMemo.get(key);
    if (hit) return hit;
  }
  const imageStep = checkImages(props, operand);
  const parameterStep = mergeImageParameters(props, imageStep.images, operand);
  const preloadStep = mergePreload(props, imageStep.images, parameterStep.parameters);
  const steps: ImageSteps = {
    images: imageStep.images,
    parameters: parameterStep.parameters,
    preload: preloadStep.preload,
    imageStep,
    parameterStep,
    preloadStep,
    sqlExtension: sqlExtensionLookup(imageStep.images),
  };
  // Kept when nothing is wrong: warnings name no construct, so they are shared too.
  const clean = (p: readonly Problem[]) => (p.length === 0 ? NO_PROBLEMS : (Object.freeze(p.slice()) as Problem[]));
  if (
    key !== undefined &&
    errorsOf(imageStep.problems).length + errorsOf(parameterStep.problems).length + errorsOf(preloadStep.problems).length === 0
  ) {
    imageStepsMemo.set(
      key,
      Object.freeze({
        ...steps,
        images: Object.freeze(steps.images),
        parameters: Object.freeze(steps.parameters),
        preload: Object.freeze(steps.preload),
        imageStep: { problems: clean(imageStep.problems) },
        parameterStep: { problems: clean(parameterStep.problems) },
        preloadStep: { problems: clean(preloadStep.problems) },
      }),
    );
  }
  return steps;
}
