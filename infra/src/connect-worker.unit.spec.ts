import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import { connectFiles, connectGroup, connectWorkerProperties } from './connect-worker.js';
import { propertyOf } from './kafka-cluster.js';

const properties = (env: NodeJS.ProcessEnv) => {
  const config = loadStackConfig(env, '/repo');
  return connectWorkerProperties(config, connectFiles(config));
};

describe('a Kafka Connect worker of the stack', () => {
  it('keeps its files, group and internal topics under its REST port, so a second worker shares only the jars', () => {
    const first = loadStackConfig({}, '/repo');
    const second = loadStackConfig({ KAFKA_CONNECT_URL: 'http://127.0.0.1:28083' }, '/repo');

    expect(connectFiles(first)).toMatchObject({
      properties: '/repo/.stack/connect/8083/worker.properties',
      logFile: '/repo/.stack/logs/connect-8083.log',
      workerLibs: '/repo/.stack/connect/libs/worker',
      pluginPath: '/repo/.stack/connect/libs/plugins',
    });
    expect(connectFiles(second).pluginPath).toBe(connectFiles(first).pluginPath);
    expect(connectGroup(second)).toEqual({
      group: 'ouro-connect-28083',
      configs: 'ouro-connect-28083.configs',
      offsets: 'ouro-connect-28083.offsets',
      status: 'ouro-connect-28083.status',
    });
  });

  it('runs in distributed mode on the stack’s Kafka, listening where KAFKA_CONNECT_URL says', () => {
    const text = properties({ KAFKA_CONNECT_URL: 'http://127.0.0.1:18083' });

    expect(propertyOf(text, 'bootstrap.servers')).toBe('127.0.0.1:9092');
    expect(propertyOf(text, 'group.id')).toBe('ouro-connect-18083');
    expect(propertyOf(text, 'listeners')).toBe('http://127.0.0.1:18083');
    expect(propertyOf(text, 'offset.storage.topic')).toBe('ouro-connect-18083.offsets');
    expect(propertyOf(text, 'plugin.discovery')).toBe('service_load');
  });

  it('keeps one copy of its internal topics on a single broker, three on a cluster, which it reaches through every node', () => {
    const single = properties({});
    const cluster = properties({ KAFKA_NODES: '3' });

    expect(propertyOf(single, 'offset.storage.replication.factor')).toBe('1');
    expect(propertyOf(cluster, 'config.storage.replication.factor')).toBe('3');
    expect(propertyOf(cluster, 'bootstrap.servers')).toBe('127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096');
  });

  it('supports exactly-once source connectors only when asked, leaving the default worker’s properties as they were', () => {
    const plain = properties({});
    const exactlyOnce = properties({ CONNECT_EXACTLY_ONCE: 'true' });

    expect(propertyOf(plain, 'exactly.once.source.support')).toBeUndefined();
    expect(propertyOf(exactlyOnce, 'exactly.once.source.support')).toBe('enabled');
    expect(exactlyOnce.replace('exactly.once.source.support=enabled\n', '')).toBe(plain);
    expect(() => properties({ CONNECT_EXACTLY_ONCE: 'yes' })).toThrow(/CONNECT_EXACTLY_ONCE/);
  });
});
