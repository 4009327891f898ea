import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

export interface LivenessBounds {
  /** After a fault heals, every order-api instance must answer 202 again within this. */
  readonly acceptWithinMs: number;
  /** After a fault heals, the group must have committed everything written before the heal within this. */
  readonly catchUpWithinMs: number;
}

export const defaultBounds: LivenessBounds = { acceptWithinMs: 30_000, catchUpWithinMs: 60_000 };

export interface LivenessSources {
  readonly admin: Admin;
  readonly groupId: string;
  readonly commandsTopic: string;
  /** The order-api instances alive now. */
  readonly apis: () => readonly string[];
  /** When an instance last answered 202. */
  readonly acceptedAt: (api: string) => number | undefined;
}

/** How one fault's healing went: how long until the apps were back, or what was not back in time. */
export interface Recovery {
  readonly fault: string;
  readonly healedAt: number;
  /** The slowest order-api instance's first 202 after the heal; null if one did not accept in time. */
  readonly acceptedAfterMs: number | null;
  /** Until the group had committed everything written before the heal; null if not in time. */
  readonly caughtUpAfterMs: number | null;
}

/**
 * Liveness as an invariant: after every fault heals, the API accepts again and the processors catch
 * up, each within a bound. A run where something stayed down fails even if nothing was lost.
 */
export class LivenessMonitor {
  private readonly checks: Promise<Recovery>[] = [];
  private readonly acceptances: Promise<unknown>[] = [];

  constructor(
    private readonly sources: LivenessSources,
    private readonly bounds: LivenessBounds = defaultBounds,
  ) {}

  /** Records that `fault` healed now, and starts checking that everything comes back in time. */
  healed(fault: string): void {
    this.checks.push(this.check(fault, Date.now()));
  }

  /** Every check so far, once each has its answer. */
  async recoveries(): Promise<Recovery[]> {
    return Promise.all(this.checks);
  }

  /**
   * Resolves once every order-api check so far has its answer: the load must go on until then, or
   * a fault healed near the end of a run would be judged on requests nobody sent.
   */
  async acceptancesSettled(): Promise<void> {
    await Promise.all(this.acceptances);
  }

  private async check(fault: string, healedAt: number): Promise<Recovery> {
    const accepted = this.until(healedAt, this.bounds.acceptWithinMs, () => this.everyApiAcceptedSince(healedAt));
    this.acceptances.push(accepted);
    const [acceptedAfterMs, caughtUpAfterMs] = await Promise.all([accepted, this.caughtUpAfter(healedAt)]);
    return { fault, healedAt, acceptedAfterMs, caughtUpAfterMs };
  }

  /** The topic's end as of the heal (read as soon as the checker's own client can), then until the group committed past it. */
  private async caughtUpAfter(healedAt: number): Promise<number | null> {
    let ends: readonly { partition: number; high: string }[] | undefined;
    await this.until(healedAt, this.bounds.catchUpWithinMs, async () => {
      ends = await this.sources.admin.fetchTopicOffsets(this.sources.commandsTopic);
      return true;
    });
    const healedEnds = ends;
    if (!healedEnds) return null;
    return this.until(healedAt, this.bounds.catchUpWithinMs, () => this.committedPast(healedEnds));
  }

  /** The time from `since` until `condition` first held, or null if it did not within `boundMs`. */
  private async until(since: number, boundMs: number, condition: () => boolean | Promise<boolean>): Promise<number | null> {
    while (Date.now() - since <= boundMs) {
      // Each look is bounded: a client whose broker just came back can hang on a request for a while.
      const timer = new AbortController();
      const held = await Promise.race([
        Promise.resolve(condition()).catch(() => false),
        sleep(2_000, false, { signal: timer.signal }).catch(() => false),
      ]);
      timer.abort();
      if (held) return Date.now() - since;
      await sleep(250);
    }
    return null;
  }

  private everyApiAcceptedSince(since: number): boolean {
    const apis = this.sources.apis();
    return apis.length > 0 && apis.every((api) => (this.sources.acceptedAt(api) ?? 0) >= since);
  }

  private async committedPast(ends: readonly { partition: number; high: string }[]): Promise<boolean> {
    const [committed] = await this.sources.admin.fetchOffsets({ groupId: this.sources.groupId, topics: [this.sources.commandsTopic] });
    return ends.every(({ partition, high }) => {
      const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
      return BigInt(high) === 0n || BigInt(offset) >= BigInt(high);
    });
  }
}
