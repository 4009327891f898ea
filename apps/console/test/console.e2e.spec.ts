import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposedConsole, type ConsoleInBrowser, counter, startConsoleInBrowser } from './in-browser.js';

// The console in a real browser (Debian's Chromium, driven by playwright-core), against the real
// stack: its own order-api and order-processor, the race's three designs. Faults here touch only
// what the console started (its processes, its links): never the stack's own services.
let started: ConsoleInBrowser;
let consoleApp: ComposedConsole;
let address: string;
let browser: Browser;
let openConsole: () => Promise<Page>;

beforeAll(async () => {
  started = await startConsoleInBrowser({
    stackFaults: false,
    // Sampling from 1 order/s: under the test's load, most orders are not followed step by step,
    // and an order placed from the page must still show every step.
    followAllBelowPerSecond: 1,
  });
  ({ consoleApp, address, browser, openConsole } = started);
  expect(consoleApp.live.status, consoleApp.live.status.message).toMatchObject({ state: 'running' });
}, 180_000);

afterAll(() => started?.close(), 120_000);

interface PageDocument {
  readonly documentElement: { readonly clientWidth: number; readonly scrollWidth: number };
  querySelectorAll(
    selector: string,
  ): Iterable<{ readonly tagName: string; readonly className: unknown; getBoundingClientRect(): { right: number } }>;
}

