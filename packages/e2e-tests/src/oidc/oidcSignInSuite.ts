/* eslint-disable jest/no-export -- a suite that the development and the production-bundle tests both run */
import fs from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { describeIfChromium, launchChromium } from '../browser';
import { artifactsDir, freePort, waitForEntity } from '../productUnderTest';
import {
  OidcProviderHandle,
  OidcTestAccount,
  oidcRedirectUri,
  startOidcProvider,
} from './oidcProvider';
import {
  oidcSignInButton,
  readOidcSession,
  signInWithOidc,
} from './signInWithOidc';

/** A person of examples/org.yaml (user:default/ana.ruiz, platform-team), as the identity provider knows her. */
export const catalogPerson: OidcTestAccount = {
  login: 'ana.ruiz',
  email: 'ana.ruiz@acme-ai.example',
  // differs from the catalog's displayName, so a page showing "Ana Ruiz" shows the catalog User
  name: 'A. Ruiz (identity provider)',
};

/** People the identity provider vouches for whom the catalog does not know. */
export const strangers: OidcTestAccount[] = [
  { login: 'mallory', email: 'mallory@elsewhere.example', name: 'Mallory' },
  // the catalog person's name at another domain: sign-in must not fall back on the email's local part
  {
    login: 'ana.ruiz.elsewhere',
    email: 'ana.ruiz@elsewhere.example',
    name: 'Ana Ruiz (elsewhere)',
  },
];

/** The product as the suite needs it: its address and, to wait for the catalog's users, a static API token. */
export interface OidcProductUnderTest {
  baseUrl: string;
  token?: string;
  logs?(): string;
  stop(): Promise<void>;
}

/** What a product under test must be started with for the suite's identity provider. */
export interface OidcProductTarget {
  /** The port to listen on: the identity provider's client already allows only this address to be redirected to. */
  port: number;
  /** http://localhost:<port>, what app.baseUrl and backend.baseUrl must be. */
  baseUrl: string;
  /** OIDC_METADATA_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, AUTH_SESSION_SECRET for the production auth section. */
  env: Record<string, string>;
}

/**
 * The OIDC sign-in suite against any product whose config is app-config.production.yaml's `auth:` section: a real
 * OpenID Connect provider, then the product (started by `startProduct` so that its backend reads the provider's
 * settings from `target.env`), then Chromium signing people in through the app's sign-in page.
 */
export function describeOidcSignIn(options: {
  title: string;
  startProduct(target: OidcProductTarget): Promise<OidcProductUnderTest>;
  /** auth.environment of the product (the provider's config key and the refresh endpoint's `env`). */
  authEnvironment?: string;
  /** Prefix of the screenshots and logs in test-results/e2e. */
  artifactPrefix?: string;
}): void {
  const authEnvironment = options.authEnvironment ?? 'production';
  const prefix = options.artifactPrefix ?? 'oidc';

  describeIfChromium(options.title, () => {
    let oidc: OidcProviderHandle | undefined;
    let product: OidcProductUnderTest | undefined;
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      fs.mkdirSync(artifactsDir, { recursive: true });
      const port = await freePort();
      const baseUrl = `http://localhost:${port}`;
      oidc = await startOidcProvider({
        redirectUris: [oidcRedirectUri(baseUrl)],
        accounts: [catalogPerson, ...strangers],
      });
      product = await options.startProduct({ port, baseUrl, env: oidc.env });
      if (product.token) {
        await waitForEntity(
          { baseUrl: product.baseUrl, token: product.token },
          `user:default/${catalogPerson.login}`,
        );
      }
      browser = await launchChromium();
    });

    afterAll(async () => {
      await Promise.all(contexts.map(context => context.close()));
      await browser?.close();
      if (product?.logs) {
        fs.writeFileSync(
          path.join(artifactsDir, `${prefix}-backend.log`),
          product.logs(),
        );
      }
      if (oidc) {
        fs.writeFileSync(
          path.join(artifactsDir, `${prefix}-identity-provider.log`),
          oidc.logs(),
        );
      }
      await product?.stop();
      await oidc?.stop();
    });

    // each person in a browser of their own: no cookies of the identity provider or the backend carry over
    async function freshPage(): Promise<Page> {
      const context = await browser!.newContext({
        viewport: { width: 1280, height: 900 },
      });
      contexts.push(context);
      return context.newPage();
    }

    const shot = (page: Page, name: string) =>
      page.screenshot({
        path: path.join(artifactsDir, `${prefix}-${name}.png`),
        fullPage: true,
      });

    it('signs a catalog person in through the identity provider, as their catalog User', async () => {
      const page = await freshPage();
      await signInWithOidc(page, {
        baseUrl: product!.baseUrl,
        login: catalogPerson.login,
      });
      await oidcSignInButton(page).waitFor({
        state: 'hidden',
        timeout: 30_000,
      });

      const session = await readOidcSession(page, {
        baseUrl: product!.baseUrl,
        authEnvironment,
      });
      expect(session).toMatchObject({
        status: 200,
        userEntityRef: 'user:default/ana.ruiz',
        email: catalogPerson.email,
      });
      expect(session.ownershipEntityRefs).toContain(
        'group:default/platform-team',
      );

      // a new page load signs in again from the kept session, without the identity provider
      await page.goto(`${product!.baseUrl}/settings`);
      const identityCard = page
        .getByText('Backstage Identity')
        .locator('xpath=ancestor::*[contains(@class, "MuiCard-root")][1]');
      await identityCard.waitFor({ state: 'visible', timeout: 30_000 });
      // the User's reference, replaced by its catalog displayName once the app has fetched the entity
      await identityCard
        .getByText(/^(ana\.ruiz|Ana Ruiz)$/)
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      await shot(page, 'signed-in-settings');
      expect(await oidcSignInButton(page).count()).toBe(0);
    });

    it.each(strangers)(
      'refuses $email, whom the catalog does not know',
      async stranger => {
        const page = await freshPage();
        await signInWithOidc(page, {
          baseUrl: product!.baseUrl,
          login: stranger.login,
        });
        await page
          .getByText(/unable to resolve user identity/i)
          .first()
          .waitFor({ state: 'visible', timeout: 30_000 });
        await shot(page, `refused-${stranger.login}`);
        expect(await oidcSignInButton(page).isVisible()).toBe(true);
        const session = await readOidcSession(page, {
          baseUrl: product!.baseUrl,
          authEnvironment,
        });
        expect(session.userEntityRef).toBeUndefined();
      },
    );
  });
}
