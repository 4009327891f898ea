import type { CommitNotifications, OrderCache } from '@ouro/cache';
import { type Database, failedViewFrom, findFailure, findOrder, orderViewFrom } from '@ouro/db';
import type { OrderRead } from '@ouro/domain';
import { DependencyUnavailable } from './problems.js';

export interface OrderReadsDeps {
  readonly cache: OrderCache;
  readonly notifications: CommitNotifications;
  readonly db: Database;
  readonly clock: () => number;
}

/** The read side: the cache first, then PostgreSQL; long-polls woken by commit notifications. */
export class OrderReads {
  constructor(private readonly deps: OrderReadsDeps) {}

  /**
   * The cache first: only committed is final there. Otherwise PostgreSQL, which knows when a pending
   * order is committed, or its command dead-lettered; a failed one may since have been replayed and
   * stored, and a stored order reads committed whatever the cache says. What it says is cached.
   */
  async getOrder(orderId: string): Promise<OrderRead | undefined> {
    const cached = await this.deps.cache.get(orderId).catch(() => undefined);
    if (cached?.status === 'committed') return cached;
    const stored = await this.findStored(orderId).catch((error: unknown) => {
      if (cached) return undefined;
      throw new DependencyUnavailable('postgres', `PostgreSQL cannot be reached: ${(error as Error).message}`);
    });
    if (!stored) return cached;
    const caching = stored.status === 'failed' ? this.deps.cache.markFailed([stored]) : this.deps.cache.markCommitted([stored]);
    await caching.catch(() => {});
    return stored;
  }

  private async findStored(orderId: string): Promise<OrderRead | undefined> {
    const row = await findOrder(this.deps.db, orderId);
    if (row) return orderViewFrom(row);
    const failure = await findFailure(this.deps.db, orderId);
    return failure ? failedViewFrom(failure) : undefined;
  }

  /**
   * Long-polls until the order is committed (or failed) or `timeoutMs` passes; answers what it
   * knows then. `closing` ends the wait at once with what is known (a shutdown must not wait out a
   * long-poll).
   */
  async waitForCommitted(orderId: string, timeoutMs: number, closing?: AbortSignal): Promise<OrderRead | undefined> {
    const deadline = this.deps.clock() + timeoutMs;
    for (;;) {
      const remaining = deadline - this.deps.clock();
      // Listen before reading, so a commit between the read and the wait is not missed.
      const stop = new AbortController();
      const signal = closing ? AbortSignal.any([stop.signal, closing]) : stop.signal;
      const woken = this.deps.notifications.waitFor(orderId, Math.max(0, Math.min(remaining, 1_000)), signal);
      const view = await this.getOrder(orderId);
      if (view?.status !== 'pending' || remaining <= 0 || closing?.aborted) {
        stop.abort();
        return view;
      }
      await woken;
    }
  }
}
