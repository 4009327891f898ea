import type { OrderCache } from '@ouro/cache';
import type { OrderCreated, OrderCreationRequested } from '@ouro/contracts';
import type { Database } from '@ouro/db';
import { type AvroSerde, type Logger, type ProcessorObserver, TransactionalProcessor } from '@ouro/messaging';
import type { Kafka } from 'kafkajs';
import { completeBookkeeping, handleOrders, recordDeadLetters } from './handle-orders.js';

export interface OrderProcessorDeps {
  readonly kafka: Kafka;
  readonly db: Database;
  readonly cache: OrderCache;
  readonly commands: AvroSerde<OrderCreationRequested>;
  readonly events: AvroSerde<OrderCreated>;
  readonly logger: Logger;
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  readonly maxBatchSize?: number;
  readonly partitionGroups?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly commandsTopic: string;
  readonly eventsTopic: string;
  readonly deadLetterTopic: string;
  /** Metrics, readiness and tracing hang off the runtime's events. */
  readonly observer?: ProcessorObserver;
  /** Seconds from an order's acceptance to the commit that announced it, per order (see handle-orders.ts). */
  readonly fresh?: (seconds: number) => void;
}

/** The processor without its connections: tests build it on the real stack with their own topic and group. */
export function createOrderProcessor(deps: OrderProcessorDeps): TransactionalProcessor<OrderCreationRequested> {
  return new TransactionalProcessor<OrderCreationRequested>({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topic: deps.commandsTopic,
    transactionalIdPrefix: deps.transactionalIdPrefix,
    decode: (value) => deps.commands.decode(value),
    handle: handleOrders({
      db: deps.db,
      cache: deps.cache,
      encodeCreated: (event) => deps.events.encode(event),
      commandsTopic: deps.commandsTopic,
      eventsTopic: deps.eventsTopic,
      logger: deps.logger,
      ...(deps.fresh ? { fresh: deps.fresh } : {}),
    }),
    onAssigned: completeBookkeeping(deps),
    deadLetters: { topic: deps.deadLetterTopic, record: recordDeadLetters(deps) },
    logger: deps.logger,
    ...(deps.observer ? { observer: deps.observer } : {}),
    ...(deps.maxBatchSize === undefined ? {} : { maxBatchSize: deps.maxBatchSize }),
    ...(deps.partitionGroups === undefined ? {} : { partitionGroups: deps.partitionGroups }),
    ...(deps.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: deps.transactionTimeoutMs }),
    ...(deps.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: deps.sessionTimeoutMs }),
  });
}
