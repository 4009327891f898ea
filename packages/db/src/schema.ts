import type { OrderItem } from '@ouro/domain';
import { bigint, char, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per order, written only by order-processor. Idempotency lives here, not in memory: the
 * orderId is the primary key and the command's eventId is unique, so a redelivered or duplicated
 * command inserts nothing.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, precision: 3 }).notNull(),
    committedAt: timestamp('committed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    requestEventId: uuid('request_event_id').notNull().unique(),
    /** Where the command that created the row sits (topic, partition, offset): tells a redelivery from a duplicate. */
    sourceTopic: text('source_topic').notNull().default(''),
    sourcePartition: integer('source_partition').notNull(),
    sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
    /** No longer written (announcement is tracked per partition, in `announce_watermarks`). */
    announcedAt: timestamp('announced_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    index('orders_customer_id_idx').on(table.customerId),
    // The rows of a range of a command partition: those whose bookkeeping a partition's next holder completes.
    index('orders_source_idx').on(table.sourceTopic, table.sourcePartition, table.sourceOffset),
  ],
);

/**
 * Per command partition, the offset below which every order its commands created is announced
 * (its OrderCreated committed) and its bookkeeping done. It only moves forward, to offsets whose
 * transaction committed: one small write per transaction instead of one per order. A command below
 * it that arrives again (the group rewound) does not announce its order a second time.
 */
export const announceWatermarks = pgTable(
  'announce_watermarks',
  {
    sourceTopic: text('source_topic').notNull(),
    sourcePartition: integer('source_partition').notNull(),
    announcedBelow: bigint('announced_below', { mode: 'bigint' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.sourceTopic, table.sourcePartition] })],
);

/**
 * Orders whose command was dead-lettered: it could not be decoded or broke a domain rule. Written by
 * order-processor before the Kafka transaction that sends the command to the dead-letter topic, so
 * GET answers `failed` with the reason instead of `pending` forever. A row in `orders` for the same
 * id (after a replay succeeded) takes precedence.
 */
export const orderFailures = pgTable('order_failures', {
  orderId: uuid('order_id').primaryKey(),
  reason: text('reason').notNull(),
  detail: text('detail').notNull(),
  sourcePartition: integer('source_partition').notNull(),
  sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
  attempts: integer('attempts').notNull(),
  failedAt: timestamp('failed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type OrderRow = typeof orders.$inferSelect;
export type OrderFailureRow = typeof orderFailures.$inferSelect;
export type NewOrderFailureRow = typeof orderFailures.$inferInsert;
export type NewOrderRow = typeof orders.$inferInsert;
