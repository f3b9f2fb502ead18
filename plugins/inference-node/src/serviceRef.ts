import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultInferenceService, InferenceService } from './InferenceService';

/**
 * Service ref for the inference backend client. Depend on it from a backend plugin or module:
 * `deps: { inference: inferenceServiceRef }`.
 *
 * @public
 */
export const inferenceServiceRef = createServiceRef<InferenceService>({
  id: 'inference.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        DefaultInferenceService.create({ discovery, auth }),
    }),
});
