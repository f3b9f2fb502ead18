import { describeOidcSignIn } from './oidc/oidcSignInSuite';
import { productionAuthSectionYaml } from './oidc/productionAuthSection';
import { buildAppIfStale, startProduct } from './productUnderTest';

jest.setTimeout(240_000);

// The development backend (SQLite, simulated clusters) with app-config.production.yaml's auth section as it ships:
// OIDC sign-in, guest off. The same suite runs against the production bundle with its own startProduct.
describeOidcSignIn({
  title: 'OIDC sign-in through a real OpenID Connect provider in Chromium',
  startProduct: async ({ port, env }) => {
    buildAppIfStale();
    return startProduct({
      port,
      env,
      extraConfigYaml: productionAuthSectionYaml(),
    });
  },
});
