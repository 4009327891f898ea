import { OrderRejected } from './errors.js';
import { currencyCodes } from './limits.js';
import type { OrderItem, PlaceOrder } from './order.js';

/** The facts deciding needs from outside: ids and the clock are arguments, never read here. */
export interface PlaceOrderContext {
  readonly orderId: string;
  readonly eventId: string;
  readonly now: number;
  readonly idempotencyKey?: string | undefined;
}

/** The event order-api writes: the OrderCreationRequested payload. */
export interface OrderCreationRequestedData {
  readonly eventId: string;
  readonly occurredAt: number;
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  readonly idempotencyKey: string | null;
}

const knownCurrencies = new Set(currencyCodes);

export function totalCents(items: readonly OrderItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/**
 * Decides whether a request becomes an OrderCreationRequested event. Rules the request schema
 * cannot express live here: a currency ISO 4217 knows, and a total that stays an exact integer.
 */
export function decidePlaceOrder(command: PlaceOrder, context: PlaceOrderContext): OrderCreationRequestedData {
  if (!knownCurrencies.has(command.currency)) {
    throw new OrderRejected('unknown-currency', `"${command.currency}" is not an ISO 4217 currency code`, '/currency');
  }
  if (!Number.isSafeInteger(totalCents(command.items))) {
    throw new OrderRejected('total-too-large', 'the order total exceeds what can be counted exactly in cents', '/items');
  }
  return {
    eventId: context.eventId,
    occurredAt: context.now,
    orderId: context.orderId,
    customerId: command.customerId,
    currency: command.currency,
    items: command.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
    idempotencyKey: context.idempotencyKey ?? null,
  };
}
