import { IMAGE_CATALOG } from '../catalog/images.data';
import { ServingImage } from '../catalog/images';

/**
 * The vLLM release an image runs, for the planner's release-specific accounting: the tag of
 * `repo:v0.10.1.1@sha256:…`, else the catalog entry with that digest. Undefined when neither says.
 *
 * @public
 */
export function vllmReleaseOfImage(
  image: string | undefined,
  catalog: readonly ServingImage[] = IMAGE_CATALOG,
): string | undefined {
  if (!image) return undefined;
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  const tagged = tag ? /^v?(\d+\.\d+(?:\.\d+)*)/.exec(tag)?.[1] : undefined;
  if (tagged) return tagged;
  return catalog.find(
    entry => entry.runtime === 'vllm' && digest && entry.digest === digest,
  )?.version;
}
