import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

export interface LivenessBounds {
  /** After a fault heals, every order-api instance must answer 202 again within this. */
  readonly acceptWithinMs: number;
  /** After a fault heals, the consumers must have worked through everything written before the heal within this. */
  readonly catchUpWithinMs: number;
}

export const defaultBounds: LivenessBounds = { acceptWithinMs: 30_000, catchUpWithinMs: 60_000 };

/**
 * What the deployment's consumers must work through after a heal: reads what there is to work
 * through now, and resolves with the check that it has been worked through.
 */
export type Backlog = () => Promise<() => Promise<boolean>>;

/** Ouro's backlog: the commands topic's end at the heal, worked through once the processors' group has committed past it. */
export function groupBacklog(admin: Admin, groupId: string, topic: string): Backlog {
  return async () => {
    const ends = await admin.fetchTopicOffsets(topic);
    return async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return ends.every(({ partition, high }) => {
        const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
        return BigInt(high) === 0n || BigInt(offset) >= BigInt(high);
      });
    };
  };
}

export interface LivenessSources {
  readonly backlog: Backlog;
  /** The instances that accept orders (order-api, or a baseline's server) alive now. */
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

  /** The backlog as of the heal (read as soon as the checker's own clients can), then until it is worked through. */
  private async caughtUpAfter(healedAt: number): Promise<number | null> {
    let workedThrough: (() => Promise<boolean>) | undefined;
    await this.until(healedAt, this.bounds.catchUpWithinMs, async () => {
      workedThrough = await this.sources.backlog();
      return true;
    });
    return workedThrough ? this.until(healedAt, this.bounds.catchUpWithinMs, workedThrough) : null;
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
}
