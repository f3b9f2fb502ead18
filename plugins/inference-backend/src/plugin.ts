import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseInferenceStore } from './database/DatabaseInferenceStore';
import { createRouter } from './service/router';

/**
 * The inference backend plugin: tracks GPU model services across clusters, stores usage and enforces GPU quotas.
 *
 * @public
 */
export const inferencePlugin = createBackendPlugin({
  pluginId: 'inference',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        database: coreServices.database,
        config: coreServices.rootConfig,
      },
      async init({ logger, httpRouter, httpAuth, database, config }) {
        const store = await DatabaseInferenceStore.create({ database });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            store,
            databaseClient:
              config.getOptionalString('backend.database.client') ?? 'unknown',
          }),
        );
      },
    });
  },
});
