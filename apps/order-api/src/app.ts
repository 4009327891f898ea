import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { metrics } from './plugins/metrics.js';
import { problemDetails, sendProblem } from './plugins/problem-details.js';
import { readiness } from './plugins/readiness.js';
import { HttpProblem } from './problems.js';
import { healthRoutes } from './routes/health.js';

export interface AppOptions {
  readonly bodyLimitBytes?: number;
  readonly logger?: FastifyServerOptions['logger'];
  readonly requestLogging?: boolean;
  /**
   * Registers the infrastructure plugins and the routes on them (compose.ts). `closing` aborts when
   * the server starts closing. Without it the app answers health, metrics and docs only (tests).
   */
  readonly compose?: (app: FastifyInstance, closing: AbortSignal) => Promise<void>;
}

const shuttingDown = new HttpProblem(
  503,
  'shutting-down',
  'Service shutting down',
  'this instance is shutting down; send the request again (another instance will take it)',
  {},
  { 'retry-after': '1' },
);

/** The HTTP app without a listening socket: `main.ts` listens, tests call `inject()`. */
export async function buildApp(options: AppOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    // Strict validation: unknown fields are refused, not silently dropped; "2" is not 2.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // Fastify's own 503 while closing is plain JSON written past every hook; the hooks below refuse with problem+json.
    return503OnClosing: false,
    // One line per request and per response at `info`, unless turned off (load tests, busy deployments).
    logController: new LogController({ disableRequestLogging: options.requestLogging === false }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // close() (main.ts, on SIGTERM): the server stops listening and Node closes idle keep-alive
  // connections; requests in flight finish. Their answers say `Connection: close`, or the client
  // would keep the connection open and close() would wait out keepAliveTimeout (72 s) for it.
  // Requests that still arrive on an open connection are refused, and long-polls answer at once.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.addHook('onRequest', async (request, reply) => {
    if (closing.signal.aborted) return sendProblem(shuttingDown, request, reply);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing.signal.aborted) reply.header('connection', 'close');
  });

  // Orders are JSON only: anything else is 415, not a string for the validator to puzzle over.
  app.removeContentTypeParser('text/plain');
  await app.register(problemDetails);
  await app.register(metrics);
  await app.register(readiness);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Ouro order API',
        version: '1.0.0',
        description:
          'Listen-to-yourself order service: one write to Kafka, exactly once into PostgreSQL. Errors are RFC 9457 ' +
          'problem details (`application/problem+json`) whose `type` is `urn:ouro:problem:<code>`.',
      },
      tags: [
        { name: 'orders', description: 'Place and read orders' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes);
  await options.compose?.(app, closing.signal);
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.url === '/orders' && request.method === 'POST' && reply.statusCode === 202) app.metrics.ordersAccepted.inc();
  });
  return app;
}
