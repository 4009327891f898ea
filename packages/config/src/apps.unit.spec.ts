import { describe, expect, it } from 'vitest';
import { loadApiConfig, loadProcessorConfig, loadTopicConfig } from './apps.js';
import { ConfigError } from './connections.js';

describe('app configuration', () => {
  it('has working defaults for every app', () => {
    expect(loadApiConfig({})).toMatchObject({ host: '127.0.0.1', port: 3000, produceTimeoutMs: 5_000, kafkaBrokers: ['127.0.0.1:9092'] });
    expect(loadProcessorConfig({})).toMatchObject({
      groupId: 'order-processor',
      maxBatchSize: 500,
      httpHost: '127.0.0.1',
      httpPort: 9464,
      stallAfterMs: 60_000,
    });
    expect(loadTopicConfig({})).toEqual({
      commandsTopic: 'orders.commands',
      eventsTopic: 'orders.events',
      deadLetterTopic: 'orders.commands.dlq',
      partitions: 6,
      replicationFactor: 1,
    });
  });

  it('reads overrides from the environment', () => {
    expect(loadApiConfig({ API_PORT: '8080', LOG_LEVEL: 'warn' })).toMatchObject({ port: 8080, logLevel: 'warn' });
    expect(loadTopicConfig({ ORDERS_PARTITIONS: '12' }).partitions).toBe(12);
    expect(loadProcessorConfig({ PROCESSOR_HTTP_HOST: '0.0.0.0', PROCESSOR_HTTP_PORT: '0' })).toMatchObject({
      httpHost: '0.0.0.0',
      httpPort: 0,
    });
    expect(loadTopicConfig({ ORDERS_COMMANDS_TOPIC: 'shop.commands' }).deadLetterTopic).toBe('shop.commands.dlq');
  });

  it('refuses a value out of range or of the wrong kind, naming the variable', () => {
    expect(() => loadApiConfig({ API_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadProcessorConfig({ PROCESSOR_MAX_BATCH_SIZE: 'many' })).toThrow(/PROCESSOR_MAX_BATCH_SIZE/);
    expect(() => loadApiConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadProcessorConfig({ PROCESSOR_STALL_AFTER_MS: '10' })).toThrow(/PROCESSOR_STALL_AFTER_MS/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadApiConfig({}))).toBe(true);
  });
});
