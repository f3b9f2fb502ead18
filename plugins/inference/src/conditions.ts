import { Entity } from '@backstage/catalog-model';
import {
  hasKubernetesId,
  INFERENCE_ANNOTATIONS,
} from '@inference-platform/plugin-inference-common';

/**
 * True when the entity is linked to Kubernetes workloads the inference cards can describe. Use with `EntitySwitch`.
 *
 * @public
 */
export function isInferenceAvailable(entity: Entity): boolean {
  return hasKubernetesId(entity);
}

/**
 * True for a Resource that stands for GPU clusters (annotated with `inference-platform.io/clusters`), the ones whose
 * capacity the GPU capacity card shows.
 *
 * @public
 */
export function isInferenceClusterResource(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    Boolean(entity.metadata.annotations?.[INFERENCE_ANNOTATIONS.clusters])
  );
}
