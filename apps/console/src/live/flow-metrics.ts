import type { MetricsPoint } from '../shared/protocol.js';

/** The sample at rank `p` (0–100), nearest rank, or null with no samples. */
export function nearestRank(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

/** How many orders a second the console follows step by step before it samples. */
export interface SamplingPolicy {
  readonly followAllBelowPerSecond: number;
}

/** 1 in how many orders to follow, given last second's commands: every one below the bound, then fewer. */
export const sampleEveryFor = (commandsPerSecond: number, { followAllBelowPerSecond }: SamplingPolicy) =>
  Math.max(1, Math.ceil(commandsPerSecond / followAllBelowPerSecond));

/**
 * Whether an order is in the sample: decided by its id, so every step of an order is kept or none
 * is, whichever consumer or callback sees it first.
 */
export function inSample(orderId: string, sampleEvery: number): boolean {
  if (sampleEvery <= 1) return true;
  const tail = Number.parseInt(orderId.replaceAll('-', '').slice(-8), 16);
  return Number.isFinite(tail) && tail % sampleEvery === 0;
}

/**
 * One second of counts and freshness samples at a time, over every order. Bounded: at most
 * `maxSamples` freshness samples a second are kept (a uniform reservoir), whatever the rate.
 */
export class SecondBuckets {
  private commands = 0;
  private events = 0;
  private freshness: number[] = [];
  private seen = 0;

  constructor(
    private readonly maxSamples = 2_000,
    private readonly random: () => number = Math.random,
  ) {}

  command(): void {
    this.commands++;
  }

  /** An OrderCreated seen `ms` after its order was accepted. */
  event(ms: number): void {
    this.events++;
    this.seen++;
    if (this.freshness.length < this.maxSamples) this.freshness.push(ms);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.maxSamples) this.freshness[slot] = ms;
    }
  }

  /** Closes the second ending at `t` and starts the next. */
  close(t: number, lag: number | null, sampleEvery: number): MetricsPoint {
    const point: MetricsPoint = {
      t,
      commandsPerSecond: this.commands,
      eventsPerSecond: this.events,
      freshnessP50Ms: nearestRank(this.freshness, 50),
      freshnessP99Ms: nearestRank(this.freshness, 99),
      lag,
      sampleEvery,
    };
    this.commands = 0;
    this.events = 0;
    this.freshness = [];
    this.seen = 0;
    return point;
  }
}

/** A map that forgets its oldest entries past `limit`: what the console remembers is bounded. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
