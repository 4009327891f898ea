import { KafkaConnect } from '@ouro/cdc';
import { stackEnv } from '@ouro/testing';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ComposedConsole, type ConsoleInBrowser, counter, startConsoleInBrowser } from './in-browser.js';

// The two buttons that crash the stack's own services (the broker, Redis), clicked in a real
// browser. They kill the stack's Kafka and Redis, so this file is in the chaos scope: `npm test`
// runs it alone, after every other test.
let started: ConsoleInBrowser;
let consoleApp: ComposedConsole;
let openConsole: () => Promise<Page>;

beforeAll(async () => {
  started = await startConsoleInBrowser({ stackFaults: true, logDir: process.env.CONSOLE_LOG_DIR });
  ({ consoleApp, openConsole } = started);
  expect(consoleApp.live.status, consoleApp.live.status.message).toMatchObject({ state: 'running' });
}, 180_000);

afterAll(() => started?.close(), 180_000);

const timelineMark = (page: Page, phase: 'injected' | 'healed', text: string) =>
  page.locator(`[data-testid="timeline"] li.${phase}`, { hasText: text }).first();

/**
 * An order placed from the page, followed until it is committed: the live deployment serves again.
 * Right after a heal order-api may still be reconnecting and answer 503 (with Retry-After): placed
 * again, as a person would, until it is accepted.
 */
async function placeAndCommit(page: Page): Promise<void> {
  const deadline = Date.now() + 90_000;
  let answer: { status: number; body: { orderId?: string; detail?: string } };
  for (;;) {
    const response = page.waitForResponse((r) => r.url().endsWith('/api/orders') && r.request().method() === 'POST', { timeout: 60_000 });
    await page.getByTestId('place-order').click();
    const got = await response;
    answer = { status: got.status(), body: (await got.json()) as { orderId?: string; detail?: string } };
    if (answer.status !== 503 || Date.now() > deadline) break;
    await page.waitForTimeout(1_000);
  }
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await page
    .getByTestId('notice')
    .filter({ hasText: `placed ${answer.body.orderId}` })
    .waitFor({ timeout: 10_000 });
  await page.locator(`tr.pinned[data-order-id="${answer.body.orderId}"] td[data-step="committed"].done`).waitFor({ timeout: 120_000 });
}

describe("the stack's own services crashed from the console", () => {
  it('restarts Redis under live load: the timeline shows it, and an order placed after the heal is committed', async () => {
    // given the live deployment under load
    const page = await openConsole();
    await page.getByLabel('Load rate').fill('10');
    await page.getByTestId('load-accepted').filter({ hasNotText: /^0$/ }).waitFor({ timeout: 30_000 });

    // when Redis is restarted with a click
    const printed = vi.spyOn(console, 'error');
    await page.getByTestId('fault-restart-redis').click();

    // then the timeline shows it crashed and started again
    await timelineMark(page, 'injected', 'crash redis').waitFor({ timeout: 30_000 });
    await timelineMark(page, 'healed', 'crash redis').waitFor({ timeout: 60_000 });
    // and the console's own Redis clients reconnected without printing each failed attempt
    expect(printed.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('Unhandled error event'))).toEqual([]);
    printed.mockRestore();
    // and the live deployment serves again: an order placed now goes all the way to committed
    await placeAndCommit(page);
    await page.getByLabel('Load rate').fill('0');
    await page.close();
  }, 300_000);

  it("kills the broker in the middle of a race: the timeline shows it, everything comes back, and Ouro's lost, duplicated and ghost stay 0", async () => {
    // given
    const page = await openConsole();

    // when a small race runs with the stack's broker killed mid-way
    await page.getByTestId('race-rate').fill('10');
    await page.getByTestId('race-duration').fill('25');
    await page.getByTestId('race-fault').selectOption('kill-broker');
    await page.getByTestId('race-fault-at').fill('6');
    await page.getByTestId('race-start').click();
    const phase = page.getByTestId('race-phase');
    await page.locator('[data-testid="race-phase"]:is([data-phase="running"], [data-phase="failed"])').waitFor({ timeout: 120_000 });
    expect(await phase.getAttribute('data-phase'), (await phase.textContent()) ?? '').toBe('running');

    // then the timeline shows the broker killed, then started again
    await timelineMark(page, 'injected', 'crash kafka').waitFor({ timeout: 60_000 });
    await timelineMark(page, 'healed', 'crash kafka').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="race-phase"][data-phase="done"]').waitFor({ timeout: 240_000 });

    // and Ouro accepted orders through it and, at rest, stored and announced each once
    const verdict = `${await page.getByTestId('race-phase').textContent()}\n${await page.getByTestId('contender-ouro').textContent()}`;
    const accepted = Number(await counter(page, 'ouro', 'accepted'));
    expect(accepted).toBeGreaterThan(100);
    for (const name of ['lost', 'duplicated', 'ghost', 'unannounced'])
      expect(await counter(page, 'ouro', name), `${name}\n${verdict}`).toBe('0');
    expect(await page.locator('[data-testid="contender-ouro"] [data-testid="reconciler"]').textContent(), verdict).toContain(
      'every invariant holds',
    );
    // and the console's live deployment came back too: an order placed now is committed
    await placeAndCommit(page);
    // and with Kafka Connect up, the CDC relay raced too and left nothing behind: its connector and
    // its replication slot are removed once the race ends, even though the worker had to rejoin
    const connect = new KafkaConnect(stackEnv().kafkaConnectUrl);
    if (
      await connect.connectors().then(
        () => true,
        () => false,
      )
    ) {
      expect(await page.getByTestId('contender-cdc-relay').count()).toBe(1);
      const pool = new pg.Pool({ connectionString: stackEnv().databaseUrl, max: 1 });
      const leftBehind = async () => ({
        connectors: (await connect.connectors()).filter((name) => name.startsWith('console-race-cdc')),
        slots: (
          await pool.query<{ slot_name: string }>(
            "select slot_name from pg_replication_slots where slot_name like 'ouro_console_race_cdc%'",
          )
        ).rows,
      });
      await expect.poll(leftBehind, { timeout: 240_000, interval: 2_000 }).toEqual({ connectors: [], slots: [] });
      await pool.end();
    }
    await page.close();
  }, 600_000);
});
