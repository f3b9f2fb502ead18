import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import path from 'node:path';
import { ProvisionedEntityProvider } from './ProvisionedEntityProvider';

/**
 * Puts the model services that the inference templates applied without git into the catalog, from
 * `inference.scaffolder.catalogDirectory`. Without that setting the module does nothing.
 *
 * @public
 */
export const catalogModuleInference = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'inference',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const directory = config.getOptionalString(
          'inference.scaffolder.catalogDirectory',
        );
        if (!directory) {
          logger.info(
            'inference.scaffolder.catalogDirectory is not set: no provisioned entities',
          );
          return;
        }
        const provider = new ProvisionedEntityProvider({
          directory: path.resolve(directory),
          logger,
        });
        catalog.addEntityProvider(provider);
        const seconds =
          config.getOptionalNumber('inference.scaffolder.catalogPollSeconds') ??
          5;
        await scheduler.scheduleTask({
          id: 'inference-provisioned-entities',
          frequency: { seconds },
          timeout: { seconds: 60 },
          // each backend instance reads the same directory; the full mutation makes the result identical
          scope: 'local',
          fn: async () => {
            await provider.refresh();
          },
        });
      },
    });
  },
});
