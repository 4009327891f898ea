import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { OrderCache } from '@ouro/cache';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { announcedBelow, connectDatabase, findFailure, findOrder } from '@ouro/db';
import { Link } from '@ouro/infra';
import { AvroSerde, createKafka, createRegistry, silentLogger } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, readToEnd, stackEnv, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrderProcessor } from '../src/processor.js';
import { command, commandSerde } from './fixtures.js';

// The processor when what it depends on besides Kafka fails: the registry answers errors, Redis is
// gone, the broker refuses a record for good, a command holds what PostgreSQL cannot store.
const connections = stackEnv();
const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'dependency-faults-test' });
const admin = kafka.admin();
const database = connectDatabase(connections.databaseUrl, { max: 4 });
const redis = new Redis(connections.redisUrl);
let producer: Producer;
let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
beforeEach(async () => {
  deployment = await provisionNamespace(uniqueName('dependency-faults'), { partitions: 1 });
  commands = await commandSerde(deployment.commandsTopic);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await database.close();
  redis.disconnect();
});

interface ProcessorParts {
  readonly registryUrl?: string;
  readonly redisClient?: Redis;
  readonly maxBatchSize?: number;
}

/** A processor in this process, its registry and Redis replaceable by links a test controls. */
async function startProcessor({
  registryUrl = connections.schemaRegistryUrl,
  redisClient = redis,
  maxBatchSize = 500,
}: ProcessorParts = {}) {
  const registry = createRegistry(registryUrl);
  const processor = createOrderProcessor({
    kafka: createKafka({ brokers: connections.kafkaBrokers, clientId: uniqueName('processor') }),
    db: database.db,
    cache: new OrderCache(redisClient, { keyPrefix: `${deployment.groupId}:order:` }),
    commands: await AvroSerde.forSubject<OrderCreationRequested>(
      registry,
      subjectFor(deployment.commandsTopic),
      readSchema(schemaFiles.commands),
    ),
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
  cleanups.push(() => processor.stop());
  return processor;
}

async function produce(events: readonly OrderCreationRequested[], encode = (event: OrderCreationRequested) => commands.encode(event)) {
  const messages = await Promise.all(events.map(async (event) => ({ key: event.orderId, value: await encode(event) })));
  await producer.send({ topic: deployment.commandsTopic, acks: -1, messages });
}

async function announced(): Promise<Set<string>> {
  return new Set((await readToEnd(kafka, deployment.eventsTopic)).flatMap((record) => (record.key ? [record.key] : [])));
}

/**
 * The registry's API, or a 503 for schema lookups by id while `failing`: a registry restarting, or
 * a proxy in front of it with no healthy backend.
 */
async function registryThatFails() {
  const upstream = new URL(connections.schemaRegistryUrl);
  let failing = false;
  const lookups = { failed: 0 };
  const server = createHttpServer(async (request, response) => {
    if (failing && request.url?.includes('/schemas/ids/')) {
      lookups.failed++;
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code":50301,"message":"no healthy upstream"}');
      return;
    }
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)));
    });
    const answer = await fetch(`${upstream.origin}${request.url}`, {
      method: request.method ?? 'GET',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json', accept: request.headers.accept ?? '*/*' },
      ...(body.length > 0 ? { body } : {}),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`,
    lookups,
    fail: (value: boolean) => {
      failing = value;
    },
  };
}

describe('order-processor when the registry answers errors', () => {
  it('waits for the registry instead of dead-lettering the order as undecodable', async () => {
    const registry = await registryThatFails();
    await startProcessor({ registryUrl: registry.url });
    // given a command written with a schema version this processor has not seen yet (so it must ask the registry)
    const subject = subjectFor(deployment.commandsTopic);
    const schema = readSchema(schemaFiles.commands);
    const v2 = { ...schema, fields: [...schema.fields, { name: 'channel', type: ['null', 'string'], default: null }] };
    const writer = createRegistry(connections.schemaRegistryUrl);
    const { id } = await writer.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v2) },
      { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
    );
    const order = command();

    // when the registry answers 503 to that lookup for longer than its client's own retries last (5 s)
    registry.fail(true);
    await produce([order], (event) => writer.encode(id, { ...event, channel: 'web' }));
    await sleep(8_000); // the outage's length: the fault schedule, not a wait for the system
    expect(registry.lookups.failed).toBeGreaterThanOrEqual(2);
    registry.fail(false);

    // then the order is stored and announced once the registry answers, and never marked failed
    await eventually(async () => expect(await findOrder(database.db, order.orderId)).toBeDefined(), { timeoutMs: 30_000 });
    expect(await findFailure(database.db, order.orderId)).toBeUndefined();
    expect((await readToEnd(kafka, deployment.deadLetterTopic)).length).toBe(0);
  });
});

describe('order-processor when Redis is gone', () => {
  it('keeps storing and announcing orders, and brings the cache up to date once Redis is back', async () => {
    const link = await Link.open({
      host: new URL(connections.redisUrl).hostname,
      port: Number(new URL(connections.redisUrl).port || 6379),
    });
    cleanups.push(() => link.close());
    const linked = new Redis(`redis://${link.address}`, { maxRetriesPerRequest: 2 });
    linked.on('error', () => {});
    cleanups.push(async () => linked.disconnect());
    await startProcessor({ redisClient: linked, maxBatchSize: 10 });

    // given Redis unreachable
    link.set({ kind: 'refusing' });

    // when five chunks of orders arrive
    const orders = Array.from({ length: 50 }, () => command());
    await produce(orders);

    // then every order is announced while Redis is still away
    await eventually(async () => expect((await announced()).size).toBe(orders.length), { timeoutMs: 12_000 });

    // and once Redis is back, every order is cached as committed and its bookkeeping done (the watermark past it)
    link.set({ kind: 'healthy' });
    const cache = new OrderCache(redis, { keyPrefix: `${deployment.groupId}:order:` });
    await eventually(
      async () => {
        for (const order of orders) expect(await cache.get(order.orderId)).toMatchObject({ status: 'committed' });
        expect(await announcedBelow(database.db, deployment.commandsTopic, [0])).toEqual(new Map([[0, BigInt(orders.length)]]));
      },
      { timeoutMs: 30_000 },
    );
  });
});

describe('order-processor when Kafka refuses a record for good', () => {
  it('dead-letters the order whose event the broker will never take, and lets the rest of its chunk through', async () => {
    // given an events topic that takes records of up to 6,000 bytes
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: deployment.eventsTopic, configEntries: [{ name: 'max.message.bytes', value: '6000' }] }],
    });
    await startProcessor({ maxBatchSize: 10 });

    // when an order whose OrderCreated is larger than that arrives between small ones
    const small = Array.from({ length: 6 }, () => command());
    const large = command({
      items: Array.from({ length: 100 }, (_, index) => ({ sku: `${index}`.padEnd(64, 'X'), quantity: 1, unitPriceCents: 1 })),
    });
    await produce([...small.slice(0, 3), large, ...small.slice(3)]);

    // then the small ones are announced, and the large one is dead-lettered and marked failed
    await eventually(
      async () => {
        expect(await findFailure(database.db, large.orderId)).toMatchObject({ reason: 'failing' });
        const written = await announced();
        expect(small.filter((order) => written.has(order.orderId))).toHaveLength(small.length);
      },
      { timeoutMs: 45_000 },
    );
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);
    expect((await announced()).has(large.orderId)).toBe(false);
  });
});

describe('order-processor given a command PostgreSQL cannot store', () => {
  it('dead-letters it at once as rejected (a domain rule), not after retries', async () => {
    await startProcessor();
    const order = command({ customerId: 'a\u0000b' });

    await produce([order]);

    await eventually(async () => expect(await findFailure(database.db, order.orderId)).toMatchObject({ reason: 'rejected', attempts: 1 }), {
      timeoutMs: 20_000,
    });
  });
});
