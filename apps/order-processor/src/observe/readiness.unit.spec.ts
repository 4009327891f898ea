import { describe, expect, it } from 'vitest';
import { ProcessorReadiness } from './readiness.js';

/** A readiness on a clock the test moves. */
function given() {
  let now = 1_000_000;
  const readiness = new ProcessorReadiness({ stallAfterMs: 60_000 }, () => now);
  return { readiness, advance: (ms: number) => (now += ms) };
}

/** A transaction of one partition group that committed chunks of these partitions, each leaving this lag. */
const transaction = (...parts: readonly (readonly [partition: number, lag: number])[]) => ({
  group: 0,
  parts: parts.map(([partition, lag]) => ({ partition, lag, messages: 10, deadLetters: [] })),
  records: 10 * parts.length,
  durationMs: 5,
  phasesMs: { waiting: 1, verify: 0, build: 2, offsets: 1, send: 1, commit: 1 },
});

describe('processor readiness', () => {
  it('is not ready before it joins its group, nor after it leaves', () => {
    const { readiness } = given();
    expect(readiness.report()).toMatchObject({ ready: false, reasons: ['not a member of the consumer group'] });
    readiness.joined([0, 1]);
    expect(readiness.report()).toMatchObject({ ready: true, member: true, partitions: [0, 1] });
    readiness.left();
    expect(readiness.report()).toMatchObject({ ready: false, member: false, partitions: [] });
  });

  it('is ready as a member without partitions (it takes over when another member leaves)', () => {
    const { readiness } = given();
    readiness.joined([]);
    expect(readiness.report().ready).toBe(true);
  });

  it('is not ready when a partition has messages waiting and no commit within the bound, and ready again once it commits', () => {
    const { readiness, advance } = given();
    readiness.joined([0, 1]);
    readiness.fetched(0, 500);
    advance(59_000);
    expect(readiness.report().ready).toBe(true);
    advance(1_000);
    expect(readiness.report()).toMatchObject({ ready: false, stalled: [0] });
    expect(readiness.report().reasons[0]).toMatch(/^partition 0: 500 message\(s\) waiting, no commit for 60 s/);
    readiness.committed(transaction([0, 400]));
    expect(readiness.report().ready).toBe(true);
  });

  it('counts a transaction over several partitions of a group as progress on each of them', () => {
    const { readiness, advance } = given();
    readiness.joined([0, 3]);
    readiness.fetched(0, 500);
    readiness.fetched(3, 500);
    advance(59_000);
    readiness.committed(transaction([0, 400], [3, 100]));
    advance(59_000);
    expect(readiness.report().ready).toBe(true);
    advance(1_000);
    expect(readiness.report()).toMatchObject({ ready: false, stalled: [0, 3] });
  });

  it('does not count an idle spell against a partition: the stall clock starts when a lag appears', () => {
    const { readiness, advance } = given();
    readiness.joined([0]);
    readiness.committed(transaction([0, 0]));
    advance(10 * 60_000);
    readiness.fetched(0, 3);
    expect(readiness.report().ready).toBe(true);
    readiness.fetched(0, 3);
    advance(60_000);
    expect(readiness.report().ready).toBe(false);
  });

  it('forgets partitions it no longer holds after a rebalance', () => {
    const { readiness, advance } = given();
    readiness.joined([0, 1]);
    readiness.fetched(1, 50);
    advance(120_000);
    readiness.joined([0]);
    expect(readiness.report()).toMatchObject({ ready: true, partitions: [0] });
  });
});
