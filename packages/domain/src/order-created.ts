import { v5 as uuidv5 } from 'uuid';
import type { OrderItem } from './order.js';
import { totalCents } from './place-order.js';

/** Fixed namespace for OrderCreated event ids (UUIDv5 of the orderId). */
const orderCreatedNamespace = '6f1d0c52-4b8e-4f5e-9a53-1f0e2b8c7d41';

/**
 * The OrderCreated event id is a function of the orderId: every attempt to announce one order
 * (after an aborted transaction, say) carries the same id, so downstream dedup by id also works.
 */
export function orderCreatedEventId(orderId: string): string {
  return uuidv5(orderId, orderCreatedNamespace);
}

export interface StoredOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  readonly acceptedAt: number;
  readonly committedAt: number;
  readonly requestEventId: string;
}

/** The OrderCreated payload for an order as stored: deterministic, so a re-emission is identical. */
export function orderCreatedFrom(order: StoredOrder) {
  return {
    eventId: orderCreatedEventId(order.orderId),
    occurredAt: order.committedAt,
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    items: order.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    totalCents: totalCents(order.items),
    acceptedAt: order.acceptedAt,
    requestEventId: order.requestEventId,
  };
}
