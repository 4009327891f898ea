// The README's screenshots, taken from a running console in Debian's Chromium:
//   npx tsx apps/console/scripts/screenshots.ts http://127.0.0.1:3100 docs/console
// It places an order, runs the load for a while, then a race through a fault (default: Kafka cut off
// from every design for 10 s, which reaches only the console's own links), then the page on a phone.
// `… docs/console cut-kafka phone` takes the phone's alone.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [address = 'http://127.0.0.1:3100', outDir = 'docs/console', fault = 'cut-kafka', only] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const put = (path: string, body: unknown) =>
  fetch(`${address}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The top of the page on a phone's screen (390×844, touch), with an order placed from it. */
async function phone(): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(address);
  await page.locator('[data-testid="live-state"][data-state="running"]').waitFor({ timeout: 120_000 });
  await page.getByTestId('place-order').tap();
  await page.getByTestId('notice').filter({ hasText: 'placed' }).waitFor();
  await page.waitForTimeout(2_000);
  await page.screenshot({ path: resolve(outDir, 'phone.png'), fullPage: false });
  await context.close();
}

/** The live flow, an order looked up, a race through the fault. */
async function desktop(): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(address);
  await page.locator('[data-testid="live-state"][data-state="running"]').waitFor({ timeout: 120_000 });

  await put('/api/load', { ratePerSecond: 30 });
  await page.waitForTimeout(20_000);
  await page.getByTestId('place-order').click();
  await page.getByTestId('notice').filter({ hasText: 'placed' }).waitFor();
  const orderId = (await page.getByTestId('notice').textContent())?.replace('placed ', '').trim() ?? '';
  await page.locator(`tr.pinned[data-order-id="${orderId}"] td[data-step="committed"].done`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: resolve(outDir, 'live-flow.png'), fullPage: false });
  await put('/api/load', { ratePerSecond: 0 });

  await page.getByTestId('lookup-id').fill(orderId);
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.getByTestId('lookup-result').waitFor();
  await page.getByTestId('lookup-result').scrollIntoViewIfNeeded();
  await page.locator('section', { has: page.getByTestId('lookup-result') }).screenshot({ path: resolve(outDir, 'lookup.png') });

  await page.getByTestId('race-rate').fill('20');
  await page.getByTestId('race-duration').fill('30');
  await page.getByTestId('race-fault').selectOption(fault);
  await page.getByTestId('race-fault-at').fill('10');
  await page.getByTestId('race-start').click();
  await page.locator('[data-testid="race-phase"][data-phase="running"]').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="race-phase"][data-phase="done"]').waitFor({ timeout: 300_000 });
  const race = page.locator('section', { has: page.getByTestId('race-phase') });
  await race.scrollIntoViewIfNeeded();
  await race.screenshot({ path: resolve(outDir, 'race.png') });
}

try {
  if (only !== 'phone') await desktop();
  await phone();
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
}
