import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  inferenceServiceRef,
  readClusterConnections,
} from '@inference-platform/plugin-inference-node';
import { createEntityRegisterAction } from './actions/entityRegister';
import { createImageResolveAction } from './actions/imageResolve';
import { createManifestsApplyAction } from './actions/manifestsApply';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { createPlanCreateAction } from './actions/planCreate';
import { createQuotaReleaseAction } from './actions/quotaRelease';
import { createQuotaReserveAction } from './actions/quotaReserve';
import { readImageSettings } from './images/imageConfig';

/**
 * Scaffolder actions of the inference platform.
 *
 * @public
 */
export const scaffolderModuleInference = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'inference',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        inference: inferenceServiceRef,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, inference, catalog }) {
        const images = readImageSettings(config);
        scaffolder.addActions(
          createPlanCreateAction({ inference }),
          createImageResolveAction({ images, inference }),
          createQuotaReserveAction({ inference }),
          createQuotaReleaseAction({ inference }),
          createManifestsValidateAction({
            allowedRegistries: images.allowedRegistries,
          }),
          createManifestsApplyAction({
            clusters: readClusterConnections(config),
            inference,
          }),
          createEntityRegisterAction({
            catalog,
            catalogDirectory: config.getOptionalString(
              'inference.scaffolder.catalogDirectory',
            ),
          }),
        );
      },
    });
  },
});
