import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium } from './browser';
import {
  artifactsDir,
  buildAppIfStale,
  RunningProduct,
  startProduct,
} from './productUnderTest';

jest.setTimeout(300_000);

/**
 * The definition of done, as a user does it: fill the vLLM template's form in the browser, let it apply to
 * the simulated cluster, and find the new service with its pods on its catalog page within a minute.
 */
describeIfChromium(
  'creating a vLLM service from the template in the browser',
  () => {
    let product: RunningProduct;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      buildAppIfStale();
      product = await startProduct();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      fs.mkdirSync(artifactsDir, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await product?.stop();
    });

    const shot = (name: string) =>
      page.screenshot({
        path: path.join(artifactsDir, `scaffolder-${name}.png`),
        fullPage: true,
      });

    async function next() {
      await page.getByRole('button', { name: /^(next|review)$/i }).click();
    }

    it('fills the form and runs the template to completion', async () => {
      await page.goto(
        `${product.baseUrl}/create/templates/default/vllm-model-service`,
      );
      const enter = page.getByRole('button', { name: /enter/i });
      if (
        await enter
          .waitFor({ state: 'visible', timeout: 15_000 })
          .then(() => true)
          .catch(() => false)
      ) {
        await enter.click();
      }

      // the catalog ingests the templates a few seconds after start: reload until the form is there
      const name = page.getByLabel(/^Name/);
      for (let attempt = 0; attempt < 12; attempt++) {
        if (
          await name
            .first()
            .waitFor({ state: 'visible', timeout: 5_000 })
            .then(() => true)
            .catch(() => false)
        )
          break;
        await page.reload();
      }
      await name.first().fill('faq-bot');
      const owner = page.getByLabel(/^Owner team/);
      await owner.first().click();
      // the picker lists teams by their display name
      await owner.first().fill('Conversational');
      await page
        .getByRole('option', { name: /Conversational AI/ })
        .first()
        .click();
      await shot('1-service');
      await next();

      // model and traffic: a small model at a modest load, so the planner picks one L4 per replica
      await page.getByLabel(/^Concurrent conversations/).fill('8');
      await next();
      await next();

      await page.getByLabel(/^Namespace/).fill('ml-chat');
      await shot('2-where');
      await next();

      await page.getByRole('button', { name: /^create$/i }).click();
      const openInCatalog = page.getByRole('button', {
        name: /open in the catalog/i,
      });
      const started = Date.now();
      await openInCatalog
        .or(page.getByRole('link', { name: /open in the catalog/i }))
        .first()
        .waitFor({ state: 'visible', timeout: 120_000 })
        .catch(async error => {
          await shot('task-failed');
          throw error;
        });
      await shot('3-task-done');
      // the task applied the manifests, waited for the rollout and the catalog serves the entity
      expect(Date.now() - started).toBeLessThan(60_000);
      await expectNoFailedStep(page);
    });

    it("shows the new service's pods on its catalog page", async () => {
      await page.goto(`${product.baseUrl}/catalog/default/component/faq-bot`);
      await page
        .getByRole('heading', { name: 'faq-bot' })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      await page.getByRole('tab', { name: 'Kubernetes' }).click();
      const podCount = page.getByText(/^\d+ pods?$/).first();
      await podCount.waitFor({ state: 'visible', timeout: 30_000 });
      expect(
        Number((await podCount.textContent())!.split(' ')[0]),
      ).toBeGreaterThanOrEqual(1);
      await shot('4-entity-kubernetes');
    });
  },
);

async function expectNoFailedStep(page: Page) {
  expect(await page.getByText(/failed/i).count()).toBe(0);
}
