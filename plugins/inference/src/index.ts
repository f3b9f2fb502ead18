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
  ClusterPlatformSettingsField,
} from './plugin';
export type { ClusterPlatformSettingsUiOptions } from './components/ClusterPlatformSettings';
export { isInferenceAvailable, isInferenceClusterResource } from './conditions';
export * from './api';
export { rootRouteRef } from './routes';