describe('the console in a browser', () => {
  it('places an order from the form under load and shows it reach committed, step by step, then its whole history', async () => {
    // given the load generator turned on from its slider, its counts moving on the page
    const page = await openConsole();
    await page.getByLabel('Load rate').fill('10');
    await page.getByTestId('load-accepted').filter({ hasNotText: /^0$/ }).waitFor({ timeout: 20_000 });
    // and the console sampling: only some of the orders are followed step by step
    await expect.poll(() => consoleApp.state.snapshot().metrics.at(-1)?.sampleEvery ?? 1, { timeout: 20_000 }).toBeGreaterThan(1);

    // when
    await page.getByTestId('place-order').click();
    await page.getByTestId('notice').filter({ hasText: 'placed' }).waitFor({ timeout: 20_000 });
    const orderId = (await page.getByTestId('notice').textContent())?.replace('placed ', '').trim() ?? '';

    // then every step shows on the order's row, committed last to be waited for
    const row = page.locator(`tr.pinned[data-order-id="${orderId}"]`);
    await row.locator('td[data-step="committed"].done').waitFor({ timeout: 30_000 });
    for (const step of ['accepted', 'command', 'stored', 'announced', 'committed']) {
      await row.locator(`td[data-step="${step}"].done`).waitFor({ timeout: 10_000 });
    }
    expect(await row.locator('td[data-step="command"]').getAttribute('title')).toMatch(/\.commands p\d+@\d+$/);
    // and the times per step count from order-api's own acceptance, not from when its answer got here
    expect(await row.locator('td[data-step="announced"]').textContent()).toMatch(/^\+[1-9]\d* ms/);

    // when the order is looked up
    await page.getByTestId('lookup-id').fill(orderId);
    await page.getByRole('button', { name: 'Look up' }).click();

    // then its row in PostgreSQL and its committed cache entry are there
    const history = page.getByTestId('lookup-result');
    await history.waitFor({ timeout: 10_000 });
    expect(await history.textContent()).toContain(orderId);
    expect(await history.textContent()).toMatch(/OrderCreated: p\d+@\d+/);

    // when the load is turned off
    await page.getByLabel('Load rate').fill('0');

    // then the page says so
    await page.getByTestId('load-state').filter({ hasText: 'running at 0/s' }).waitFor({ timeout: 10_000 });
    await page.close();
  }, 120_000);

  it("partitions its own deployment's PostgreSQL link with a click: the timeline shows it, and an order placed during it is committed once it heals", async () => {
    // given
    const page = await openConsole();

    // when the fault is clicked and an order placed while it holds
    await page.getByTestId('fault-partition-postgres').click();
    await page.locator('[data-testid="timeline"] li.injected', { hasText: 'postgres link partitioned' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('place-order').click();
    await page.getByTestId('notice').filter({ hasText: 'placed' }).waitFor({ timeout: 20_000 });
    const orderId = (await page.getByTestId('notice').textContent())?.replace('placed ', '').trim() ?? '';

    // then the fault heals on the timeline, and the order goes through once it has
    await page.locator('[data-testid="timeline"] li.healed', { hasText: 'postgres link partitioned' }).waitFor({ timeout: 30_000 });
    await page.locator(`tr.pinned[data-order-id="${orderId}"] td[data-step="committed"].done`).waitFor({ timeout: 90_000 });
    await page.close();
  }, 180_000);

  it("races Ouro against the naive dual write and the polling outbox through a processor kill: Ouro's lost, duplicated and ghost stay 0 while its counters move", async () => {
    // given
    const page = await openConsole();

    // when a small race runs with every design's writer killed mid-way
    await page.getByTestId('race-rate').fill('10');
    await page.getByTestId('race-duration').fill('20');
    await page.getByTestId('race-fault').selectOption('kill-processor');
    await page.getByTestId('race-fault-at').fill('7');
    await page.getByTestId('race-start').click();
    await page.locator('[data-testid="race-phase"][data-phase="running"]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="contender-ouro"] [data-counter="stored"]').filter({ hasNotText: /^0$/ }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="timeline"] li.injected', { hasText: 'SIGKILL' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="race-phase"][data-phase="done"]').waitFor({ timeout: 180_000 });

    // then Ouro accepted, stored and announced every order once, and its reconciler found nothing
    const accepted = Number(await counter(page, 'ouro', 'accepted'));
    expect(accepted).toBeGreaterThan(100);
    expect(Number(await counter(page, 'ouro', 'stored'))).toBe(accepted);
    expect(Number(await counter(page, 'ouro', 'announced'))).toBe(accepted);
    for (const name of ['lost', 'duplicated', 'ghost', 'unannounced']) expect(await counter(page, 'ouro', name), name).toBe('0');
    expect(await page.locator('[data-testid="contender-ouro"] [data-testid="reconciler"]').textContent()).toContain(
      'every invariant holds',
    );
    // and the other designs ran the same race, judged by the same checks
    for (const name of ['dual-write', 'polling-outbox']) expect(Number(await counter(page, name, 'accepted'))).toBeGreaterThan(100);
    await page.close();
  }, 360_000);

  it('fits a phone: nothing wider than the screen, and the controls in reach of a thumb', async () => {
    // given a phone's screen (390×844, touch), after a race so that its cards are on the page
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(address);
    await page.locator('[data-testid="live-state"][data-state="running"]').waitFor({ timeout: 60_000 });

    // then the page scrolls only down: nothing in it is wider than the screen
    const layout = await page.evaluate(() => {
      // Runs in the page: the DOM, as much of it as this needs (the tests compile without its types).
      const { document } = globalThis as unknown as { document: PageDocument };
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}`);
      return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: [...new Set(wide)].slice(0, 8) };
    });
    expect(layout.scrollWidth, JSON.stringify(layout)).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.wide, JSON.stringify(layout)).toEqual([]);

    // and every control is on the screen's width, big enough to tap, and works with a tap
    for (const control of [
      page.getByTestId('place-order'),
      page.getByLabel('Load rate'),
      page.getByTestId('fault-kill-processor'),
      page.getByTestId('race-start'),
      page.getByTestId('lookup-id'),
    ]) {
      await control.scrollIntoViewIfNeeded();
      const box = await control.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390, JSON.stringify(box)).toBe(true);
      expect(box?.height ?? 0, JSON.stringify(box)).toBeGreaterThanOrEqual(32);
    }
    await page.getByTestId('place-order').tap();
    await page.getByTestId('notice').filter({ hasText: 'placed' }).waitFor({ timeout: 20_000 });
    await context.close();
  }, 120_000);
});
