export * from './clusterPlatform';
export * from './clusterPlatformSources';
export * from './describeClusterPlatform';
export * from './startupBudget';
export * from './nodePoolRequirements';
