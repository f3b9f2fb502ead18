export * from './InferenceApi';
export * from './InferenceClient';
