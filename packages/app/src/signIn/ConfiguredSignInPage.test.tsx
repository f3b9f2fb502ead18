import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfiguredSignInPage } from './ConfiguredSignInPage';
import { oidcAuthApiRef } from './oidcAuthApi';

const identity = {
  type: 'user' as const,
  userEntityRef: 'user:default/ana.ruiz',
  ownershipEntityRefs: ['user:default/ana.ruiz'],
};

function renderSignInPage(providers?: string[]) {
  const oidcAuth = {
    // no session kept from an earlier visit; the popup (the e2e test's part) hands out the identity
    getBackstageIdentity: jest.fn(async (options?: { optional?: boolean }) =>
      options?.optional ? undefined : { token: 'a-token', identity },
    ),
    getProfile: jest
      .fn()
      .mockResolvedValue({ email: 'ana.ruiz@acme-ai.example' }),
    getCredentials: jest.fn(),
    signIn: jest.fn(),
    signOut: jest.fn(),
    sessionState$: jest.fn(),
    getIdToken: jest.fn(),
  };
  const config = mockApis.config({
    data: {
      app: { title: 'Test' },
      ...(providers ? { auth: { signInPage: { providers } } } : {}),
    },
  });
  const onSignInSuccess = jest.fn();
  return {
    oidcAuth,
    onSignInSuccess,
    rendered: renderInTestApp(
      <TestApiProvider
        apis={[
          [configApiRef, config],
          // the guest card asks the backend for a guest session
          [discoveryApiRef, mockApis.discovery()],
          [oidcAuthApiRef, oidcAuth as any],
        ]}
      >
        <ConfiguredSignInPage onSignInSuccess={onSignInSuccess} />
      </TestApiProvider>,
    ),
  };
}

describe('ConfiguredSignInPage', () => {
  it('offers the guest only, without config (the demo)', async () => {
    const { rendered } = renderSignInPage();
    await rendered;
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('Company account')).not.toBeInTheDocument();
  });

  it('offers the company account only, when the config names oidc', async () => {
    const { rendered } = renderSignInPage(['oidc']);
    await rendered;
    expect(await screen.findByText('Company account')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });

  it("signs in as the identity the oidc auth API's popup returns", async () => {
    const { rendered, oidcAuth, onSignInSuccess } = renderSignInPage(['oidc']);
    await rendered;
    await userEvent.click(
      await screen.findByRole('button', { name: /sign in/i }),
    );
    expect(oidcAuth.getBackstageIdentity).toHaveBeenCalledWith({
      instantPopup: true,
    });
    expect(onSignInSuccess).toHaveBeenCalledTimes(1);
    const signedIn = onSignInSuccess.mock.calls[0][0];
    expect(await signedIn.getBackstageIdentity()).toEqual(identity);
  });
});
