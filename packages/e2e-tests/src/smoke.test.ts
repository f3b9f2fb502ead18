import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium } from './browser';
import {
  artifactsDir,
  buildAppIfStale,
  RunningProduct,
  startProduct,
  waitForEntity,
} from './productUnderTest';

jest.setTimeout(240_000);

describeIfChromium(
  'browser smoke test: the built app served by the real backend',
  () => {
    let product: RunningProduct;
    let browser: Browser;
    let page: Page;
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      buildAppIfStale();
      product = await startProduct();
      await waitForEntity(product, 'component:default/support-chat-llm');
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      page.on('console', message => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      fs.mkdirSync(artifactsDir, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await product?.stop();
    });

    async function signInAsGuest() {
      const enter = page.getByRole('button', { name: /enter/i });
      const shown = await enter
        .waitFor({ state: 'visible', timeout: 15_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) await enter.click();
    }

    it('shows an example model service with its Kubernetes tab', async () => {
      const url = `${product.baseUrl}/catalog/default/component/support-chat-llm`;
      await page.goto(url);
      await signInAsGuest();

      // the catalog ingests the examples a few seconds after start; reload until the entity is there
      const heading = page.getByRole('heading', {
        name: 'Support chat assistant',
      });
      for (let attempt = 0; attempt < 12; attempt++) {
        const visible = await heading
          .first()
          .waitFor({ state: 'visible', timeout: 5_000 })
          .then(() => true)
          .catch(() => false);
        if (visible) break;
        await page.reload();
      }
      // the overview's cards load lazily: wait for the About card before the screenshot
      await page
        .getByText('Answers customer support chats', { exact: false })
        .first()
        .waitFor({ state: 'visible', timeout: 20_000 });
      await page.screenshot({
        path: path.join(artifactsDir, 'smoke-support-chat-llm.png'),
        fullPage: true,
      });
      expect(await heading.first().isVisible()).toBe(true);
      expect(
        await page.getByRole('tab', { name: 'Kubernetes' }).isVisible(),
      ).toBe(true);
    });

    it("shows the service's simulated pods on its Kubernetes tab", async () => {
      await page.getByRole('tab', { name: 'Kubernetes' }).click();
      // the Kubernetes plugin asks the simulated cluster, which names the pods after their Deployment
      await page
        .getByText('Your Clusters')
        .waitFor({ state: 'visible', timeout: 30_000 });
      // the cluster card counts the pods the simulated cluster returned for this service
      const podCount = page.getByText(/^\d+ pods$/).first();
      await podCount.waitFor({ state: 'visible', timeout: 30_000 });
      expect(
        Number((await podCount.textContent())!.split(' ')[0]),
      ).toBeGreaterThanOrEqual(2);
      expect(await page.getByText('gpu-us-east').first().isVisible()).toBe(
        true,
      );
      await page.screenshot({
        path: path.join(artifactsDir, 'smoke-kubernetes-tab.png'),
        fullPage: true,
      });
    });

    it('logged no errors in the browser console', () => {
      expect(consoleErrors).toEqual([]);
    });
  },
);
