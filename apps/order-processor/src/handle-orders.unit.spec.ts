import type { OrderRow } from '@ouro/db';
import { describe, expect, it } from 'vitest';
import { shouldAnnounce } from './handle-orders.js';

const row = (overrides: Partial<OrderRow> = {}): OrderRow => ({
  id: 'o-1',
  customerId: 'c',
  currency: 'EUR',
  items: [],
  totalCents: 0,
  acceptedAt: new Date(1),
  committedAt: new Date(2),
  requestEventId: 'e-1',
  sourceTopic: 'orders.commands',
  sourcePartition: 2,
  sourceOffset: 40,
  announcedAt: null,
  ...overrides,
});

describe('shouldAnnounce: which command announces its order', () => {
  it('the command that inserted the order announces it', () => {
    expect(shouldAnnounce(row(), { partition: 2, offset: '40' })).toBe(true);
  });

  it('a redelivery of that command announces it again while it is not marked announced (the first transaction aborted)', () => {
    expect(shouldAnnounce(row({ announcedAt: null }), { partition: 2, offset: '40' })).toBe(true);
  });

  it('a replay of that command after the announcement does not', () => {
    expect(shouldAnnounce(row({ announcedAt: new Date(3) }), { partition: 2, offset: '40' })).toBe(false);
  });

  it('a duplicate command for the same order, at another offset, never does', () => {
    expect(shouldAnnounce(row(), { partition: 2, offset: '41' })).toBe(false);
    expect(shouldAnnounce(row(), { partition: 1, offset: '40' })).toBe(false);
  });

  it('a command whose order was not stored (its event id belongs to another order) does not', () => {
    expect(shouldAnnounce(undefined, { partition: 2, offset: '40' })).toBe(false);
  });
});
