import type { FailedOrderView, OrderView } from '@ouro/domain';
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from './database.js';
import {
  announceWatermarks,
  type NewOrderFailureRow,
  type NewOrderRow,
  type OrderFailureRow,
  type OrderRow,
  orderFailures,
  orders,
} from './schema.js';

export interface PersistOutcome {
  readonly row: OrderRow;
  /** True when this call inserted the row; false when it existed already. */
  readonly inserted: boolean;
}

// Raw statements bypass drizzle's column mappers, and its pg driver leaves timestamps as text:
// convert as drizzle's own mappers do.
const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * Inserts a batch of orders, skipping any that exist (by id or request event id), and returns every
 * order of the batch as stored, with whether this call inserted it.
 *
 * One statement in the usual case (every order new), so atomic without BEGIN/COMMIT round trips,
 * returning only what the server adds (the commit time). The rows travel as one typed array per
 * column through `unnest` rather than as a multi-row VALUES list: a 500-row batch binds 10
 * parameters instead of 5,000. Orders that existed already are read back in a second statement,
 * with a snapshot of its own: that also finds an order another transaction inserted while this
 * statement waited on it (ON CONFLICT waits for that transaction, then skips, and the statement's
 * own snapshot cannot see the row). Only an order whose event id another order holds stays missing.
 */
export async function persistOrders(db: Database, rows: readonly NewOrderRow[]): Promise<Map<string, PersistOutcome>> {
  if (rows.length === 0) return new Map();
  // sql.param: the whole array is one parameter (a bare array would expand into a list).
  const column = <T>(pick: (row: NewOrderRow) => T) => sql.param(rows.map(pick));
  const result = await db.execute<{ id: string; committed_at: Date | string }>(sql`
    insert into orders (id, customer_id, currency, items, total_cents, accepted_at, request_event_id, source_topic, source_partition, source_offset)
    select * from unnest(
      ${column((row) => row.id)}::uuid[], ${column((row) => row.customerId)}::text[], ${column((row) => row.currency)}::char(3)[],
      ${column((row) => JSON.stringify(row.items))}::jsonb[], ${column((row) => row.totalCents)}::bigint[],
      ${column((row) => row.acceptedAt.toISOString())}::timestamptz[], ${column((row) => row.requestEventId)}::uuid[],
      ${column((row) => row.sourceTopic ?? '')}::text[], ${column((row) => row.sourcePartition)}::int[],
      ${column((row) => row.sourceOffset)}::bigint[])
    on conflict do nothing
    returning id, committed_at`);
  const committedAt = new Map(result.rows.map((row) => [row.id, toDate(row.committed_at)]));
  const outcome = new Map<string, PersistOutcome>();
  for (const row of rows) {
    const at = committedAt.get(row.id);
    if (at) outcome.set(row.id, { row: storedFrom(row, at), inserted: true });
  }
  const existing = rows.filter((row) => !committedAt.has(row.id)).map((row) => row.id);
  if (existing.length > 0) {
    for (const row of await db.select().from(orders).where(inArray(orders.id, existing))) outcome.set(row.id, { row, inserted: false });
  }
  return outcome;
}

/** A row as this insert stored it: what was sent, and the commit time the server gave it. */
function storedFrom(row: NewOrderRow, committedAt: Date): OrderRow {
  return {
    id: row.id,
    customerId: row.customerId,
    currency: row.currency,
    items: row.items,
    totalCents: row.totalCents,
    acceptedAt: row.acceptedAt,
    committedAt,
    requestEventId: row.requestEventId,
    sourceTopic: row.sourceTopic ?? '',
    sourcePartition: row.sourcePartition,
    sourceOffset: row.sourceOffset,
    announcedAt: null,
  };
}

/** Per command partition of `topic` (of those asked), the offset below which its orders are announced. */
export async function announcedBelow(db: Database, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
  if (partitions.length === 0) return new Map();
  const rows = await db
    .select()
    .from(announceWatermarks)
    .where(and(eq(announceWatermarks.sourceTopic, topic), inArray(announceWatermarks.sourcePartition, [...partitions])));
  return new Map(rows.map((row) => [row.sourcePartition, row.announcedBelow]));
}

/** Moves the watermarks of `topic`'s partitions forward (never back) to the offsets given. */
export async function advanceWatermarks(db: Database, topic: string, below: ReadonlyMap<number, bigint>): Promise<void> {
  if (below.size === 0) return;
  const entries = [...below];
  await db.execute(sql`
    insert into announce_watermarks (source_topic, source_partition, announced_below)
    select ${topic}, * from unnest(${sql.param(entries.map(([partition]) => partition))}::int[], ${sql.param(entries.map(([, offset]) => offset.toString()))}::bigint[])
    on conflict (source_topic, source_partition) do update
      set announced_below = greatest(announce_watermarks.announced_below, excluded.announced_below)`);
}

/**
 * Rows created by commands of this topic partition from `from` up to (not including) `to`. When
 * `to` is the committed offset and `from` the watermark, these orders are announced (their offsets
 * committed in the transaction that carried their OrderCreated) but their bookkeeping may be
 * unfinished: their member died between the two.
 */
export async function findCreatedBetween(db: Database, topic: string, partition: number, from: bigint, to: bigint): Promise<OrderRow[]> {
  if (from >= to) return [];
  return db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.sourceTopic, topic),
        eq(orders.sourcePartition, partition),
        gte(orders.sourceOffset, Number(from)),
        lt(orders.sourceOffset, Number(to)),
      ),
    );
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

/**
 * Records that these orders' commands were dead-lettered. Idempotent: a redelivery (or a replay
 * that fails again) updates the row to the latest failure.
 */
export async function recordFailures(db: Database, failures: readonly NewOrderFailureRow[]): Promise<void> {
  if (failures.length === 0) return;
  // One row per order, the latest failure of it: ON CONFLICT cannot update a row twice in one statement.
  const latest = new Map(failures.map((failure) => [failure.orderId, failure]));
  await db
    .insert(orderFailures)
    .values([...latest.values()])
    .onConflictDoUpdate({
      target: orderFailures.orderId,
      set: {
        reason: sql`excluded.reason`,
        detail: sql`excluded.detail`,
        sourcePartition: sql`excluded.source_partition`,
        sourceOffset: sql`excluded.source_offset`,
        attempts: sql`excluded.attempts`,
        failedAt: sql`now()`,
      },
    });
}

export async function findFailure(db: Database, orderId: string): Promise<OrderFailureRow | undefined> {
  const [row] = await db.select().from(orderFailures).where(eq(orderFailures.orderId, orderId)).limit(1);
  return row;
}

export function failedViewFrom(row: Pick<OrderFailureRow, 'orderId' | 'reason' | 'detail' | 'failedAt'>): FailedOrderView {
  return { orderId: row.orderId, status: 'failed', failure: { reason: row.reason, detail: row.detail }, failedAt: row.failedAt.getTime() };
}
