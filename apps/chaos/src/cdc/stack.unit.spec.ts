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

  it('runs a Connect worker of its own per delivery on that Kafka node, from the stack’s downloads', () => {
    const { workers } = cdcStackConfigs(stack, {});

    expect(workers['at-least-once'].stateDir).toBe(stack.stateDir);
    expect(workers['at-least-once'].connect).toMatchObject({ port: 28086, exactlyOnce: false });
    expect(workers['exactly-once'].connect).toMatchObject({ port: 28087, exactlyOnce: true });
    expect(workers['exactly-once'].kafka.port).toBe(29092);
    expect(stack.connect.port).not.toBe(28086);
  });

  it('takes other addresses from CHAOS_CDC_*', () => {
    const { services, workers } = cdcStackConfigs(stack, {
      CHAOS_CDC_KAFKA_BROKERS: '127.0.0.1:39092',
      CHAOS_CDC_DATABASE_URL: 'postgres://ouro:ouro@127.0.0.1:35432/ouro',
      CHAOS_CDC_CONNECT_URL: 'http://127.0.0.1:38083',
      CHAOS_CDC_EXACTLY_ONCE_CONNECT_URL: 'http://127.0.0.1:38084',
    });

    expect([
      services.kafka.port,
      services.postgres.port,
      workers['at-least-once'].connect.port,
      workers['exactly-once'].connect.port,
    ]).toEqual([39092, 35432, 38083, 38084]);
    expect(workers['at-least-once'].kafka.port).toBe(39092);
  });
});
