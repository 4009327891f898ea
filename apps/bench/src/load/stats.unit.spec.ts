import { describe, expect, it } from 'vitest';
import { percentiles } from './stats.js';

describe('percentiles', () => {
  it('uses the nearest rank: p50 of 1..100 is 50, p99 is 99, the max is 100', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);

    expect(percentiles(samples)).toEqual({ p50: 50, p90: 90, p99: 99, p99_9: 100, max: 100 });
  });

  it('gives NaN, not a made-up number, when there are no samples', () => {
    expect(percentiles([]).p99).toBeNaN();
  });
});
