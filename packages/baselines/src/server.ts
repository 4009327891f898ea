import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Accepted, PlaceOrderBody } from '@ouro/contracts/http';
import { type OrderItem, totalCents } from '@ouro/domain';
import Fastify from 'fastify';
import { v7 as uuidv7 } from 'uuid';

export interface PlacedOrder {
  readonly orderId: string;
  readonly eventId: string;
  readonly acceptedAt: number;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
}

/** An order placed earlier under the same idempotency key: the answer to a retry. */
export interface StoredOrder {
  readonly orderId: string;
  readonly acceptedAt: number;
}

/**
 * Accepts one order; `idempotencyKey` is the request's Idempotency-Key header, if any. Resolves
 * with the order the key placed before when this is a retry, else with nothing.
 */
export type Accept = (order: PlacedOrder, idempotencyKey: string | undefined) => Promise<StoredOrder | undefined> | Promise<void>;

/**
 * A baseline server: the same route, request schema and strict validation as order-api, answering
 * 202 after `accept` resolves. Only what happens inside `accept` differs between baselines.
 */
export async function serveOrders(accept: Accept): Promise<void> {
  const app = Fastify({
    logger: { level: 'info' },
    disableRequestLogging: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.post('/orders', { schema: { body: PlaceOrderBody, response: { 202: Accepted } } }, async (request, reply) => {
    const order: PlacedOrder = {
      ...request.body,
      orderId: uuidv7(),
      eventId: uuidv7(),
      acceptedAt: Date.now(),
      totalCents: totalCents(request.body.items),
    };
    const key = request.headers['idempotency-key'];
    const { orderId, acceptedAt } = (await accept(order, typeof key === 'string' ? key : undefined)) ?? order;
    return reply.code(202).send({ orderId, status: 'pending' as const, acceptedAt: new Date(acceptedAt).toISOString() });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
}
