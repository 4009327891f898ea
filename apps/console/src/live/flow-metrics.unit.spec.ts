import { describe, expect, it } from 'vitest';
import { BoundedMap, inSample, nearestRank, SecondBuckets, sampleEveryFor } from './flow-metrics.js';

describe('the live metrics', () => {
  it('takes percentiles by nearest rank', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(nearestRank([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(
      nearestRank(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
  });

  it('counts one second of commands and events, then starts over', () => {
    // given
    const buckets = new SecondBuckets();
    buckets.command();
    buckets.command();
    buckets.event(120);
    buckets.event(80);

    // when
    const first = buckets.close(1_000, 3, 1);
    const second = buckets.close(2_000, 0, 1);

    // then
    expect(first).toEqual({
      t: 1_000,
      commandsPerSecond: 2,
      eventsPerSecond: 1 + 1,
      freshnessP50Ms: 80,
      freshnessP99Ms: 120,
      lag: 3,
      sampleEvery: 1,
    });
    expect(second).toMatchObject({ commandsPerSecond: 0, eventsPerSecond: 0, freshnessP50Ms: null });
  });

  it('keeps at most its bound of freshness samples however many events a second brings', () => {
    const buckets = new SecondBuckets(10, () => 0.5);
    for (let i = 0; i < 10_000; i++) buckets.event(i);
    const point = buckets.close(1, null, 1);
    expect(point.eventsPerSecond).toBe(10_000);
    expect(point.freshnessP99Ms).not.toBeNull();
  });

  it('follows every order below the bound, then one in N, every step of an order or none', () => {
    const policy = { followAllBelowPerSecond: 50 };
    expect(sampleEveryFor(10, policy)).toBe(1);
    expect(sampleEveryFor(400, policy)).toBe(8);
    const ids = Array.from({ length: 4_000 }, (_, i) => `0190a000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`);
    const sampled = ids.filter((id) => inSample(id, 8));
    expect(sampled.length).toBe(500);
    expect(ids.every((id) => inSample(id, 1))).toBe(true);
  });

  it('forgets the oldest entries past its limit', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });
});
