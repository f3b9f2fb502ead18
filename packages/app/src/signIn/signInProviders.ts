import { ConfigApi } from '@backstage/core-plugin-api';

/** The sign-in choices the app knows: the demo's guest and the company's OpenID Connect provider. */
export type SignInProviderId = 'guest' | 'oidc';

/** Where the choice is read: frontend-visible, declared in packages/app/config.d.ts. */
export const SIGN_IN_PROVIDERS_KEY = 'auth.signInPage.providers';

const known: ReadonlySet<string> = new Set<SignInProviderId>(['guest', 'oidc']);

/**
 * The providers the sign-in page offers, in the configured order. Without the key it is the demo's guest, as the
 * embedded config runs in development mode where the backend's guest provider is allowed.
 */
export function signInProvidersFromConfig(
  config: ConfigApi,
): SignInProviderId[] {
  const configured = config.getOptionalStringArray(SIGN_IN_PROVIDERS_KEY);
  if (!configured) return ['guest'];
  const unknown = configured.filter(id => !known.has(id));
  if (unknown.length > 0 || configured.length === 0) {
    throw new Error(
      `${SIGN_IN_PROVIDERS_KEY} must list one or more of ${[...known].join(
        ', ',
      )}; got [${configured.join(', ')}]`,
    );
  }
  return configured as SignInProviderId[];
}
