import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { inferencePermissions } from '@inference-platform/plugin-inference-common';
import { readClusterPlatforms } from '@inference-platform/plugin-inference-node';
import { createInferenceCore } from './core';
import { createMetricsSource } from './metrics/createMetricsSource';
import { Access } from './service/access';
import { createEntityLookup, createGroupLookup } from './service/catalogLink';
import { createRouter } from './service/router';
import { scheduleInferenceTasks } from './tasks';
import { createViews } from './views/createViews';

/**
 * The inference backend plugin: tracks GPU model services across clusters, stores usage and enforces GPU quotas.
 * Wiring only: sources of truth (core.ts) → views, scheduled tasks (tasks.ts), the router.
 *
 * @public
 */
export const inferencePlugin = createBackendPlugin({
  pluginId: 'inference',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, catalog, auth } = deps;
        const core = await createInferenceCore(deps);
        const { options, clusters, fleet } = core;
        deps.permissionsRegistry.addPermissions(inferencePermissions);
        logger.info(
          `Tracking ${clusters.length} cluster(s): ${
            clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
        const views = createViews({
          ...core,
          entityExists: createEntityLookup(catalog, auth),
        });
        await scheduleInferenceTasks({
          ...core,
          scheduler: deps.scheduler,
          logger,
          metricsSource: () =>
            createMetricsSource({
              options: options.sampler,
              clusters,
              fleet,
              logger,
            }),
        });
        deps.httpRouter.use(
          await createRouter({
            ...core,
            ...views,
            logger,
            httpAuth: deps.httpAuth,
            access: Access.create({
              permissions: deps.permissions,
              userInfo: deps.userInfo,
              servicePrincipals: options.servicePrincipals,
            }),
            databaseClient:
              config.getOptionalString('backend.database.client') ?? 'unknown',
            groupExists: createGroupLookup(catalog, auth),
            platforms: readClusterPlatforms(config),
          }),
        );
      },
    });
  },
});
