import { describe, expect, it } from 'vitest';
import { ConfigError, loadConnections } from './connections.js';

describe('loadConnections', () => {
  it('uses the documented defaults when the environment is silent', () => {
    expect(loadConnections({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
      databaseUrl: 'postgres://ouro:ouro@127.0.0.1:5432/ouro',
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaConnectUrl: 'http://127.0.0.1:8083',
    });
  });

  it('splits the broker list and trims a trailing slash from the registry URL', () => {
    const connections = loadConnections({
      KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
      SCHEMA_REGISTRY_URL: 'http://r:8081/apis/ccompat/v7/',
    });

    expect(connections.kafkaBrokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(connections.schemaRegistryUrl).toBe('http://r:8081/apis/ccompat/v7');
  });

  it('names the variable that holds no host and port', () => {
    expect(() => loadConnections({ REDIS_URL: 'redis://127.0.0.1' })).toThrow(ConfigError);
    expect(() => loadConnections({ KAFKA_BROKERS: 'broker-without-port' })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConnections({ KAFKA_CONNECT_URL: 'http://127.0.0.1' })).toThrow(/KAFKA_CONNECT_URL/);
  });

  it('is frozen', () => {
    const connections = loadConnections({});

    expect(Object.isFrozen(connections)).toBe(true);
    expect(Object.isFrozen(connections.kafkaBrokers)).toBe(true);
  });
});
