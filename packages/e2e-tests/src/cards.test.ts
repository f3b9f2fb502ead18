import fs from 'node:fs';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { describeIfChromium, launchChromium } from './browser';
import {
  artifactsDir,
  buildAppIfStale,
  RunningProduct,
  startProduct,
  waitFor,
  waitForEntity,
} from './productUnderTest';

// Building the app, starting the product, the catalog's first ingestion and the metrics sampler's first samples
// take minutes on a small CI machine.
jest.setTimeout(600_000);

/** The demo's chat LLM that crash-loops with CUDA out of memory (packages/cluster-simulator's demo scenario). */
const OOM_SERVICE = 'code-assistant-llm';
const TEAM = 'group:default/ml-chat';

describeIfChromium(
  'inference cards and governance page on the demo scenario',
  () => {
    let product: RunningProduct;
    let browser: Browser;
    let page: Page;
    const consoleErrors: string[] = [];

    async function api<T>(route: string): Promise<T> {
      const res = await fetch(`${product.baseUrl}${route}`, {
        headers: { Authorization: `Bearer ${product.token}` },
      });
      if (!res.ok) throw new Error(`${route}: ${res.status}`);
      return (await res.json()) as T;
    }

    /** True once the route answers 200 (and `check` holds for the body). */
    function answers(
      route: string,
      check: (body: any) => boolean = () => true,
    ) {
      return () => api(route).then(check, () => false);
    }

    async function signInAsGuest() {
      const enter = page.getByRole('button', { name: /enter/i });
      const shown = await enter
        .waitFor({ state: 'visible', timeout: 15_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) await enter.click();
    }

    /**
     * Opens a page in a viewport tall enough for its screenshot (Backstage scrolls inside its layout, so a full-page
     * screenshot would stop at the fold; resizing after render would distort the catalog graph) and signs in when
     * the sign-in page shows instead.
     */
    async function open(route: string, height: number) {
      await page.setViewportSize({ width: 1440, height });
      await page.goto(`${product.baseUrl}${route}`);
      await signInAsGuest();
    }

    async function screenshot(name: string, clipHeight?: number) {
      await page.screenshot({
        path: path.join(artifactsDir, name),
        clip: clipHeight
          ? { x: 0, y: 0, width: 1440, height: clipHeight }
          : undefined,
      });
    }

    beforeAll(async () => {
      buildAppIfStale();
      // a sample every 5 s, so cost and idle share have data within a minute of the start
      product = await startProduct({
        extraConfigYaml: 'inference:\n  metrics:\n    intervalSeconds: 5\n',
      });
      // entity pages of entities the catalog has not ingested yet log a 404; wait for the demo catalog first
      await waitForEntity(product, `component:default/${OOM_SERVICE}`, 240_000);
      await waitForEntity(product, TEAM);
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      page.on('console', message => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', error => consoleErrors.push(`pageerror: ${error}`));
      fs.mkdirSync(artifactsDir, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await product?.stop();
    });

    it("shows the chat LLM's CUDA OOM crash loop, its idle spend and its 10x verdict", async () => {
      // the backend links the entity after its catalog refresh and prices usage after the first samples
      await waitFor(
        answers(
          `/api/inference/entities/component/default/${OOM_SERVICE}/summary`,
          summary =>
            summary.findings.some((f: any) => f.kind === 'cuda-oom') &&
            summary.cost.last30d.summary.gpuHours > 0,
        ),
        180_000,
        2_000,
      );
      await open(`/catalog/default/component/${OOM_SERVICE}`, 2600);

      const health = page.getByTestId('finding-cuda-oom');
      await health.waitFor({ state: 'visible', timeout: 60_000 });
      expect(
        await health
          .getByText('CUDA out of memory', { exact: true })
          .isVisible(),
      ).toBe(true);
      expect(
        await health.getByText('GPU memory', { exact: true }).isVisible(),
      ).toBe(true);
      expect(
        await page
          .getByText(/^Critical: CUDA out of memory/)
          .first()
          .isVisible(),
      ).toBe(true);

      const idle = page.getByRole('group', { name: 'Idle spend' });
      await idle.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await idle.textContent()).toMatch(/Idle spend\d+(\.\d)?%/);
      expect(
        await page
          .getByText(/% of the GPU spend of the last 30 days was idle$/)
          .isVisible(),
      ).toBe(true);

      const verdict = page.getByTestId('headroom-verdict');
      await verdict.waitFor({ state: 'visible', timeout: 30_000 });
      // a crash-looping service gets no 10x verdict, but the reason why
      expect(await verdict.textContent()).toMatch(
        /No 10× verdict: not serving.*CUDA out of memory/,
      );

      // the cards are on top of the overview: the first screen alone shows the three answers
      await screenshot('cards-code-assistant-llm-first-screen.png', 1000);
      await screenshot('cards-code-assistant-llm.png');
    });

    it("shows a team's quota numbers as the API reports them", async () => {
      const { items } = await api<{ items: any[] }>(
        `/api/inference/quotas?owner=${encodeURIComponent(TEAM)}`,
      );
      expect(items.length).toBeGreaterThan(0);
      await open('/catalog/default/group/ml-chat', 1700);
      for (const line of items) {
        const row = page.getByTestId(`quota-${line.gpuType}`);
        await row.waitFor({ state: 'visible', timeout: 60_000 });
        const cells = await row.getByRole('cell').allTextContents();
        expect(cells.slice(0, 5)).toEqual([
          line.gpuType,
          String(line.limit ?? 'none'),
          String(line.used),
          String(line.reserved),
          String(line.headroom ?? '–'),
        ]);
      }
      // the demo's guest is in the platform team, so the edit action shows
      expect(
        await page
          .getByRole('button', { name: `Edit the ${items[0].gpuType} limit` })
          .isVisible(),
      ).toBe(true);
      await screenshot('cards-group-ml-chat.png');
    });

    it('opens the governance page with workloads, quotas, capacity and idle spenders', async () => {
      await open('/inference', 3600);
      await page
        .getByRole('group', { name: 'Idle spend, 30 days' })
        .waitFor({ state: 'visible', timeout: 60_000 });
      for (const title of [
        'Workloads with findings',
        'Quota use by team and GPU type',
        'Capacity by cluster and pool',
        'Policy violations',
        'Top idle spenders by team, 30 days',
      ]) {
        expect(
          await page.getByRole('heading', { name: title }).isVisible(),
        ).toBe(true);
      }
      expect(
        await page
          .getByText('CUDA out of memory, Replicas below desired')
          .isVisible(),
      ).toBe(true);
      await screenshot('governance-page.png');
    });

    it('logged no errors in the browser console', () => {
      expect(consoleErrors).toEqual([]);
    });
  },
);
