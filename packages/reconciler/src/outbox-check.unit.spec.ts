import { orderCreatedEventId } from '@ouro/domain';
import { describe, expect, it } from 'vitest';
import type { AcceptedEntry } from './accepted-file.js';
import { checkOutboxSnapshot, type OutboxOrderRow, type OutboxSnapshot, type RelayedEvent } from './outbox-check.js';
import { id, t0 } from './snapshot-fixtures.js';

const row = (n: number, overrides: Partial<OutboxOrderRow> = {}): OutboxOrderRow => ({
  orderId: id(n),
  idempotencyKey: `key-${n}`,
  customerId: 'c-1',
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 250 }],
  totalCents: 500,
  acceptedAt: new Date(t0 + n),
  ...overrides,
});

/** The event the relay publishes for a row, as decoded with the schema it inferred (no logical types, nullable fields). */
const eventFor = (stored: OutboxOrderRow, offset: number): RelayedEvent => ({
  partition: 0,
  offset,
  key: stored.orderId,
  eventIdHeader: orderCreatedEventId(stored.orderId),
  value: {
    eventId: orderCreatedEventId(stored.orderId),
    orderId: stored.orderId,
    customerId: stored.customerId,
    currency: stored.currency,
    items: stored.items.map((item) => ({ ...item })),
    totalCents: stored.totalCents,
    acceptedAt: stored.acceptedAt.getTime(),
  },
});

const accepted = (...rows: OutboxOrderRow[]): AcceptedEntry[] =>
  rows.map((stored) => ({ key: stored.idempotencyKey ?? '', outcome: 'accepted', orderId: stored.orderId, attempts: 1, ambiguous: false }));

const snapshot = (rows: OutboxOrderRow[], events: RelayedEvent[]): OutboxSnapshot => ({ table: 'orders', topic: 'events', rows, events });

const flagged = (report: ReturnType<typeof checkOutboxSnapshot>) =>
  Object.fromEntries(Object.values(report.checks).flatMap((check) => (check.orderIds.length > 0 ? [[check.name, check.orderIds]] : [])));

describe('checkOutboxSnapshot', () => {
  it('finds nothing when every accepted order is stored and published once, as stored', () => {
    // given
    const rows = [row(1), row(2)];

    // when
    const report = checkOutboxSnapshot(snapshot(rows, rows.map(eventFor)), { accepted: accepted(...rows), now: t0 });

    // then
    expect(report.ok).toBe(true);
    expect(flagged(report)).toEqual({});
    expect(report.counts).toMatchObject({ accepted: 2, rows: 2, events: 2, duplicateRecords: 0 });
    expect(report.checks.disagreement.applies).toBe(false);
  });

  it('counts a replayed event as a duplicate, with every record beyond the first, and says where they are', () => {
    // given the relay published order 1 three times (a crash, then a replay from its last flushed offset)
    const rows = [row(1), row(2)];
    const events = [eventFor(row(1), 0), eventFor(row(2), 1), eventFor(row(1), 2), eventFor(row(1), 3)];

    // when
    const report = checkOutboxSnapshot(snapshot(rows, events), { accepted: accepted(...rows), now: t0 });

    // then
    expect(report.violations).toEqual(['duplicated']);
    expect(report.checks.duplicated.orderIds).toEqual([id(1)]);
    expect(report.counts.duplicateRecords).toBe(2);
    expect(report.checks.duplicated.findings[0]?.detail).toBe(`3 events at p0@0, p0@2, p0@3 (id header ${orderCreatedEventId(id(1))})`);
  });

  it('calls a stored order the relay never published unannounced, and an answered order with no row lost', () => {
    // given order 2 stored but never relayed, order 3 answered 202 but not stored
    const rows = [row(1), row(2)];

    // when
    const report = checkOutboxSnapshot(snapshot(rows, [eventFor(row(1), 0)]), { accepted: accepted(row(1), row(2), row(3)), now: t0 });

    // then
    expect(flagged(report)).toEqual({ unannounced: [id(2)], lost: [id(3)] });
  });

  it('calls an event for an order that is not stored a ghost', () => {
    const report = checkOutboxSnapshot(snapshot([row(1)], [eventFor(row(1), 0), eventFor(row(9), 1)]), {
      accepted: accepted(row(1)),
      now: t0,
    });

    expect(flagged(report)).toEqual({ ghost: [id(9)] });
  });

  it('tolerates a row placed by a request whose answer was ambiguous, and flags one nobody asked for', () => {
    // given order 2 placed by a request that timed out and was given up on, order 3 by no request the client knows
    const rows = [row(1), row(2), row(3, { idempotencyKey: null })];
    const entries: AcceptedEntry[] = [...accepted(row(1)), { key: 'key-2', outcome: 'unresolved', attempts: 9, ambiguous: true }];

    // when
    const report = checkOutboxSnapshot(snapshot(rows, rows.map(eventFor)), { accepted: entries, now: t0 });

    // then
    expect(flagged(report)).toEqual({ tolerated: [id(2)], unaccepted: [id(3)] });
    expect(report.violations).toEqual(['unaccepted']);
  });

  it('names each field in which an event differs from its row, its key and its id header included', () => {
    // given an event with another total, a key that is not its order, and a header id of another event
    const stored = row(1);
    const event = eventFor(stored, 0);
    if (!('value' in event)) throw new Error('decoded fixture expected');
    const altered: RelayedEvent = { ...event, key: id(5), eventIdHeader: id(6), value: { ...event.value, totalCents: 499 } };

    // when
    const report = checkOutboxSnapshot(snapshot([stored], [altered]), { accepted: accepted(stored), now: t0 });

    // then
    expect(report.checks.mismatch.findings.map((finding) => finding.detail)).toEqual([
      'event at p0@0 differs from its row in key, totalCents, id header',
    ]);
  });

  it('reports an undecodable event as a mismatch of the order its key names', () => {
    const undecodable: RelayedEvent = { partition: 0, offset: 0, key: id(1), eventIdHeader: null, undecodable: 'no magic byte' };

    const report = checkOutboxSnapshot(snapshot([row(1)], [undecodable]), { accepted: accepted(row(1)), now: t0 });

    expect(report.checks.mismatch.orderIds).toEqual([id(1)]);
    expect(report.checks.mismatch.findings[0]?.detail).toBe('undecodable at p0@0: no magic byte');
  });

  it('compares its counts per order with a second reader’s', () => {
    const stored = row(1);
    const report = checkOutboxSnapshot(
      {
        ...snapshot([stored], [eventFor(stored, 0), eventFor(stored, 1)]),
        audit: { reader: 'the Java client', records: [{ partition: 0, offset: 0, key: stored.orderId }] },
      },
      { accepted: accepted(stored), now: t0 },
    );

    // The second reader stopped at offset 0: only the offsets both read are compared.
    expect(report.checks.disagreement.applies).toBe(true);
    expect(report.checks.disagreement.findings).toEqual([]);
    const longer = checkOutboxSnapshot(
      {
        ...snapshot([stored], [eventFor(stored, 0), eventFor(stored, 1)]),
        audit: {
          reader: 'the Java client',
          records: [
            { partition: 0, offset: 0, key: stored.orderId },
            { partition: 0, offset: 1, key: id(2) },
          ],
        },
      },
      { accepted: accepted(stored), now: t0 },
    );
    expect(longer.checks.disagreement.orderIds).toEqual([id(1), id(2)]);
  });
});
