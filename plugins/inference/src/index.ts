/**
 * Frontend of the inference platform: entity cards and the platform team's governance page.
 *
 * @packageDocumentation
 */

export {
  inferencePlugin,
  InferencePlatformPage,
  EntityInferenceHealthCard,
  EntityInferenceCostCard,
  EntityGpuCapacityCard,
  EntityGpuQuotaCard,
} from './plugin';
export { isInferenceAvailable, isInferenceClusterResource } from './conditions';
export * from './api';
export { rootRouteRef } from './routes';
