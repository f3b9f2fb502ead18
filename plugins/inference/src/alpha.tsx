/**
 * The inference plugin for Backstage's new frontend system.
 *
 * @packageDocumentation
 */
import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  NavItemBlueprint,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import MemoryIcon from '@material-ui/icons/Memory';
import { inferenceApiRef, InferenceClient } from './api';
import { isInferenceAvailable, isInferenceClusterResource } from './conditions';
import { rootRouteRef } from './routes';

const isKind =
  (...kinds: string[]) =>
  (entity: Entity) =>
    kinds.includes(entity.kind.toLocaleLowerCase('en-US'));

// Components only when linked to workloads; systems, resources and groups aggregate what they contain or own.
const isInferenceComponent = (entity: Entity) =>
  isKind('component')(entity) && isInferenceAvailable(entity);

/**
 * The inference backend client.
 *
 * @alpha
 */
export const inferenceApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: inferenceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new InferenceClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The platform team's governance page at `/inference`.
 *
 * @alpha
 */
export const inferencePlatformPage = PageBlueprint.make({
  params: {
    path: '/inference',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/InferencePlatformPage').then(m =>
        compatWrapper(<m.InferencePlatformPage />),
      ),
  },
});

/**
 * Sidebar entry of the governance page.
 *
 * @alpha
 */
export const inferenceNavItem = NavItemBlueprint.make({
  params: {
    title: 'GPU platform',
    icon: MemoryIcon,
    routeRef: convertLegacyRouteRef(rootRouteRef),
  },
});

/**
 * Health card of model services: findings with evidence and fix, replicas, pods and serving metrics.
 *
 * @alpha
 */
export const inferenceHealthEntityCard = EntityCardBlueprint.make({
  name: 'health',
  params: {
    filter: isInferenceComponent,
    loader: () =>
      import('./components/InferenceHealthCard').then(m =>
        compatWrapper(<m.InferenceHealthCard />),
      ),
  },
});

/**
 * Cost card of model services, systems and teams: spend, idle share, cost per million tokens.
 *
 * @alpha
 */
export const inferenceCostEntityCard = EntityCardBlueprint.make({
  name: 'cost',
  params: {
    filter: entity =>
      isInferenceComponent(entity) || isKind('system', 'group')(entity),
    loader: () =>
      import('./components/InferenceCostCard').then(m =>
        compatWrapper(<m.InferenceCostCard />),
      ),
  },
});

/**
 * Capacity card of model services, systems and cluster resources: the 10x verdict and free GPUs per pool.
 *
 * @alpha
 */
export const gpuCapacityEntityCard = EntityCardBlueprint.make({
  name: 'gpu-capacity',
  params: {
    filter: entity =>
      isInferenceComponent(entity) ||
      isKind('system')(entity) ||
      isInferenceClusterResource(entity),
    loader: () =>
      import('./components/GpuCapacityCard').then(m =>
        compatWrapper(<m.GpuCapacityCard />),
      ),
  },
});

/**
 * Quota card of teams: limit, used, reserved and free GPUs per GPU type.
 *
 * @alpha
 */
export const gpuQuotaEntityCard = EntityCardBlueprint.make({
  name: 'gpu-quota',
  params: {
    filter: isKind('group'),
    loader: () =>
      import('./components/GpuQuotaCard').then(m =>
        compatWrapper(<m.GpuQuotaCard />),
      ),
  },
});

/**
 * The inference plugin (new frontend system).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'inference',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    inferenceApi,
    inferencePlatformPage,
    inferenceNavItem,
    inferenceHealthEntityCard,
    inferenceCostEntityCard,
    gpuCapacityEntityCard,
    gpuQuotaEntityCard,
  ],
});
