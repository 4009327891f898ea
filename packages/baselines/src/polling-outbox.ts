// Baseline: the transactional outbox with a polling publisher, as usually set up. The order and an
// outbox row commit in one transaction; every 500 ms a poller takes rows in batches of 100
// (FOR UPDATE SKIP LOCKED), publishes them (acks=all) and deletes them, until the outbox is empty.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConnections } from '@ouro/config';
import pg from 'pg';
import { kafkaSender } from './kafka-sender.js';
import { createOrderTable, insertOrder } from './order-table.js';
import { serveOrders } from './server.js';

const intervalMs = Number(process.env.OUTBOX_INTERVAL_MS ?? 500);
const batchSize = Number(process.env.OUTBOX_BATCH_SIZE ?? 100);
const table = process.env.BENCH_ORDERS_TABLE ?? 'bench_outbox_orders';
const outbox = process.env.BENCH_OUTBOX_TABLE ?? 'bench_outbox';
const pool = new pg.Pool({ connectionString: loadConnections().databaseUrl, max: 20 });
await createOrderTable(pool, table);
await pool.query(`create table if not exists ${outbox} (id bigserial primary key, key text not null, payload bytea not null)`);
const kafka = await kafkaSender(process.env.BENCH_TOPIC ?? 'bench.outbox');

/** One batch: lock up to `batchSize` rows, publish, delete, commit. Returns how many it published. */
async function publishBatch(): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ id: string; key: string; payload: Buffer }>(
      `select id, key, payload from ${outbox} order by id limit $1 for update skip locked`,
      [batchSize],
    );
    if (rows.length > 0) {
      await kafka.sendEncoded(rows.map((row) => ({ key: row.key, value: row.payload })));
      await client.query(`delete from ${outbox} where id = any($1)`, [rows.map((row) => row.id)]);
    }
    await client.query('commit');
    return rows.length;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function poll(): Promise<never> {
  for (;;) {
    try {
      while ((await publishBatch()) === batchSize) {}
    } catch (error) {
      console.error(JSON.stringify({ level: 50, msg: 'outbox publish failed', err: String(error) }));
    }
    await sleep(intervalMs);
  }
}

await serveOrders(async (order) => {
  const payload = await kafka.encode(order);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await insertOrder(client, table, order);
    await client.query(`insert into ${outbox} (key, payload) values ($1, $2)`, [order.orderId, payload]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
});
void poll();
