import { connectDatabase, type Database } from '@ouro/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The read side's store: order-api reads PostgreSQL, never writes it. */
    database: Database;
  }
}

export const postgres = fp(
  async (app: FastifyInstance, { url }: { readonly url: string }) => {
    const handle = connectDatabase(url, { max: 10 });
    app.decorate('database', handle.db);
    app.readiness.add('postgres', {
      check: () => handle.pool.query('select 1'),
      required: false,
      whileDown: 'reads of orders not in the cache answer 503',
    });
    app.addHook('onClose', () => handle.close());
  },
  { name: 'postgres', dependencies: ['readiness'] },
);
