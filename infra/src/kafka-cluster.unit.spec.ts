import { describe, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import {
  kafkaAddresses,
  kafkaClusterDir,
  kafkaLane,
  kafkaLaneCount,
  kafkaNodeFiles,
  kafkaNodes,
  kafkaServerProperties,
  propertyOf,
} from './kafka-cluster.js';

const single = loadStackConfig({}, '/repo');
const cluster = loadStackConfig({ KAFKA_NODES: '3' }, '/repo');

describe('Kafka nodes', () => {
  it('runs one node named kafka on the first address, its controller on the port above', () => {
    expect(kafkaNodes(single.kafka)).toEqual([{ id: 1, name: 'kafka', host: '127.0.0.1', port: 9092, controllerPort: 9093 }]);
    expect(kafkaAddresses(single)).toEqual(['127.0.0.1:9092']);
  });

  it('gives node i of a cluster the first port + 2(i-1), its controller the port above', () => {
    expect(kafkaNodes(cluster.kafka)).toEqual([
      { id: 1, name: 'kafka-1', host: '127.0.0.1', port: 9092, controllerPort: 9093 },
      { id: 2, name: 'kafka-2', host: '127.0.0.1', port: 9094, controllerPort: 9095 },
      { id: 3, name: 'kafka-3', host: '127.0.0.1', port: 9096, controllerPort: 9097 },
    ]);
    expect(kafkaAddresses(loadStackConfig({ KAFKA_NODES: '3', KAFKA_BROKERS: '127.0.0.1:29092' }, '/repo'))).toEqual([
      '127.0.0.1:29092',
      '127.0.0.1:29094',
      '127.0.0.1:29096',
    ]);
  });
});

describe('Kafka server.properties', () => {
  it('are for a single node its listener, its controller and four fault lanes advertised one port above', () => {
    const [node] = kafkaNodes(single.kafka);
    if (!node) throw new Error('no node');

    expect(kafkaServerProperties(single.kafka, node, '/repo/.stack/kafka/data')).toBe(
      [
        'process.roles=broker,controller',
        'node.id=1',
        'controller.quorum.voters=1@127.0.0.1:9093',
        'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,LANE1://127.0.0.1:9202,LANE2://127.0.0.1:9212,LANE3://127.0.0.1:9222,LANE4://127.0.0.1:9232',
        'advertised.listeners=PLAINTEXT://127.0.0.1:9092,LANE1://127.0.0.1:9203,LANE2://127.0.0.1:9213,LANE3://127.0.0.1:9223,LANE4://127.0.0.1:9233',
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,LANE1:PLAINTEXT,LANE2:PLAINTEXT,LANE3:PLAINTEXT,LANE4:PLAINTEXT',
        'log.dirs=/repo/.stack/kafka/data',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'offsets.topic.num.partitions=10',
        'transaction.state.log.num.partitions=10',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        'num.partitions=6',
        '',
      ].join('\n'),
    );
  });

  it('make every node of a cluster a voter, on its own ports, replicating everything three times with two in sync', () => {
    const node = kafkaNodes(cluster.kafka)[1];
    if (!node) throw new Error('no node 2');

    const properties = kafkaServerProperties(cluster.kafka, node, '/data/kafka-2');

    expect(propertyOf(properties, 'node.id')).toBe('2');
    expect(propertyOf(properties, 'controller.quorum.voters')).toBe('1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097');
    expect(propertyOf(properties, 'listeners')).toBe(
      'PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095,LANE1://127.0.0.1:9204,LANE2://127.0.0.1:9214,LANE3://127.0.0.1:9224,LANE4://127.0.0.1:9234',
    );
    expect(propertyOf(properties, 'advertised.listeners')).toBe(
      'PLAINTEXT://127.0.0.1:9094,LANE1://127.0.0.1:9205,LANE2://127.0.0.1:9215,LANE3://127.0.0.1:9225,LANE4://127.0.0.1:9235',
    );
    expect(propertyOf(properties, 'log.dirs')).toBe('/data/kafka-2');
    for (const [key, value] of [
      ['offsets.topic.replication.factor', '3'],
      ['transaction.state.log.replication.factor', '3'],
      ['transaction.state.log.min.isr', '2'],
      ['default.replication.factor', '3'],
      ['min.insync.replicas', '2'],
    ]) {
      expect(propertyOf(properties, key as string), key).toBe(value);
    }
  });
});

describe('Kafka fault lanes', () => {
  it('never share a port between the nodes of a cluster, their controllers and their lanes', () => {
    const ports = kafkaNodes(cluster.kafka).flatMap((node) => [
      node.port,
      node.controllerPort,
      ...Array.from({ length: kafkaLaneCount }, (_, index) => Object.values(kafkaLane(node, index + 1))).flat(),
    ]);

    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('Kafka node files', () => {
  it('keep a single node where it always was', () => {
    const [node] = kafkaNodes(single.kafka);
    if (!node) throw new Error('no node');

    expect(kafkaNodeFiles(single, node)).toEqual({
      home: '/repo/.stack/kafka',
      dataDir: '/repo/.stack/kafka/data',
      properties: '/repo/.stack/kafka/server.properties',
      pidFile: '/repo/.stack/kafka/kafka.pid',
      logFile: '/repo/.stack/logs/kafka.log',
    });
  });

  it('give each node of a cluster a directory under one named by the first port and the size', () => {
    const node = kafkaNodes(cluster.kafka)[2];
    if (!node) throw new Error('no node 3');

    expect(kafkaClusterDir(cluster)).toBe('/repo/.stack/kafka/cluster-9092x3');
    expect(kafkaNodeFiles(cluster, node)).toEqual({
      home: '/repo/.stack/kafka/cluster-9092x3/kafka-3',
      dataDir: '/repo/.stack/kafka/cluster-9092x3/kafka-3/data',
      properties: '/repo/.stack/kafka/cluster-9092x3/kafka-3/server.properties',
      pidFile: '/repo/.stack/kafka/cluster-9092x3/kafka-3/kafka.pid',
      logFile: '/repo/.stack/kafka/cluster-9092x3/kafka-3/kafka.log',
    });
  });
});
