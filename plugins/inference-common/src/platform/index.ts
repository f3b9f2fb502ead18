export * from './clusterPlatform';
export * from './startupBudget';
export * from './nodePoolRequirements';
