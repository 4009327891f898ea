// The CDC baseline against the real parts: its server, PostgreSQL, the stack's Kafka Connect with
// Debezium, Kafka and the registry (`npm run stack -- up --with cdc`). Each run has its own tables,
// topic, connector and slot.
import { KafkaConnect, removeOutboxConnector } from '@ouro/cdc';
import { orderCreatedEventId } from '@ouro/domain';
import { createKafka, createRegistry, decodeConfluentAvro, ensureTopics } from '@ouro/messaging';
import { eventually, type RunningApp, readToEnd, stackEnv, uniqueName } from '@ouro/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployCdcRelay, startCdcServer } from '../src/cdc/baseline.js';

const env = stackEnv();
const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
const connect = new KafkaConnect(env.kafkaConnectUrl);
const kafka = createKafka({ brokers: env.kafkaBrokers, clientId: 'ouro-cdc-baseline-test' });
const registry = createRegistry(env.schemaRegistryUrl);

const name = uniqueName('cdc-baseline');
const base = name.replaceAll('-', '_');
const tables = { orders: `${base}_orders`, outbox: `${base}_outbox` };
const topic = `${name}.events`;
let server: RunningApp;

const body = { customerId: 'c-42', currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }] };

async function placeOrder(idempotencyKey?: string): Promise<{ status: number; orderId: string; acceptedAt: string }> {
  const response = await fetch(`${server.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  // The body says `status: 'pending'`: the HTTP status goes last, or the body's would hide it.
  const { orderId, acceptedAt } = (await response.json()) as { orderId: string; acceptedAt: string };
  return { status: response.status, orderId, acceptedAt };
}

const eventsOf = async (orderId: string) => (await readToEnd(kafka, topic)).filter((record) => record.key === orderId);

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  // One partition: the topic then keeps Debezium's commit order, so an event seen means every event
  // committed before it is there too.
  await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
  await admin.disconnect();
  server = await startCdcServer('cdc-outbox', tables, { DATABASE_URL: env.databaseUrl });
  await deployCdcRelay({ connect, pool }, { name, tables, topic, databaseUrl: env.databaseUrl, schemaRegistryUrl: env.schemaRegistryUrl });
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await removeOutboxConnector({ connect, pool }, name);
  await pool.query(`drop table if exists ${tables.orders}, ${tables.outbox}`);
  await pool.end();
});

describe('the CDC baseline (order + outbox row in one transaction, Debezium publishes the row)', () => {
  it('stores the order, leaves the outbox empty, and Debezium publishes its OrderCreated once, keyed by orderId', async () => {
    // when
    const placed = await placeOrder();

    // then the order is stored, and its outbox row went in the transaction that wrote it
    expect(placed.status).toBe(202);
    const { rows } = await pool.query(`select customer_id, total_cents::int as total from ${tables.orders} where id = $1`, [
      placed.orderId,
    ]);
    expect(rows).toEqual([{ customer_id: 'c-42', total: 3998 }]);
    expect((await pool.query(`select 1 from ${tables.outbox}`)).rowCount).toBe(0);
    // and its event arrives: OrderCreated's fields, the event id in the `id` header
    const [record] = await eventually(
      async () => {
        const records = await eventsOf(placed.orderId);
        expect(records).toHaveLength(1);
        return records;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const eventId = orderCreatedEventId(placed.orderId);
    expect(record?.headers.id?.toString()).toBe(eventId);
    expect(await decodeConfluentAvro(registry, record?.value ?? null)).toMatchObject({
      eventId,
      orderId: placed.orderId,
      customerId: 'c-42',
      currency: 'EUR',
      items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }],
      totalCents: 3998,
      acceptedAt: Date.parse(placed.acceptedAt),
    });
  });

  it('answers a retry with the same Idempotency-Key with the first order, and writes no second event', async () => {
    // given an order placed with a key
    const first = await placeOrder('key-1');
    await eventually(async () => expect(await eventsOf(first.orderId)).toHaveLength(1), { timeoutMs: 30_000, intervalMs: 250 });

    // when the request is sent again with the same key, then a new order without one
    const retry = await placeOrder('key-1');
    const other = await placeOrder();

    // then the retry names the first order; the other one's event arrives after, and the first has still one
    expect(retry).toEqual(first);
    await eventually(async () => expect(await eventsOf(other.orderId)).toHaveLength(1), { timeoutMs: 30_000, intervalMs: 250 });
    expect(await eventsOf(first.orderId)).toHaveLength(1);
    const { rows } = await pool.query(`select count(*)::int as orders from ${tables.orders} where idempotency_key = 'key-1'`);
    expect(rows).toEqual([{ orders: 1 }]);
  });
});
