import { createHash } from 'node:crypto';
import { avroConverterConfig } from './avro-converter.js';
import type { ConnectorConfig } from './kafka-connect.js';

/** One outbox table published by one Debezium connector. */
export interface OutboxConnectorSpec {
  /** Unique in the Connect cluster; also Debezium's logical name, which keys its offsets. */
  readonly name: string;
  /** The database, as the Connect worker reaches it; the user needs REPLICATION and to own the table. */
  readonly databaseUrl: string;
  /**
   * The outbox table, schema-qualified (`public.outbox`), with Debezium's outbox columns: `id`
   * (uuid, the event id), `aggregatetype` (routes the event), `aggregateid` (the record key),
   * `type` (the event type) and `payload` (jsonb, the event).
   */
  readonly table: string;
  /** The Confluent-compatible registry URL (Apicurio's `/apis/ccompat/v7`). */
  readonly schemaRegistryUrl: string;
  /**
   * The topic of each event; `${routedByValue}` is its aggregatetype. Default: the aggregatetype
   * itself. Topics are not created: one that does not exist fails the task, as a typo should.
   */
  readonly topic?: string;
  /**
   * Commit each poll's records with the connector's offsets in one Kafka transaction (KIP-618), so
   * a crash replays nothing a read_committed consumer saw. The worker must allow it
   * (`exactly.once.source.support=enabled`, the stack's `CONNECT_EXACTLY_ONCE=true`), or the
   * connector is refused. Default: at least once.
   */
  readonly exactlyOnce?: boolean;
}

/** The event router's placeholder for the routing column's value (the aggregatetype). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Debezium's placeholder, substituted by Debezium.
export const routedByValue = '${routedByValue}';

/** PostgreSQL identifiers: at most 63 bytes; slot names also only `[a-z0-9_]`. */
const maxIdentifier = 63;

/**
 * The replication slot and publication of a connector, named after it: one per connector, since
 * two connectors on one slot would each see part of the changes. Long names keep a hash of the
 * whole, so two names that share a long prefix never share a slot.
 */
export function replicationNames(connectorName: string): { readonly slot: string; readonly publication: string } {
  const base = `ouro_${connectorName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  const name =
    base.length <= maxIdentifier
      ? base
      : `${base.slice(0, maxIdentifier - 9)}_${createHash('sha256').update(connectorName).digest('hex').slice(0, 8)}`;
  return { slot: name, publication: name };
}

/** Debezium's connection settings, from a `postgres://user:password@host:port/database` URL. */
export function databaseConfig(databaseUrl: string): ConnectorConfig {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  return {
    'database.hostname': url.hostname,
    'database.port': url.port || '5432',
    'database.user': decodeURIComponent(url.username),
    ...(password ? { 'database.password': password } : {}),
    'database.dbname': decodeURIComponent(url.pathname.slice(1)),
  };
}

/**
 * The Debezium PostgreSQL connector for one outbox table, through Debezium's outbox event router:
 * each inserted row becomes one record, key = aggregateid, value = the payload (expanded from JSON
 * into an Avro record), headers `id` (the event id) and `type`.
 */
export function outboxConnectorConfig(spec: OutboxConnectorSpec): ConnectorConfig {
  const { slot, publication } = replicationNames(spec.name);
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    // A PostgreSQL connector reads one replication stream: more tasks would not help.
    'tasks.max': '1',
    ...databaseConfig(spec.databaseUrl),
    'topic.prefix': spec.name,
    'plugin.name': 'pgoutput',
    'slot.name': slot,
    'publication.name': publication,
    // The publication covers the outbox table only: the rest of the database's writes never reach
    // the connector (they still pass through the slot's WAL, see the package README).
    'publication.autocreate.mode': 'filtered',
    'table.include.list': spec.table,
    // The outbox carries events from the moment the connector exists. A snapshot would publish
    // again every row still in the table.
    'snapshot.mode': 'no_data',
    // Rows are deleted once written (in the same transaction, or by a cleanup job): a delete is
    // housekeeping, not an event. Skipped here, the publication carries no deletes at all (Debezium
    // creates it `WITH (publish = 'insert, update')`), and no tombstone follows one. An update
    // still reaches the router, which warns: an outbox row is never meant to change.
    'skipped.operations': 'd,t',
    'tombstones.on.delete': 'false',
    // Debezium's own `__debezium.context.*` headers say nothing a consumer of events needs.
    'extended.headers.enabled': 'false',
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.route.topic.replacement': spec.topic ?? routedByValue,
    'transforms.outbox.table.expand.json.payload': 'true',
    'transforms.outbox.table.fields.additional.placement': 'type:header:type',
    ...avroConverterConfig(spec.schemaRegistryUrl),
    ...(spec.exactlyOnce ? { 'exactly.once.support': 'required', 'transaction.boundary': 'poll' } : {}),
  };
}
