import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StackConfig } from '../config.js';
import { connectFiles, connectWorkerProperties } from '../connect-worker.js';
import { onceFor, requireCommand } from '../install.js';
import { java21Binary, provisionJava21 } from '../java21.js';
import { daemonLifecycle, readPid, run, spawnDaemon } from '../process.js';
import type { Report, Service } from '../service.js';
import { kafkaServices } from './kafka.js';

const connectPoms = ['pom.xml', 'worker/pom.xml', 'debezium-postgres/pom.xml', 'apicurio-converter/pom.xml'];
const converterManifest = 'apicurio-converter/src/main/resources/META-INF/services/org.apache.kafka.connect.storage.Converter';

/** The Kafka release the broker runs (infra/kafka/pom.xml): the worker must be the same one. */
export function brokerKafkaVersion(root: string): string {
  const pom = readFileSync(join(root, 'infra/kafka/pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]?.trim();
  if (!version) throw new Error('infra/kafka/pom.xml declares no <kafka.version>');
  return version;
}

/** A test's worker and the stack's may provision at once; one Maven run serves both. */
const jarDownloads = new Map<string, Promise<void>>();

function ensureJars(config: StackConfig, libs: string, report: Report): Promise<void> {
  let download = jarDownloads.get(libs);
  if (!download) {
    const connectDir = join(config.root, 'infra/connect');
    const inputs = [...connectPoms, converterManifest].map((file) => join(connectDir, file));
    const kafkaVersion = brokerKafkaVersion(config.root);
    download = onceFor(libs, [...inputs, `kafka ${kafkaVersion}`], async () => {
      report(`downloading Kafka Connect ${kafkaVersion}, Debezium and the Avro converter from Maven Central (first run only)`);
      rmSync(libs, { recursive: true, force: true });
      mkdirSync(libs, { recursive: true });
      await run('mvn', [
        '-B',
        '-q',
        '-f',
        join(connectDir, 'pom.xml'),
        'package',
        'dependency:copy-dependencies',
        `-Dkafka.version=${kafkaVersion}`,
        `-Dconnect.libs=${libs}`,
      ]);
      rmSync(join(libs, '.build'), { recursive: true, force: true });
    });
    jarDownloads.set(libs, download);
    download.catch(() => jarDownloads.delete(libs));
  }
  return download;
}

/** The pid of the worker this stack started at its port, if it runs: to read its memory from /proc, say. */
export function connectWorkerPid(config: StackConfig): number | undefined {
  const files = connectFiles(config);
  return readPid(files.pidFile, files.properties);
}

/** Connect keeps its state in Kafka: without a broker it cannot start. */
async function kafkaAnswers(config: StackConfig): Promise<boolean> {
  const answers = await Promise.all(kafkaServices(config).map((node) => node.isReady().catch(() => false)));
  return answers.some(Boolean);
}

/**
 * Kafka Connect in distributed mode (one worker) with the Debezium PostgreSQL connector and the
 * Apicurio Avro converter as isolated plugins, all from Maven Central, on the Java 21 the stack
 * provides for the registry (Debezium 3.6's jars are Java 17 bytecode: it runs on either). Part of
 * the stack only when asked (`--with cdc`).
 */
export function connectService(config: StackConfig): Service {
  const { url, port, heap } = config.connect;
  const files = connectFiles(config);
  const libs = dirname(files.workerLibs);
  const log4j = `-Dlog4j2.configurationFile=${join(config.root, 'infra/connect/log4j2.properties')}`;
  const ownedPid = () => readPid(files.pidFile, files.properties);
  const properties = () => connectWorkerProperties(config, files);
  const written = () => (existsSync(files.properties) ? readFileSync(files.properties, 'utf8') : undefined);

  return {
    name: 'connect',
    address: url,
    logFile: files.logFile,
    startTimeoutMs: 120_000,
    needs: ['kafka'],
    hints: [
      `port ${port} taken by another program (\`ss -ltnp\`)`,
      'Kafka not answering: Connect keeps its configs, offsets and statuses in Kafka topics',
      'the Java 21 runtime could not be downloaded from PyPI (needs python3 + pip), or JAVA21_HOME is wrong',
      'the jar download from Maven Central failed (run again; `mvn` output is in the error above)',
    ],
    async isReady() {
      const response = await fetch(`${url}/connectors`, { signal: AbortSignal.timeout(1_000) });
      return response.ok && Array.isArray(await response.json());
    },
    async provision(report) {
      await requireCommand('mvn', 'install Maven (Debian: `apt-get install -y maven`)');
      await Promise.all([provisionJava21(config, report), ensureJars(config, libs, report)]);
      for (const plugin of ['debezium-postgres', 'apicurio-converter']) {
        const dir = join(files.pluginPath, plugin);
        if (!existsSync(dir) || readdirSync(dir).length === 0) {
          throw new Error(`${dir} is empty: run \`npm run stack -- reset --all\`, then up again`);
        }
      }
      mkdirSync(files.home, { recursive: true });
      writeFileSync(files.properties, properties());
    },
    async start() {
      if (!(await kafkaAnswers(config))) {
        throw new Error(`Kafka does not answer at ${config.kafka.host}:${config.kafka.port}: start it first (\`npm run stack -- up\`)`);
      }
      spawnDaemon(
        java21Binary(config),
        [
          `-Xmx${heap}`,
          '-XX:+UseSerialGC',
          '-Djava.awt.headless=true',
          log4j,
          '-cp',
          `${files.workerLibs}/*`,
          'org.apache.kafka.connect.cli.ConnectDistributed',
          files.properties,
        ],
        files.logFile,
        files.pidFile,
      );
    },
    // Stopped gracefully: each task stops and Debezium flushes its last offsets before the worker leaves.
    ...daemonLifecycle(files.pidFile, ownedPid),
    // Started with other worker properties than this version writes (say, another flush interval).
    isOutdated: () => ownedPid() !== undefined && written() !== properties(),
    // Its state is in Kafka's topics (and the replication slots in PostgreSQL): a reset of those clears it.
    dataDirs: () => [files.home],
  };
}
