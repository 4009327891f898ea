import { describe, expect, it } from 'vitest';
import { AfterCommitQueue } from './after-commit-queue.js';

const quick = { initialMs: 1, maxMs: 5 };

describe('AfterCommitQueue', () => {
  it('runs the steps in order, retrying a failing one until it succeeds, without holding up whoever adds them', async () => {
    const ran: string[] = [];
    const failures: number[] = [];
    let outage = 3;
    const queue = new AfterCommitQueue({ policy: quick, onFailure: (_error, attempt) => failures.push(attempt) });

    queue.add(async () => {
      if (outage-- > 0) throw new Error('Redis is away');
      ran.push('first');
    }, 10);
    queue.add(async () => void ran.push('second'), 5);

    expect(queue.size).toBe(15);
    expect(await queue.drain(1_000)).toBe(true);
    expect(ran).toEqual(['first', 'second']);
    expect(failures).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
  });

  it('tells the caller to wait while more than a limit is queued, calling it back meanwhile', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const queue = new AfterCommitQueue({ policy: quick, onFailure: () => {} });
    queue.add(() => blocked, 100);
    let heartbeats = 0;

    const waiting = queue.below(50, {
      running: () => true,
      everyMs: 5,
      whileWaiting: async () => {
        if (++heartbeats === 3) release();
      },
    });

    expect(await waiting).toBe(true);
    expect(heartbeats).toBeGreaterThanOrEqual(3);
  });

  it('stops waiting for room once the caller stops running', async () => {
    const queue = new AfterCommitQueue({ policy: quick, onFailure: () => {} });
    queue.add(() => new Promise<void>(() => {}), 100);

    expect(await queue.below(50, { running: () => false, whileWaiting: async () => {} })).toBe(false);
  });

  it('abandons a step that still fails when draining times out', async () => {
    const queue = new AfterCommitQueue({ policy: quick, onFailure: () => {} });
    queue.add(async () => {
      throw new Error('PostgreSQL is away');
    });

    expect(await queue.drain(50)).toBe(false);
    expect(queue.size).toBe(0);
  });
});
