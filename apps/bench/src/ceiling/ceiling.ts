// The ceiling phase: what this machine does with Kafka's, PostgreSQL's and Redis's own tools, on the
// same stack, in the same run and with the same record sizes as Ouro's, so that each Ouro figure can
// be read as a fraction of what the machine allows.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConnections, loadProcessorConfig } from '@ouro/config';
import { ensureClientTools, ensureKafkaTools, type StackConfig } from '@ouro/infra';
import type { CpuMeter } from './cpu.js';
import { type KafkaCeiling, type KafkaCeilingPlan, measureKafkaCeiling } from './kafka-ceiling.js';
import { measurePostgresCeiling, type PostgresCeiling, type PostgresCeilingPlan } from './postgres-ceiling.js';
import { type RecordSize, sampleRecordSize, sampleStoredOrders } from './record-sizes.js';
import { measureRedisCeiling, type RedisCeiling, type RedisCeilingPlan } from './redis-ceiling.js';

export interface CeilingPlan {
  readonly kafka: KafkaCeilingPlan;
  readonly postgres: PostgresCeilingPlan;
  readonly redis: RedisCeilingPlan;
}

export const ceilingPlans: Readonly<Record<'quick' | 'full', CeilingPlan>> = {
  quick: {
    kafka: { records: 100_000, latencyMessages: 500 },
    postgres: { seconds: 5, copyRows: 50_000 },
    redis: { requests: 200_000 },
  },
  full: {
    kafka: { records: 500_000, latencyMessages: 2_000 },
    postgres: { seconds: 15, copyRows: 200_000 },
    redis: { requests: 1_000_000 },
  },
};

export interface Ceiling {
  readonly plan: CeilingPlan;
  readonly seconds: number;
  /** Ouro's records as this run's apps wrote them. */
  readonly sizes: { readonly command: RecordSize; readonly event: RecordSize; readonly rowBytes: number };
  /** The processor's shape the tools are set to: rows and records per chunk, transactions in flight (one per partition group). */
  readonly chunk: { readonly size: number; readonly concurrency: number };
  readonly kafka: KafkaCeiling;
  readonly postgres: PostgresCeiling;
  readonly redis: RedisCeiling;
  readonly kafkaToolsVersion: string;
}

interface CeilingInput {
  readonly stack: StackConfig;
  readonly stamp: string;
  readonly quick: boolean;
  /** The deployment whose apps ran in this run: its topics and rows give the sizes. */
  readonly source: {
    readonly commandsTopic: string;
    readonly eventsTopic: string;
    readonly partitions: number;
    readonly env: Readonly<Record<string, string>>;
  };
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}

export async function measureCeiling({ stack, stamp, quick, source, cpu, say }: CeilingInput): Promise<Ceiling> {
  const started = performance.now();
  const plan = ceilingPlans[quick ? 'quick' : 'full'];
  const connections = loadConnections();
  const processor = loadProcessorConfig({ ...process.env, ...source.env });
  // One transaction at a time per partition group, and only groups that hold a partition ever run one.
  const chunk = { size: processor.maxBatchSize, concurrency: Math.min(processor.partitionGroups, source.partitions) };
  const tools = await ensureKafkaTools(stack, (line) => say(`  ${line}`));
  const clientTools = await ensureClientTools((line) => say(`  ${line}`));
  const workDir = join(stack.stateDir, 'ceiling', stamp);

  const [command, event, stored] = await Promise.all([
    sampleRecordSize(connections.kafkaBrokers, source.commandsTopic),
    sampleRecordSize(connections.kafkaBrokers, source.eventsTopic),
    sampleStoredOrders(connections.databaseUrl, source.commandsTopic),
  ]);
  say(`  sizes: OrderCreationRequested ${command.recordBytes} B, OrderCreated ${event.recordBytes} B, row ${stored.rowBytes} B`);

  const kafka = await measureKafkaCeiling({
    root: stack.root,
    tools,
    brokers: connections.kafkaBrokers,
    prefix: `bench-ceiling-${stamp}`,
    partitions: source.partitions,
    groups: chunk.concurrency,
    transactionSize: chunk.size,
    sizes: { command: command.recordBytes, event: event.recordBytes },
    plan: plan.kafka,
    workDir,
    cpu,
    say,
  });
  const postgres = await measurePostgresCeiling({
    root: stack.root,
    tools: clientTools,
    databaseUrl: connections.databaseUrl,
    sample: stored,
    batchSize: chunk.size,
    clients: chunk.concurrency,
    schema: `bench_ceiling_${stamp.toLowerCase().replace(/[^a-z0-9]/g, '_')}`,
    plan: plan.postgres,
    workDir,
    cpu,
    say,
  });
  const redis = await measureRedisCeiling({
    root: stack.root,
    tools: clientTools,
    redisUrl: connections.redisUrl,
    order: stored.orders[0],
    pipeline: chunk.size,
    clients: chunk.concurrency,
    plan: plan.redis,
    workDir,
    cpu,
    say,
  });
  return {
    plan,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    sizes: { command, event, rowBytes: stored.rowBytes },
    chunk,
    kafka,
    postgres,
    redis,
    kafkaToolsVersion: tools.version,
  };
}
