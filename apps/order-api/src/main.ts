// order-api: the only module that reads the environment or opens connections.
import { CommitNotifications, IdempotencyStore, OrderCache } from '@ouro/cache';
import { loadApiConfig } from '@ouro/config';
import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase } from '@ouro/db';
import { AvroSerde, BatchingProducer, createKafka, createRegistry } from '@ouro/messaging';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from './app.js';
import { OrderService } from './order-service.js';

const config = loadApiConfig();
const logger = pino({ name: 'order-api', level: config.logLevel });

const registry = createRegistry(config.schemaRegistryUrl);
const commands = await AvroSerde.forSubject<OrderCreationRequested>(
  registry,
  subjectFor(config.commandsTopic),
  readSchema(schemaFiles.commands),
);
const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'order-api' });
const kafkaProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
await kafkaProducer.connect();
const admin = kafka.admin();
await admin.connect();
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const notifications = await CommitNotifications.listen(new Redis(config.redisUrl));
const database = connectDatabase(config.databaseUrl, { max: 10 });

const orders = new OrderService({
  producer: new BatchingProducer(kafkaProducer, { timeoutMs: config.produceTimeoutMs }),
  commands,
  cache: new OrderCache(redis),
  idempotency: new IdempotencyStore(redis),
  notifications,
  db: database.db,
  newId: uuidv7,
  clock: Date.now,
  produceTimeoutMs: config.produceTimeoutMs,
  commandsTopic: config.commandsTopic,
  logger,
});

const app = await buildApp({
  orders,
  logger: { level: config.logLevel, name: 'order-api' },
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
  await kafkaProducer.disconnect();
  await admin.disconnect();
  await notifications.close();
  redis.disconnect();
  await database.close();
});

// SIGTERM/SIGINT: stop accepting, finish in-flight requests (Fastify answers 503 meanwhile), then close.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'stopping');
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ host: config.host, port: config.port });
