import { randomUUID } from 'node:crypto';
import type { OrderCreationRequested } from '@ouro/contracts';
import { type AvroSerde, createKafka } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, type RunningApp, readToEnd, stackEnv, startApp, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { command, commandSerde } from './fixtures.js';

const { kafkaBrokers, databaseUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'exactly-once-test' });
const admin = kafka.admin();
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
let producer: Producer;

let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
const running: RunningApp[] = [];

async function produce(events: readonly OrderCreationRequested[]): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    const slice = events.slice(start, start + 500);
    const messages = await Promise.all(slice.map(async (event) => ({ key: event.orderId, value: await commands.encode(event) })));
    await producer.send({ topic: deployment.commandsTopic, acks: -1, messages });
  }
}

async function processor(env: Record<string, string> = {}): Promise<RunningApp> {
  const app = await startApp('order-processor', { ...deployment.env, ...env });
  running.push(app);
  return app;
}

async function rowCounts(orderIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; n: number }>('select id, count(*)::int as n from orders where id = any($1) group by id', [
    orderIds,
  ]);
  return new Map(rows.map((row) => [row.id, row.n]));
}

/** Every order stored exactly once, and announced exactly once to read_committed consumers. */
async function expectExactlyOnce(orderIds: readonly string[]): Promise<void> {
  const rows = await rowCounts(orderIds);
  expect(rows.size).toBe(orderIds.length);
  expect([...rows.values()].every((n) => n === 1)).toBe(true);

  const announced = new Map<string, number>();
  for (const record of await readToEnd(kafka, deployment.eventsTopic)) {
    if (record.key) announced.set(record.key, (announced.get(record.key) ?? 0) + 1);
  }
  const missing = orderIds.filter((id) => !announced.has(id));
  const doubled = [...announced].filter(([, n]) => n > 1);
  expect({ missing: missing.length, doubled: doubled.length, announced: announced.size }).toEqual({
    missing: 0,
    doubled: 0,
    announced: orderIds.length,
  });
}

beforeAll(async () => {
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

beforeEach(async () => {
  deployment = await provisionNamespace(uniqueName('eos'), { partitions: 3 });
  commands = await commandSerde(deployment.commandsTopic);
});

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((app) => app.kill('SIGKILL')));
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await db.end();
});

describe('order-processor, exactly once', () => {
  it('stores and announces nothing twice when the whole topic is replayed (group offsets reset)', async () => {
    // given orders processed once
    const events = Array.from({ length: 30 }, () => command());
    await produce(events);
    const first = await processor();
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);
    await first.kill('SIGTERM');

    // when the group is rewound and a processor reads everything again
    await admin.resetOffsets({ groupId: deployment.groupId, topic: deployment.commandsTopic, earliest: true });
    await processor();
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);

    // then each order is stored once and announced once
    await expectExactlyOnce(events.map((event) => event.orderId));
  });

  it('stores and announces an order once when its command arrives twice, or with another event id', async () => {
    const original = command();
    const sameEventAgain = { ...original };
    const clientRetry = { ...original, eventId: randomUUID() };

    await produce([original, sameEventAgain, clientRetry]);
    await processor();
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);

    await expectExactlyOnce([original.orderId]);
  });

  it('loses and doubles nothing when the processor is killed (SIGKILL) mid-batch, twice, and restarted', async () => {
    // given a backlog processed in many small transactions
    const total = 6_000;
    const events = Array.from({ length: total }, () => command());
    const orderIds = events.map((event) => event.orderId);
    await produce(events);
    // A short session timeout: the group moves a killed member's partitions after 6 s, not 30 s.
    const env = { PROCESSOR_MAX_BATCH_SIZE: '50', PROCESSOR_TRANSACTION_TIMEOUT_MS: '5000', PROCESSOR_SESSION_TIMEOUT_MS: '6000' };
    const stored = async () => {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from orders where id = any($1)', [orderIds]);
      return rows[0]?.n ?? 0;
    };

    // when a processor is killed once it has stored a few hundred more orders, twice
    for (let kill = 1; kill <= 2; kill++) {
      const before = await stored();
      const victim = await processor(env);
      await eventually(
        async () => {
          if ((await stored()) < before + 300) throw new Error('not far enough yet');
        },
        { timeoutMs: 60_000, intervalMs: 10 },
      );
      expect(await victim.kill('SIGKILL')).toBe('SIGKILL');
      // the kill landed before the work was done: the precondition that makes this test mean something
      expect(await stored()).toBeLessThan(total);
    }
    // and a new one finishes the work
    await processor(env);
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic, 120_000);

    // then every order is stored once and announced once
    await expectExactlyOnce(orderIds);
  });
});
