import { describe, expect, it } from 'vitest';
import type { AcceptedEntry } from './accepted-file.js';
import { checkDelivery, type DeliverySnapshot } from './delivery.js';
import { id } from './snapshot-fixtures.js';

const answered = (...orderIds: string[]): AcceptedEntry[] =>
  orderIds.map((orderId, index) => ({ key: `k${index}`, outcome: 'accepted', orderId, attempts: 1, ambiguous: false }));

const snapshot = (stored: string[], announced: (string | null)[]): DeliverySnapshot => ({
  storedIn: 'orders_table',
  announcedIn: 'orders.topic',
  stored,
  announced: announced.map((key, offset) => ({ key, partition: 0, offset })),
});

describe('checkDelivery', () => {
  it('finds nothing when every answered order is stored and announced once', () => {
    // given
    const world = snapshot([id(1), id(2)], [id(1), id(2)]);

    // when
    const report = checkDelivery(world, answered(id(1), id(2)));

    // then
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({ accepted: 2, stored: 2, announced: 2, announcedOrders: 2 });
  });

  it('names each way a dual write goes wrong: answered but not stored, stored but not announced, announced twice or without a row, stored for an error', () => {
    // given order 1 lost, 2 stored and never announced, 3 announced twice, 4 announced with no row, 5 stored for a request answered 500
    const world = snapshot([id(2), id(3), id(5)], [id(3), id(3), id(4), id(5)]);

    // when
    const report = checkDelivery(world, answered(id(1), id(2), id(3)));

    // then
    expect(report.ok).toBe(false);
    expect(Object.fromEntries(Object.values(report.checks).map((check) => [check.name, check.orderIds]))).toEqual({
      lost: [id(1)],
      unannounced: [id(2)],
      duplicated: [id(3)],
      ghost: [id(4)],
      unaccepted: [id(5)],
    });
    expect(report.violations).toEqual(['lost', 'unannounced', 'duplicated', 'ghost', 'unaccepted']);
    expect(report.checks.ghost.findings[0]?.detail).toBe('record in orders.topic at p0@2, no row in orders_table');
  });
});
