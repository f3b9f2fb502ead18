import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterWithQuietErrors } from './errorResponses';
import { permissionPolicyModule } from './permissions/policyModule';

const backend = createBackend();

// error bodies without stack traces unless backend.errorHandler.showStackTraces says otherwise
backend.add(rootHttpRouterWithQuietErrors);

// the built frontend, served from the same origin
backend.add(import('@backstage/plugin-app-backend'));

// sign-in: the guest provider for the demo, an OpenID Connect identity provider for real use; each one is active
// only where auth.providers configures it (app-config.production.yaml configures oidc)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// 0.4.14, not the 1.45.6 manifest's 0.4.9 that the registry lacks: see packages/backend/AUTH-PROVIDERS.md
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// services the inference templates applied without git (inference.scaffolder.catalogDirectory)
backend.add(
  import('@inference-platform/plugin-catalog-backend-module-inference'),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

backend.add(import('@backstage/plugin-scaffolder-backend'));
// publish:github for templates delivered to a git repository (needs integrations.github with a token)
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@inference-platform/plugin-scaffolder-backend-module-inference'),
);

// the Kubernetes plugin users already run, on the same clusters as ours
backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@inference-platform/plugin-inference-backend'));

backend.start();
