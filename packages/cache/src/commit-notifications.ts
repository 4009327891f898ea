import type { Redis } from 'ioredis';
import { committedChannel } from './order-cache.js';

/**
 * Wakes long-polling readers when an order turns committed. One subscriber connection serves every
 * waiter; a lost message only costs the waiter its timeout, since the reader re-reads on wake-up.
 */
export class CommitNotifications {
  private readonly waiters = new Map<string, Set<() => void>>();

  private constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (_channel: string, orderId: string) => {
      const waiting = this.waiters.get(orderId);
      if (!waiting) return;
      this.waiters.delete(orderId);
      for (const wake of waiting) wake();
    });
  }

  /** `subscriber` becomes a dedicated subscriber connection (Redis allows no other commands on it). */
  static async listen(subscriber: Redis): Promise<CommitNotifications> {
    await subscriber.subscribe(committedChannel);
    return new CommitNotifications(subscriber);
  }

  /** Resolves true when `orderId` is announced committed, false after `timeoutMs` or on abort. */
  waitFor(orderId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(orderId) ?? new Set();
      this.waiters.set(orderId, waiting);
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(orderId) === waiting) this.waiters.delete(orderId);
        resolve(woken);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', () => finish(false), { once: true });
      waiting.add(wake);
    });
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
