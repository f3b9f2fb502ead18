export * from './types';
export * from './gpuResources';
export * from './podSecurity';
