export * from './types';
export * from './messages';
export * from './servingContext';
export * from './diagnosis';
export { parseQuotaExceeded, diagnoseQuotaMismatch } from './quota';
export type {
  NamespaceGpuQuota,
  QuotaExceeded,
  QuotaMismatchInput,
} from './quota';
export * from './serviceLevels';
export * from './vllmRelease';
export * from './architectureAnnotation';
