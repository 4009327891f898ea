import { randomUUID } from 'node:crypto';
import { connectDatabase } from '@ouro/db';
import { orderCreatedEventId } from '@ouro/domain';
import { createKafka, createRegistry, ensureTopics } from '@ouro/messaging';
import { stackEnv, uniqueName } from '@ouro/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEntry } from './accepted-file.js';
import { reconcileOutbox } from './outbox-reconcile.js';

// An outbox deployment written by hand, right and wrong, on the stack's Kafka, PostgreSQL and
// registry: the orders table the CDC baseline keeps, and events shaped as Debezium's router writes
// them (the schema inferred from the JSON payload: every field nullable, plain numbers).
const connections = stackEnv();
const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'reconciler-outbox-test' });
const producer = kafka.producer();
const registry = createRegistry(connections.schemaRegistryUrl);
const database = connectDatabase(connections.databaseUrl, { max: 1 });

const name = uniqueName('outbox-verify');
const table = `${name.replaceAll('-', '_')}_orders`;
const topic = `${name}.events`;
const nullable = (type: unknown) => ({ type: ['null', type], default: null });
const inferredSchema = {
  type: 'record',
  name: 'payload',
  fields: [
    { name: 'eventId', ...nullable('string') },
    { name: 'orderId', ...nullable('string') },
    { name: 'customerId', ...nullable('string') },
    { name: 'currency', ...nullable('string') },
    {
      name: 'items',
      ...nullable({
        type: 'array',
        items: [
          'null',
          {
            type: 'record',
            name: 'item',
            fields: [
              { name: 'sku', ...nullable('string') },
              { name: 'quantity', ...nullable('int') },
              { name: 'unitPriceCents', ...nullable('int') },
            ],
          },
        ],
      }),
    },
    { name: 'totalCents', ...nullable('int') },
    { name: 'acceptedAt', ...nullable('long') },
  ],
};

const order = (acceptedAt: number) => ({
  orderId: randomUUID(),
  customerId: 'c-outbox',
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 700 }],
  totalCents: 1400,
  acceptedAt,
});
type Order = ReturnType<typeof order>;

async function store(placed: Order, idempotencyKey: string): Promise<void> {
  await database.pool.query(`insert into ${table} values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7)`, [
    placed.orderId,
    placed.customerId,
    placed.currency,
    JSON.stringify(placed.items),
    placed.totalCents,
    placed.acceptedAt,
    idempotencyKey,
  ]);
}

async function publish(placed: Order, schemaId: number): Promise<void> {
  const eventId = orderCreatedEventId(placed.orderId);
  const value = await registry.encode(schemaId, { eventId, ...placed });
  await producer.send({ topic, acks: -1, messages: [{ key: placed.orderId, value, headers: { id: eventId } }] });
}

/** Registers the schema under the subject through the registry's Confluent-compatible API, as the converter does. */
async function register(subject: string, schema: object): Promise<number> {
  const response = await fetch(`${connections.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: number }).id;
}

const accepted = (placed: Order, key: string): AcceptedEntry => ({
  key,
  outcome: 'accepted',
  orderId: placed.orderId,
  attempts: 1,
  ambiguous: false,
});

beforeAll(async () => {
  await database.pool.query(`create table ${table} (
    id uuid primary key, customer_id text not null, currency char(3) not null, items jsonb not null,
    total_cents bigint not null, accepted_at timestamptz not null, idempotency_key text unique)`);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
  await admin.disconnect();
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await database.pool.query(`drop table if exists ${table}`);
  await database.close();
});

describe('reconcileOutbox, against the real stores', () => {
  it('reads the rows and the published events as they are, and names each order that breaks an invariant', async () => {
    // given four accepted orders: one published once, one twice (a replay), one never, one not stored
    const schemaId = await register(`${topic}-value`, inferredSchema);
    const acceptedAt = Date.parse('2026-11-30T12:00:00.123Z');
    const [once, twice, never, ghost] = [order(acceptedAt), order(acceptedAt + 1), order(acceptedAt + 2), order(acceptedAt + 3)];
    await store(once, 'k-once');
    await store(twice, 'k-twice');
    await store(never, 'k-never');
    for (const placed of [once, twice, twice, ghost]) await publish(placed, schemaId);

    // when
    const report = await reconcileOutbox({
      kafkaBrokers: connections.kafkaBrokers,
      schemaRegistryUrl: connections.schemaRegistryUrl,
      databaseUrl: connections.databaseUrl,
      table,
      topic,
      accepted: [accepted(once, 'k-once'), accepted(twice, 'k-twice'), accepted(never, 'k-never')],
    });

    // then the rows decoded as they were stored (jsonb items, bigint totals, millisecond times) match their events
    expect(report.checks.mismatch.findings).toEqual([]);
    expect({
      duplicated: report.checks.duplicated.orderIds,
      unannounced: report.checks.unannounced.orderIds,
      ghost: report.checks.ghost.orderIds,
      lost: report.checks.lost.orderIds,
    }).toEqual({ duplicated: [twice.orderId], unannounced: [never.orderId], ghost: [ghost.orderId], lost: [] });
    expect(report.counts).toMatchObject({ rows: 3, events: 4, duplicateRecords: 1 });
  });
});
