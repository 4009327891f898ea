// Kafka's ceiling on this machine, measured with Kafka's own tools at the broker's release, on
// topics set up as Ouro's (same partitions and replication) and with records of Ouro's sizes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaTools } from '@ouro/infra';
import { createKafka, ensureTopics, groupOf } from '@ouro/messaging';
import { replicationFor } from '@ouro/provisioning';
import type { CpuMeter } from './cpu.js';
import {
  type ConsumerFigures,
  combineCopiers,
  type LatencyFigures,
  type ProducerFigures,
  parseConsumerPerformance,
  parseEndToEndLatency,
  parseExactlyOnceCopy,
  parseProducerPerformance,
} from './kafka-output.js';
import { runTool } from './tool-process.js';

export interface KafkaCeilingPlan {
  /** Records per producer run (and so per consumer and copy run). */
  readonly records: number;
  /** Messages EndToEndLatency sends, one at a time. */
  readonly latencyMessages: number;
}

export interface KafkaCeiling {
  readonly producerIdempotent: ProducerFigures & { readonly recordBytes: number };
  readonly producerTransactional: ProducerFigures & {
    readonly recordBytes: number;
    readonly transactionDurationMs: number;
    /** The records one transaction held at the measured rate: rate × duration (a lower bound: the rate includes the commits). */
    readonly recordsPerTransaction: number;
  };
  readonly consumerReadCommitted: ConsumerFigures;
  readonly exactlyOnceCopy: ReturnType<typeof combineCopiers> & { readonly recordBytes: number; readonly transactionSize: number };
  readonly endToEndLatency: LatencyFigures & { readonly recordBytes: number };
  readonly commands: readonly string[];
}

interface KafkaCeilingInput {
  readonly root: string;
  readonly tools: KafkaTools;
  readonly brokers: readonly string[];
  /** Names the topics, transactional ids and groups of this run. */
  readonly prefix: string;
  readonly partitions: number;
  /** The processor's partition groups: one transaction at a time per group, over its partitions. */
  readonly groups: number;
  /** Ouro's transaction size: a chunk of commands. */
  readonly transactionSize: number;
  readonly sizes: { readonly command: number; readonly event: number };
  readonly plan: KafkaCeilingPlan;
  readonly workDir: string;
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}

