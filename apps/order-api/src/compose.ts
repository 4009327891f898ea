import { CommitNotifications, IdempotencyStore, OrderCache } from '@ouro/cache';
import type { ApiConfig } from '@ouro/config';
import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase } from '@ouro/db';
import { AvroSerde, BatchingProducer, createKafka, createRegistry, type Logger, type RecordSender } from '@ouro/messaging';
import type { FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from './app.js';
import { OrderService } from './order-service.js';

export interface ComposeOptions {
  readonly logger: Logger;
  readonly httpLogger?: FastifyServerOptions['logger'];
  /** Redis key prefix for the cache and idempotency records (tests isolate themselves with it). */
  readonly keyPrefix?: string;
  /** Replaces the Kafka sender (tests of failure mapping only). */
  readonly sender?: RecordSender;
}

/** Opens every connection order-api needs and builds the app on them; `app.close()` closes them all. */
export async function composeOrderApi(config: ApiConfig, options: ComposeOptions) {
  const registry = createRegistry(config.schemaRegistryUrl);
  const commands = await AvroSerde.forSubject<OrderCreationRequested>(
    registry,
    subjectFor(config.commandsTopic),
    readSchema(schemaFiles.commands),
  );
  // A request waits for Kafka no longer than the produce timeout; kafkajs' own retries stay short,
  // so that a failed send is sent again, with a new producer, within that time.
  const kafka = createKafka({
    brokers: config.kafkaBrokers,
    clientId: 'order-api',
    requestTimeout: config.produceTimeoutMs,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  const sender =
    options.sender ??
    new BatchingProducer(() => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }), {
      ackTimeoutMs: config.produceTimeoutMs,
      logger: options.logger,
    });
  const admin = kafka.admin();
  await Promise.all([admin.connect(), sender instanceof BatchingProducer ? sender.warm() : undefined]);
  // Auto-pipelining: the commands of concurrent requests share one write (and one round trip).
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
  const notifications = await CommitNotifications.listen(new Redis(config.redisUrl));
  const database = connectDatabase(config.databaseUrl, { max: 10 });
  const prefix = options.keyPrefix ?? 'ouro:';

  const orders = new OrderService({
    producer: sender,
    commands,
    cache: new OrderCache(redis, { keyPrefix: `${prefix}order:` }),
    idempotency: new IdempotencyStore(redis, undefined, `${prefix}idempotency:`),
    notifications,
    db: database.db,
    newId: uuidv7,
    clock: Date.now,
    produceTimeoutMs: config.produceTimeoutMs,
    commandsTopic: config.commandsTopic,
    logger: options.logger,
  });

  const app = await buildApp({
    orders,
    logger: options.httpLogger ?? false,
    requestLogging: config.requestLogging,
    bodyLimitBytes: config.bodyLimitBytes,
    maxWaitMs: config.maxWaitMs,
    readiness: {
      kafka: () => admin.describeCluster(),
      registry: async () => {
        const response = await fetch(`${config.schemaRegistryUrl}/subjects`);
        if (!response.ok) throw new Error(`registry answered ${response.status}`);
      },
      redis: () => redis.ping(),
      postgres: () => database.pool.query('select 1'),
    },
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([
      sender instanceof BatchingProducer ? sender.close() : undefined,
      admin.disconnect(),
      notifications.close(),
      database.close(),
    ]);
    redis.disconnect();
  });
  return app;
}
