/**
 * Backend plugin of the inference platform.
 *
 * @packageDocumentation
 */

export { inferencePlugin as default } from './plugin';
export type {
  InferenceStore,
  QuotaRecord,
  QuotaAuditRecord,
} from './database/InferenceStore';
export { DatabaseInferenceStore } from './database/DatabaseInferenceStore';
