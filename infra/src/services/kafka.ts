import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from '../config.js';
import { onceFor, requireCommand } from '../install.js';
import { logFile, pidFile, serviceDir } from '../paths.js';
import { readPid, removeFile, run, spawnDaemon, stopProcess } from '../process.js';
import type { Service } from '../service.js';

/** Apache Kafka in KRaft combined mode (broker + controller in one JVM), jars from Maven Central. */
export function kafkaService(config: StackConfig): Service {
  const { host, port, controllerPort, heap } = config.kafka;
  const home = serviceDir(config, 'kafka');
  const libs = join(home, 'libs');
  const dataDir = join(home, 'data');
  const properties = join(home, 'server.properties');
  const pom = join(config.root, 'infra/kafka/pom.xml');
  const log = logFile(config, 'kafka');
  const pid = pidFile(config, 'kafka');
  const classpath = `${libs}/*`;

  const serverProperties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // One node: internal topics cannot be replicated.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
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

  async function java(args: readonly string[]): Promise<string> {
    return run('java', [`-Dlog4j2.configurationFile=${join(config.root, 'infra/kafka/log4j2.properties')}`, '-cp', classpath, ...args]);
  }

  return {
    name: 'kafka',
    address: `${host}:${port}`,
    logFile: log,
    startTimeoutMs: 90_000,
    hints: [
      `port ${port} or ${controllerPort} taken by another program (\`ss -ltnp\`)`,
      'Java missing (`java -version` must print 17 or later)',
      'the jar download from Maven Central failed (run again; `mvn` output is in the error above)',
    ],
    async isReady() {
      const kafka = new Kafka({
        clientId: 'ouro-stack',
        brokers: [`${host}:${port}`],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1_000,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect();
      }
    },
    async provision(report) {
      await requireCommand('java', 'install Java 17 or later (Debian: `apt-get install -y openjdk-17-jre-headless`)');
      await requireCommand('mvn', 'install Maven (Debian: `apt-get install -y maven`)');
      await onceFor(libs, [pom], async () => {
        report('downloading the broker jars from Maven Central (first run only)');
        rmSync(libs, { recursive: true, force: true });
        await run('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`]);
      });
      writeFileSync(properties, serverProperties);
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        report('formatting the KRaft log directory');
        const clusterId = (await java(['kafka.tools.StorageTool', 'random-uuid'])).trim().split('\n').pop() ?? '';
        await java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, '--ignore-formatted']);
      }
    },
    async start() {
      spawnDaemon(
        'java',
        [
          `-Xmx${heap}`,
          '-Xms256m',
          '-XX:+UseG1GC',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${join(config.root, 'infra/kafka/log4j2.properties')}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          properties,
        ],
        log,
        pid,
      );
    },
    async stop() {
      const running = readPid(pid);
      if (running) await stopProcess(running, 60_000);
      removeFile(pid);
    },
    isOwned: () => readPid(pid) !== undefined,
    dataDirs: () => [dataDir],
  };
}
