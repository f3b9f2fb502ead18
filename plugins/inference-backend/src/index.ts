/**
 * Backend plugin of the inference platform.
 *
 * @packageDocumentation
 */

export { inferencePlugin as default } from './plugin';
export * from './database/InferenceStore';
export { DatabaseInferenceStore } from './database/DatabaseInferenceStore';
