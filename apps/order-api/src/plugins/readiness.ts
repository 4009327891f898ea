import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface ReadinessCheck {
  readonly check: () => Promise<unknown>;
  /**
   * Without it, order-api cannot accept orders: the instance is not ready. A dependency that only some
   * requests need (Redis for an Idempotency-Key, PostgreSQL for reads) leaves it ready, degraded.
   */
  readonly required: boolean;
  /** What fails while it is down, said in the readiness answer. */
  readonly whileDown: string;
}

export interface Readiness {
  /** Each infrastructure plugin adds its own check. */
  add(name: string, check: ReadinessCheck): void;
  readonly checks: ReadonlyMap<string, ReadinessCheck>;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

/** The readiness checks, one per dependency, added by the plugin that owns the client. */
export const readiness = fp(
  async (app: FastifyInstance) => {
    const checks = new Map<string, ReadinessCheck>();
    app.decorate('readiness', { add: (name: string, check: ReadinessCheck) => void checks.set(name, check), checks });
  },
  { name: 'readiness' },
);
