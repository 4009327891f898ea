import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DependencyUnavailable } from '../problems.js';

export type ReadinessChecks = Readonly<Record<string, () => Promise<unknown>>>;

const Checks = Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')]));

/** Runs every check at once, each bounded, and names the ones that failed. */
async function probe(checks: ReadinessChecks, timeoutMs: number): Promise<Record<string, 'up' | 'down'>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
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

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessChecks }> = async (app, { checks }) => {
  app.get('/health', { schema: { summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: Kafka, registry, Redis and PostgreSQL reachable',
        response: { 200: Type.Object({ status: Type.Literal('ready'), checks: Checks }) },
      },
    },
    async () => {
      const results = await probe(checks, 2_000);
      const down = Object.entries(results).filter(([, state]) => state === 'down');
      if (down.length > 0)
        throw new DependencyUnavailable(down.map(([name]) => name).join(','), `not reachable: ${down.map(([name]) => name).join(', ')}`, 5);
      return { status: 'ready' as const, checks: results };
    },
  );
};