export async function measureKafkaCeiling(input: KafkaCeilingInput): Promise<KafkaCeiling> {
  const { root, tools, brokers, prefix, partitions, groups, transactionSize, sizes, plan, workDir, cpu, say } = input;
  const bootstrap = brokers.join(',');
  const topics = {
    commands: `${prefix}.commands`,
    events: `${prefix}.events`,
    copies: `${prefix}.copies`,
    latency: `${prefix}.latency`,
  };
  const commands: string[] = [`# Kafka's tools ${tools.version}, once: ${tools.installCommand}`];
  mkdirSync(workDir, { recursive: true });
  /** One run of one tool; its whole output is kept in the work directory under `name`. */
  /** `main`: a class of Kafka's tools, or a Java source file (run from source). */
  const java = async (name: string, main: string, args: readonly string[], heap = '512m'): Promise<string> => {
    const run = await runTool(
      root,
      'java',
      [`-Xmx${heap}`, tools.log4jOption, '-cp', tools.classpath, main.endsWith('.java') ? main : `org.apache.kafka.tools.${main}`, ...args],
      {
        keep: join(workDir, `${name}.txt`),
      },
    );
    commands.push(run.command);
    return run.stdout;
  };
  const readCommitted = join(workDir, 'read-committed.properties');
  writeFileSync(readCommitted, 'isolation.level=read_committed\n');

  const admin = createKafka({ brokers, clientId: 'bench-ceiling' }).admin();
  await admin.connect();
  try {
    const { brokers: nodes } = await admin.describeCluster();
    const replication = replicationFor(nodes.length);
    await ensureTopics(
      admin,
      Object.values(topics).map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: replication.replicationFactor,
        configs: { 'min.insync.replicas': String(replication.minInsyncReplicas) },
      })),
    );

    // As order-api writes commands: acks=all, idempotent.
    const producerProps = ['--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true'];
    const produce = (topic: string, recordBytes: number, extra: readonly string[] = []) => [
      '--topic',
      topic,
      '--num-records',
      String(plan.records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      ...extra,
      ...producerProps,
    ];
    say(`  ProducerPerformance, idempotent: ${plan.records.toLocaleString('en')} records of ${sizes.command} B`);
    const idempotent = await cpu.around(
      'ceiling · ProducerPerformance, idempotent',
      async () =>
        parseProducerPerformance(await java('producer-idempotent', 'ProducerPerformance', produce(topics.commands, sizes.command))),
      (figures) => figures.records,
    );
    say(`    ${idempotent.recordsPerSec} records/s, p99 ${idempotent.latencyMs.p99} ms`);

    // As the processor writes events: in transactions as long as Ouro's chunk takes at the idempotent rate.
    const transactionDurationMs = Math.max(1, Math.round((transactionSize / idempotent.recordsPerSec) * 1000));
    say(`  ProducerPerformance, transactional (${transactionDurationMs} ms transactions): records of ${sizes.event} B`);
    const transactional = await cpu.around(
      'ceiling · ProducerPerformance, transactional',
      async () =>
        parseProducerPerformance(
          await java(
            'producer-transactional',
            'ProducerPerformance',
            produce(topics.events, sizes.event, [
              '--transactional-id',
              `${prefix}.producer`,
              '--transaction-duration-ms',
              String(transactionDurationMs),
            ]),
          ),
        ),
      (figures) => figures.records,
    );
    say(`    ${transactional.recordsPerSec} records/s, p99 ${transactional.latencyMs.p99} ms`);

    // As Ouro's readers read events: read_committed, from the transactional topic.
    say('  ConsumerPerformance, read_committed');
    const consumer = await cpu.around(
      'ceiling · ConsumerPerformance, read_committed',
      async () =>
        parseConsumerPerformance(
          await java('consumer-read-committed', 'ConsumerPerformance', [
            '--bootstrap-server',
            bootstrap,
            '--topic',
            topics.events,
            '--messages',
            String(plan.records),
            '--consumer.config',
            readCommitted,
            '--group',
            `${prefix}.consumer`,
            '--timeout',
            '30000',
          ]),
        ),
      (figures) => figures.records,
    );
    // A short read (the tool gives up after its timeout, and still prints figures) measured something else.
    if (consumer.records < plan.records) throw new Error(`ConsumerPerformance read ${consumer.records} of ${plan.records} records`);
    say(`    ${consumer.fetchRecordsPerSec} records/s while fetching`);

    // As the processor copies commands into events: exactly once, one transaction per poll over a
    // partition group's partitions (up to `transactionSize` records of each) with their offsets, one
    // copier per group, all at once. Kafka's TransactionalMessageCopier would be the tool, but it sets
    // batch.size=512 (one record per produce request) and takes no producer settings: ExactlyOnceCopy
    // is the same loop with the producer's defaults. The rate is taken on the copiers' own clocks,
    // from the first one's start of copying to the last one's last commit, so JVM start-ups and the
    // compilation of the source are not counted as copying.
    const members = Array.from({ length: groups }, (_, group) =>
      Array.from({ length: partitions }, (_, partition) => partition).filter(
        (partition) => groupOf(partition, { count: groups }) === group,
      ),
    ).filter((group) => group.length > 0);
    say(
      `  ExactlyOnceCopy × ${members.length} (one per partition group), up to ${transactionSize} records of each partition per transaction`,
    );
    const copy = await cpu.around(
      'ceiling · exactly-once copy',
      async () => {
        const outputs = await Promise.all(
          members.map((group, index) =>
            java(
              `exactly-once-copy-${index}`,
              tools.exactlyOnceCopySource,
              [
                bootstrap,
                topics.commands,
                topics.copies,
                group.join(','),
                `${prefix}.copier-${index}`,
                `${prefix}.copier`,
                String(transactionSize),
              ],
              '256m',
            ),
          ),
        );
        return combineCopiers(outputs.map(parseExactlyOnceCopy));
      },
      (figures) => figures.copied,
    );
    if (copy.copied !== plan.records) throw new Error(`the copiers copied ${copy.copied} of ${plan.records} records`);
    say(`    ${copy.recordsPerSec} records/s, ${copy.recordsPerTransaction} records per transaction`);

    say(`  EndToEndLatency: ${plan.latencyMessages} records, one at a time`);
    const latency = await cpu.around(
      'ceiling · EndToEndLatency',
      async () =>
        parseEndToEndLatency(
          await java('end-to-end-latency', 'EndToEndLatency', [
            bootstrap,
            topics.latency,
            String(plan.latencyMessages),
            'all',
            String(sizes.command),
            readCommitted,
          ]),
          plan.latencyMessages,
        ),
      (figures) => figures.messages,
    );
    say(`    average ${latency.avgMs} ms, p99 ${latency.p99Ms} ms`);

    return {
      producerIdempotent: { ...idempotent, recordBytes: sizes.command },
      producerTransactional: {
        ...transactional,
        recordBytes: sizes.event,
        transactionDurationMs,
        recordsPerTransaction: Math.round((transactional.recordsPerSec * transactionDurationMs) / 1000),
      },
      consumerReadCommitted: consumer,
      exactlyOnceCopy: { ...copy, recordBytes: sizes.command, transactionSize },
      endToEndLatency: { ...latency, recordBytes: sizes.command },
      commands,
    };
  } finally {
    // The records are this run's alone; nothing reads them again.
    await admin
      .deleteTopics({ topics: Object.values(topics) })
      .catch((error: unknown) => say(`  could not delete the ceiling's topics: ${(error as Error).message}`));
    await admin.disconnect();
  }
}
