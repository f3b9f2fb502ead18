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
import MemoryIcon from '@material-ui/icons/Memory';
import { inferenceApiRef, InferenceClient } from './api';
import { rootRouteRef } from './routes';

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
 * The inference plugin (new frontend system).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'inference',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [inferenceApi, inferencePlatformPage, inferenceNavItem],
});
