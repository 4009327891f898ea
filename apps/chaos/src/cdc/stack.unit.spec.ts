import { loadStackConfig } from '@ouro/infra';
import { describe, expect, it } from 'vitest';
import { cdcStackConfigs } from './stack.js';

const stack = loadStackConfig({}, '/repo');

describe('cdcStackConfigs', () => {
  it('puts the Kafka node and PostgreSQL the scenarios crash apart from the stack’s: own ports, own directory', () => {
    const { services } = cdcStackConfigs(stack, {});

    expect(services.stateDir).toBe('/repo/.stack/chaos-cdc');
    expect(services.kafka).toMatchObject({ port: 29092, nodes: 1 });
    expect(services.postgres).toMatchObject({ port: 25432, database: 'ouro', user: 'ouro' });
    expect(services.kafka.port).not.toBe(stack.kafka.port);
    expect(services.postgres.port).not.toBe(stack.postgres.port);
  });

  it('runs a Connect worker of its own on that Kafka node, from the stack’s downloads', () => {
    const { connect } = cdcStackConfigs(stack, {});

    expect(connect.stateDir).toBe(stack.stateDir);
    expect(connect.connect.port).toBe(28086);
    expect(connect.connect.port).not.toBe(stack.connect.port);
    expect(connect.kafka.port).toBe(29092);
  });

  it('takes other addresses from CHAOS_CDC_*', () => {
    const { services, connect } = cdcStackConfigs(stack, {
      CHAOS_CDC_KAFKA_BROKERS: '127.0.0.1:39092',
      CHAOS_CDC_DATABASE_URL: 'postgres://ouro:ouro@127.0.0.1:35432/ouro',
      CHAOS_CDC_CONNECT_URL: 'http://127.0.0.1:38083',
    });

    expect([services.kafka.port, services.postgres.port, connect.connect.port, connect.kafka.port]).toEqual([39092, 35432, 38083, 39092]);
  });
});
