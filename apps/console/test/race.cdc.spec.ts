import { provision } from '@ouro/provisioning';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleInBrowser, counter, startConsoleInBrowser } from './in-browser.js';

// The race with the CDC relay in it, in a real browser, against the stack with Kafka Connect and
// Debezium (`npm run stack -- up --with cdc`). The relay's connector, slot, topic and tables are the
// race's own, removed when it ends.
let started: ConsoleInBrowser;
let address: string;
let browser: Browser;

beforeAll(async () => {
  await provision(() => {});
  started = await startConsoleInBrowser({ stackFaults: false });
  ({ address, browser } = started);
}, 180_000);

afterAll(() => started?.close(), 180_000);

describe('the race with change data capture', () => {
  it('races the CDC relay beside the others: its counters move while the load runs, and at rest it stored and published every order it accepted, duplicates counted', async () => {
    // given
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(address);

    // when a small race runs
    await page.getByTestId('race-rate').fill('5');
    await page.getByTestId('race-duration').fill('15');
    await page.getByTestId('race-fault').selectOption('none');
    await page.getByTestId('race-start').click();

    // then the CDC relay is in it, and its counters move while the load runs
    await page.locator('[data-testid="race-phase"][data-phase="running"]').waitFor({ timeout: 120_000 });
    const card = page.getByTestId('contender-cdc-relay');
    await card.locator('[data-counter="announced"]').filter({ hasNotText: /^0$/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="race-phase"]').getAttribute('data-phase')).toBe('running');
    expect(await card.textContent()).toMatch(/Debezium.*(at least once|exactly once)/);
    expect(await page.getByTestId('race-unavailable').count()).toBe(0);

    // and at rest the reconciler's delivery checks judge it as they judge the others
    await page.locator('[data-testid="race-phase"][data-phase="done"]').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('race-phase').textContent()).toContain('every check below is final');
    const accepted = Number(await counter(page, 'cdc-relay', 'accepted'));
    expect(accepted).toBeGreaterThan(30);
    expect(Number(await counter(page, 'cdc-relay', 'stored'))).toBe(accepted);
    // with no fault, Debezium published each order once; a duplicate would be counted here, not hidden
    expect(Number(await counter(page, 'cdc-relay', 'announced'))).toBe(accepted);
    for (const name of ['lost', 'duplicated', 'ghost', 'unannounced', 'unaccepted']) {
      expect(await counter(page, 'cdc-relay', name), name).toBe('0');
    }
    for (const name of ['lost', 'duplicated', 'ghost']) expect(await counter(page, 'ouro', name), name).toBe('0');
    await page.close();
  }, 420_000);
});
