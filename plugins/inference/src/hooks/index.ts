export * from './useEntityInferenceSummary';
export * from './useInferenceLinks';
export * from './useUsageHistory';
