import { describe, expect, it } from 'vitest';
import type { AcceptedEntry } from './accepted-file.js';
import { type CheckOptions, checkSnapshot } from './check.js';
import type { CheckName } from './report.js';
import type { EventRecord, Snapshot } from './snapshot.js';
import { command, eventFor, healthy, id, rowFor, snapshotOf, t0, type World } from './snapshot-fixtures.js';

const options = (overrides: Partial<CheckOptions> = {}): CheckOptions => ({ convergenceMs: 10_000, now: t0 + 60_000, ...overrides });

function flagged(snapshot: Snapshot, opts: Partial<CheckOptions> = {}): Partial<Record<CheckName, readonly string[]>> {
  const report = checkSnapshot(snapshot, options(opts));
  return Object.fromEntries(
    Object.values(report.checks).flatMap((check) => (check.orderIds.length > 0 ? [[check.name, check.orderIds]] : [])),
  );
}

describe('checkSnapshot', () => {
  it('finds nothing in a deployment where every order is stored, announced once, in order, and cached committed', () => {
    // given
    const world = healthy(3);

    // when
    const report = checkSnapshot(snapshotOf(world), options());

    // then
    expect(report.ok).toBe(true);
    expect(report.violations).toEqual([]);
    expect(flagged(snapshotOf(world))).toEqual({});
    expect(report.counts).toMatchObject({ accepted: 3, commands: 3, rows: 3, events: 3, deadLettered: 0, tolerated: 0 });
    expect(report.checks.unaccepted.applies).toBe(false);
  });

  it('calls an accepted order lost when it has neither a row nor a failure', () => {
    // given a command the processor never stored, and (in file mode) a 202 with no command at all
    const world = healthy(2);
    world.orders.pop();
    world.events.pop();
    world.cache.pop();
    const answeredOnly = id(77);

    // then
    expect(flagged(snapshotOf(world))).toEqual({ lost: [id(2)] });
    const accepted: AcceptedEntry[] = [
      { key: 'k1', outcome: 'accepted', orderId: id(1), attempts: 1, ambiguous: false },
      { key: 'k2', outcome: 'accepted', orderId: id(2), attempts: 1, ambiguous: false },
      { key: 'k3', outcome: 'accepted', orderId: answeredOnly, attempts: 1, ambiguous: false },
    ];
    const report = checkSnapshot(snapshotOf(world), options({ accepted }));
    expect(report.checks.lost.orderIds).toEqual([id(2), answeredOnly]);
    expect(report.checks.lost.findings.find((finding) => finding.orderId === answeredOnly)?.detail).toMatch(
      /answered 202; no command in c/,
    );
  });

  it('counts a dead-lettered order as accounted for, not lost, and lists it', () => {
    // given a command dead-lettered with a failure row
    const world = healthy(1);
    const poison = command(id(9), { partition: 0, offset: 1 });
    world.commands.push(poison);
    world.failures.push({ orderId: id(9), reason: 'rejected', failedAt: new Date(t0 + 50) });
    world.deadLetters.push({ partition: 0, offset: 0, key: id(9) });
    world.cache.push({ orderId: id(9), status: 'failed' });

    // when
    const report = checkSnapshot(snapshotOf(world), options());

    // then
    expect(report.ok).toBe(true);
    expect(report.checks['dead-lettered']).toMatchObject({ severity: 'info', orderIds: [id(9)] });
    expect(report.checks['dead-lettered'].findings[0]?.detail).toBe('rejected (dead letter at p0@0)');
    expect(report.counts.deadLettered).toBe(1);
  });

  it('counts an undecodable command keyed by an orderId as an order to account for', () => {
    const world = healthy(1);
    world.commands.push({ partition: 1, offset: 0, key: id(5), undecodable: 'no magic byte' });

    const report = checkSnapshot(snapshotOf(world), options());

    expect(report.checks.lost.orderIds).toEqual([id(5)]);
    expect(report.counts.undecodableCommands).toBe(1);
  });

  it('flags an order announced twice', () => {
    const world = healthy(2);
    const [, second] = world.orders;
    if (!second) throw new Error('fixture');
    world.events.push(eventFor(second, { partition: 0, offset: 2 }));

    expect(flagged(snapshotOf(world))).toEqual({ duplicated: [id(2)] });
    expect(checkSnapshot(snapshotOf(world), options()).checks.duplicated.findings[0]?.detail).toBe('2 OrderCreated at p0@1, p0@2');
  });

  it('flags a stored order that was never announced, and an announcement of an order never stored', () => {
    const world = healthy(3);
    world.events.splice(1, 1); // id(2) stored, not announced
    world.orders.splice(2, 1); // id(3) announced, not stored…
    world.cache.splice(2, 1);

    expect(flagged(snapshotOf(world))).toEqual({ unannounced: [id(2)], ghost: [id(3)], lost: [id(3)] });
  });

  describe('against the accepted file', () => {
    // a retried ambiguous request whose first attempt made an order too (id 11), a request the
    // server stored twice without any ambiguity (id 21), and an order nobody asked for (id 31)
    const world = healthy(1);
    for (const [n, key] of [
      [11, 'k-ambiguous'],
      [12, 'k-ambiguous'],
      [21, 'k-clear'],
      [22, 'k-clear'],
      [31, null],
    ] as const) {
      const record = command(id(n), { partition: 1, offset: n }, { idempotencyKey: key });
      const row = rowFor(record);
      world.commands.push(record);
      world.orders.push(row);
      world.events.push(eventFor(row));
      world.cache.push({ orderId: row.id, status: 'committed' });
    }
    const accepted: AcceptedEntry[] = [
      { key: 'k-healthy', outcome: 'accepted', orderId: id(1), attempts: 1, ambiguous: false },
      { key: 'k-ambiguous', outcome: 'accepted', orderId: id(12), attempts: 2, ambiguous: true },
      { key: 'k-clear', outcome: 'accepted', orderId: id(22), attempts: 1, ambiguous: false },
      { key: 'k-never', outcome: 'unresolved', attempts: 5, ambiguous: true },
    ];

    it('flags rows no client was answered 202 for, and tolerates those of retried ambiguous requests', () => {
      const report = checkSnapshot(snapshotOf(world), options({ accepted }));

      expect(report.checks.unaccepted.orderIds).toEqual([id(21), id(31)]);
      expect(report.checks.tolerated).toMatchObject({ severity: 'info', orderIds: [id(11)] });
      expect(report.counts).toMatchObject({ accepted: 3, ambiguous: 2, unresolved: 1, tolerated: 1 });
      expect(report.violations).toEqual(['unaccepted']);
    });

    it('tolerates the row of a request that never got a definite answer', () => {
      const record = command(id(41), { partition: 2, offset: 0 }, { idempotencyKey: 'k-never' });
      const row = rowFor(record);
      const withUnresolved = {
        ...world,
        commands: [...world.commands, record],
        orders: [...world.orders, row],
        events: [...world.events, eventFor(row)],
      };

      expect(checkSnapshot(snapshotOf(withUnresolved), options({ accepted })).checks.tolerated.orderIds).toEqual([id(11), id(41)]);
    });

    it('does not apply without the file: every command counts as accepted', () => {
      const report = checkSnapshot(snapshotOf(world), options());
      expect(report.ok).toBe(true);
      expect(report.checks.unaccepted).toMatchObject({ applies: false, orderIds: [] });
    });
  });

  it('flags an OrderCreated that differs from its row, naming the fields, and one that cannot be decoded', () => {
    const world = healthy(3);
    const [first, second] = world.events;
    if (!first || !second || !('value' in first) || !('value' in second)) throw new Error('fixture');
    world.events[0] = { ...first, value: { ...first.value, customerId: 'someone-else', totalCents: 1 } };
    world.events[1] = { ...second, key: id(99) };
    world.events.push({ partition: 0, offset: 9, key: id(3), undecodable: 'bad body' });

    const report = checkSnapshot(snapshotOf(world), options());

    expect(report.checks.mismatch.orderIds).toEqual([id(1), id(2), id(3)]);
    expect(report.checks.mismatch.findings.map((finding) => finding.detail)).toEqual([
      'OrderCreated at p0@0 differs from its row in customerId, totalCents',
      'OrderCreated at p0@1 differs from its row in key',
      'undecodable at p0@9: bad body',
    ]);
  });

  it('counts an OrderCreated that cannot be decoded as the announcement of the order its key names, and as a mismatch', () => {
    const world = healthy(2);
    world.events[1] = { partition: 0, offset: 1, key: id(2), undecodable: 'schema 19 not found' };

    expect(flagged(snapshotOf(world))).toEqual({ mismatch: [id(2)] });
  });

  it('flags an OrderCreated emitted before the event of an earlier command of the same partition', () => {
    // given commands p0@0..2 whose events come out as 0, 2, 1
    const world = healthy(3);
    const [e0, e1, e2] = world.events;
    if (!e0 || !e1 || !e2) throw new Error('fixture');
    world.events = [e0, { ...e2, offset: 1 }, { ...e1, offset: 2 }];

    const report = checkSnapshot(snapshotOf(world), options());

    expect(flagged(snapshotOf(world))).toEqual({ 'out-of-order': [id(2)] });
    expect(report.checks['out-of-order'].findings[0]?.detail).toBe('OrderCreated at p0@2 (command p0@1) after p0@1 (command p0@2)');
  });

  it('judges order per command partition: events of two command partitions may interleave', () => {
    const world = healthy(2, { partition: 0 });
    const other = healthy(2, { partition: 1 });
    // both partitions' events in one events partition, interleaved but each in its own order
    const interleaved = [world.events[0], other.events[0], world.events[1], other.events[1]].map((event, offset) => ({
      ...(event as EventRecord),
      partition: 0,
      offset,
    }));
    const merged: World = {
      ...world,
      commands: [...world.commands, ...other.commands],
      orders: [...world.orders, ...other.orders],
      events: interleaved,
      cache: [...world.cache, ...other.cache],
    };

    // (one events partition for two command partitions: where an event lands is not judged)
    expect(flagged(snapshotOf(merged, { commands: 2, events: 1 }))).toEqual({});
  });

  it('flags an OrderCreated in another partition than its command, only when the partition counts match', () => {
    const world = healthy(1);
    const [event] = world.events;
    if (!event) throw new Error('fixture');
    world.events[0] = { ...event, partition: 2 };

    expect(flagged(snapshotOf(world))).toEqual({ misrouted: [id(1)] });
    const report = checkSnapshot(snapshotOf(world, { commands: 3, events: 6 }), options());
    expect(report.ok).toBe(true);
    expect(report.checks.misrouted.applies).toBe(false);
  });

  it('flags a pending cache entry once PostgreSQL settled the order longer ago than the bound, and not before', () => {
    // given orders committed at t0 + 100 and dead-lettered at t0 + 50, still pending in Redis
    const world = healthy(1);
    world.cache[0] = { orderId: id(1), status: 'pending' };
    world.commands.push(command(id(9), { partition: 0, offset: 1 }));
    world.failures.push({ orderId: id(9), reason: 'undecodable', failedAt: new Date(t0 + 50) });
    world.cache.push({ orderId: id(9), status: 'pending' });
    // and one still in flight (no row yet): pending is right
    world.commands.push(command(id(10), { partition: 0, offset: 2 }));
    world.cache.push({ orderId: id(10), status: 'pending' });

    // then
    expect(flagged(snapshotOf(world), { now: t0 + 5_000 })).toEqual({ lost: [id(10)], 'dead-lettered': [id(9)] });
    const late = checkSnapshot(snapshotOf(world), options({ now: t0 + 20_100 }));
    expect(late.checks['stale-pending'].orderIds).toEqual([id(1), id(9)]);
    expect(late.checks['stale-pending'].findings.map((finding) => finding.detail)).toEqual([
      'pending in Redis, committed 20.0 s ago',
      'pending in Redis, dead-lettered 20.1 s ago',
    ]);
  });

  it('flags a cache entry that claims an outcome PostgreSQL does not hold', () => {
    const world = healthy(1);
    world.commands.push(command(id(2), { partition: 0, offset: 1 }), command(id(3), { partition: 0, offset: 2 }));
    world.failures.push({ orderId: id(3), reason: 'rejected', failedAt: new Date(t0) });
    world.cache.push({ orderId: id(2), status: 'committed' }, { orderId: id(3), status: 'committed' });
    world.cache[0] = { orderId: id(1), status: null };

    expect(flagged(snapshotOf(world))).toEqual({ lost: [id(2)], 'dead-lettered': [id(3)], phantom: [id(1), id(2), id(3)] });
  });
});
