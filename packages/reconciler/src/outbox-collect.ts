import { connectDatabase } from '@ouro/db';
import { createKafka, createRegistry, decodeConfluentAvro, readToEnd, UndecodableMessage } from '@ouro/messaging';
import type { OutboxOrderRow, OutboxSnapshot, RelayedEvent, RelayedOrderCreated } from './outbox-check.js';
import type { AuditedEvents } from './snapshot.js';

export interface OutboxCollectOptions {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  /** The deployment's orders table (its own: every row in it is the deployment's). */
  readonly table: string;
  /** The topic its relay publishes to. */
  readonly topic: string;
  readonly readTimeoutMs?: number;
  /** A second reader of the topic that shares no code with kafkajs: its counts per order are compared. */
  readonly audit?: { readonly reader: string; readonly read: (topic: string) => Promise<AuditedEvents['records']> } | undefined;
}

/** Interpolated into SQL: a plain identifier only. */
const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

async function readEvents(options: OutboxCollectOptions): Promise<RelayedEvent[]> {
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: 'ouro-verify-outbox' });
  const registry = createRegistry(options.schemaRegistryUrl);
  const records = await readToEnd(kafka, options.topic, { timeoutMs: options.readTimeoutMs ?? 60_000 });
  return Promise.all(
    records.map(async ({ partition, offset, key, value, headers }): Promise<RelayedEvent> => {
      const where = { partition, offset: Number(offset), key, eventIdHeader: headers.id?.toString() ?? null };
      try {
        // Decoded with the writer schema the record names: the one the connector inferred and registered.
        return { ...where, value: await decodeConfluentAvro<RelayedOrderCreated>(registry, value) };
      } catch (error) {
        if (!(error instanceof UndecodableMessage)) throw error;
        return { ...where, undecodable: error.message };
      }
    }),
  );
}

async function readRows(databaseUrl: string, table: string): Promise<OutboxOrderRow[]> {
  if (!identifier.test(table)) throw new Error(`${table} is not a plain table name`);
  const database = connectDatabase(databaseUrl, { max: 1 });
  try {
    const { rows } = await database.pool.query<{
      id: string;
      idempotency_key: string | null;
      customer_id: string;
      currency: string;
      items: OutboxOrderRow['items'];
      total_cents: string;
      accepted_at: Date;
    }>(`select id, idempotency_key, customer_id, currency, items, total_cents, accepted_at from ${table}`);
    return rows.map((row) => ({
      orderId: row.id,
      idempotencyKey: row.idempotency_key,
      customerId: row.customer_id,
      currency: row.currency,
      items: row.items,
      totalCents: Number(row.total_cents),
      acceptedAt: row.accepted_at,
    }));
  } finally {
    await database.close();
  }
}

/**
 * Reads one outbox deployment as it stands: its topic to the end (read_committed), the second
 * reader's view of it, then every row of its orders table. In that order on purpose: an event is
 * published after its row commits, so a relay still at work is never caught with an event but no row.
 */
export async function collectOutboxSnapshot(options: OutboxCollectOptions): Promise<OutboxSnapshot> {
  const events = await readEvents(options);
  const audit = options.audit ? { reader: options.audit.reader, records: await options.audit.read(options.topic) } : undefined;
  const rows = await readRows(options.databaseUrl, options.table);
  return { table: options.table, topic: options.topic, rows, events, ...(audit ? { audit } : {}) };
}
