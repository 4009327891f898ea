// Baseline: the naive dual write. Insert into PostgreSQL, then produce to Kafka, inside the request.
// (It loses or doubles events when either write fails alone: the problem Ouro exists to avoid.)
import { loadConnections } from '@ouro/config';
import pg from 'pg';
import { kafkaSender } from './kafka-sender.js';
import { serveOrders } from './server.js';

const pool = new pg.Pool({ connectionString: loadConnections().databaseUrl, max: 20 });
await pool.query(`create table if not exists bench_dual_write_orders (
  id uuid primary key, customer_id text not null, currency char(3) not null, items jsonb not null,
  total_cents bigint not null, accepted_at timestamptz not null)`);
const kafka = await kafkaSender(process.env.BENCH_TOPIC ?? 'bench.dual-write');

await serveOrders(async (order) => {
  await pool.query('insert into bench_dual_write_orders values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0))', [
    order.orderId,
    order.customerId,
    order.currency,
    JSON.stringify(order.items),
    order.totalCents,
    order.acceptedAt,
  ]);
  await kafka.send(order);
});
