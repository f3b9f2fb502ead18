import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createManifestsValidateAction } from './actions/manifestsValidate';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createManifestsValidateAction());
      },
    });
  },
});
