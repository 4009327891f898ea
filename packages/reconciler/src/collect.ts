import type { Connections, TopicConfig } from '@ouro/config';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase, type Database } from '@ouro/db';
import { AvroSerde, createKafka, createRegistry, type ReadRecord, readToEnd, UndecodableMessage } from '@ouro/messaging';
import { Redis } from 'ioredis';
import type { AcceptedEntry } from './accepted-file.js';
import {
  type AuditedEvents,
  type CacheEntry,
  type DecodedRecord,
  type FailureRow,
  isOrderId,
  orderIdOf,
  type Snapshot,
} from './snapshot.js';

type Kafka = ReturnType<typeof createKafka>;

export type DeploymentTopics = Pick<TopicConfig, 'commandsTopic' | 'eventsTopic' | 'deadLetterTopic'>;

export interface CollectOptions {
  readonly connections: Connections;
  readonly topics: DeploymentTopics;
  /** The load generator's requests; their orders are read too, so a 202 with no command at all is seen. */
  readonly accepted?: readonly AcceptedEntry[] | undefined;
  /** Redis key prefix of order entries (`ouro:order:` as order-api and order-processor write them). */
  readonly cacheKeyPrefix?: string | undefined;
  /** How long one topic may take to be read to its end. */
  readonly readTimeoutMs?: number | undefined;
  /**
   * A second reader of the events topic that shares no code with kafkajs (Kafka's Java client, say):
   * the counts of OrderCreated it sees per order are compared with kafkajs'.
   */
  readonly audit?: { readonly reader: string; readonly read: (topic: string) => Promise<AuditedEvents['records']> } | undefined;
}

export class DeploymentNotFound extends Error {
  override name = 'DeploymentNotFound';
}

/** Lookups by id go in slices: one uuid[] parameter each, one MGET each. */
const sliceSize = 5_000;

function slices<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += sliceSize) result.push(items.slice(start, start + sliceSize));
  return result;
}

/** Partition counts of the deployment's topics; refuses to go on when the commands or events topic is missing. */
async function describeTopics(kafka: Kafka, topics: DeploymentTopics) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of [topics.commandsTopic, topics.eventsTopic]) {
      if (!existing.has(topic))
        throw new DeploymentNotFound(`topic ${topic} does not exist: wrong ORDERS_* variables, or not provisioned?`);
    }
    const present = [topics.commandsTopic, topics.eventsTopic, topics.deadLetterTopic].filter((topic) => existing.has(topic));
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present });
    const partitionsOf = (topic: string) => metadata.find((entry) => entry.name === topic)?.partitions.length ?? 0;
    return {
      commands: partitionsOf(topics.commandsTopic),
      events: partitionsOf(topics.eventsTopic),
      hasDeadLetterTopic: existing.has(topics.deadLetterTopic),
    };
  } finally {
    await admin.disconnect();
  }
}

async function decodeAll<T>(records: readonly ReadRecord[], serde: AvroSerde<T>): Promise<DecodedRecord<T>[]> {
  return Promise.all(
    records.map(async ({ partition, offset, key, value }): Promise<DecodedRecord<T>> => {
      const where = { partition, offset: Number(offset), key };
      try {
        return { ...where, value: await serde.decode(value) };
      } catch (error) {
        // An unreachable registry is not a finding: only a value that cannot be decoded is.
        if (!(error instanceof UndecodableMessage)) throw error;
        return { ...where, undecodable: error.message };
      }
    }),
  );
}

async function readTopics(kafka: Kafka, { connections, topics, readTimeoutMs = 60_000 }: CollectOptions) {
  const partitions = await describeTopics(kafka, topics);
  const registry = createRegistry(connections.schemaRegistryUrl);
  const [commandSerde, eventSerde] = await Promise.all([
    AvroSerde.forSubject<OrderCreationRequested>(registry, subjectFor(topics.commandsTopic), readSchema(schemaFiles.commands)),
    AvroSerde.forSubject<OrderCreated>(registry, subjectFor(topics.eventsTopic), readSchema(schemaFiles.events)),
  ]);
  const read = (topic: string) => readToEnd(kafka, topic, { timeoutMs: readTimeoutMs });
  const [commandRecords, eventRecords, deadLetterRecords] = await Promise.all([
    read(topics.commandsTopic),
    read(topics.eventsTopic),
    partitions.hasDeadLetterTopic ? read(topics.deadLetterTopic) : Promise.resolve([]),
  ]);
  return {
    partitions: { commands: partitions.commands, events: partitions.events },
    commands: await decodeAll(commandRecords, commandSerde),
    events: await decodeAll(eventRecords, eventSerde),
    deadLetters: deadLetterRecords.map(({ partition, offset, key }) => ({ partition, offset: Number(offset), key })),
  };
}

async function readRows(db: Database, orderIds: readonly string[]) {
  const orders = [];
  const failures: FailureRow[] = [];
  for (const ids of slices(orderIds)) {
    const [storedOrders, storedFailures] = await Promise.all([
      db.query.orders.findMany({ where: (table, { sql }) => sql`${table.id} = any(${sql.param(ids)}::uuid[])` }),
      db.query.orderFailures.findMany({
        columns: { orderId: true, reason: true, failedAt: true },
        where: (table, { sql }) => sql`${table.orderId} = any(${sql.param(ids)}::uuid[])`,
      }),
    ]);
    orders.push(...storedOrders);
    failures.push(...storedFailures);
  }
  return { orders, failures };
}

function statusOf(value: string): string | null {
  try {
    const { status } = JSON.parse(value) as { status?: unknown };
    return typeof status === 'string' ? status : null;
  } catch {
    return null;
  }
}

async function readCache(redis: Redis, prefix: string, orderIds: readonly string[]): Promise<CacheEntry[]> {
  const entries: CacheEntry[] = [];
  for (const ids of slices(orderIds)) {
    const values = await redis.mget(ids.map((orderId) => `${prefix}${orderId}`));
    ids.forEach((orderId, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) entries.push({ orderId, status: statusOf(value) });
    });
  }
  return entries;
}

/**
 * Reads one deployment as it stands: the three topics to their ends (read_committed), then the rows
 * and cache entries of every order they or the accepted file name. In that order on purpose: an
 * OrderCreated commits after its row, and the cache turns committed after both, so a system that is
 * still working is never caught with an event but no row, or a committed entry but no row.
 */
export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  const { connections, topics, accepted = [], cacheKeyPrefix = 'ouro:order:' } = options;
  const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'ouro-verify' });
  const read = await readTopics(kafka, options);
  const audit = options.audit ? { reader: options.audit.reader, records: await options.audit.read(topics.eventsTopic) } : undefined;

  const named = [
    ...accepted.flatMap((entry) => (entry.outcome === 'accepted' ? [entry.orderId] : [])),
    ...read.commands.map(orderIdOf),
    ...read.events.map(orderIdOf),
    ...read.deadLetters.map((record) => record.key),
  ];
  const orderIds = [...new Set(named.filter(isOrderId))];

  const database = connectDatabase(connections.databaseUrl, { max: 2 });
  const rows = await readRows(database.db, orderIds).finally(() => database.close());
  const redis = new Redis(connections.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  const cache = await readCache(redis, cacheKeyPrefix, orderIds).finally(() => redis.disconnect());

  return {
    topics: { commands: topics.commandsTopic, events: topics.eventsTopic, deadLetter: topics.deadLetterTopic },
    ...read,
    ...rows,
    cache,
    ...(audit ? { audit } : {}),
  };
}
