import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `assertion` until it stops throwing, then returns its value; after `timeoutMs` rethrows the
 * last failure. Polling, not sleeping: the test waits exactly as long as the system needs.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, { timeoutMs = 15_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
