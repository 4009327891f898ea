import { OrderCache } from '@ouro/cache';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase } from '@ouro/db';
import { KafkaLink, loadStackConfig } from '@ouro/infra';
import { AvroSerde, createKafka, createRegistry, groupTransactionalId, silentLogger } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, readToEnd, stackEnv, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrderProcessor } from '../src/processor.js';
import { command, commandSerde } from './fixtures.js';

// The processor under the faults that break Kafka clients in practice: a reply lost after the broker
// did the work, a zombie that commits after its partition moved. Its Kafka traffic crosses a link
// (a proxy on a fault lane) that loses or holds single requests; everyone else talks to the broker.
const connections = stackEnv();
const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'kafka-faults-test' });
const admin = kafka.admin();
const database = connectDatabase(connections.databaseUrl, { max: 4 });
const redis = new Redis(connections.redisUrl);
const registry = createRegistry(connections.schemaRegistryUrl);
let producer: Producer;
let link: KafkaLink;
let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  link = await KafkaLink.open(loadStackConfig());
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

beforeEach(async () => {
  deployment = await provisionNamespace(uniqueName('kafka-faults'), { partitions: 2 });
  commands = await commandSerde(deployment.commandsTopic);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

afterAll(async () => {
  await link.close();
  await producer.disconnect();
  await admin.disconnect();
  await database.close();
  redis.disconnect();
});

/** A processor in this process whose Kafka traffic crosses the link, under its own client id. */
async function startProcessor(clientId: string, { maxBatchSize = 500 } = {}) {
  const processor = createOrderProcessor({
    kafka: createKafka({ brokers: link.brokers, clientId, requestTimeout: 5_000 }),
    db: database.db,
    cache: new OrderCache(redis, { keyPrefix: `${deployment.groupId}:order:` }),
    commands,
    events: await AvroSerde.forSubject<OrderCreated>(registry, subjectFor(deployment.eventsTopic), readSchema(schemaFiles.events)),
    logger: silentLogger,
    groupId: deployment.groupId,
    transactionalIdPrefix: deployment.transactionalIdPrefix,
    commandsTopic: deployment.commandsTopic,
    eventsTopic: deployment.eventsTopic,
    deadLetterTopic: deployment.deadLetterTopic,
    maxBatchSize,
    sessionTimeoutMs: 6_000,
    transactionTimeoutMs: 10_000,
  });
  await processor.start();
  stops.push(() => processor.stop());
  return processor;
}

async function produce(events: readonly OrderCreationRequested[]): Promise<void> {
  const messages = await Promise.all(events.map(async (event) => ({ key: event.orderId, value: await commands.encode(event) })));
  await producer.send({ topic: deployment.commandsTopic, acks: -1, messages });
}

/** How many times each order was stored, and announced to a read_committed consumer. */
async function tally(orderIds: readonly string[]) {
  const { rows } = await database.pool.query<{ id: string; n: number }>(
    'select id, count(*)::int as n from orders where id = any($1) group by id',
    [orderIds],
  );
  const stored = new Map(rows.map((row) => [row.id, row.n]));
  const announced = new Map<string, number>();
  for (const record of await readToEnd(kafka, deployment.eventsTopic)) {
    if (record.key) announced.set(record.key, (announced.get(record.key) ?? 0) + 1);
  }
  const count = (map: Map<string, number>, predicate: (n: number) => boolean) =>
    orderIds.filter((id) => predicate(map.get(id) ?? 0)).length;
  return {
    notStored: count(stored, (n) => n === 0),
    storedTwice: count(stored, (n) => n > 1),
    notAnnounced: count(announced, (n) => n === 0),
    announcedTwice: count(announced, (n) => n > 1),
  };
}

const exactlyOnce = { notStored: 0, storedTwice: 0, notAnnounced: 0, announcedTwice: 0 };

describe('order-processor when Kafka loses a reply', () => {
  it('announces each order once when the reply to its commit is lost after the broker committed', async () => {
    const clientId = uniqueName('processor');
    // given a processor whose first commit reaches the broker but whose answer never comes back
    const lost = link.when({ api: 'EndTxn', action: 'drop-reply-and-reset', clientId });
    await startProcessor(clientId);

    // when orders arrive
    const orders = Array.from({ length: 20 }, () => command());
    await produce(orders);
    await lost.matched;
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);

    // then each order is stored once and announced once
    expect(await tally(orders.map((order) => order.orderId))).toEqual(exactlyOnce);
  });

  it('announces each order once when its transaction fails after a zombie committed part of the chunk', async () => {
    deployment = await provisionNamespace(uniqueName('kafka-faults'), { partitions: 1 });
    commands = await commandSerde(deployment.commandsTopic);
    const clientId = uniqueName('processor');
    await startProcessor(clientId);
    await produce([command()]);
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);
    const [{ high } = { high: '0' }] = await admin.fetchTopicOffsets(deployment.commandsTopic);

    // given four more orders whose transaction is under way (its records held on the way to the
    // broker), and a zombie owner of the partition that fences it, announces the first two of them
    // and commits the offsets past those two
    const held = link.when({ api: 'Produce', action: 'hold', clientId });
    const orders = Array.from({ length: 4 }, () => command());
    await produce(orders);
    await held.matched;
    const zombie = kafka.producer({
      transactionalId: groupTransactionalId(deployment.transactionalIdPrefix, deployment.commandsTopic, 0, { count: 3 }),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await zombie.connect();
    stops.push(() => zombie.disconnect());
    const transaction = await zombie.transaction();
    await transaction.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: deployment.eventsTopic, messages: orders.slice(0, 2).map((order) => ({ key: order.orderId, value: 'zombie' })) },
      ],
    });
    await transaction.sendOffsets({
      consumerGroupId: deployment.groupId,
      topics: [{ topic: deployment.commandsTopic, partitions: [{ partition: 0, offset: (BigInt(high) + 2n).toString() }] }],
    });
    await transaction.commit();

    // when the member's transaction goes on (and fails: it was fenced) and the member carries on
    held.release();
    await eventually(async () => expect(await committedOffset()).toBeGreaterThanOrEqual(BigInt(high) + 4n), { timeoutMs: 30_000 });

    // then the zombie's two are not announced again, and the other two are announced once
    expect(await tally(orders.map((order) => order.orderId))).toEqual(exactlyOnce);
  });
});

async function committedOffset(): Promise<bigint> {
  const [topic] = await admin.fetchOffsets({ groupId: deployment.groupId, topics: [deployment.commandsTopic] });
  return BigInt(topic?.partitions.find((entry) => entry.partition === 0)?.offset ?? '-1');
}
