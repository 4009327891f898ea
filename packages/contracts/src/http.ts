import { currencyCodes, orderLimits } from '@ouro/domain';
import { Type } from 'typebox';

/**
 * The request and response schemas: Fastify validates with them, TypeScript types come from them,
 * OpenAPI (`/docs/json`) shows them. They say exactly what is accepted: a request they allow is
 * refused by no domain rule (order-api's rules and the processor's are the same, `@ouro/domain`).
 */
export const OrderItemBody = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: orderLimits.skuMaxLength, pattern: orderLimits.skuPattern, examples: ['BOOK-1'] }),
    quantity: Type.Integer({ minimum: 1, maximum: orderLimits.maxQuantity, examples: [2] }),
    unitPriceCents: Type.Integer({ minimum: 0, maximum: orderLimits.maxUnitPriceCents, examples: [1999] }),
  },
  { additionalProperties: false },
);

const example = { customerId: 'c-42', currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }] };

export const PlaceOrderBody = Type.Object(
  {
    customerId: Type.String({
      minLength: 1,
      maxLength: orderLimits.customerIdMaxLength,
      // PostgreSQL text cannot hold NUL.
      pattern: '^[^\\u0000]*$',
      description: `1 to ${orderLimits.customerIdMaxLength} characters, no NUL`,
      examples: ['c-42'],
    }),
    currency: Type.String({
      enum: [...currencyCodes],
      description: 'An ISO 4217 code this service knows (the list is the runtime’s own, from ICU)',
      examples: ['EUR'],
    }),
    items: Type.Array(OrderItemBody, { minItems: 1, maxItems: orderLimits.maxItems }),
  },
  { additionalProperties: false, examples: [example] },
);

export const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Makes a retry safe: the same key with the same body answers the same orderId, and places one order at most',
    }),
  ),
  traceparent: Type.Optional(
    Type.String({
      description:
        'W3C trace context: the order joins this trace when tracing is on. One that is not valid is ignored (a new trace starts), as W3C Trace Context asks, not refused',
    }),
  ),
});

export const Accepted = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    status: Type.Literal('pending'),
    acceptedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [{ orderId: '01a2021d-55dc-75e9-a4c8-27465c1e84de', status: 'pending', acceptedAt: '2026-11-22T07:16:46.685Z' }] },
);

export const OrderParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The orderId from the 202 answer' }),
});

export const OrderQuery = Type.Object(
  {
    waitFor: Type.Optional(Type.Literal('committed', { description: 'Long-poll until the order is committed (or failed)' })),
    timeoutMs: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'How long to wait, in ms (capped by API_MAX_WAIT_MS)' })),
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

export const Health = Type.Object({ status: Type.Literal('ok') });

export const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')]),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])),
  degraded: Type.Record(Type.String(), Type.String(), { description: 'Each dependency down, and what fails while it is' }),
});

export const problemCodes = [
  'invalid-request',
  'idempotency-key-reused',
  'payload-too-large',
  'unsupported-media-type',
  'order-not-found',
  'dependency-unavailable',
  'kafka-unavailable',
  'acceptance-unknown',
  'shutting-down',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

/** RFC 9457 problem details, as sent: `type` is `urn:ouro:problem:<code>`, one of `codes`. */
function problemOf(codes: readonly ProblemCode[]) {
  return Type.Object(
    {
      type: Type.String({ enum: codes.map((code) => `urn:ouro:problem:${code}`), format: 'uri' }),
      title: Type.String(),
      status: Type.Integer(),
      detail: Type.String(),
      code: Type.String({ enum: [...codes] }),
      instance: Type.Optional(Type.String()),
    },
    { additionalProperties: true, description: 'RFC 9457 problem details' },
  );
}

const headers = {
  retryAfter: { type: 'string', pattern: '^[0-9]+$', description: 'Seconds to wait before sending again' },
  location: { type: 'string', pattern: '^/orders/[0-9a-f-]{36}$', description: 'Where the order can be read' },
};

/** A documented error answer: problem+json, the problem types it can carry, and its headers. */
export function problemResponse(
  description: string,
  codes: readonly ProblemCode[],
  extra: { retryAfter?: boolean; location?: boolean } = {},
) {
  const answerHeaders = {
    ...(extra.retryAfter ? { 'retry-after': headers.retryAfter } : {}),
    ...(extra.location ? { location: headers.location } : {}),
  };
  return {
    description,
    content: { 'application/problem+json': { schema: problemOf(codes) } },
    ...(Object.keys(answerHeaders).length > 0 ? { headers: answerHeaders } : {}),
  };
}

export const acceptedResponse = {
  description: 'Accepted: Kafka has the order; it is stored asynchronously, exactly once',
  headers: { location: headers.location },
  content: { 'application/json': { schema: Accepted } },
};
