import type { OrderView } from '@ouro/domain';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './database.js';
import { type NewOrderRow, type OrderRow, orders } from './schema.js';

export interface PersistOutcome {
  readonly row: OrderRow;
  /** True when this call inserted the row; false when it existed already. */
  readonly inserted: boolean;
}

/**
 * Inserts a batch of orders in one transaction, skipping any that exist (by id or request event id),
 * and returns every order of the batch as stored, with whether this call inserted it.
 */
export async function persistOrders(db: Database, rows: readonly NewOrderRow[]): Promise<Map<string, PersistOutcome>> {
  if (rows.length === 0) return new Map();
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(orders)
      .values([...rows])
      .onConflictDoNothing()
      .returning({ id: orders.id });
    const insertedIds = new Set(inserted.map(({ id }) => id));
    const stored = await tx
      .select()
      .from(orders)
      .where(
        inArray(
          orders.id,
          rows.map((row) => row.id),
        ),
      );
    return new Map(stored.map((row) => [row.id, { row, inserted: insertedIds.has(row.id) }]));
  });
}

/** Records that these orders' OrderCreated events are committed to Kafka (first time only). */
export async function markAnnounced(db: Database, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await db
    .update(orders)
    .set({ announcedAt: sql`now()` })
    .where(and(inArray(orders.id, [...orderIds]), isNull(orders.announcedAt)));
}

export async function findOrder(db: Database, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId)).limit(1);
  return row;
}

/** A stored order as the read side shows it: committed, times in epoch milliseconds. */
export function orderViewFrom(row: OrderRow): OrderView {
  return {
    orderId: row.id,
    status: 'committed',
    customerId: row.customerId,
    currency: row.currency,
    items: row.items,
    totalCents: row.totalCents,
    acceptedAt: row.acceptedAt.getTime(),
    committedAt: row.committedAt.getTime(),
  };
}
