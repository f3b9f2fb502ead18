export { ClusterPlatformSettings } from './ClusterPlatformSettings';
export type { ClusterPlatformSettingsUiOptions } from './ClusterPlatformSettings';
