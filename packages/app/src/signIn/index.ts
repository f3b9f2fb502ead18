export { ConfiguredSignInPage } from './ConfiguredSignInPage';
export { oidcAuthApiFactory, oidcAuthApiRef } from './oidcAuthApi';
export type { SignInProviderId } from './signInProviders';
export { signInProvidersFromConfig } from './signInProviders';
