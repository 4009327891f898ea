import type pg from 'pg';
import type { PlacedOrder, StoredOrder } from './server.js';

/**
 * A baseline's own orders table, shaped like Ouro's, so the baselines store what Ouro stores.
 * `idempotent`: with a unique idempotency key, so that a retried request finds the order it placed,
 * as order-api's Idempotency-Key does.
 */
export async function createOrderTable(pool: pg.Pool, table: string, { idempotent = false } = {}): Promise<void> {
  await pool.query(`create table if not exists ${table} (
    id uuid primary key, customer_id text not null, currency char(3) not null, items jsonb not null,
    total_cents bigint not null, accepted_at timestamptz not null${idempotent ? ', idempotency_key text unique' : ''})`);
}

const columns = 'id, customer_id, currency, items, total_cents, accepted_at';
const values = (order: PlacedOrder) => [
  order.orderId,
  order.customerId,
  order.currency,
  JSON.stringify(order.items),
  order.totalCents,
  order.acceptedAt,
];

export async function insertOrder(client: pg.Pool | pg.PoolClient, table: string, order: PlacedOrder): Promise<void> {
  await client.query(`insert into ${table} (${columns}) values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0))`, values(order));
}

/**
 * Inserts the order unless its idempotency key placed one already (a table made `idempotent`).
 * Resolves with undefined when this order was inserted, or with the order the key placed before:
 * a retry, to be answered as the first attempt was, with nothing else written. The unique key
 * decides, in the database: two attempts racing each other cannot both insert.
 */
export async function insertOrderOnce(
  client: pg.PoolClient,
  table: string,
  order: PlacedOrder,
  idempotencyKey: string | undefined,
): Promise<StoredOrder | undefined> {
  const { rowCount } = await client.query(
    `insert into ${table} (${columns}, idempotency_key) values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7)
     on conflict (idempotency_key) do nothing`,
    [...values(order), idempotencyKey ?? null],
  );
  if (rowCount === 1) return undefined;
  const { rows } = await client.query<{ id: string; accepted_at: Date }>(
    `select id, accepted_at from ${table} where idempotency_key = $1`,
    [idempotencyKey],
  );
  const [earlier] = rows;
  if (!earlier) throw new Error(`idempotency key ${idempotencyKey} conflicts, yet no order holds it`);
  return { orderId: earlier.id, acceptedAt: earlier.accepted_at.getTime() };
}

/** Every order id a baseline's table holds: what it stored, for the reconciler's delivery checks. */
export async function storedOrderIds(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`select id from ${table}`);
  return rows.map((row) => row.id);
}
