import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health, problemResponse, Ready } from '@ouro/contracts/http';
import type { ReadinessCheck } from '../plugins/readiness.js';
import { DependencyUnavailable } from '../problems.js';

type State = 'up' | 'down';

/** Runs every check at once, each bounded. */
async function probe(checks: ReadonlyMap<string, ReadinessCheck>, timeoutMs: number): Promise<Record<string, State>> {
  const entries = await Promise.all(
    [...checks].map(async ([name, { check }]) => {
      const ok = await Promise.race([
        check().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
      ]);
      return [name, ok ? 'up' : 'down'] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'liveness',
        summary: 'Liveness: the process answers',
        tags: ['health'],
        response: {
          200: { description: 'The process answers', content: { 'application/json': { schema: Health } } },
          503: problemResponse('This instance is shutting down', ['shutting-down'], { retryAfter: true }),
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'readiness',
        summary: 'Readiness: can this instance accept orders?',
        description:
          'Ready while Kafka is reachable: an order needs nothing else (the schema id is cached at start). Redis (needed for ' +
          'an Idempotency-Key), PostgreSQL (reads of orders not in the cache) and the registry are reported; one down makes ' +
          'the instance `degraded`, still ready. Kafka down: 503.',
        tags: ['health'],
        response: {
          200: {
            description: 'Ready (Kafka reachable); `degraded` names what else is down',
            content: { 'application/json': { schema: Ready } },
          },
          503: problemResponse(
            'Kafka cannot be reached (this instance cannot accept orders), or it is shutting down',
            ['dependency-unavailable', 'shutting-down'],
            { retryAfter: true },
          ),
        },
      },
    },
    async () => {
      const checks = app.readiness.checks;
      const results = await probe(checks, 2_000);
      const down = Object.entries(results).filter(([, state]) => state === 'down');
      const requiredDown = down.filter(([name]) => checks.get(name)?.required);
      if (requiredDown.length > 0) {
        const names = requiredDown.map(([name]) => name);
        throw new DependencyUnavailable(names.join(','), `not reachable: ${names.join(', ')}`, 5);
      }
      const degraded = Object.fromEntries(down.map(([name]) => [name, checks.get(name)?.whileDown ?? 'down']));
      return { status: down.length > 0 ? ('degraded' as const) : ('ready' as const), checks: results, degraded };
    },
  );
};
