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

const existing = (overrides: Partial<OrderRow> = {}) => ({ row: row(overrides), inserted: false });

describe('shouldAnnounce: which command announces its order', () => {
  it('the command that inserted the order announces it', () => {
    expect(shouldAnnounce({ row: row(), inserted: true }, { partition: 2, offset: '40' }, undefined)).toBe(true);
  });

  it('a redelivery of that command announces it again: it starts at the committed offset, never below the watermark', () => {
    expect(shouldAnnounce(existing(), { partition: 2, offset: '40' }, 40n)).toBe(true);
    expect(shouldAnnounce(existing(), { partition: 2, offset: '40' }, undefined)).toBe(true);
  });

  it('a replay of that command below the watermark (the group rewound) does not', () => {
    expect(shouldAnnounce(existing(), { partition: 2, offset: '40' }, 41n)).toBe(false);
  });

  it('a duplicate command for the same order, at another offset, never does', () => {
    expect(shouldAnnounce(existing(), { partition: 2, offset: '41' }, 0n)).toBe(false);
    expect(shouldAnnounce(existing(), { partition: 1, offset: '40' }, 0n)).toBe(false);
  });

  it('nor does a duplicate in the same chunk as the command that inserted the order', () => {
    expect(shouldAnnounce({ row: row(), inserted: true }, { partition: 2, offset: '41' }, undefined)).toBe(false);
  });

  it('a command whose order was not stored (its event id belongs to another order) does not', () => {
    expect(shouldAnnounce(undefined, { partition: 2, offset: '40' }, 0n)).toBe(false);
  });
});
