import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from '../config.js';
import { onceFor, requireCommand } from '../install.js';
import {
  type KafkaNode,
  kafkaAddresses,
  kafkaClusterDir,
  kafkaNodeFiles,
  kafkaNodes,
  kafkaServerProperties,
  propertyOf,
} from '../kafka-cluster.js';
import { serviceDir } from '../paths.js';
import { daemonLifecycle, readPid, run, spawnDaemon } from '../process.js';
import type { Report, Service } from '../service.js';

/** The brokers in the metadata of the first of `brokers` that answers; throws when none does. */
async function describeBrokers(brokers: readonly string[]): Promise<Array<{ nodeId: number; port: number }>> {
  const kafka = new Kafka({
    clientId: 'ouro-stack',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers;
  } finally {
    await admin.disconnect();
  }
}

/** A cluster is ready when every node's metadata is the whole cluster. */
export async function isKafkaClusterReady(config: StackConfig): Promise<boolean> {
  const answers = await Promise.all(kafkaAddresses(config).map((address) => describeBrokers([address])));
  return answers.every((brokers) => brokers.length === config.kafka.nodes);
}

/** Every node of one stack shares one download; three nodes provisioning at once must not run Maven three times. */
const jarDownloads = new Map<string, Promise<void>>();

function ensureJars(config: StackConfig, report: Report): Promise<void> {
  const libs = join(serviceDir(config, 'kafka'), 'libs');
  const pom = join(config.root, 'infra/kafka/pom.xml');
  let download = jarDownloads.get(libs);
  if (!download) {
    download = onceFor(libs, [pom], async () => {
      report('downloading the broker jars from Maven Central (first run only)');
      rmSync(libs, { recursive: true, force: true });
      await run('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`]);
    });
    jarDownloads.set(libs, download);
    download.catch(() => jarDownloads.delete(libs));
  }
  return download;
}

/**
 * The id the nodes of a cluster share, made once and kept beside them. A Kafka Uuid is 16 random
 * bytes in URL-safe base64; like Kafka's own, none starts with `-`, which the tools would take for an option.
 */
function clusterId(config: StackConfig): string {
  const dir = kafkaClusterDir(config);
  const file = join(dir, 'cluster.id');
  if (!existsSync(file)) {
    let id: string;
    do id = randomBytes(16).toString('base64url');
    while (id.startsWith('-'));
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, id, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Data formatted for another quorum (other ports, another node id) would not start, or would
 * start as a different cluster. It is never deleted here: the user decides.
 */
function assertFormattedFor(config: StackConfig, node: KafkaNode, properties: string): void {
  const files = kafkaNodeFiles(config, node);
  const meta = join(files.dataDir, 'meta.properties');
  if (!existsSync(meta)) return;
  const formattedId = propertyOf(readFileSync(meta, 'utf8'), 'node.id');
  const formattedVoters = existsSync(files.properties)
    ? propertyOf(readFileSync(files.properties, 'utf8'), 'controller.quorum.voters')
    : undefined;
  const voters = propertyOf(properties, 'controller.quorum.voters');
  if (formattedId === String(node.id) && (formattedVoters === undefined || formattedVoters === voters)) return;
  const reset = `npm run stack -- reset${config.kafka.nodes > 1 ? ` --brokers ${config.kafka.nodes}` : ''}`;
  throw new Error(
    `${files.dataDir} holds node ${formattedId} of a cluster with controller.quorum.voters=${formattedVoters ?? '?'}, ` +
      `not node ${node.id} of ${voters}: go back to the settings it was made with, or delete it with \`${reset}\` ` +
      '(KAFKA_BROKERS as now; downloads are kept)',
  );
}

/** One Kafka node in KRaft combined mode (broker + controller in one JVM), jars from Maven Central. */
export function kafkaNodeService(config: StackConfig, node: KafkaNode): Service {
  const { heap } = config.kafka;
  const { host, port, controllerPort } = node;
  const files = kafkaNodeFiles(config, node);
  const libs = join(serviceDir(config, 'kafka'), 'libs');
  const log4j = `-Dlog4j2.configurationFile=${join(config.root, 'infra/kafka/log4j2.properties')}`;
  const serverProperties = kafkaServerProperties(config.kafka, node, files.dataDir);
  /** The client listener, first of `listeners`: which port a node serves decides whose it is. */
  const clientListener = (properties: string) => propertyOf(properties, 'listeners')?.split(',')[0];
  const written = () => (existsSync(files.properties) ? readFileSync(files.properties, 'utf8') : undefined);

  /** Ours: the pid file names a JVM started with this node's properties, and those still say this node's port. */
  const ownedPid = () => {
    const pid = readPid(files.pidFile, files.properties);
    const properties = written();
    if (pid === undefined || properties === undefined) return undefined;
    return clientListener(properties) === clientListener(serverProperties) ? pid : undefined;
  };

  return {
    name: node.name,
    address: `${host}:${port}`,
    logFile: files.logFile,
    startTimeoutMs: 90_000,
    hints: [
      `port ${port} or ${controllerPort} taken by another program (\`ss -ltnp\`)`,
      'Java missing (`java -version` must print 17 or later)',
      'the jar download from Maven Central failed (run again; `mvn` output is in the error above)',
      ...(config.kafka.nodes > 1 ? ['fewer than a majority of the nodes running: a node waits for a quorum to elect a controller'] : []),
    ],
    async isReady() {
      // This node answers, and the cluster's metadata has it (registered with the controller, not fenced).
      const brokers = await describeBrokers([`${host}:${port}`]);
      return brokers.some((broker) => broker.port === port);
    },
    async provision(report) {
      await requireCommand('java', 'install Java 17 or later (Debian: `apt-get install -y openjdk-17-jre-headless`)');
      await requireCommand('mvn', 'install Maven (Debian: `apt-get install -y maven`)');
      await ensureJars(config, report);
      assertFormattedFor(config, node, serverProperties);
      mkdirSync(files.home, { recursive: true });
      writeFileSync(files.properties, serverProperties);
      if (!existsSync(join(files.dataDir, 'meta.properties'))) {
        report('formatting the KRaft log directory');
        await run('java', [
          log4j,
          '-cp',
          `${libs}/*`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(config),
          '-c',
          files.properties,
          '--ignore-formatted',
        ]);
      }
    },
    async start() {
      spawnDaemon(
        'java',
        [`-Xmx${heap}`, '-Xms256m', '-XX:+UseG1GC', '-Djava.awt.headless=true', log4j, '-cp', `${libs}/*`, 'kafka.Kafka', files.properties],
        files.logFile,
        files.pidFile,
      );
    },
    ...daemonLifecycle(files.pidFile, ownedPid, 60_000),
    pid: ownedPid,
    isOutdated: () => ownedPid() !== undefined && written() !== serverProperties,
    dataDirs: () => [files.dataDir],
  };
}

/** Every node of the configured Kafka: one, or a cluster. */
export function kafkaServices(config: StackConfig): Service[] {
  return kafkaNodes(config.kafka).map((node) => kafkaNodeService(config, node));
}
