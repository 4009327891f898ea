import { CommitNotifications } from '@ouro/cache';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** Commands: the order cache and the idempotency records. Fails fast while Redis is away. */
    redis: Redis;
    /** Woken when the processor commits an order (long-polls wait on it); its own subscriber connection. */
    commitNotifications: CommitNotifications;
  }
}

/** Redis: one connection for commands, one subscribed to commit notifications. */
export const redis = fp(
  async (app: FastifyInstance, { url }: { readonly url: string }) => {
    // Auto-pipelining: the commands of concurrent requests share one write (and one round trip).
    const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
    const notifications = await CommitNotifications.listen(new Redis(url));
    app.decorate('redis', client);
    app.decorate('commitNotifications', notifications);
    app.readiness.add('redis', {
      check: () => client.ping(),
      required: false,
      whileDown: 'orders with an Idempotency-Key are refused (503); reads go to PostgreSQL',
    });
    app.addHook('onClose', async () => {
      await notifications.close().catch(() => {});
      client.disconnect();
    });
  },
  { name: 'redis', dependencies: ['readiness'] },
);
