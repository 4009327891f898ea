import { orderLimits } from '@ouro/domain';
import { Type } from 'typebox';

/** The request and response schemas: Fastify validates with them, TypeScript types come from them, OpenAPI shows them. */
export const OrderItemBody = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: orderLimits.skuMaxLength, pattern: orderLimits.skuPattern }),
    quantity: Type.Integer({ minimum: 1, maximum: orderLimits.maxQuantity }),
    unitPriceCents: Type.Integer({ minimum: 0, maximum: orderLimits.maxUnitPriceCents }),
  },
  { additionalProperties: false },
);

export const PlaceOrderBody = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: orderLimits.customerIdMaxLength }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' }),
    items: Type.Array(OrderItemBody, { minItems: 1, maxItems: orderLimits.maxItems }),
  },
  { additionalProperties: false },
);

export const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' })),
  traceparent: Type.Optional(Type.String({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' })),
});

export const Accepted = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: Type.Literal('pending'),
  acceptedAt: Type.String({ format: 'date-time' }),
});

export const OrderParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The orderId from the 202 answer' }),
});

export const OrderQuery = Type.Object(
  {
    waitFor: Type.Optional(Type.Literal('committed', { description: 'Long-poll until the order is committed' })),
    timeoutMs: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'How long to wait (capped by API_MAX_WAIT_MS)' })),
  },
  { additionalProperties: false },
);

export const FailedOrder = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: Type.Literal('failed'),
  failure: Type.Object({
    reason: Type.String({ description: 'undecodable, rejected (a domain rule is broken) or failing (kept failing)' }),
    detail: Type.String(),
  }),
  failedAt: Type.String({ format: 'date-time' }),
});

export const StoredOrder = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('committed')]),
  customerId: Type.String(),
  currency: Type.String(),
  items: Type.Array(OrderItemBody),
  totalCents: Type.Integer(),
  acceptedAt: Type.String({ format: 'date-time' }),
  committedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

/** pending or committed with the order's data; failed (dead-lettered) with the reason. */
export const Order = Type.Union([StoredOrder, FailedOrder]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
);
