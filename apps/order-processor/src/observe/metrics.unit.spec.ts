import { describe, expect, it } from 'vitest';
import { ProcessorMetrics } from './metrics.js';

/** A sample's value by its name (a histogram's `_bucket`, `_count` and `_sum` samples too) and labels. */
async function value(metrics: ProcessorMetrics, name: string, labels: Record<string, string> = {}) {
  const metric = await metrics.registry.getSingleMetric(name.replace(/_(bucket|count|sum)$/, ''))?.get();
  const match = metric?.values.find(
    (entry) =>
      ((entry as { metricName?: string }).metricName ?? metric.name) === name &&
      Object.entries(labels).every(([key, wanted]) => String(entry.labels[key]) === wanted),
  );
  return match?.value;
}

describe('processor metrics from the runtime events', () => {
  it('counts a transaction over a partition group once, and its orders, lag and last commit per partition', async () => {
    // given a member holding partitions 0 and 3 (one partition group)
    const metrics = new ProcessorMetrics(() => 42_000);
    metrics.joined([0, 3]);
    metrics.fetched(3, 700);

    // when one transaction commits chunks of both
    metrics.committed({
      group: 0,
      parts: [
        { partition: 0, messages: 20, deadLetters: [], lag: 0 },
        { partition: 3, messages: 500, deadLetters: ['rejected'], lag: 200 },
      ],
      records: 519,
      durationMs: 250,
      phasesMs: { waiting: 40, verify: 0, build: 120, offsets: 30, send: 50, commit: 40 },
    });

    // then it is one chunk, one transaction, one duration; orders and dead letters add up over the parts
    expect(await value(metrics, 'ouro_processor_assigned_partitions')).toBe(2);
    expect(await value(metrics, 'ouro_processor_chunks_total')).toBe(1);
    expect(await value(metrics, 'ouro_processor_transactions_total', { outcome: 'committed' })).toBe(1);
    expect(await value(metrics, 'ouro_processor_chunk_duration_seconds_count')).toBe(1);
    expect(await value(metrics, 'ouro_processor_transaction_phase_seconds_sum', { phase: 'build' })).toBe(0.12);
    expect(await value(metrics, 'ouro_processor_transaction_phase_seconds_count', { phase: 'commit' })).toBe(1);
    expect(await value(metrics, 'ouro_processor_records_written_total')).toBe(519);
    expect(await value(metrics, 'ouro_processor_orders_processed_total')).toBe(520);
    expect(await value(metrics, 'ouro_processor_dead_letters_total', { reason: 'rejected' })).toBe(1);
    // and each partition has its own lag and last commit
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '3' })).toBe(200);
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '0' })).toBe(0);
    expect(await value(metrics, 'ouro_processor_last_commit_timestamp_seconds', { partition: '0' })).toBe(42);
    expect(await value(metrics, 'ouro_processor_last_commit_timestamp_seconds', { partition: '3' })).toBe(42);
  });

  it('counts failed attempts by kind, verifications (fences) by partition group, and freshness in a histogram', async () => {
    const metrics = new ProcessorMetrics();
    metrics.failed({ kind: 'transient' });
    metrics.failed({ kind: 'fenced' });
    metrics.failed({ kind: 'transient' });
    metrics.verified(2);
    metrics.queued(2, 40);
    metrics.fresh(0.3);
    metrics.fresh(7);

    expect(await value(metrics, 'ouro_processor_attempt_failures_total', { kind: 'transient' })).toBe(2);
    expect(await value(metrics, 'ouro_processor_transactions_total', { outcome: 'failed' })).toBe(3);
    expect(await value(metrics, 'ouro_processor_group_verifications_total', { group: '2' })).toBe(1);
    expect(await value(metrics, 'ouro_processor_after_commit_queued', { group: '2' })).toBe(40);
    expect(await value(metrics, 'ouro_order_freshness_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(await value(metrics, 'ouro_order_freshness_seconds_bucket', { le: '10' })).toBe(2);
  });

  it('drops the partitions a rebalance took away, and reads 0 members when it left', async () => {
    const metrics = new ProcessorMetrics();
    metrics.joined([0, 1]);
    metrics.fetched(0, 5);
    metrics.fetched(1, 9);
    metrics.joined([1]);
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '0' })).toBeUndefined();
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '1' })).toBe(9);
    metrics.left();
    expect(await value(metrics, 'ouro_processor_group_member')).toBe(0);
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '1' })).toBeUndefined();
  });
});
