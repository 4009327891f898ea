import type { OrderItem } from '@ouro/domain';
import { bigint, char, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
    /** Where the command that created the row sits in orders.commands: tells a redelivery from a duplicate. */
    sourcePartition: integer('source_partition').notNull(),
    sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
    /** Set once the Kafka transaction carrying this order's OrderCreated has committed. */
    announcedAt: timestamp('announced_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('orders_customer_id_idx').on(table.customerId)],
);

export type OrderRow = typeof orders.$inferSelect;
export type NewOrderRow = typeof orders.$inferInsert;
