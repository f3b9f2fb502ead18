import { createApiRef } from '@backstage/core-plugin-api';
import { InferenceHealthResponse } from '@inference-platform/plugin-inference-common';

/**
 * Frontend access to the inference backend.
 *
 * @public
 */
export interface InferenceApi {
  getHealth(): Promise<InferenceHealthResponse>;
}

/**
 * API ref of {@link InferenceApi}.
 *
 * @public
 */
export const inferenceApiRef = createApiRef<InferenceApi>({
  id: 'plugin.inference.service',
});
