export * from './fixtures';
export * from './fakeInferenceApi';
export * from './renderEntityCard';
