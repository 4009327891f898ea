import type { BackoffPolicy } from './backoff.js';
import { retry, within } from './retry.js';

export interface AfterCommitQueueOptions {
  readonly policy: BackoffPolicy;
  readonly onFailure: (error: unknown, attempt: number) => void;
}

/**
 * The bookkeeping after one partition group's commits (cache entries, announce watermarks): it runs
 * behind the group, in commit order, never in front of the next chunk, and every step is retried until
 * it succeeds: a Redis or PostgreSQL outage delays it, never drops it. Steps must be idempotent: a
 * member that stops with steps still failing leaves them to the group's next owner, which redoes
 * them from what is stored.
 *
 * `size` counts the work waiting (in the caller's units, e.g. orders), so the caller can stop taking
 * new work while too much is queued, instead of holding it all in memory.
 */
export class AfterCommitQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private readonly abandoned = new AbortController();

  constructor(private readonly options: AfterCommitQueueOptions) {}

  get size(): number {
    return this.waiting;
  }

  add(step: () => Promise<void>, weight = 1): void {
    this.waiting += weight;
    const running = () => !this.abandoned.signal.aborted;
    this.tail = this.tail
      .then(() => retry(step, { policy: this.options.policy, running, signal: this.abandoned.signal, onFailure: this.options.onFailure }))
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        this.waiting -= weight;
      });
  }

  /**
   * Resolves true once at most `limit` is waiting, calling `whileWaiting` (e.g. a group heartbeat)
   * every `everyMs` meanwhile; false as soon as `running` says no.
   */
  async below(
    limit: number,
    { running, whileWaiting, everyMs = 1_000 }: { running: () => boolean; whileWaiting: () => Promise<void>; everyMs?: number },
  ): Promise<boolean> {
    while (this.waiting > limit) {
      if (!running()) return false;
      await within(this.tail, everyMs, undefined);
      await whileWaiting();
    }
    return true;
  }

  /**
   * Gives the queued steps up to `timeoutMs` to finish, then abandons what is left (to the next
   * owner). Resolves true if everything ran.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const finished = await within(
      this.tail.then(() => true),
      timeoutMs,
      false,
    );
    if (!finished) this.abandoned.abort();
    await this.tail;
    return finished;
  }
}
