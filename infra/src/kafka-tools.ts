import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';
import { onceFor, requireCommand } from './install.js';
import { run } from './process.js';
import type { Report } from './service.js';
import { brokerKafkaVersion } from './services/connect.js';

/** Where Kafka's command-line tools live, and how to start one. */
export interface KafkaTools {
  readonly version: string;
  /** The JVM classpath: the tools' own jars, never the broker's. */
  readonly classpath: string;
  /** Logging to stderr only: a tool's stdout is its result. */
  readonly log4jOption: string;
  /** The download, as it can be typed again from the repository. */
  readonly installCommand: string;
  /** The processor's exactly-once loop on Kafka's Java client, run from source (`java … ExactlyOnceCopy.java`). */
  readonly exactlyOnceCopySource: string;
}

const mvnArguments = (pom: string, version: string, libs: string) => [
  '-B',
  '-q',
  '-f',
  pom,
  'dependency:copy-dependencies',
  '-DincludeScope=runtime',
  `-Dkafka.version=${version}`,
  `-DoutputDirectory=${libs}`,
];

/** Two callers in one process share one Maven run. */
const downloads = new Map<string, Promise<void>>();

/**
 * Kafka's own tools (`org.apache.kafka:kafka-tools`, with ProducerPerformance, ConsumerPerformance,
 * EndToEndLatency, TransactionalMessageCopier) at the broker's release, downloaded once from Maven
 * Central into `.stack/kafka-tools/libs`. The broker's jars lack them and its classpath stays as it is.
 */
export async function ensureKafkaTools(config: StackConfig, report: Report = () => {}): Promise<KafkaTools> {
  const version = brokerKafkaVersion(config.root);
  const libs = join(config.stateDir, 'kafka-tools', 'libs');
  const pom = join(config.root, 'infra/kafka/tools/pom.xml');
  let download = downloads.get(libs);
  if (!download) {
    download = (async () => {
      await requireCommand('java', 'install Java 17 or later (Debian: `apt-get install -y openjdk-17-jre-headless`)');
      await requireCommand('mvn', 'install Maven (Debian: `apt-get install -y maven`)');
      // Running a source file compiles it first: a JDK, not only a runtime.
      await requireCommand('javac', 'install a JDK 17 or later (Debian: `apt-get install -y openjdk-17-jdk-headless`)');
      mkdirSync(libs, { recursive: true });
      await onceFor(libs, [pom, `kafka ${version}`], async () => {
        report(`downloading Kafka's tools ${version} from Maven Central (first run only)`);
        rmSync(libs, { recursive: true, force: true });
        await run('mvn', mvnArguments(pom, version, libs));
      });
    })();
    downloads.set(libs, download);
    download.catch(() => downloads.delete(libs));
  }
  await download;
  return {
    version,
    installCommand: ['mvn', ...mvnArguments(pom, version, libs)].join(' ').replaceAll(`${config.root}/`, ''),
    classpath: `${libs}/*`,
    log4jOption: `-Dlog4j2.configurationFile=${join(config.root, 'infra/kafka/tools/log4j2.properties')}`,
    exactlyOnceCopySource: join(config.root, 'infra/kafka/tools/ExactlyOnceCopy.java'),
  };
}
