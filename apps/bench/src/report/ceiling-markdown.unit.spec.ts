import { describe, expect, it } from 'vitest';
import type { Ceiling } from '../ceiling/ceiling.js';
import type { PhaseCpu } from '../ceiling/cpu.js';
import { renderCeiling } from './ceiling-markdown.js';

const latency = { avg: 5, max: 50, p50: 4, p95: 9, p99: 20, p99_9: 40 };
const size = { sampled: 500, keyBytes: 36, valueBytes: 150, headerBytes: 66, recordBytes: 252 };
const ceiling: Ceiling = {
  plan: { kafka: { records: 1_000, latencyMessages: 10 }, postgres: { seconds: 1, copyRows: 100 }, redis: { requests: 100 } },
  seconds: 60,
  sizes: { command: size, event: { ...size, valueBytes: 170, recordBytes: 272 }, rowBytes: 256 },
  chunk: { size: 500, concurrency: 3 },
  kafka: {
    producerIdempotent: { records: 1_000, recordsPerSec: 40_000, mbPerSec: 9.6, latencyMs: latency, recordBytes: 252 },
    producerTransactional: {
      records: 1_000,
      recordsPerSec: 30_000,
      mbPerSec: 7.8,
      latencyMs: latency,
      recordBytes: 272,
      transactionDurationMs: 13,
      recordsPerTransaction: 390,
    },
    consumerReadCommitted: {
      records: 1_000,
      mb: 0.3,
      recordsPerSec: 900,
      mbPerSec: 0.2,
      fetchRecordsPerSec: 90_000,
      fetchMbPerSec: 23,
      rebalanceMs: 3_000,
      fetchMs: 11,
    },
    exactlyOnceCopy: {
      instances: 6,
      copied: 1_000,
      transactions: 4,
      recordsPerTransaction: 250,
      seconds: 1,
      recordsPerSec: 1_000,
      recordBytes: 252,
      transactionSize: 500,
    },
    endToEndLatency: { messages: 10, avgMs: 1.5, p50Ms: 1, p99Ms: 3, p99_9Ms: 3, recordBytes: 252 },
    commands: ['java … ProducerPerformance'],
  },
  postgres: {
    insert: {
      clients: 3,
      transactions: 30,
      failed: 0,
      tps: 40,
      latencyAvgMs: 75,
      statements: [
        { latencyMs: 0.004, command: '\\set offset random(0, 1000000000000)' },
        { latencyMs: 5, command: 'select array_agg(encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing' },
        {
          latencyMs: 70,
          command:
            'insert into orders (id, customer_id, currency, items, total_cents, accepted_at, request_event_id, source_topic, source_partition, source_offset)',
        },
      ],
      rowsPerStatement: 500,
      rowsPerSec: 20_000,
      rowBytes: 256,
    },
    copy: { rows: 100, ms: 2, rowsPerSec: 50_000 },
    commands: ['pgbench …'],
  },
  redis: {
    settle: { test: 'EVALSHA', requestsPerSec: 60_000, latencyMs: latency, pipeline: 500, clients: 3, valueBytes: 230 },
    commands: ['redis-benchmark …'],
  },
  kafkaToolsVersion: '4.1.2',
};
const phase = (name: string, busyShare: number): PhaseCpu => ({
  phase: name,
  wallSec: 10,
  orders: 10_000,
  processes: [{ name: 'order-api', cpuSec: 5, perThousandOrders: 0.5 }],
  listedCpuSec: 5,
  machineCpuSec: 19,
  capacitySec: 20,
  busyShare,
  verdict: busyShare >= 0.9 ? 'CPU-bound' : 'waiting',
});

describe('renderCeiling', () => {
  const markdown = renderCeiling({
    ceiling: {
      ...ceiling,
      fractions: [
        { figure: 'processor catch-up (orders/s)', ouro: 5_000, ceiling: 'pgbench', ceilingValue: 20_000, unit: 'rows/s', fraction: 0.25 },
      ],
    },
    cpu: [
      phase('processor catch-up', 0.95),
      phase('end to end · 500/s', 0.5),
      { ...phase('console · idle', 0.1), orders: 0, processes: [{ name: 'order-api', cpuSec: 1, perThousandOrders: Number.NaN }] },
    ],
  }).join('\n');

  it('shows the ceilings, the fractions and the commands', () => {
    expect(markdown).toContain('| Kafka ProducerPerformance, acks=all, idempotent, 252 B records | 40000 records/s (9.6 MB/s) |');
    expect(markdown).toContain('of which the insert 70 ms and generating fresh ids 5 ms');
    expect(markdown).toContain('| processor catch-up (orders/s) | 5000 | pgbench | 20000 rows/s | **25%** |');
    expect(markdown).toContain('pgbench …');
  });

  it('gives each phase its CPU per 1,000 orders, what else ran, and its verdict', () => {
    expect(markdown).toContain('| processor catch-up | 10 | 10,000 | 0.5 | 1.4 | 0.5 | 19 of 20 CPU s (95%) | **CPU-bound** |');
    expect(markdown).toContain('| end to end · 500/s | 10 | 10,000 | 0.5 | 1.4 | 0.5 | 19 of 20 CPU s (50%) | waiting |');
    // a phase without orders has no per-order figure, rather than NaN and Infinity
    expect(markdown).toContain('| console · idle | 10 | 0 | — | — | — | 19 of 20 CPU s (10%) | waiting |');
  });

  it('says so when Ouro went past a tool’s figure, which then is no ceiling', () => {
    const past = renderCeiling({
      ceiling: {
        ...ceiling,
        fractions: [
          { figure: 'processor catch-up (orders/s)', ouro: 8_000, ceiling: 'copier', ceilingValue: 800, unit: 'records/s', fraction: 10 },
        ],
      },
    }).join('\n');

    expect(past).toContain(
      '| processor catch-up (orders/s) | 8000 | copier | 800 records/s | **1000%** (Ouro went past it: that tool, as run here, bounds nothing) |',
    );
    expect(markdown).not.toContain('Ouro went past it');
  });

  it('says so when the ceiling phase failed, and still shows the CPU of the phases before it', () => {
    const failed = renderCeiling({
      ceilingError: 'ConsumerPerformance read 90000 of 100000 records',
      cpu: [phase('processor catch-up', 0.95)],
    }).join('\n');

    expect(failed).toContain('**The ceiling phase failed**');
    expect(failed).toContain('ConsumerPerformance read 90000 of 100000 records');
    expect(failed).toContain('| processor catch-up | 10 | 10,000 |');
    expect(failed).not.toContain('### Ouro as a fraction of its ceiling');
  });

  it('renders nothing for a run without a ceiling phase', () => {
    expect(renderCeiling({})).toEqual([]);
  });
});
