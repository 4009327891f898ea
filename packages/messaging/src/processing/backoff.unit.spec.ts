import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { initialMs: 100, maxMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt, up to the maximum', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, policy, () => 1);

    expect([1, 2, 3, 4, 5, 10].map(ceiling)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('draws the delay anywhere between zero and the ceiling (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });
});
