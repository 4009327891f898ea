import { describe, expect, it } from 'vitest';
import { dueBy } from './paced.js';

describe('dueBy', () => {
  it('spreads the requests evenly: at 1,000/s one is due every millisecond, the first at once', () => {
    expect([0, 0.5, 1, 9.99, 10, 999].map((ms) => dueBy(ms, 1_000, 100_000))).toEqual([1, 1, 2, 10, 11, 1_000]);
  });

  it('never makes a second burst: 250 ms into a second, a quarter of its requests are due, not all of them', () => {
    expect(dueBy(250, 2_000, 30_000)).toBe(501);
  });

  it('stops at the total, and owes nothing before the start', () => {
    expect(dueBy(60_000, 1_000, 15_000)).toBe(15_000);
    expect(dueBy(-1, 1_000, 15_000)).toBe(0);
  });
});
