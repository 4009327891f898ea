import type pg from 'pg';
import type { PlacedOrder } from './server.js';

/** A baseline's own orders table, shaped like Ouro's, so the baselines store what Ouro stores. */
export async function createOrderTable(pool: pg.Pool, table: string): Promise<void> {
  await pool.query(`create table if not exists ${table} (
    id uuid primary key, customer_id text not null, currency char(3) not null, items jsonb not null,
    total_cents bigint not null, accepted_at timestamptz not null)`);
}

export async function insertOrder(client: pg.Pool | pg.PoolClient, table: string, order: PlacedOrder): Promise<void> {
  await client.query(`insert into ${table} values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0))`, [
    order.orderId,
    order.customerId,
    order.currency,
    JSON.stringify(order.items),
    order.totalCents,
    order.acceptedAt,
  ]);
}

/** Every order id a baseline's table holds: what it stored, for the reconciler's delivery checks. */
export async function storedOrderIds(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`select id from ${table}`);
  return rows.map((row) => row.id);
}
