import {
  SignInPageProps,
  configApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import {
  IdentityProviders,
  SignInPage,
  SignInProviderConfig,
} from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';
import { SignInProviderId, signInProvidersFromConfig } from './signInProviders';

const oidcProvider: SignInProviderConfig = {
  id: 'oidc-auth-provider',
  title: 'Company account',
  message: 'Sign in with your company account (OpenID Connect)',
  apiRef: oidcAuthApiRef,
};

const providerById: Record<SignInProviderId, IdentityProviders[number]> = {
  guest: 'guest',
  oidc: oidcProvider,
};

/**
 * The sign-in page with the providers that `auth.signInPage.providers` names: the guest in the demo, the company's
 * OpenID Connect provider in production. A session kept from an earlier visit signs in without a click (`auto`).
 */
export function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = signInProvidersFromConfig(config).map(
    id => providerById[id],
  );
  return <SignInPage {...props} auto providers={providers} />;
}
