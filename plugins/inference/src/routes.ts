import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the platform team's governance page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'inference' });
