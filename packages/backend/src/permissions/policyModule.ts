import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { InferencePlatformPolicy } from './InferencePlatformPolicy';

const DEFAULT_PLATFORM_TEAM = 'group:default/platform-team';

/** Installs {@link InferencePlatformPolicy} as the permission backend's policy. */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'inference-platform-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ policy, config }) {
        const platformTeam =
          config.getOptionalString('inference.platformTeam') ??
          DEFAULT_PLATFORM_TEAM;
        policy.setPolicy(new InferencePlatformPolicy(platformTeam));
      },
    });
  },
});
