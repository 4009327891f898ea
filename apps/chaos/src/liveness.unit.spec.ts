import { describe, expect, it } from 'vitest';
import { type Backlog, LivenessMonitor } from './liveness.js';

const bounds = { acceptWithinMs: 1_500, catchUpWithinMs: 1_500 };

/** A backlog that is worked through `afterMs` after it was read, or never. */
function backlogWorkedThroughAfter(afterMs: number | null): Backlog {
  return async () => {
    const readAt = Date.now();
    return async () => afterMs !== null && Date.now() - readAt >= afterMs;
  };
}

describe('LivenessMonitor', () => {
  it('times each heal until every instance accepted again and the backlog as of the heal was worked through', async () => {
    // given an instance that accepts 200 ms after the heal, and consumers that need 400 ms
    const healedAt = Date.now();
    const monitor = new LivenessMonitor(
      {
        backlog: backlogWorkedThroughAfter(400),
        apis: () => ['http://a'],
        acceptedAt: () => (Date.now() - healedAt >= 200 ? Date.now() : 0),
      },
      bounds,
    );

    // when
    monitor.healed('crash x');
    const [recovery] = await monitor.recoveries();

    // then
    expect(recovery?.fault).toBe('crash x');
    expect(recovery?.acceptedAfterMs).toBeGreaterThanOrEqual(200);
    expect(recovery?.caughtUpAfterMs).toBeGreaterThanOrEqual(400);
    expect(recovery?.caughtUpAfterMs).toBeLessThan(bounds.catchUpWithinMs);
  });

  it('says null for what did not come back within its bound', async () => {
    // given consumers that never work through their backlog and an instance that never accepts
    const monitor = new LivenessMonitor(
      { backlog: backlogWorkedThroughAfter(null), apis: () => ['http://a'], acceptedAt: () => undefined },
      bounds,
    );

    // when
    monitor.healed('partition y');
    await monitor.acceptancesSettled();
    const [recovery] = await monitor.recoveries();

    // then
    expect(recovery).toMatchObject({ fault: 'partition y', acceptedAfterMs: null, caughtUpAfterMs: null });
  });

  it('keeps trying to read the backlog while it cannot be read (the service just came back), within the bound', async () => {
    let attempts = 0;
    const flaky: Backlog = async () => {
      attempts++;
      if (attempts < 3) throw new Error('connection refused');
      return async () => true;
    };
    const monitor = new LivenessMonitor({ backlog: flaky, apis: () => ['http://a'], acceptedAt: () => Date.now() }, bounds);

    monitor.healed('restart z');
    const [recovery] = await monitor.recoveries();

    expect(attempts).toBe(3);
    expect(recovery?.caughtUpAfterMs).not.toBeNull();
  });
});
