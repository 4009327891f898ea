import { join } from 'node:path';
import type { StackConfig } from './config.js';
import { kafkaAddresses } from './kafka-cluster.js';

/** Where one Connect worker keeps its files. The downloaded jars are shared by every worker of the stack. */
export interface ConnectFiles {
  /** The worker's own directory, named after its REST port: a second worker (a test's) shares nothing but the jars. */
  readonly home: string;
  readonly properties: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** The Connect runtime, the JVM's classpath. */
  readonly workerLibs: string;
  /** One directory per plugin (Debezium, the Avro converter), each loaded in isolation. */
  readonly pluginPath: string;
}

export function connectFiles(config: StackConfig): ConnectFiles {
  const connectDir = join(config.stateDir, 'connect');
  const home = join(connectDir, String(config.connect.port));
  return {
    home,
    properties: join(home, 'worker.properties'),
    pidFile: join(home, 'connect.pid'),
    logFile: join(config.stateDir, 'logs', `connect-${config.connect.port}.log`),
    workerLibs: join(connectDir, 'libs', 'worker'),
    pluginPath: join(connectDir, 'libs', 'plugins'),
  };
}

/** The worker's group and its three internal topics, named after its REST port so that two workers never share them. */
export function connectGroup(config: StackConfig) {
  const group = `ouro-connect-${config.connect.port}`;
  return { group, configs: `${group}.configs`, offsets: `${group}.offsets`, status: `${group}.status` };
}

/**
 * The worker's properties. Distributed mode, although there is one worker: it keeps connector
 * configs, source offsets (for Debezium, the last PostgreSQL LSN it published) and statuses in Kafka
 * topics, so a worker that crashes and starts again resumes every connector where its last flushed
 * offset says, with no local state to lose; and connectors are managed over the REST API. Standalone
 * mode keeps offsets in a local file and takes connectors from the command line.
 */
export function connectWorkerProperties(config: StackConfig, files: Pick<ConnectFiles, 'pluginPath'>): string {
  const { host, port } = config.connect;
  const topics = connectGroup(config);
  // One copy per broker, up to three: one on a single node, three on a cluster (as its other topics).
  const replication = Math.min(config.kafka.nodes, 3);
  return [
    `bootstrap.servers=${kafkaAddresses(config).join(',')}`,
    `group.id=${topics.group}`,
    `listeners=http://${host}:${port}`,
    `rest.advertised.host.name=${host}`,
    `rest.advertised.port=${port}`,
    `config.storage.topic=${topics.configs}`,
    `offset.storage.topic=${topics.offsets}`,
    `status.storage.topic=${topics.status}`,
    `config.storage.replication.factor=${replication}`,
    `offset.storage.replication.factor=${replication}`,
    `status.storage.replication.factor=${replication}`,
    // Small internal topics: one worker, a few connectors; they are created in milliseconds.
    'offset.storage.partitions=5',
    'status.storage.partitions=1',
    // The worker's own records (configs, statuses); each connector names its own converters.
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    // Debezium confirms an LSN to PostgreSQL (letting it recycle WAL) when the offsets are flushed;
    // every second keeps the slot's backlog and the replay after a crash small (default: a minute).
    'offset.flush.interval.ms=1000',
    `plugin.path=${files.pluginPath}`,
    // Plugins are found by their ServiceLoader manifests: about 1 s, where scanning every class of
    // every jar takes half a minute on two cores.
    'plugin.discovery=service_load',
    // KIP-618: a source task's records and its offsets commit in one Kafka transaction, so a worker
    // that crashes replays nothing a read_committed consumer saw. Off unless asked: the stack's own
    // worker keeps the properties it always had (a change would restart it).
    ...(config.connect.exactlyOnce ? ['exactly.once.source.support=enabled'] : []),
    '',
  ].join('\n');
}
