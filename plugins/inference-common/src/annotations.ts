/**
 * The standard Backstage annotation (and pod label) that links a catalog entity to its Kubernetes objects.
 * Shared with `@backstage/plugin-kubernetes`, so an entity configured for the Kubernetes tab is already linked.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * Standard Backstage annotation that narrows the entity's Kubernetes objects to one namespace.
 *
 * @public
 */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

/**
 * Prefix of every annotation and label this plugin suite defines.
 *
 * @public
 */
export const INFERENCE_ANNOTATION_PREFIX = 'inference-platform.io';

/**
 * Annotations and labels of the inference platform, on catalog entities and on Kubernetes objects.
 *
 * @public
 */
export const INFERENCE_ANNOTATIONS = {
  /** Cluster names (comma separated) the entity's workloads run in; all clusters when absent. */
  clusters: `${INFERENCE_ANNOTATION_PREFIX}/clusters`,
  /** Model served, as a catalog id or a Hugging Face id. */
  model: `${INFERENCE_ANNOTATION_PREFIX}/model`,
  /** Serving runtime: vllm, triton, tgi or tei. */
  runtime: `${INFERENCE_ANNOTATION_PREFIX}/runtime`,
  /** GPU type the service was planned for (a `nvidia.com/gpu.product` value or a MIG profile). */
  gpuType: `${INFERENCE_ANNOTATION_PREFIX}/gpu-type`,
  /** Time-to-first-token objective at p95, in milliseconds. */
  sloTtftP95Ms: `${INFERENCE_ANNOTATION_PREFIX}/slo-ttft-p95-ms`,
  /** The sizing plan the service was created from (JSON), recorded by the templates. */
  plan: `${INFERENCE_ANNOTATION_PREFIX}/plan`,
  /**
   * Architecture numbers (JSON) of a model outside the catalog, on the workload: the health card's memory advice
   * sizes it with the same planner the template used.
   */
  modelArchitecture: `${INFERENCE_ANNOTATION_PREFIX}/model-architecture`,
  /** Owner group of a Kubernetes workload when it is not linked to a catalog entity. */
  ownerLabel: `${INFERENCE_ANNOTATION_PREFIX}/owner`,
  /** Quota reservation a workload was created under; lets the backend confirm it. */
  reservationLabel: `${INFERENCE_ANNOTATION_PREFIX}/reservation`,
} as const;

/**
 * Minimal shape of a catalog entity needed to decide whether it is linked to inference workloads.
 *
 * @public
 */
export interface EntityWithAnnotations {
  metadata: { annotations?: Record<string, string> };
}

/**
 * True when the entity carries the annotation that links it to Kubernetes workloads.
 *
 * @public
 */
export function hasKubernetesId(entity: EntityWithAnnotations): boolean {
  return Boolean(entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION]);
}
