import { describe, expect, it } from 'vitest';
import { OrderRejected } from './errors.js';
import { orderCreatedEventId, orderCreatedFrom } from './order-created.js';
import { decidePlaceOrder, orderRuleViolation, totalCents } from './place-order.js';

const context = {
  orderId: '0190f3c8-0000-7000-8000-000000000001',
  eventId: '0190f3c8-0000-7000-8000-0000000000e1',
  now: 1_700_000_000_000,
};
const command = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A-1', quantity: 2, unitPriceCents: 1250 }] };

describe('decidePlaceOrder', () => {
  it('turns a valid request into an OrderCreationRequested with the ids and time it was given', () => {
    const event = decidePlaceOrder(command, { ...context, idempotencyKey: 'key-1' });

    expect(event).toEqual({
      eventId: context.eventId,
      occurredAt: context.now,
      orderId: context.orderId,
      customerId: 'c-1',
      currency: 'EUR',
      items: [{ sku: 'A-1', quantity: 2, unitPriceCents: 1250 }],
      idempotencyKey: 'key-1',
    });
  });

  it('records a missing idempotency key as null', () => {
    expect(decidePlaceOrder(command, context).idempotencyKey).toBeNull();
  });

  it.each([
    ['a NUL character in the customerId', { ...command, customerId: 'a\u0000b' }, '/customerId'],
    ['a lone surrogate in the customerId', { ...command, customerId: '\ud800x' }, '/customerId'],
    ['a lone surrogate in a sku', { ...command, items: [{ sku: 'A-\udc00', quantity: 1, unitPriceCents: 1 }] }, '/items/0/sku'],
  ])('rejects %s, which no store could keep as sent', (_case, order, field) => {
    expect(() => decidePlaceOrder(order, context)).toThrow(expect.objectContaining({ code: 'invalid-order', field }));
  });

  it('keeps text with characters beyond the basic plane, which are whole surrogate pairs', () => {
    expect(decidePlaceOrder({ ...command, customerId: 'café 😀' }, context).customerId).toBe('café 😀');
  });

  it('counts a customerId in characters, as the request schema does: 128 characters beyond the basic plane are allowed, 129 are not', () => {
    expect(decidePlaceOrder({ ...command, customerId: '😀'.repeat(128) }, context).customerId).toHaveLength(256);
    expect(() => decidePlaceOrder({ ...command, customerId: '😀'.repeat(129) }, context)).toThrow(
      expect.objectContaining({ code: 'invalid-order', field: '/customerId' }),
    );
  });

  it('rejects a currency ISO 4217 does not know, naming the field', () => {
    const when = () => decidePlaceOrder({ ...command, currency: 'XYZ' }, context);

    expect(when).toThrow(OrderRejected);
    expect(when).toThrow(expect.objectContaining({ code: 'unknown-currency', field: '/currency' }));
  });

  it('rejects a price beyond the limit, which also keeps every total exact', () => {
    const huge = { ...command, items: Array.from({ length: 100 }, () => ({ sku: 'X', quantity: 10_000, unitPriceCents: 1e13 })) };

    expect(() => decidePlaceOrder(huge, context)).toThrow(
      expect.objectContaining({ code: 'invalid-order', field: '/items/0/unitPriceCents' }),
    );
  });
});

describe('orderRuleViolation', () => {
  it('accepts an order that keeps every rule', () => {
    expect(orderRuleViolation(command)).toBeUndefined();
  });

  it.each([
    ['no items', { items: [] }, '/items'],
    ['a zero quantity', { items: [{ sku: 'A-1', quantity: 0, unitPriceCents: 1 }] }, '/items/0/quantity'],
    ['a fractional quantity', { items: [{ sku: 'A-1', quantity: 1.5, unitPriceCents: 1 }] }, '/items/0/quantity'],
    ['a negative price', { items: [{ sku: 'A-1', quantity: 1, unitPriceCents: -1 }] }, '/items/0/unitPriceCents'],
    ['a sku with spaces', { items: [{ sku: 'A 1', quantity: 1, unitPriceCents: 1 }] }, '/items/0/sku'],
    ['an empty customer', { customerId: '' }, '/customerId'],
    ['an unknown currency', { currency: 'XYZ' }, '/currency'],
  ])('names the field of %s', (_name, change, field) => {
    expect(orderRuleViolation({ ...command, ...change })).toMatchObject({ field });
  });
});

describe('totalCents', () => {
  it('sums quantity times unit price', () => {
    expect(
      totalCents([
        { sku: 'a', quantity: 3, unitPriceCents: 100 },
        { sku: 'b', quantity: 1, unitPriceCents: 5 },
      ]),
    ).toBe(305);
  });
});

describe('orderCreatedFrom', () => {
  it('is deterministic: the same stored order always gives the same event, id included', () => {
    const stored = { ...command, orderId: context.orderId, acceptedAt: 1, committedAt: 2, requestEventId: context.eventId };

    expect(orderCreatedFrom(stored)).toEqual(orderCreatedFrom(stored));
    expect(orderCreatedFrom(stored).eventId).toBe(orderCreatedEventId(context.orderId));
    expect(orderCreatedFrom(stored)).toMatchObject({ totalCents: 2500, occurredAt: 2, acceptedAt: 1 });
  });

  it('gives different orders different event ids', () => {
    expect(orderCreatedEventId(context.orderId)).not.toBe(orderCreatedEventId(context.eventId));
  });
});
