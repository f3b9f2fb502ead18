import { Entity } from '@backstage/catalog-model';
import { hasKubernetesId } from '@inference-platform/plugin-inference-common';

/**
 * True when the entity is linked to Kubernetes workloads the inference cards can describe. Use with `EntitySwitch`.
 *
 * @public
 */
export function isInferenceAvailable(entity: Entity): boolean {
  return hasKubernetesId(entity);
}
