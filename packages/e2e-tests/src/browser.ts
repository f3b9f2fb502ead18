import fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * True when the browser suite can run. Outside CI a missing Chromium skips the suite; under CI=true it is an error,
 * so a CI machine without Chromium cannot pass by skipping.
 */
export function chromiumAvailable(): boolean {
  const present = fs.existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI === 'true') {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}; CI must install it (apt-get install -y chromium)`,
    );
  }
  return present;
}

/**
 * `describe` when Chromium is installed; otherwise the suite is skipped with a title that ends in
 * `[skipped: Chromium: <why>]`, which npm test's summary (scripts/test.mjs) reports as a missing service.
 */
export function describeIfChromium(title: string, suite: () => void): void {
  if (chromiumAvailable()) {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback -- a wrapper: each suite passes its own
    describe(title, suite);
  } else {
    describe.skip(
      // eslint-disable-next-line jest/valid-describe-callback -- a wrapper: each suite passes its own
      `${title} [skipped: Chromium: ${CHROMIUM_PATH} not found, apt-get install -y chromium]`,
      suite,
    );
  }
}

/** Launches headless Chromium with the flags this sandbox needs (no network beyond localhost, no GPU). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
