import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { trace } from '@opentelemetry/api';
import { acceptedResponse, Order, OrderParams, OrderQuery, PlaceOrderBody, PlaceOrderHeaders, problemResponse } from '@ouro/contracts/http';
import type { OrderRead } from '@ouro/domain';
import type { OrderIntake } from '../order-intake.js';
import type { OrderReads } from '../order-reads.js';
import { OrderNotFound } from '../problems.js';

export interface OrderRoutesOptions {
  readonly intake: OrderIntake;
  readonly reads: OrderReads;
  readonly maxWaitMs: number;
  /** Aborted when the server starts closing: long-polls answer at once with what is known. */
  readonly closing?: AbortSignal;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

function present(view: OrderRead) {
  if (view.status === 'failed') return { orderId: view.orderId, status: view.status, failure: view.failure, failedAt: iso(view.failedAt) };
  return {
    orderId: view.orderId,
    status: view.status,
    customerId: view.customerId,
    currency: view.currency,
    items: [...view.items],
    totalCents: view.totalCents,
    acceptedAt: iso(view.acceptedAt),
    ...(view.committedAt === undefined ? {} : { committedAt: iso(view.committedAt) }),
  };
}

export const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (app, { intake, reads, maxWaitMs, closing }) => {
  app.post(
    '/orders',
    {
      schema: {
        operationId: 'placeOrder',
        summary: 'Place an order',
        description:
          'Writes an OrderCreationRequested event to Kafka and answers 202 once Kafka acknowledged it; the order is stored ' +
          'asynchronously, exactly once. 503 `kafka-unavailable`: nothing was written, any retry is safe. 504 ' +
          '`acceptance-unknown`: the order may or may not be accepted; retry with the same Idempotency-Key to find out ' +
          '(without one, a retry may place a second order).',
        tags: ['orders'],
        body: PlaceOrderBody,
        headers: PlaceOrderHeaders,
        response: {
          202: acceptedResponse,
          400: problemResponse('The request breaks the schema (each field at fault is named in `errors`)', ['invalid-request']),
          409: problemResponse('The Idempotency-Key was first used with another body', ['idempotency-key-reused']),
          413: problemResponse('The body is larger than the limit', ['payload-too-large']),
          415: problemResponse('The body is not application/json', ['unsupported-media-type']),
          503: problemResponse(
            'Nothing was written: Kafka cannot take the order (`kafka-unavailable`), Redis cannot hold the Idempotency-Key (`dependency-unavailable`), or this instance is shutting down',
            ['kafka-unavailable', 'dependency-unavailable', 'shutting-down'],
            { retryAfter: true },
          ),
          504: problemResponse('Kafka did not acknowledge in time: the order may be accepted; `orderId` names it', ['acceptance-unknown'], {
            retryAfter: true,
            location: true,
          }),
        },
      },
    },
    async (request, reply) => {
      const accepted = await intake.placeOrder(request.body, request.headers['idempotency-key']);
      trace.getActiveSpan()?.setAttribute('ouro.order.id', accepted.orderId);
      return reply
        .code(202)
        .header('location', `/orders/${accepted.orderId}`)
        .send({ ...accepted, acceptedAt: iso(accepted.acceptedAt) });
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        operationId: 'getOrder',
        summary: 'Read an order',
        description:
          'From the cache first (pending, committed or failed), then PostgreSQL. `waitFor=committed` long-polls until committed or failed, ' +
          'or the timeout, then answers what is known.',
        tags: ['orders'],
        params: OrderParams,
        querystring: OrderQuery,
        response: {
          200: { description: 'The order as known now', content: { 'application/json': { schema: Order } } },
          400: problemResponse('The id is not a UUID, or the query is not valid', ['invalid-request']),
          404: problemResponse('No such order (yet: a 202 is answered before the order is cached or stored)', ['order-not-found']),
          503: problemResponse(
            'Neither the cache nor PostgreSQL can answer, or this instance is shutting down',
            ['dependency-unavailable', 'shutting-down'],
            {
              retryAfter: true,
            },
          ),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { waitFor, timeoutMs } = request.query;
      request.longPoll = waitFor === 'committed';
      const view = request.longPoll
        ? await reads.waitForCommitted(id, Math.min(Number(timeoutMs ?? maxWaitMs), maxWaitMs), closing)
        : await reads.getOrder(id);
      if (!view) throw new OrderNotFound(id);
      trace.getActiveSpan()?.setAttribute('ouro.order.id', id);
      return present(view);
    },
  );
};
