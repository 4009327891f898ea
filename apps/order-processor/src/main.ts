// order-processor: the only module that reads the environment or opens connections.
import { OrderCache } from '@ouro/cache';
import { loadProcessorConfig } from '@ouro/config';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase } from '@ouro/db';
import { AvroSerde, createKafka, createRegistry } from '@ouro/messaging';
import { tracingEnabled } from '@ouro/observability';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { combineObservers } from './observe/combine.js';
import { startProcessorHttp } from './observe/http-server.js';
import { ProcessorMetrics } from './observe/metrics.js';
import { ProcessorReadiness } from './observe/readiness.js';
import { tracingObserver } from './observe/tracing.js';
import { createOrderProcessor } from './processor.js';

const config = loadProcessorConfig();
const logger = pino({ name: 'order-processor', level: config.logLevel });

const registry = createRegistry(config.schemaRegistryUrl);
const [commands, events] = await Promise.all([
  AvroSerde.forSubject<OrderCreationRequested>(registry, subjectFor(config.commandsTopic), readSchema(schemaFiles.commands)),
  AvroSerde.forSubject<OrderCreated>(registry, subjectFor(config.eventsTopic), readSchema(schemaFiles.events)),
]);
// Per partition group, one statement at a time for its transaction and one for its after-commit
// work (each group's queue runs a step at a time), so that neither waits for the other's connection;
// plus two for the work of groups given up at a rejoin and for verification.
const database = connectDatabase(config.databaseUrl, { max: 2 * config.partitionGroups + 2 });
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
const metrics = new ProcessorMetrics();
const readiness = new ProcessorReadiness({ stallAfterMs: config.stallAfterMs });
const processor = createOrderProcessor({
  kafka: createKafka({ brokers: config.kafkaBrokers, clientId: config.clientId }),
  db: database.db,
  cache: new OrderCache(redis),
  commands,
  events,
  logger,
  groupId: config.groupId,
  transactionalIdPrefix: config.transactionalIdPrefix,
  maxBatchSize: config.maxBatchSize,
  partitionGroups: config.partitionGroups,
  transactionTimeoutMs: config.transactionTimeoutMs,
  sessionTimeoutMs: config.sessionTimeoutMs,
  commandsTopic: config.commandsTopic,
  eventsTopic: config.eventsTopic,
  deadLetterTopic: config.deadLetterTopic,
  observer: combineObservers(metrics, readiness, ...(tracingEnabled() ? [tracingObserver()] : [])),
  fresh: (seconds) => metrics.fresh(seconds),
});
// Up before the group is joined: /live answers at once, /ready says 503 until this member consumes.
const http = await startProcessorHttp({
  host: config.httpHost,
  port: config.httpPort,
  registry: metrics.registry,
  readiness: () => readiness.report(),
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE')
    logger.error(
      { port: config.httpPort },
      'PROCESSOR_HTTP_PORT is taken (another processor?): give each instance its own, or 0 for a free one',
    );
  else logger.error({ err: error }, 'cannot serve /metrics, /live and /ready');
  process.exit(1);
});
logger.info({ url: http.url }, 'serving /metrics, /live and /ready');

// The batch in hand finishes within a transaction's lifetime (the broker aborts it after that anyway).
const shutdownGraceMs = config.transactionTimeoutMs + 5_000;
let stopping = false;

/**
 * SIGTERM/SIGINT: finish the batch in hand, leave the group (its partitions move at once), close the
 * producers, PostgreSQL and Redis. The process then exits on its own, with 0: nothing is left open.
 * If anything still holds it after the grace period, it exits 1.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: leaving the consumer group');
  setTimeout(() => {
    logger.error({ shutdownGraceMs }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, shutdownGraceMs).unref();
  try {
    await processor.stop();
    await Promise.all([database.close(), http.close()]);
    redis.disconnect();
    logger.info('stopped');
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

if (await processor.start()) logger.info({ groupId: config.groupId }, 'order-processor consuming');
