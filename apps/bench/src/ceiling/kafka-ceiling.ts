// Kafka's ceiling on this machine, measured with Kafka's own tools at the broker's release, on
// topics set up as Ouro's (same partitions and replication) and with records of Ouro's sizes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaTools } from '@ouro/infra';
import { createKafka, ensureTopics } from '@ouro/messaging';
import { replicationFor } from '@ouro/provisioning';
import type { CpuMeter } from './cpu.js';
import {
  type ConsumerFigures,
  combineCopiers,
  type LatencyFigures,
  type ProducerFigures,
  parseConsumerPerformance,
  parseCopier,
  parseEndToEndLatency,
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
  /** Ouro's transaction size: a chunk of commands. */
  readonly transactionSize: number;
  readonly sizes: { readonly command: number; readonly event: number };
  readonly plan: KafkaCeilingPlan;
  readonly workDir: string;
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}

export async function measureKafkaCeiling(input: KafkaCeilingInput): Promise<KafkaCeiling> {
  const { root, tools, brokers, prefix, partitions, transactionSize, sizes, plan, workDir, cpu, say } = input;
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
  const java = async (name: string, mainClass: string, args: readonly string[], heap = '512m'): Promise<string> => {
    const run = await runTool(
      root,
      'java',
      [`-Xmx${heap}`, tools.log4jOption, '-cp', tools.classpath, `org.apache.kafka.tools.${mainClass}`, ...args],
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

    // As the processor copies commands into events: exactly once, `transactionSize` records and their
    // offsets per transaction. The copier reads one partition; one copier per partition, all at
    // once, gives each transaction one partition's chunk as Ouro's has, and every partition moving
    // as in Ouro. The rate is taken on the copiers' own clocks, from the first one's start of copying
    // to the last one's end, so six JVM start-ups are not counted as copying.
    say(`  TransactionalMessageCopier × ${partitions} (one per partition), ${transactionSize} records per transaction`);
    const copy = await cpu.around(
      'ceiling · TransactionalMessageCopier',
      async () => {
        const outputs = await Promise.all(
          Array.from({ length: partitions }, (_, partition) =>
            java(
              `copier-${partition}`,
              'TransactionalMessageCopier',
              [
                '--broker-list',
                bootstrap,
                '--input-topic',
                topics.commands,
                '--input-partition',
                String(partition),
                '--output-topic',
                topics.copies,
                '--transaction-size',
                String(transactionSize),
                '--transactional-id',
                `${prefix}.copier-${partition}`,
                '--consumer-group',
                `${prefix}.copier`,
              ],
              '256m',
            ),
          ),
        );
        return combineCopiers(outputs.map(parseCopier));
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
