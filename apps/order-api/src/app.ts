import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { OrderService } from './order-service.js';
import { metrics } from './plugins/metrics.js';
import { problemDetails } from './plugins/problem-details.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { orderRoutes } from './routes/orders.js';

export interface AppDeps {
  readonly orders: OrderService;
  readonly readiness: ReadinessChecks;
  readonly bodyLimitBytes?: number;
  readonly maxWaitMs?: number;
  readonly logger?: FastifyServerOptions['logger'];
  readonly requestLogging?: boolean;
}

/** The HTTP app without a listening socket: `main.ts` listens, tests call `inject()`. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    // Strict validation: unknown fields are refused, not silently dropped; "2" is not 2.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Request logs are written at `info`; without them, routes log from `warn` up.
  if (deps.requestLogging === false) {
    app.addHook('onRoute', (route) => {
      route.logLevel ??= 'warn';
    });
  }
  // Orders are JSON only: anything else is 415, not a string for the validator to puzzle over.
  app.removeContentTypeParser('text/plain');
  await app.register(problemDetails);
  await app.register(metrics);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Ouro order API',
        version: '1.0.0',
        description: 'Listen-to-yourself order service: one write to Kafka, exactly once into PostgreSQL.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(orderRoutes, { orders: deps.orders, maxWaitMs: deps.maxWaitMs ?? 30_000 });
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.url === '/orders' && request.method === 'POST' && reply.statusCode === 202) app.metrics.ordersAccepted.inc();
  });
  return app;
}
