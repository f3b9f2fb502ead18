import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { inferenceApiRef, InferenceClient } from './api';
import {
  ClusterPlatformSettings,
  ClusterPlatformSettingsUiOptions,
} from './components/ClusterPlatformSettings';
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

/**
 * Is the model service healthy, and if not, why (Component pages).
 *
 * @public
 */
export const EntityInferenceHealthCard = inferencePlugin.provide(
  createComponentExtension({
    name: 'EntityInferenceHealthCard',
    component: {
      lazy: () =>
        import('./components/InferenceHealthCard').then(
          m => m.InferenceHealthCard,
        ),
    },
  }),
);

/**
 * GPU spend, idle share and cost per million tokens (Component, System and Group pages).
 *
 * @public
 */
export const EntityInferenceCostCard = inferencePlugin.provide(
  createComponentExtension({
    name: 'EntityInferenceCostCard',
    component: {
      lazy: () =>
        import('./components/InferenceCostCard').then(m => m.InferenceCostCard),
    },
  }),
);

/**
 * The 10× verdict and free GPUs by cluster and pool (Component, System and Resource pages).
 *
 * @public
 */
export const EntityGpuCapacityCard = inferencePlugin.provide(
  createComponentExtension({
    name: 'EntityGpuCapacityCard',
    component: {
      lazy: () =>
        import('./components/GpuCapacityCard').then(m => m.GpuCapacityCard),
    },
  }),
);

/**
 * A team's GPU quota per GPU type, editable by the platform team (Group pages).
 *
 * @public
 */
export const EntityGpuQuotaCard = inferencePlugin.provide(
  createComponentExtension({
    name: 'EntityGpuQuotaCard',
    component: {
      lazy: () => import('./components/GpuQuotaCard').then(m => m.GpuQuotaCard),
    },
  }),
);

/**
 * Scaffolder form field `ui:field: ClusterPlatformSettings`: shows the platform settings of the cluster chosen in the
 * form (field `cluster`, or `ui:options.clusterField`) and holds their summary, which the review step lists.
 * Register it inside `<ScaffolderFieldExtensions>` of the `ScaffolderPage` route.
 *
 * @public
 */
export const ClusterPlatformSettingsField = inferencePlugin.provide(
  createScaffolderFieldExtension<string, ClusterPlatformSettingsUiOptions>({
    name: 'ClusterPlatformSettings',
    component: ClusterPlatformSettings,
    schema: {
      returnValue: { type: 'string' },
      uiOptions: {
        type: 'object',
        properties: {
          clusterField: {
            type: 'string',
            description:
              'The form field holding the target cluster (default cluster)',
          },
        },
      },
    },
  }),
);
