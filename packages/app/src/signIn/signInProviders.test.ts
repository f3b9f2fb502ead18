import { ConfigReader } from '@backstage/core-app-api';
import { signInProvidersFromConfig } from './signInProviders';

const withProviders = (providers?: unknown) =>
  new ConfigReader(
    providers === undefined ? {} : { auth: { signInPage: { providers } } },
  );

describe('signInProvidersFromConfig', () => {
  it('offers the guest when the config names no provider (the demo)', () => {
    expect(signInProvidersFromConfig(withProviders())).toEqual(['guest']);
  });

  it.each([[['oidc']], [['oidc', 'guest']], [['guest', 'oidc']]])(
    'offers %j, in that order',
    providers => {
      expect(signInProvidersFromConfig(withProviders(providers))).toEqual(
        providers,
      );
    },
  );

  it.each([[['github']], [[]]])(
    'rejects %j with the key and the known providers',
    providers => {
      expect(() => signInProvidersFromConfig(withProviders(providers))).toThrow(
        'auth.signInPage.providers must list one or more of guest, oidc',
      );
    },
  );
});
