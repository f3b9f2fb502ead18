import { Page } from 'playwright-core';

/** The sign-in card's title for the OIDC provider (packages/app/src/signIn/ConfiguredSignInPage.tsx). */
export const OIDC_SIGN_IN_CARD_TITLE = 'Company account';

/** The sign-in button of the app's OIDC card. */
export function oidcSignInButton(page: Page) {
  return page
    .getByRole('listitem')
    .filter({ hasText: OIDC_SIGN_IN_CARD_TITLE })
    .getByRole('button', { name: /sign in/i });
}

/**
 * Signs in as a person would: on the app's sign-in page (open `baseUrl` + `path` first), clicks the OIDC card's
 * button, types `login` and a password into the identity provider's login form in the popup, accepts its consent
 * page if it shows one, and waits for the popup to close. Whether the backend accepted the person is for the caller to check: a
 * refused sign-in closes the popup too and shows the reason in the app.
 */
export async function signInWithOidc(
  page: Page,
  options: {
    baseUrl: string;
    login: string;
    password?: string;
    path?: string;
    timeoutMs?: number;
  },
): Promise<void> {
  const timeout = options.timeoutMs ?? 30_000;
  await page.goto(`${options.baseUrl}${options.path ?? '/'}`);
  const button = oidcSignInButton(page);
  await button.waitFor({ state: 'visible', timeout });

  const popupOpened = page.waitForEvent('popup', { timeout });
  await button.click();
  const popup = await popupOpened;
  const popupClosed = popup.waitForEvent('close', { timeout });

  // the identity provider's login form, then its consent page (oidc-provider's development interactions)
  await popup.locator('input[name="login"]').fill(options.login, { timeout });
  await popup
    .locator('input[name="password"]')
    .fill(options.password ?? 'any password');
  await popup.getByRole('button', { name: 'Sign-in' }).click();
  // consent is asked once per identity provider session and client
  const consent = popup.getByRole('button', { name: 'Continue' });
  const asksConsent = await Promise.race([
    consent.waitFor({ state: 'visible', timeout }).then(() => true),
    popupClosed.then(() => false),
  ]);
  if (asksConsent) await consent.click();

  // the backend's handler page answers the app and closes the popup
  await popupClosed;
}

/** What the backend's OIDC session says about the browser's signed-in user, read as the app reads it. */
export interface OidcSessionAnswer {
  status: number;
  userEntityRef?: string;
  ownershipEntityRefs?: string[];
  email?: string;
}

/**
 * Asks the backend's `/api/auth/oidc/refresh` from inside the page, with the browser's cookies, which Backstage
 * answers with the Backstage identity of the session it keeps for this browser.
 */
export async function readOidcSession(
  page: Page,
  options: { baseUrl: string; authEnvironment?: string },
): Promise<OidcSessionAnswer> {
  const url = `${options.baseUrl}/api/auth/oidc/refresh?optional&env=${
    options.authEnvironment ?? 'production'
  }`;
  return page.evaluate(async refreshUrl => {
    const res = await fetch(refreshUrl, {
      credentials: 'include',
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    const body = res.ok ? await res.json() : {};
    return {
      status: res.status,
      userEntityRef: body.backstageIdentity?.identity?.userEntityRef,
      ownershipEntityRefs:
        body.backstageIdentity?.identity?.ownershipEntityRefs,
      email: body.profile?.email,
    };
  }, url);
}
