import { describe, expect, it } from 'vitest';
import { databaseConfig, outboxConnectorConfig, replicationNames, routedByValue } from './outbox-connector.js';

const spec = {
  name: 'orders-outbox',
  databaseUrl: 'postgres://ouro:s%40cret@127.0.0.1:5432/ouro',
  table: 'public.outbox',
  schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
};

describe('replicationNames', () => {
  it('gives each connector a slot and a publication PostgreSQL accepts', () => {
    expect(replicationNames('Orders-Outbox.v2')).toEqual({ slot: 'ouro_orders_outbox_v2', publication: 'ouro_orders_outbox_v2' });
  });

  it('keeps long names within 63 characters, and apart when they share a long prefix', () => {
    const prefix = 'a'.repeat(70);
    const first = replicationNames(`${prefix}-1`).slot;
    const second = replicationNames(`${prefix}-2`).slot;

    expect(first.length).toBeLessThanOrEqual(63);
    expect(first).toMatch(/^[a-z0-9_]+$/);
    expect(first).not.toBe(second);
  });
});

describe('outboxConnectorConfig', () => {
  it('reads the outbox table through its own slot and filtered publication, from now on (no snapshot)', () => {
    expect(outboxConnectorConfig(spec)).toMatchObject({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'slot.name': 'ouro_orders_outbox',
      'publication.name': 'ouro_orders_outbox',
      'publication.autocreate.mode': 'filtered',
      'table.include.list': 'public.outbox',
      'snapshot.mode': 'no_data',
      'topic.prefix': 'orders-outbox',
    });
  });

  it('is at least once unless asked, then requires the worker to commit records and offsets together', () => {
    expect(outboxConnectorConfig(spec)).not.toHaveProperty(['exactly.once.support']);
    expect(outboxConnectorConfig({ ...spec, exactlyOnce: true })).toMatchObject({
      'exactly.once.support': 'required',
      'transaction.boundary': 'poll',
    });
  });

  it('publishes inserts only: rows deleted once written are housekeeping, neither events nor tombstones', () => {
    expect(outboxConnectorConfig(spec)).toMatchObject({ 'skipped.operations': 'd,t', 'tombstones.on.delete': 'false' });
  });

  it('routes each row through the outbox event router, by aggregatetype unless a topic is given', () => {
    expect(outboxConnectorConfig(spec)).toMatchObject({
      transforms: 'outbox',
      'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
      'transforms.outbox.route.topic.replacement': routedByValue,
      'transforms.outbox.table.expand.json.payload': 'true',
    });
    const topic = `shop.${routedByValue}`;
    expect(outboxConnectorConfig({ ...spec, topic })['transforms.outbox.route.topic.replacement']).toBe(topic);
  });

  it('connects as the database URL says, password decoded, none sent when there is none', () => {
    expect(databaseConfig(spec.databaseUrl)).toEqual({
      'database.hostname': '127.0.0.1',
      'database.port': '5432',
      'database.user': 'ouro',
      'database.password': 's@cret',
      'database.dbname': 'ouro',
    });
    expect(databaseConfig('postgres://app@db/orders')).toEqual({
      'database.hostname': 'db',
      'database.port': '5432',
      'database.user': 'app',
      'database.dbname': 'orders',
    });
  });
});
