import { join } from 'node:path';
import type { StackConfig } from './config.js';

/** One Kafka process of the stack: broker and controller in one JVM (KRaft combined mode). */
export interface KafkaNode {
  readonly id: number;
  /** `kafka` when the stack runs one node (as it always has), `kafka-<id>` in a cluster. */
  readonly name: 'kafka' | `kafka-${number}`;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
}

/** Where a node keeps its files. */
export interface KafkaNodeFiles {
  readonly home: string;
  readonly dataDir: string;
  readonly properties: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/** Node i listens on the first port + 2(i-1), its controller on the port above. */
export function kafkaNodes({ host, port, controllerPort, nodes }: StackConfig['kafka']): KafkaNode[] {
  if (nodes === 1) return [{ id: 1, name: 'kafka', host, port, controllerPort }];
  return Array.from({ length: nodes }, (_, index) => {
    const brokerPort = port + 2 * index;
    return { id: index + 1, name: `kafka-${index + 1}` as const, host, port: brokerPort, controllerPort: brokerPort + 1 };
  });
}

/**
 * Fault lanes: besides its own listener, every node listens on a few more ports whose advertised
 * address is one port above, where nobody listens until a fault test puts a proxy there. A client
 * that bootstraps through that proxy is told the lane's addresses for every node, so all its
 * traffic crosses the proxies, while every other client talks to the brokers directly. Node i's
 * lane k listens on its broker port + 100 + 10k and is advertised on the port above.
 */
export const kafkaLaneCount = 4;

export interface KafkaLane {
  readonly listenerPort: number;
  readonly advertisedPort: number;
}

export function kafkaLane(node: Pick<KafkaNode, 'port'>, lane: number): KafkaLane {
  const listenerPort = node.port + 100 + 10 * lane;
  return { listenerPort, advertisedPort: listenerPort + 1 };
}

const laneNumbers = Array.from({ length: kafkaLaneCount }, (_, index) => index + 1);

/** The bootstrap addresses of every Kafka node of this config, e.g. ['127.0.0.1:9092','127.0.0.1:9094','127.0.0.1:9096']. */
export function kafkaAddresses(config: StackConfig): string[] {
  return kafkaNodes(config.kafka).map(({ host, port }) => `${host}:${port}`);
}

export const quorumVoters = (nodes: readonly KafkaNode[]) =>
  nodes.map(({ id, host, controllerPort }) => `${id}@${host}:${controllerPort}`).join(',');

/**
 * The files of a node. A single node keeps the layout the stack always had (`.stack/kafka/data`,
 * `.stack/logs/kafka.log`), so a running one stays recognised. A cluster gets a directory of its
 * own named after its first port and size, `.stack/kafka/cluster-9092x3/kafka-2/…`: switching
 * between one node and three never reformats (or destroys) the other's data, and a second cluster
 * on other ports (a chaos run beside the default stack) shares the downloaded jars but nothing else.
 */
export function kafkaNodeFiles(config: StackConfig, node: KafkaNode): KafkaNodeFiles {
  const kafkaDir = join(config.stateDir, 'kafka');
  if (config.kafka.nodes === 1) {
    return {
      home: kafkaDir,
      dataDir: join(kafkaDir, 'data'),
      properties: join(kafkaDir, 'server.properties'),
      pidFile: join(kafkaDir, 'kafka.pid'),
      logFile: join(config.stateDir, 'logs', 'kafka.log'),
    };
  }
  const home = join(kafkaClusterDir(config), node.name);
  return {
    home,
    dataDir: join(home, 'data'),
    properties: join(home, 'server.properties'),
    pidFile: join(home, 'kafka.pid'),
    logFile: join(home, 'kafka.log'),
  };
}

/** What the nodes of one cluster share: its id (in `cluster.id`), and their directories. */
export function kafkaClusterDir(config: StackConfig): string {
  const kafkaDir = join(config.stateDir, 'kafka');
  return config.kafka.nodes === 1 ? kafkaDir : join(kafkaDir, `cluster-${config.kafka.port}x${config.kafka.nodes}`);
}

/** The broker's server.properties: its own listener, the controller's, and the fault lanes. */
export function kafkaServerProperties(config: StackConfig['kafka'], node: KafkaNode, dataDir: string): string {
  const cluster = kafkaNodes(config);
  // With three nodes every internal topic and, by default, every topic is kept on all three and a
  // write needs two of them: one node may be lost without losing an acknowledged record.
  const replication =
    cluster.length === 1
      ? ['offsets.topic.replication.factor=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1']
      : [
          'offsets.topic.replication.factor=3',
          'transaction.state.log.replication.factor=3',
          'transaction.state.log.min.isr=2',
          'default.replication.factor=3',
          'min.insync.replicas=2',
        ];
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${quorumVoters(cluster)}`,
    `listeners=${[
      `PLAINTEXT://${node.host}:${node.port}`,
      `CONTROLLER://${node.host}:${node.controllerPort}`,
      ...laneNumbers.map((lane) => `LANE${lane}://${node.host}:${kafkaLane(node, lane).listenerPort}`),
    ].join(',')}`,
    `advertised.listeners=${[
      `PLAINTEXT://${node.host}:${node.port}`,
      ...laneNumbers.map((lane) => `LANE${lane}://${node.host}:${kafkaLane(node, lane).advertisedPort}`),
    ].join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=${['PLAINTEXT', 'CONTROLLER', ...laneNumbers.map((lane) => `LANE${lane}`)].map((name) => `${name}:PLAINTEXT`).join(',')}`,
    `log.dirs=${dataDir}`,
    ...replication,
    // Fewer internal partitions than the production default (50): the first group and the first
    // transaction create these topics, and small counts make that take milliseconds, not seconds.
    'offsets.topic.num.partitions=10',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created on purpose, with their partition count; a typo must fail, not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=6',
    '',
  ].join('\n');
}

/** The value of one `key=value` line of a properties text, if present. */
export function propertyOf(text: string, key: string): string | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${key}=`));
  return line?.slice(key.length + 1).trim();
}
