import { resolve } from 'node:path';
import { loadStackConfig } from '@ouro/infra';
import { stackEnv } from '@ouro/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { type ConsoleOptions, composeConsole } from '../src/compose.js';

const root = resolve(import.meta.dirname, '..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type ComposedConsole = Awaited<ReturnType<typeof composeConsole>>;

/** The console on the test stack, its page built, and a real browser (Debian's Chromium) to open it in. */
export interface ConsoleInBrowser {
  readonly consoleApp: ComposedConsole;
  readonly address: string;
  readonly browser: Browser;
  /** A laptop-sized page on the console, once its live deployment shows running. */
  openConsole(): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the page, composes the console and waits until it is ready, then starts Chromium. */
export async function startConsoleInBrowser(
  options: Pick<ConsoleOptions, 'stackFaults' | 'followAllBelowPerSecond' | 'logDir'>,
): Promise<ConsoleInBrowser> {
  await build({ configFile: resolve(root, 'vite.config.ts'), logLevel: 'warn' });
  const consoleApp = await composeConsole({
    connections: stackEnv(),
    stack: loadStackConfig(),
    publicDir: resolve(root, 'dist/public'),
    ...options,
  });
  const address = await consoleApp.app.listen({ host: '127.0.0.1', port: 0 });
  await consoleApp.ready;
  const browser = await chromium
    .launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
    .catch(async (error: unknown) => {
      await consoleApp.app.close();
      throw error;
    });
  return {
    consoleApp,
    address,
    browser,
    async openConsole() {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(address);
      await page.locator('[data-testid="live-state"][data-state="running"]').waitFor({ timeout: 60_000 });
      return page;
    },
    async close() {
      await browser.close();
      await consoleApp.app.close();
    },
  };
}

/** A race counter of one design, as the page shows it. */
export const counter = (page: Page, contender: string, name: string) =>
  page.locator(`[data-testid="contender-${contender}"] [data-counter="${name}"]`).textContent();
