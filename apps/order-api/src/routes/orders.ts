import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Accepted, Order, OrderParams, OrderQuery, PlaceOrderBody, PlaceOrderHeaders, Problem } from '@ouro/contracts/http';
import type { OrderRead } from '@ouro/domain';
import type { OrderService } from '../order-service.js';
import { OrderNotFound } from '../problems.js';

export interface OrderRoutesOptions {
  readonly orders: OrderService;
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

export const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (app, { orders, maxWaitMs, closing }) => {
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order',
        description: 'Writes an OrderCreationRequested event to Kafka and answers 202; the order is stored asynchronously, exactly once.',
        body: PlaceOrderBody,
        headers: PlaceOrderHeaders,
        response: { 202: Accepted, 400: Problem, 409: Problem, 413: Problem, 415: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const accepted = await orders.placeOrder(request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        traceparent: request.headers.traceparent,
      });
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
        summary: 'Read an order',
        description:
          'From the cache first (pending, committed or failed), then PostgreSQL. `waitFor=committed` long-polls until committed or failed.',
        params: OrderParams,
        querystring: OrderQuery,
        response: { 200: Order, 400: Problem, 404: Problem, 503: Problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { waitFor, timeoutMs } = request.query;
      const view =
        waitFor === 'committed'
          ? await orders.waitForCommitted(id, Math.min(Number(timeoutMs ?? maxWaitMs), maxWaitMs), closing)
          : await orders.getOrder(id);
      if (!view) throw new OrderNotFound(id);
      return present(view);
    },
  );
};
