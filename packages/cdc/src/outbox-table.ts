import type pg from 'pg';

/** One row of an outbox table, in Debezium's outbox layout: one event. */
export interface OutboxRow {
  /** The event's id: Debezium passes it on as the record's `id` header, for consumers to deduplicate by. */
  readonly id: string;
  /** Routes the event (the topic, unless the connector names one). */
  readonly aggregateType: string;
  /** The record's key. */
  readonly aggregateId: string;
  /** Passed on as the `type` header. */
  readonly type: string;
  /** The event, as JSON; the connector expands it into an Avro record. */
  readonly payload: unknown;
}

/** A pool, or one of its clients inside a transaction: the outbox row belongs in the caller's transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** An outbox table with the columns Debezium's outbox event router reads by default. Safe to repeat. */
export async function createOutboxTable(db: Queryable, table: string): Promise<void> {
  await db.query(
    `create table if not exists ${table} (
       id uuid primary key,
       aggregatetype text not null,
       aggregateid text not null,
       type text not null,
       payload jsonb not null
     )`,
  );
}

/**
 * Inserts the rows in one statement. Called with a client inside a transaction, the events commit
 * with the state they describe, or not at all: that is the outbox.
 */
export async function insertOutboxRows(db: Queryable, table: string, rows: readonly OutboxRow[]): Promise<void> {
  const values = rows.flatMap((row) => [row.id, row.aggregateType, row.aggregateId, row.type, JSON.stringify(row.payload)]);
  const tuples = rows.map((_, index) => `($${index * 5 + 1}, $${index * 5 + 2}, $${index * 5 + 3}, $${index * 5 + 4}, $${index * 5 + 5})`);
  await db.query(`insert into ${table} (id, aggregatetype, aggregateid, type, payload) values ${tuples.join(', ')}`, values);
}

/**
 * Deletes rows once written. Debezium reads each insert from the WAL, not from the table, so a row
 * may go in the same transaction that wrote it (the table then stays empty); the connector skips deletes.
 */
export async function deleteOutboxRows(db: Queryable, table: string, ids: readonly string[]): Promise<void> {
  await db.query(`delete from ${table} where id = any($1::uuid[])`, [ids]);
}
