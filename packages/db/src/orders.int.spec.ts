import { randomUUID } from 'node:crypto';
import { stackEnv } from '@ouro/testing';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from './database.js';
import { migrateDatabase } from './migrate.js';
import { advanceWatermarks, announcedBelow, findCreatedBetween, findFailure, findOrder, persistOrders, recordFailures } from './orders.js';
import type { NewOrderRow } from './schema.js';
import * as schema from './schema.js';

const { databaseUrl } = stackEnv();
const handle = connectDatabase(databaseUrl, { max: 4 });

function newOrder(overrides: Partial<NewOrderRow> = {}): NewOrderRow {
  return {
    id: randomUUID(),
    customerId: 'c-1',
    currency: 'EUR',
    items: [{ sku: 'A', quantity: 2, unitPriceCents: 150 }],
    totalCents: 300,
    acceptedAt: new Date(1_700_000_000_123),
    requestEventId: randomUUID(),
    sourcePartition: 0,
    sourceOffset: 41,
    ...overrides,
  };
}

beforeAll(() => migrateDatabase(databaseUrl));
afterAll(() => handle.close());

describe('orders table', () => {
  it('migrates idempotently, even when several processes start at once', async () => {
    await Promise.all([migrateDatabase(databaseUrl), migrateDatabase(databaseUrl)]);

    const { rows } = await handle.pool.query(`select count(*)::int as n from information_schema.tables where table_name = 'orders'`);
    expect(rows[0].n).toBe(1);
  });

  it('inserts a batch and reports each order as inserted, with the time it was committed', async () => {
    const batch = [newOrder(), newOrder()];

    const outcome = await persistOrders(handle.db, batch);

    expect([...outcome.values()].map((entry) => entry.inserted)).toEqual([true, true]);
    const stored = outcome.get(batch[0]?.id ?? '')?.row;
    expect(stored).toMatchObject({ customerId: 'c-1', totalCents: 300, sourceOffset: 41 });
    expect(stored?.acceptedAt.getTime()).toBe(1_700_000_000_123);
    expect(stored?.committedAt).toBeInstanceOf(Date);
    expect(stored?.items).toEqual([{ sku: 'A', quantity: 2, unitPriceCents: 150 }]);
  });

  it('inserts nothing for a redelivered order and returns the row as first stored', async () => {
    const order = newOrder();
    await persistOrders(handle.db, [order]);

    const again = await persistOrders(handle.db, [{ ...order, sourceOffset: 99 }]);

    expect(again.get(order.id)).toMatchObject({ inserted: false, row: { sourceOffset: 41 } });
    const { rows } = await handle.pool.query('select count(*)::int as n from orders where id = $1', [order.id]);
    expect(rows[0].n).toBe(1);
  });

  it('inserts nothing for a command event id seen before, even under another order id', async () => {
    const order = newOrder();
    await persistOrders(handle.db, [order]);
    const sameEvent = newOrder({ requestEventId: order.requestEventId });

    const outcome = await persistOrders(handle.db, [sameEvent]);

    expect(outcome.has(sameEvent.id)).toBe(false);
    expect(await findOrder(handle.db, sameEvent.id)).toBeUndefined();
  });

  it('moves the watermark of a partition forward only, and finds the orders created between two offsets of a partition', async () => {
    const topic = `watermarks-${randomUUID().slice(0, 8)}`;
    const orders = [3, 9, 10].map((offset) => newOrder({ sourceTopic: topic, sourceOffset: offset }));
    await persistOrders(handle.db, [...orders, newOrder({ sourceTopic: topic, sourcePartition: 1, sourceOffset: 5 })]);

    await advanceWatermarks(handle.db, topic, new Map([[0, 10n]]));
    await advanceWatermarks(handle.db, topic, new Map([[0, 4n]]));

    expect(await announcedBelow(handle.db, topic, [0, 1])).toEqual(new Map([[0, 10n]]));
    expect((await findCreatedBetween(handle.db, topic, 0, 3n, 10n)).map((row) => row.sourceOffset).sort()).toEqual([3, 9]);
    expect(await findCreatedBetween(handle.db, topic, 0, 10n, 10n)).toEqual([]);
  });

  it('returns an order that a concurrent transaction inserted while this insert waited for it', async () => {
    const order = newOrder();
    // given another connection (a zombie processor's) that inserted the same order and has not committed yet
    const other = await handle.pool.connect();
    try {
      await other.query('begin');
      await persistOrders(drizzleOn(other), [order]);

      // when this insert runs into it, waits, and the other one commits
      const persisting = persistOrders(handle.db, [order, newOrder()]);
      await waitUntilBlocked(order.id);
      await other.query('commit');
      const outcome = await persisting;

      // then the order is reported as stored (by someone else), not left out
      expect(outcome.get(order.id)).toMatchObject({ inserted: false, row: { id: order.id } });
      expect(outcome.size).toBe(2);
    } finally {
      other.release();
    }
  });
});

describe('order_failures table', () => {
  it('records two failures of one order in one call as its latest failure', async () => {
    const orderId = randomUUID();
    const failure = { orderId, reason: 'rejected', detail: 'first', sourcePartition: 0, sourceOffset: 1, attempts: 1 };

    await recordFailures(handle.db, [failure, { ...failure, detail: 'second', sourceOffset: 2 }]);

    expect(await findFailure(handle.db, orderId)).toMatchObject({ detail: 'second', sourceOffset: 2 });
  });
});

/** Drizzle on one checked-out connection, so a test can hold a transaction open on it. */
function drizzleOn(client: pg.PoolClient) {
  return drizzle(client as unknown as pg.Pool, { schema });
}

/** Waits until some query is blocked on a lock while inserting this order (it waits for the other transaction). */
async function waitUntilBlocked(orderId: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await handle.pool.query(
      "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into orders%'",
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no insert of ${orderId} waited for the other transaction`);
}
