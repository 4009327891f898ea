import type pg from 'pg';

/** One row of an outbox table, in Debezium's outbox layout. */
export interface OutboxRow {
  readonly id: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload: unknown;
}

/** An outbox table with the columns Debezium's outbox event router reads by default. */
export async function createOutboxTable(pool: pg.Pool, table: string): Promise<void> {
  await pool.query(
    `create table ${table} (
       id uuid primary key,
       aggregatetype text not null,
       aggregateid text not null,
       type text not null,
       payload jsonb not null
     )`,
  );
}

/** Inserts the rows in one transaction, as a service writes its state and its events together. */
export async function insertOutboxRows(pool: pg.Pool, table: string, rows: readonly OutboxRow[]): Promise<void> {
  const values = rows.flatMap((row) => [row.id, row.aggregateType, row.aggregateId, row.type, JSON.stringify(row.payload)]);
  const tuples = rows.map((_, index) => `($${index * 5 + 1}, $${index * 5 + 2}, $${index * 5 + 3}, $${index * 5 + 4}, $${index * 5 + 5})`);
  await pool.query(`insert into ${table} (id, aggregatetype, aggregateid, type, payload) values ${tuples.join(', ')}`, values);
}
