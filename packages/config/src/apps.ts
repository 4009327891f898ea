import { type Connections, loadConnections } from './connections.js';
import { type Env, integer, oneOf, text } from './read-env.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface TopicConfig {
  /** Topic names; subjects follow them (`<topic>-value`). */
  readonly commandsTopic: string;
  readonly eventsTopic: string;
  /** Where order-processor sends commands it cannot process, with headers naming why. */
  readonly deadLetterTopic: string;
  /** Partitions of the two topics when Ouro creates them. */
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface ApiConfig extends Connections, TopicConfig {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  /** How long a request waits for Kafka to acknowledge its command before answering 503. */
  readonly produceTimeoutMs: number;
  /** The longest `GET /orders/:id?waitFor=committed` may wait. */
  readonly maxWaitMs: number;
  /** One log line per request and response; off for load tests and busy deployments. */
  readonly requestLogging: boolean;
  readonly logLevel: LogLevel;
}

export interface ProcessorConfig extends Connections, TopicConfig {
  /** The Kafka client id: brokers log and meter by it (several processors may share it). */
  readonly clientId: string;
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  readonly maxBatchSize: number;
  /** Partition p is in group p mod this; a member holds whole groups, one transaction per group at a time. */
  readonly partitionGroups: number;
  readonly transactionTimeoutMs: number;
  /** How long the group waits for a silent member (a crashed one) before moving its partitions. */
  readonly sessionTimeoutMs: number;
  /** Where /metrics, /live and /ready listen (containers set the host to 0.0.0.0; 0 picks a free port). */
  readonly httpHost: string;
  readonly httpPort: number;
  /** A partition with messages waiting and no commit for this long makes the processor not ready. */
  readonly stallAfterMs: number;
  readonly logLevel: LogLevel;
}

export function loadTopicConfig(env: Env = process.env): TopicConfig {
  return Object.freeze({
    commandsTopic: text(env, 'ORDERS_COMMANDS_TOPIC', 'orders.commands'),
    eventsTopic: text(env, 'ORDERS_EVENTS_TOPIC', 'orders.events'),
    deadLetterTopic: text(env, 'ORDERS_DLQ_TOPIC', `${text(env, 'ORDERS_COMMANDS_TOPIC', 'orders.commands')}.dlq`),
    partitions: integer(env, 'ORDERS_PARTITIONS', 6, { min: 1, max: 1_000 }),
    replicationFactor: integer(env, 'ORDERS_REPLICATION_FACTOR', 1, { min: 1, max: 5 }),
  });
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  return Object.freeze({
    ...loadConnections(env),
    ...loadTopicConfig(env),
    host: text(env, 'API_HOST', '127.0.0.1'),
    port: integer(env, 'API_PORT', 3000, { min: 0, max: 65_535 }),
    bodyLimitBytes: integer(env, 'API_BODY_LIMIT_BYTES', 64 * 1024, { min: 1_024 }),
    produceTimeoutMs: integer(env, 'API_PRODUCE_TIMEOUT_MS', 5_000, { min: 100 }),
    maxWaitMs: integer(env, 'API_MAX_WAIT_MS', 30_000, { min: 0 }),
    requestLogging: oneOf(env, 'API_REQUEST_LOGGING', ['true', 'false'], 'true') === 'true',
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels, 'info'),
  });
}

export function loadProcessorConfig(env: Env = process.env): ProcessorConfig {
  return Object.freeze({
    ...loadConnections(env),
    ...loadTopicConfig(env),
    clientId: text(env, 'KAFKA_CLIENT_ID', 'order-processor'),
    groupId: text(env, 'PROCESSOR_GROUP_ID', 'order-processor'),
    transactionalIdPrefix: text(env, 'PROCESSOR_TRANSACTIONAL_ID_PREFIX', 'order-processor'),
    maxBatchSize: integer(env, 'PROCESSOR_MAX_BATCH_SIZE', 500, { min: 1, max: 5_000 }),
    partitionGroups: integer(env, 'PROCESSOR_PARTITION_GROUPS', 3, { min: 1, max: 1_000 }),
    transactionTimeoutMs: integer(env, 'PROCESSOR_TRANSACTION_TIMEOUT_MS', 30_000, { min: 1_000 }),
    // Kafka's default group.min.session.timeout.ms is 6 s.
    sessionTimeoutMs: integer(env, 'PROCESSOR_SESSION_TIMEOUT_MS', 30_000, { min: 6_000 }),
    httpHost: text(env, 'PROCESSOR_HTTP_HOST', '127.0.0.1'),
    httpPort: integer(env, 'PROCESSOR_HTTP_PORT', 9464, { min: 0, max: 65_535 }),
    // Above a transaction's lifetime: a chunk that waits out a stuck transaction is not yet a stall.
    stallAfterMs: integer(env, 'PROCESSOR_STALL_AFTER_MS', 60_000, { min: 1_000 }),
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels, 'info'),
  });
}
