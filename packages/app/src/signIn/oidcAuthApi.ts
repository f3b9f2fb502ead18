import { OAuth2 } from '@backstage/core-app-api';
import {
  ApiRef,
  BackstageIdentityApi,
  configApiRef,
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/core-plugin-api';

/**
 * Sign-in through the company's OpenID Connect identity provider: the backend's `oidc` provider
 * (`@backstage/plugin-auth-backend-module-oidc-provider`, configured under `auth.providers.oidc`).
 */
export const oidcAuthApiRef: ApiRef<
  OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
> = createApiRef({ id: 'auth.oidc' });

/** The generic OAuth2 client of Backstage, pointed at the backend's `/api/auth/oidc` routes. */
export const oidcAuthApiFactory = createApiFactory({
  api: oidcAuthApiRef,
  deps: {
    configApi: configApiRef,
    discoveryApi: discoveryApiRef,
    oauthRequestApi: oauthRequestApiRef,
  },
  factory: ({ configApi, discoveryApi, oauthRequestApi }) =>
    OAuth2.create({
      configApi,
      discoveryApi,
      oauthRequestApi,
      provider: { id: 'oidc', title: 'Company account', icon: () => null },
      // selects auth.providers.oidc.<environment> on the backend
      environment: configApi.getOptionalString('auth.environment'),
      defaultScopes: ['openid', 'profile', 'email'],
    }),
});
