// Baseline: the transactional outbox relayed by change data capture. The order and an outbox row
// commit in one PostgreSQL transaction, and the request is done: nothing on the request path talks
// to Kafka. Debezium (Kafka Connect) reads the outbox row's insert from the WAL, through its
// replication slot, and publishes it as the event. The row is deleted in the same transaction: the
// WAL keeps the insert, which is all Debezium reads, and the table stays empty with no cleanup job.
//
// The event is OrderCreated, built by the domain's own function, as JSON in the row; Debezium's
// outbox router turns it into an Avro record (a schema it infers and registers, see
// docs/PATTERNS.md), keyed by orderId, with the event id in the `id` header.
//
// A request's Idempotency-Key is kept unique in the orders table: a retry finds the order its first
// attempt placed and is answered with it, and writes no second event.
//
// The connector is not this server's business (an operator deploys it): `deployCdcRelay` in
// ../cdc/baseline.ts, once this server has made its tables.

import { createOrderTable, insertOrderOnce, serveOrders } from '@ouro/baselines';
import { createOutboxTable, deleteOutboxRows, insertOutboxRows } from '@ouro/cdc';
import { loadConnections } from '@ouro/config';
import { orderCreatedFrom } from '@ouro/domain';
import pg from 'pg';
import { cdcTables } from '../cdc/tables.js';

const tables = cdcTables(process.env);
const pool = new pg.Pool({ connectionString: loadConnections().databaseUrl, max: 20 });
// A connection cut by a restart of PostgreSQL emits 'error' on its client; unheard, the event ends
// the process. The pool hears its idle clients' (and drops them); a client checked out by a request
// has only this listener, and its request fails and releases it as broken.
const connectionLost = (error: Error) =>
  console.error(JSON.stringify({ level: 40, msg: 'PostgreSQL connection lost', err: error.message }));
pool.on('error', connectionLost);
pool.on('connect', (client) => client.on('error', connectionLost));
await createOrderTable(pool, tables.orders, { idempotent: true });
await createOutboxTable(pool, tables.outbox);

await serveOrders(async (order, idempotencyKey) => {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    const earlier = await insertOrderOnce(client, tables.orders, order, idempotencyKey);
    if (!earlier) {
      // Committed with the order, so its time is the transaction's.
      const event = orderCreatedFrom({ ...order, committedAt: Date.now(), requestEventId: order.eventId });
      await insertOutboxRows(client, tables.outbox, [
        { id: event.eventId, aggregateType: 'order', aggregateId: order.orderId, type: 'OrderCreated', payload: event },
      ]);
      await deleteOutboxRows(client, tables.outbox, [event.eventId]);
    }
    await client.query('commit');
    return earlier;
  } catch (error) {
    failed = true;
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    // A client whose statement failed may have lost its connection: the pool replaces it.
    client.release(failed);
  }
});
