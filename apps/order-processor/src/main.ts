// order-processor: the only module that reads the environment or opens connections.
import { OrderCache } from '@ouro/cache';
import { loadProcessorConfig } from '@ouro/config';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase } from '@ouro/db';
import { AvroSerde, createKafka, createRegistry } from '@ouro/messaging';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createOrderProcessor } from './processor.js';

const config = loadProcessorConfig();
const logger = pino({ name: 'order-processor', level: config.logLevel });

const registry = createRegistry(config.schemaRegistryUrl);
const [commands, events] = await Promise.all([
  AvroSerde.forSubject<OrderCreationRequested>(registry, subjectFor(config.commandsTopic), readSchema(schemaFiles.commands)),
  AvroSerde.forSubject<OrderCreated>(registry, subjectFor(config.eventsTopic), readSchema(schemaFiles.events)),
]);
const database = connectDatabase(config.databaseUrl, { max: config.partitionsConsumedConcurrently + 2 });
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
const processor = createOrderProcessor({
  kafka: createKafka({ brokers: config.kafkaBrokers, clientId: 'order-processor' }),
  db: database.db,
  cache: new OrderCache(redis),
  commands,
  events,
  logger,
  groupId: config.groupId,
  transactionalIdPrefix: config.transactionalIdPrefix,
  maxBatchSize: config.maxBatchSize,
  partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
  transactionTimeoutMs: config.transactionTimeoutMs,
  sessionTimeoutMs: config.sessionTimeoutMs,
  commandsTopic: config.commandsTopic,
  eventsTopic: config.eventsTopic,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: leaving the consumer group');
  await processor.stop();
  await database.close();
  redis.disconnect();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await processor.start();
logger.info({ groupId: config.groupId }, 'order-processor consuming');
