export * from './InferenceApiClient';
export type { InferenceApiRetrySettings } from './fetchWithRetry';
