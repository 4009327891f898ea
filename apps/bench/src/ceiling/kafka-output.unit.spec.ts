import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  combineCopiers,
  parseConsumerPerformance,
  parseEndToEndLatency,
  parseExactlyOnceCopy,
  parseProducerPerformance,
} from './kafka-output.js';

// Output of kafka-tools 4.1.2 against the stack's broker, captured as the tools printed it.
const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', name), 'utf8');

describe('parseProducerPerformance', () => {
  it('reads the summary line: rate, MB/s and latency percentiles', () => {
    expect(parseProducerPerformance(sample('producer-performance.txt'))).toEqual({
      records: 3000,
      recordsPerSec: 6172.8,
      mbPerSec: 1.47,
      latencyMs: { avg: 58.75, max: 396, p50: 47, p95: 96, p99: 104, p99_9: 107 },
    });
  });

  it('reads a transactional run the same way', () => {
    expect(parseProducerPerformance(sample('producer-performance-transactional.txt')).recordsPerSec).toBe(3218.9);
  });

  it('refuses output without the summary (a run that failed)', () => {
    expect(() =>
      parseProducerPerformance('1500 records sent, 300.0 records/sec (0.07 MB/sec), 5.0 ms avg latency, 9.0 ms max latency.\n'),
    ).toThrow(/no summary/);
  });
});

describe('parseConsumerPerformance', () => {
  it('reads the figures by the header’s column names, fetching apart from the group join', () => {
    expect(parseConsumerPerformance(sample('consumer-performance.txt'))).toEqual({
      records: 3000,
      mb: 0.8583,
      recordsPerSec: 2793.2961,
      mbPerSec: 0.7992,
      fetchRecordsPerSec: 9174.3119,
      fetchMbPerSec: 2.6248,
      rebalanceMs: 747,
      fetchMs: 327,
    });
  });

  it('refuses output without figures', () => {
    expect(() => parseConsumerPerformance('WARNING: Exiting before consuming the expected number of messages\n')).toThrow(/no figures/);
  });
});

describe('parseExactlyOnceCopy', () => {
  it('reads the copy’s line: its span after initTransactions, its records and transactions', () => {
    const copy = parseExactlyOnceCopy(sample('exactly-once-copy.txt'));

    expect(copy).toEqual({
      transactionalId: 'ceil-eos-test-11408.copier-0',
      startedAt: 1796053079487,
      endedAt: 1796053083825,
      copied: 9916,
      transactions: 11,
    });
  });

  it('refuses a copy that did not run to its end (no line)', () => {
    expect(() => parseExactlyOnceCopy('Exception in thread "main" org.apache.kafka.common.errors.ProducerFencedException\n')).toThrow(
      /did not run to its end/,
    );
  });
});

describe('combineCopiers', () => {
  it('divides every copier’s records by the span from the first start to the last end', () => {
    const combined = combineCopiers([
      { transactionalId: 'a', startedAt: 1_000, endedAt: 3_000, copied: 1_000, transactions: 2 },
      { transactionalId: 'b', startedAt: 2_000, endedAt: 5_000, copied: 3_000, transactions: 6 },
    ]);

    expect(combined).toEqual({
      instances: 2,
      copied: 4_000,
      transactions: 8,
      recordsPerTransaction: 500,
      seconds: 4,
      recordsPerSec: 1_000,
    });
  });
});

describe('parseEndToEndLatency', () => {
  it('reads the average and the whole-millisecond percentiles', () => {
    expect(parseEndToEndLatency(sample('end-to-end-latency.txt'), 100)).toEqual({
      messages: 100,
      avgMs: 16.1428,
      p50Ms: 6,
      p99Ms: 301,
      p99_9Ms: 301,
    });
  });
});
