// The sizes of Ouro's records as the apps wrote them in this run, so that the tools move records of
// the same size: read back from the run's own topics and table, not computed from a schema.
import { randomUUID } from 'node:crypto';
import { createKafka } from '@ouro/messaging';
import type { IHeaders } from 'kafkajs';
import pg from 'pg';

export interface RecordSize {
  readonly sampled: number;
  /** Medians in bytes: key, Avro value (with its 5-byte schema header), header names and values. */
  readonly keyBytes: number;
  readonly valueBytes: number;
  readonly headerBytes: number;
  /** What a tool without keys or headers sends per record to move as many bytes. */
  readonly recordBytes: number;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const headerBytes = (headers: IHeaders = {}) =>
  Object.entries(headers).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      (Array.isArray(value) ? value : [value]).reduce((bytes, part) => bytes + (part === undefined ? 0 : Buffer.byteLength(part)), 0),
    0,
  );

/** The median sizes of the first `count` records of `topic` (read_committed). */
export async function sampleRecordSize(brokers: readonly string[], topic: string, count = 500, timeoutMs = 30_000): Promise<RecordSize> {
  const consumer = createKafka({ brokers, clientId: 'bench-ceiling' }).consumer({
    groupId: `bench-ceiling-sizes-${randomUUID()}`,
    readUncommitted: false,
  });
  const sizes: Array<{ key: number; value: number; headers: number }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than ${count} records in ${topic} after ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (sizes.length >= count) break;
            sizes.push({ key: message.key?.length ?? 0, value: message.value?.length ?? 0, headers: headerBytes(message.headers) });
          }
          if (sizes.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  const [keyBytes, valueBytes, headers] = [
    median(sizes.map((s) => s.key)),
    median(sizes.map((s) => s.value)),
    median(sizes.map((s) => s.headers)),
  ];
  return { sampled: sizes.length, keyBytes, valueBytes, headerBytes: headers, recordBytes: keyBytes + valueBytes + headers };
}

export interface StoredOrder {
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: ReadonlyArray<{ sku: string; quantity: number; unitPriceCents: number }>;
  readonly totalCents: number;
  readonly acceptedAt: Date;
  readonly committedAt: Date;
  readonly requestEventId: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: number;
}

/** Rows the processor stored from `topic` in this run, with the median size of a row as PostgreSQL stores it (pg_column_size). */
export async function sampleStoredOrders(databaseUrl: string, topic: string, count = 500) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(
      'select o.*, pg_column_size(o.*) as stored_bytes from orders o where source_topic = $1 limit $2',
      [topic, count],
    );
    const orders: StoredOrder[] = rows.map((row) => ({
      id: String(row.id),
      customerId: String(row.customer_id),
      currency: String(row.currency),
      items: row.items as StoredOrder['items'],
      totalCents: Number(row.total_cents),
      acceptedAt: row.accepted_at as Date,
      committedAt: row.committed_at as Date,
      requestEventId: String(row.request_event_id),
      sourceTopic: String(row.source_topic),
      sourcePartition: Number(row.source_partition),
      sourceOffset: Number(row.source_offset),
    }));
    const [first, ...rest] = orders;
    if (!first) throw new Error(`no order stored from ${topic}: nothing to size the PostgreSQL ceiling with`);
    const nonEmpty: readonly [StoredOrder, ...StoredOrder[]] = [first, ...rest];
    return { orders: nonEmpty, rowBytes: median(rows.map((row) => Number(row.stored_bytes))) };
  } finally {
    await client.end();
  }
}
