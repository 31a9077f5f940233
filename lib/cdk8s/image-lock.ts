import * as path from 'node:path';
import type { IResolver, ResolutionContext } from 'cdk8s';
import { IMAGE_FIELDS, IMAGE_LOCK_FILE, ImageLock } from '../core/image-lock';

/** Props of {@link ImageLockResolver}. */
export interface ImageLockResolverProps {
  /**
   * The lock file (written by `cnpg-constructs images lock`).
   * @default cnpg-images.lock.json in the working directory; no pinning when it does not exist
   */
  readonly file?: string;
  /**
   * A lock already loaded (takes precedence over `file`).
   * @default - read from `file`
   */
  readonly lock?: ImageLock;
}

/**
 * Pins every image reference the app writes (`Cluster.spec.imageName`, extension `image.reference`s, catalog
 * images, container images) to the digest `cnpg-images.lock.json` locked it to: `repo:tag@sha256:...`. A
 * reference that is not in the lock, or already has a digest, is written as it is.
 *
 * @example
 * const app = new App({ resolvers: [new ImageLockResolver()] });
 */
export class ImageLockResolver implements IResolver {
  /** The lock in use; undefined when the file does not exist (nothing is pinned). */
  public readonly lock?: ImageLock;
  /** References pinned so far (each write counts). */
  public pinned = 0;

  constructor(props: ImageLockResolverProps = {}) {
    this.lock = props.lock ?? ImageLock.loadIfPresent(path.resolve(props.file ?? IMAGE_LOCK_FILE));
  }

  /** Replaces an image reference the lock holds by its pinned form (cdk8s calls it for every value it writes). */
  public resolve(context: ResolutionContext): void {
    if (!this.lock || typeof context.value !== 'string') return;
    if (!IMAGE_FIELDS.has(context.key[context.key.length - 1])) return;
    const pinned = this.lock.pin(context.value);
    if (pinned === context.value) return;
    this.pinned++;
    context.replaceValue(pinned);
  }

  /** One line for the synth log. */
  public describe(): string {
    return this.lock
      ? `image lock ${this.lock.origin}: ${this.lock.size} reference(s) locked`
      : `no ${IMAGE_LOCK_FILE}: image references are not pinned (cnpg-constructs images lock dist/ writes it)`;
  }
}
