import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { IntakeObserver } from '../order-intake.js';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly ordersAccepted: Counter;
  /** The write side's produce latencies and idempotency outcomes. */
  readonly intake: IntakeObserver;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
  interface FastifyRequest {
    /** A `waitFor=committed` read: timed apart, its duration is the wait the client asked for. */
    longPoll: boolean;
  }
}

const requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Long-polls last up to API_MAX_WAIT_MS (30 s by default). */
const waitBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

/**
 * Prometheus metrics on GET /metrics: process defaults, request durations by route and status
 * (long-polls apart), orders accepted, produce latency by outcome, Idempotency-Key outcomes.
 */
export const metrics = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    const registers = [registry];
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'ouro_api_http_request_duration_seconds',
      help: 'HTTP request duration by route and status (long-polls are in ouro_api_order_wait_seconds)',
      labelNames: ['method', 'route', 'status'],
      buckets: requestBuckets,
      registers,
    });
    const waits = new Histogram({
      name: 'ouro_api_order_wait_seconds',
      help: 'GET /orders/:id?waitFor=committed: how long the long-poll held the request, by status',
      labelNames: ['status'],
      buckets: waitBuckets,
      registers,
    });
    const ordersAccepted = new Counter({ name: 'ouro_api_orders_accepted_total', help: 'Orders answered 202', registers });
    const produce = new Histogram({
      name: 'ouro_api_produce_duration_seconds',
      help: 'From handing a command to the producer to its answer: written, not-sent (503) or unknown (504)',
      labelNames: ['outcome'],
      buckets: requestBuckets,
      registers,
    });
    const idempotency = new Counter({
      name: 'ouro_api_idempotency_keys_total',
      help: 'Requests with an Idempotency-Key: new, replayed (answered from the record), resent (sent again, not known accepted), conflict (409)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['new', 'replayed', 'resent', 'conflict']) idempotency.inc({ outcome }, 0);
    app.decorate('metrics', {
      registry,
      ordersAccepted,
      intake: {
        produced: (seconds, outcome) => produce.observe({ outcome }, seconds),
        idempotency: (outcome) => idempotency.inc({ outcome }),
      },
    });
    app.decorateRequest('longPoll', false);

    app.addHook('onResponse', async (request, reply) => {
      const seconds = reply.elapsedTime / 1000;
      if (request.longPoll) waits.observe({ status: String(reply.statusCode) }, seconds);
      else
        duration.observe(
          { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
          seconds,
        );
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'metrics' },
);
