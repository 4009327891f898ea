import { IdempotencyStore, OrderCache } from '@ouro/cache';
import type { ApiConfig } from '@ouro/config';
import type { Logger, RecordSender } from '@ouro/messaging';
import type { FastifyServerOptions } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from './app.js';
import { OrderIntake } from './order-intake.js';
import { OrderReads } from './order-reads.js';
import { kafka } from './plugins/kafka.js';
import { postgres } from './plugins/postgres.js';
import { redis } from './plugins/redis.js';
import { registry } from './plugins/registry.js';
import { orderRoutes } from './routes/orders.js';

export interface ComposeOptions {
  readonly logger: Logger;
  readonly httpLogger?: FastifyServerOptions['logger'];
  /** Redis key prefix for the cache and idempotency records (tests isolate themselves with it). */
  readonly keyPrefix?: string;
  /** Replaces the Kafka sender (tests of failure mapping only). */
  readonly sender?: RecordSender;
}

/**
 * order-api on its infrastructure: one plugin per client (each opens it, closes it in `onClose` and
 * adds its readiness check), then the write side and the read side on them.
 */
export async function composeOrderApi(config: ApiConfig, options: ComposeOptions) {
  const prefix = options.keyPrefix ?? 'ouro:';
  return buildApp({
    logger: options.httpLogger ?? false,
    requestLogging: config.requestLogging,
    bodyLimitBytes: config.bodyLimitBytes,
    compose: async (app, closing) => {
      await app.register(registry, { url: config.schemaRegistryUrl, commandsTopic: config.commandsTopic });
      await app.register(kafka, {
        brokers: config.kafkaBrokers,
        produceTimeoutMs: config.produceTimeoutMs,
        logger: options.logger,
        ...(options.sender ? { sender: options.sender } : {}),
      });
      await app.register(redis, { url: config.redisUrl });
      await app.register(postgres, { url: config.databaseUrl });
      const cache = new OrderCache(app.redis, { keyPrefix: `${prefix}order:` });
      const intake = new OrderIntake({
        producer: app.commandSender,
        commands: app.commandSerde,
        cache,
        idempotency: new IdempotencyStore(app.redis, undefined, `${prefix}idempotency:`),
        newId: uuidv7,
        clock: Date.now,
        produceTimeoutMs: config.produceTimeoutMs,
        commandsTopic: config.commandsTopic,
        logger: options.logger,
        observer: app.metrics.intake,
      });
      const reads = new OrderReads({ cache, notifications: app.commitNotifications, db: app.database, clock: Date.now });
      await app.register(orderRoutes, { intake, reads, maxWaitMs: config.maxWaitMs, closing });
    },
  });
}
