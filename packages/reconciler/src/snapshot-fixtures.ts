// Plain-object snapshots for the unit tests of the pure checks and the formatter.
import type { OrderCreationRequested } from '@ouro/contracts';
import type { OrderRow } from '@ouro/db';
import { orderCreatedFrom } from '@ouro/domain';
import type { CacheEntry, CommandRecord, EventRecord, FailureRow, Position, Snapshot } from './snapshot.js';

export const t0 = Date.parse('2026-01-01T00:00:00Z');
export const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function command(orderId: string, where: Position, overrides: Partial<OrderCreationRequested> = {}): CommandRecord {
  return {
    ...where,
    key: orderId,
    value: {
      eventId: id(1000 + Number(orderId.slice(-4))),
      occurredAt: t0,
      orderId,
      customerId: 'c-1',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 250 }],
      idempotencyKey: null,
      ...overrides,
    },
  };
}

/** The row the processor stores for a command. */
export function rowFor(record: CommandRecord, committedAt = t0 + 100): OrderRow {
  if (!('value' in record)) throw new Error('an undecodable command stores no row');
  const { value } = record;
  return {
    id: value.orderId,
    customerId: value.customerId,
    currency: value.currency,
    items: value.items,
    totalCents: value.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
    acceptedAt: new Date(value.occurredAt),
    committedAt: new Date(committedAt),
    requestEventId: value.eventId,
    sourceTopic: 'orders.commands',
    sourcePartition: record.partition,
    sourceOffset: record.offset,
    announcedAt: new Date(committedAt + 5),
  };
}

/** The OrderCreated the processor emits for a row, at a position of the events topic. */
export function eventFor(row: OrderRow, where: Position = { partition: row.sourcePartition, offset: row.sourceOffset }): EventRecord {
  const value = orderCreatedFrom({
    ...row,
    orderId: row.id,
    acceptedAt: row.acceptedAt.getTime(),
    committedAt: row.committedAt.getTime(),
  });
  return { ...where, key: row.id, value };
}

export interface World {
  commands: CommandRecord[];
  events: EventRecord[];
  orders: OrderRow[];
  failures: FailureRow[];
  cache: CacheEntry[];
  deadLetters: Snapshot['deadLetters'][number][];
}

/** Orders as a healthy system leaves them: command, row, event in the same partition, cache committed. */
export function healthy(count: number, { partition = 0, firstOffset = 0 } = {}): World {
  const world: World = { commands: [], events: [], orders: [], failures: [], cache: [], deadLetters: [] };
  for (let n = 0; n < count; n++) {
    const record = command(id(partition * 100 + n + 1), { partition, offset: firstOffset + n });
    const row = rowFor(record);
    world.commands.push(record);
    world.orders.push(row);
    world.events.push(eventFor(row, { partition, offset: n }));
    world.cache.push({ orderId: row.id, status: 'committed' });
  }
  return world;
}

export function snapshotOf(world: World, partitions = { commands: 3, events: 3 }): Snapshot {
  return { topics: { commands: 'c', events: 'e', deadLetter: 'c.dlq' }, partitions, ...world };
}
