import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  inferenceServiceRef,
  readClusterConnections,
  readClusterPlatforms,
  configureGpuCatalog,
  readGpuPriceSettings,
  TeamTenancy,
} from '@inference-platform/plugin-inference-node';
import { createClusterSettingsAction } from './actions/clusterSettings';
import { createEntityRegisterAction } from './actions/entityRegister';
import { createImageResolveAction } from './actions/imageResolve';
import { createManifestsApplyAction } from './actions/manifestsApply';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { createPlanCreateAction } from './actions/planCreate';
import { ModelSource, readModelSourceSettings } from './models/modelSource';
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
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
      },
      async init({
        scaffolder,
        config,
        inference,
        catalog,
        userInfo,
        permissions,
      }) {
        // the same GPU figures as the inference backend's (inference.gpus), before anything is sized
        configureGpuCatalog(config);
        const images = readImageSettings(config);
        // who may deploy where: identity from the auth system, placements from config and Group entities
        const tenancy = TeamTenancy.fromConfig(config, { userInfo, catalog });
        scaffolder.addActions(
          createClusterSettingsAction({
            settingsOf: readClusterPlatforms(config).settingsOf,
          }),
          createPlanCreateAction({
            inference,
            tenancy,
            modelSource: new ModelSource(readModelSourceSettings(config)),
            prices: readGpuPriceSettings(config),
          }),
          createImageResolveAction({ images, inference }),
          createQuotaReserveAction({ inference, tenancy }),
          createQuotaReleaseAction({ inference }),
          createManifestsValidateAction({
            allowedRegistries: images.allowedRegistries,
          }),
          createManifestsApplyAction({
            clusters: readClusterConnections(config),
            inference,
            tenancy,
            permissions,
            podSecurity: config.getOptionalString(
              'inference.tenancy.podSecurity',
            ) as 'baseline' | 'restricted' | undefined,
          }),
          createEntityRegisterAction({
            catalog,
            tenancy,
            catalogDirectory: config.getOptionalString(
              'inference.scaffolder.catalogDirectory',
            ),
          }),
        );
      },
    });
  },
});
