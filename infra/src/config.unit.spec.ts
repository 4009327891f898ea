import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';

describe('loadStackConfig', () => {
  it('runs the services at the default addresses, with data under .stack', () => {
    const config = loadStackConfig({}, '/repo');

    expect(config.kafka).toMatchObject({ host: '127.0.0.1', port: 9092, controllerPort: 9093, nodes: 1, heap: '768m' });
    expect(config.registry).toMatchObject({ host: '127.0.0.1', port: 8081 });
    expect(config.postgres).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'ouro', user: 'ouro' });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(config.connect).toMatchObject({ url: 'http://127.0.0.1:8083', host: '127.0.0.1', port: 8083, heap: '512m' });
    expect(config.jaeger).toEqual({
      host: '127.0.0.1',
      uiUrl: 'http://127.0.0.1:16686',
      uiPort: 16686,
      otlpUrl: 'http://127.0.0.1:4318',
      otlpPort: 4318,
    });
    expect(config.stateDir).toBe('/repo/.stack');
  });

  it('runs them where the environment says', () => {
    const config = loadStackConfig(
      {
        KAFKA_BROKERS: '127.0.0.2:19092',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.2:18081/apis/ccompat/v7',
        DATABASE_URL: 'postgres://app:secret@127.0.0.2:15432/orders',
        REDIS_URL: 'redis://127.0.0.2:16379',
        KAFKA_CONNECT_URL: 'http://127.0.0.2:18083',
        CONNECT_HEAP: '1g',
        JAEGER_UI_URL: 'http://127.0.0.2:26686',
        JAEGER_OTLP_URL: 'http://127.0.0.2:24318',
        OURO_STACK_DIR: '/var/ouro',
      },
      '/repo',
    );

    expect(config.kafka).toMatchObject({ host: '127.0.0.2', port: 19092, controllerPort: 19093 });
    expect(config.registry.port).toBe(18081);
    expect(config.postgres).toMatchObject({ port: 15432, database: 'orders', user: 'app' });
    expect(config.redis.port).toBe(16379);
    expect(config.connect).toMatchObject({ host: '127.0.0.2', port: 18083, heap: '1g' });
    expect(config.jaeger).toMatchObject({ host: '127.0.0.2', uiPort: 26686, otlpPort: 24318 });
    expect(config.stateDir).toBe('/var/ouro');
  });

  it('runs Kafka as a cluster of three when KAFKA_NODES says so, each node with a smaller heap', () => {
    const config = loadStackConfig({ KAFKA_NODES: '3', KAFKA_BROKERS: '127.0.0.1:29092,127.0.0.1:29094' }, '/repo');

    expect(config.kafka).toMatchObject({ port: 29092, controllerPort: 29093, nodes: 3, heap: '512m' });
    expect(loadStackConfig({ KAFKA_NODES: '3', KAFKA_HEAP: '1g' }, '/repo').kafka.heap).toBe('1g');
  });

  it('refuses a node count other than one or three, and a controller port a cluster cannot honour', () => {
    expect(() => loadStackConfig({ KAFKA_NODES: '2' }, '/repo')).toThrow(/KAFKA_NODES/);
    expect(() => loadStackConfig({ KAFKA_NODES: '3', KAFKA_CONTROLLER_PORT: '9999' }, '/repo')).toThrow(/KAFKA_CONTROLLER_PORT/);
    expect(loadStackConfig({ KAFKA_CONTROLLER_PORT: '9999' }, '/repo').kafka.controllerPort).toBe(9999);
  });
});
