import { OrderRejected } from './errors.js';
import { currencyCodes, orderLimits } from './limits.js';
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

const skuPattern = new RegExp(orderLimits.skuPattern);
/**
 * Text that JSON can carry but the order's stores cannot: NUL (PostgreSQL text cannot hold it) and a
 * lone UTF-16 surrogate (UTF-8, which Avro and PostgreSQL use, cannot encode it, so it would be
 * stored altered). With the `u` flag a surrogate pair is one code point and does not match.
 */
const loneSurrogate = /\p{Cs}/u;
const unstorable = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);
const isIntegerIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

function shapeViolation({ customerId, currency, items }: PlaceOrder): OrderRejected | undefined {
  const invalid = (message: string, field: string) => new OrderRejected('invalid-order', message, field);
  const texts: [string, string][] = [
    ['/customerId', customerId],
    ['/currency', currency],
    ...items.map(({ sku }, index): [string, string] => [`/items/${index}/sku`, sku]),
  ];
  for (const [field, text] of texts) {
    if (unstorable(text)) return invalid('text must not hold NUL characters or unpaired surrogates', field);
  }
  // Characters are counted as JSON Schema counts them (code points, as PostgreSQL does), not in UTF-16 units.
  const customerIdLength = [...customerId].length;
  if (customerIdLength === 0 || customerIdLength > orderLimits.customerIdMaxLength) {
    return invalid(`customerId must have 1 to ${orderLimits.customerIdMaxLength} characters`, '/customerId');
  }
  if (items.length === 0 || items.length > orderLimits.maxItems)
    return invalid(`an order has 1 to ${orderLimits.maxItems} items`, '/items');
  for (const [index, { sku, quantity, unitPriceCents }] of items.entries()) {
    if (sku.length > orderLimits.skuMaxLength || !skuPattern.test(sku))
      return invalid(`"${sku}" is not a valid sku`, `/items/${index}/sku`);
    if (!isIntegerIn(quantity, 1, orderLimits.maxQuantity)) {
      return invalid(`quantity must be an integer from 1 to ${orderLimits.maxQuantity}`, `/items/${index}/quantity`);
    }
    if (!isIntegerIn(unitPriceCents, 0, orderLimits.maxUnitPriceCents)) {
      return invalid(`unitPriceCents must be an integer from 0 to ${orderLimits.maxUnitPriceCents}`, `/items/${index}/unitPriceCents`);
    }
  }
  return undefined;
}

/**
 * The domain rules an order must keep, wherever it comes from. order-api's request schema already
 * enforces the shape ones at the edge; order-processor checks all of them again, because anything
 * that can write to the commands topic could send an order that breaks them.
 */
export function orderRuleViolation(command: PlaceOrder): OrderRejected | undefined {
  const shape = shapeViolation(command);
  if (shape) return shape;
  if (!knownCurrencies.has(command.currency)) {
    return new OrderRejected('unknown-currency', `"${command.currency}" is not an ISO 4217 currency code`, '/currency');
  }
  if (!Number.isSafeInteger(totalCents(command.items))) {
    return new OrderRejected('total-too-large', 'the order total exceeds what can be counted exactly in cents', '/items');
  }
  return undefined;
}

/** Decides whether a request becomes an OrderCreationRequested event: only if it keeps every domain rule. */
export function decidePlaceOrder(command: PlaceOrder, context: PlaceOrderContext): OrderCreationRequestedData {
  const violation = orderRuleViolation(command);
  if (violation) throw violation;
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
