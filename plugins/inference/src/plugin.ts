import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { inferenceApiRef, InferenceClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The inference plugin (legacy frontend system).
 *
 * @public
 */
export const inferencePlugin = createPlugin({
  id: 'inference',
  apis: [
    createApiFactory({
      api: inferenceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new InferenceClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The platform team's page: GPU spend, quotas, capacity and policy violations across all model services.
 *
 * @public
 */
export const InferencePlatformPage = inferencePlugin.provide(
  createRoutableExtension({
    name: 'InferencePlatformPage',
    component: () =>
      import('./components/InferencePlatformPage').then(
        m => m.InferencePlatformPage,
      ),
    mountPoint: rootRouteRef,
  }),
);
