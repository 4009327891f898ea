// Baseline: the naive dual write. Insert into PostgreSQL, then produce to Kafka, inside the request.
// (It loses or doubles events when either write fails alone: the problem Ouro exists to avoid.)
import { loadConnections } from '@ouro/config';
import pg from 'pg';
import { kafkaSender } from './kafka-sender.js';
import { createOrderTable, insertOrder } from './order-table.js';
import { serveOrders } from './server.js';

const table = process.env.BENCH_ORDERS_TABLE ?? 'bench_dual_write_orders';
const pool = new pg.Pool({ connectionString: loadConnections().databaseUrl, max: 20 });
await createOrderTable(pool, table);
const kafka = await kafkaSender(process.env.BENCH_TOPIC ?? 'bench.dual-write');

await serveOrders(async (order) => {
  await insertOrder(pool, table, order);
  await kafka.send(order);
});
