import { randomUUID } from 'node:crypto';
import { AvroSerde, createRegistry } from '@ouro/messaging';
import { eventually, type ReadRecord, readToEnd, stackEnv, uniqueName } from '@ouro/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awaitConnectorRunning,
  awaitConnectorStopped,
  createOutboxTable,
  deleteOutboxRows,
  deployOutboxConnector,
  insertOutboxRows,
  KafkaConnect,
  type OutboxConnectorSpec,
  removeOutboxConnector,
  replicationNames,
  replicationSlot,
} from '../src/index.js';

// The stack's Kafka Connect (`npm run stack -- up --with cdc`), PostgreSQL, Kafka and registry.
// Each run has its own outbox table, topic, connector, replication slot and publication.
const env = stackEnv();
const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 2 });
const connect = new KafkaConnect(env.kafkaConnectUrl);
const kafka = new Kafka({ clientId: 'ouro-cdc-test', brokers: [...env.kafkaBrokers], logLevel: logLevel.NOTHING });
const registry = createRegistry(env.schemaRegistryUrl);

const run = uniqueName('outbox');
const table = `cdc_${run.replace('-', '_')}`;
const topic = `cdc.${run}.orders`;
const spec: OutboxConnectorSpec = {
  name: run,
  databaseUrl: env.databaseUrl,
  table: `public.${table}`,
  schemaRegistryUrl: env.schemaRegistryUrl,
  topic,
};

type OrderPayload = { orderId: string; totalCents: number; items: Array<{ sku: string; quantity: number }> };
const orderRow = (orderId: string, totalCents: number, type = 'OrderCreated') => ({
  id: randomUUID(),
  aggregateType: 'order',
  aggregateId: orderId,
  type,
  payload: { orderId, totalCents, items: [{ sku: 'BOOK-1', quantity: 2 }] } satisfies OrderPayload,
});

/** Reads the topic until it holds `count` records. */
const recordsOnTopic = (count: number) =>
  eventually(
    async () => {
      const records = await readToEnd(kafka, topic);
      expect(records.length).toBeGreaterThanOrEqual(count);
      return records;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );

/** The AvroSerde the rest of Ouro uses, for the schema the converter registered under `<topic>-value`. */
async function serdeForTopic(): Promise<AvroSerde<OrderPayload>> {
  const subject = `${topic}-value`;
  const response = await fetch(`${env.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`);
  expect(response.status).toBe(200);
  const { schema } = (await response.json()) as { schema: string };
  return AvroSerde.forSubject<OrderPayload>(registry, subject, JSON.parse(schema));
}

const header = (record: ReadRecord, name: string) => record.headers[name]?.toString();

beforeAll(async () => {
  await createOutboxTable(pool, table);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  await deployOutboxConnector({ connect, pool }, spec);
});

afterAll(async () => {
  await removeOutboxConnector({ connect, pool }, spec.name);
  await pool.query(`drop table if exists ${table}`);
  await pool.end();
});

describe('an outbox connector (Debezium PostgreSQL + outbox event router, on the stack’s Kafka Connect)', () => {
  it('publishes a row inserted into the outbox table as one Avro record in the Confluent wire format', async () => {
    const row = orderRow(`order-${randomUUID()}`, 3998);

    await insertOutboxRows(pool, table, [row]);

    const [record] = await recordsOnTopic(1);
    if (!record?.value) throw new Error('no record value');
    expect(record.key).toBe(row.aggregateId);
    expect(header(record, 'id')).toBe(row.id);
    expect(header(record, 'type')).toBe('OrderCreated');
    const serde = await serdeForTopic();
    expect(record.value.readUInt8(0)).toBe(0); // magic byte
    expect(record.value.readUInt32BE(1)).toBe(serde.schemaId); // the id the registry's Confluent API gives the subject's schema
    expect(await serde.decode(record.value)).toEqual(row.payload);
  });

  it('keeps the commit order of one aggregate’s events, each under its own key', async () => {
    const orderId = `order-${randomUUID()}`;
    const rows = [orderRow(orderId, 100), orderRow(orderId, 200, 'OrderAmended'), orderRow(orderId, 300, 'OrderAmended')];

    await insertOutboxRows(pool, table, rows);

    const records = (await recordsOnTopic(4)).filter((record) => record.key === orderId);
    expect(records.map((record) => header(record, 'id'))).toEqual(rows.map((row) => row.id));
    const serde = await serdeForTopic();
    const totals = await Promise.all(records.map(async (record) => (await serde.decode(record.value)).totalCents));
    expect(totals).toEqual([100, 200, 300]);
  });

  it('publishes a row deleted in the transaction that wrote it, and nothing for the delete', async () => {
    // given one order's event inserted and deleted in one transaction, then another's inserted alone
    const deleted = orderRow(`order-${randomUUID()}`, 111);
    const kept = orderRow(`order-${randomUUID()}`, 222);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await insertOutboxRows(client, table, [deleted]);
      await deleteOutboxRows(client, table, [deleted.id]);
      await client.query('commit');
    } finally {
      client.release();
    }
    await insertOutboxRows(pool, table, [kept]);

    // then each is published once, and the delete neither reaches the topic nor the connector
    const records = await eventually(
      async () => {
        const all = (await readToEnd(kafka, topic)).filter((record) => [deleted.aggregateId, kept.aggregateId].includes(record.key ?? ''));
        expect(all.map((record) => header(record, 'id'))).toEqual([deleted.id, kept.id]);
        return all;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(records.every((record) => record.value !== null)).toBe(true);
    const { rows } = await pool.query('select pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication where pubname = $1', [
      replicationNames(spec.name).publication,
    ]);
    expect(rows).toEqual([{ pubinsert: true, pubupdate: true, pubdelete: false, pubtruncate: false }]);
  });

  it('publishes nothing while stopped, and everything written meanwhile once resumed, from where it stopped', async () => {
    // given a stopped connector: its task gone, its slot no longer read
    await connect.stopConnector(spec.name);
    await awaitConnectorStopped(connect, spec.name);
    const { slot } = replicationNames(spec.name);
    expect(await replicationSlot(pool, slot)).toMatchObject({ active: false });
    const row = orderRow(`order-${randomUUID()}`, 333);
    const published = async () => (await readToEnd(kafka, topic)).filter((record) => record.key === row.aggregateId);

    // when a row is written, then the connector resumes
    await insertOutboxRows(pool, table, [row]);
    const whilePaused = await published();
    await connect.resumeConnector(spec.name);
    await awaitConnectorRunning(connect, spec.name);

    // then the row was held back, and arrives once
    expect(whilePaused).toEqual([]);
    await eventually(async () => expect((await published()).map((record) => header(record, 'id'))).toEqual([row.id]), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });

  it('takes its replication slot and publication with it when removed', async () => {
    const { slot, publication } = replicationNames(spec.name);
    expect(await replicationSlot(pool, slot)).toMatchObject({ active: true });

    await removeOutboxConnector({ connect, pool }, spec.name);

    expect(await connect.connectorStatus(spec.name)).toBeUndefined();
    expect(await replicationSlot(pool, slot)).toBeUndefined();
    const { rowCount } = await pool.query('select 1 from pg_publication where pubname = $1', [publication]);
    expect(rowCount).toBe(0);
  });
});
