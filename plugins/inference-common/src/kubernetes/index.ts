export * from './types';
export * from './gpuResources';
