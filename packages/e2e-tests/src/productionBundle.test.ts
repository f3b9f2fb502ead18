import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium } from './browser';
import {
  OidcProviderHandle,
  catalogPerson,
  describeOidcSignIn,
  oidcRedirectUri,
  signInWithOidc,
  startOidcProvider,
} from './oidc';
import { postgresConfigured } from './production/postgres';
import {
  RunningProduction,
  installBundle,
  removeInstalledBundle,
  startProduction,
} from './production/productionBundle';
import {
  artifactsDir,
  freePort,
  waitFor,
  waitForEntity,
} from './productUnderTest';

// installing the bundle (npm ci of its production dependencies, native builds included) takes minutes
jest.setTimeout(20 * 60_000);

/*
 * The production bundle end to end, exactly as README's "Run it in production" section runs it: built, installed
 * into a folder of its own, started with app-config.production.yaml and an organisation config on PostgreSQL, signed
 * in through a real OpenID Connect provider in Chromium.
 */
if (postgresConfigured()) {
  afterAll(removeInstalledBundle);

  describeOidcSignIn({
    title: 'production bundle: OIDC sign-in',
    artifactPrefix: 'production-oidc',
    startProduct: async ({ port, env }) =>
      startProduction({ installDir: installBundle(), port, env }),
  });

  describeIfChromium(
    'production bundle: a platform engineer’s first hour',
    () => {
      let oidc: OidcProviderHandle;
      let product: RunningProduction;
      let browser: Browser;
      let page: Page;
      const consoleErrors: string[] = [];
      const api = (route: string) =>
        fetch(`${product.baseUrl}${route}`, {
          headers: { Authorization: `Bearer ${product.token}` },
        });

      beforeAll(async () => {
        const installDir = installBundle();
        const port = await freePort();
        oidc = await startOidcProvider({
          redirectUris: [oidcRedirectUri(`http://localhost:${port}`)],
          accounts: [catalogPerson],
        });
        product = await startProduction({ installDir, port, env: oidc.env });
        await waitForEntity(product, 'component:default/support-chat-llm');
        browser = await launchChromium();
        page = await browser.newPage({
          viewport: { width: 1440, height: 1000 },
        });
        page.on('console', message => {
          if (message.type() !== 'error') return;
          const { url } = message.location();
          // a fresh browser has no session: the sign-in page's first look for one is answered 401, as Backstage does
          if (/\/api\/auth\/oidc\/refresh\?optional/.test(url)) return;
          consoleErrors.push(`${message.text()} (${url})`);
        });
        fs.mkdirSync(artifactsDir, { recursive: true });
      });

      afterAll(async () => {
        await browser?.close();
        if (product) {
          fs.writeFileSync(
            path.join(artifactsDir, 'production-backend.log'),
            product.logs(),
          );
        }
        await product?.stop();
        await oidc?.stop();
      });

      it('keeps its state in PostgreSQL, in the databases README lists, as a user with only LOGIN and CREATEDB', () => {
        expect(
          product.postgres
            .databases()
            .map(name => name.slice(product.postgres.databasePrefix.length)),
        ).toEqual([
          'app',
          'auth',
          'catalog',
          'inference',
          'kubernetes',
          'permission',
          'scaffolder',
        ]);
      });

      it('tracks every cluster over TLS with the least-privilege reader token read from a file', async () => {
        let states: string[][] = [];
        await waitFor(
          async () => {
            const res = await api('/api/inference/clusters');
            if (!res.ok) return false;
            const { items } = await res.json();
            states = items.map((c: { name: string; state: string }) => [
              c.name,
              c.state,
            ]);
            return states.every(([, state]) => state === 'synced');
          },
          120_000,
          1_000,
        ).catch(() => undefined);
        expect(states).toEqual(
          product.simulator.clusters.map(c => [c.name, 'synced']),
        );
      });

      it('answers the summary README shows, from the organisation’s catalog and the clusters', async () => {
        let summary: any;
        await waitFor(
          async () => {
            const res = await api(
              '/api/inference/entities/component/default/support-chat-llm/summary',
            );
            if (!res.ok) return false;
            summary = await res.json();
            return summary.workloads?.length > 0;
          },
          120_000,
          1_000,
        );
        expect(summary.workloads[0]).toMatchObject({ cluster: 'gpu-us-east' });
      });

      it('refuses the demo’s guest sign-in', async () => {
        const res = await fetch(
          `${product.baseUrl}/api/auth/guest/refresh?env=production`,
          { headers: { 'x-requested-with': 'XMLHttpRequest' } },
        );
        expect(res.status).not.toBe(200);
      });

      it('signs a person in through OIDC and shows their model service with its cards and pods', async () => {
        await signInWithOidc(page, {
          baseUrl: product.baseUrl,
          login: catalogPerson.login,
          path: '/catalog/default/component/support-chat-llm',
        });
        await page
          .getByRole('heading', { name: 'Support chat assistant' })
          .first()
          .waitFor({ state: 'visible', timeout: 60_000 });
        // the inference cards, answered from PostgreSQL and the clusters
        for (const title of [
          'Inference health',
          'GPU capacity',
          'Inference cost',
        ]) {
          await page
            .getByText(title, { exact: true })
            .first()
            .waitFor({ state: 'visible', timeout: 60_000 });
        }
        await page.screenshot({
          path: path.join(artifactsDir, 'production-overview.png'),
          fullPage: true,
        });
        await page.getByRole('tab', { name: 'Kubernetes' }).click();
        const podCount = page.getByText(/^\d+ pods$/).first();
        await podCount.waitFor({ state: 'visible', timeout: 60_000 });
        expect(
          Number((await podCount.textContent())!.split(' ')[0]),
        ).toBeGreaterThanOrEqual(2);
        await page.screenshot({
          path: path.join(artifactsDir, 'production-kubernetes-tab.png'),
          fullPage: true,
        });
      });

      it('logged no errors in the browser console', () => {
        expect(consoleErrors).toEqual([]);
      });
    },
  );
} else {
  // eslint-disable-next-line jest/no-disabled-tests -- skipped for a missing service, reported by npm test
  describe.skip('production bundle [skipped: PostgreSQL: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING not set]', () => {
    // eslint-disable-next-line jest/expect-expect -- never runs
    it('runs on PostgreSQL', () => {});
  });
}
