import { describe, expect, it } from 'vitest';
import { ProcessorMetrics } from './metrics.js';

/** A sample's value by its name (a histogram's `_bucket` samples too) and labels. */
async function value(metrics: ProcessorMetrics, name: string, labels: Record<string, string> = {}) {
  const metric = await metrics.registry.getSingleMetric(name.replace(/_bucket$/, ''))?.get();
  const match = metric?.values.find(
    (entry) =>
      ((entry as { metricName?: string }).metricName ?? metric.name) === name &&
      Object.entries(labels).every(([key, wanted]) => String(entry.labels[key]) === wanted),
  );
  return match?.value;
}

describe('processor metrics from the runtime events', () => {
  it('counts commits, orders, records and dead letters, and sets lag and last commit per partition', async () => {
    const metrics = new ProcessorMetrics(() => 42_000);
    metrics.joined([0, 3]);
    metrics.fetched(3, 700);
    metrics.committed({ partition: 3, messages: 500, records: 499, deadLetters: ['rejected'], durationMs: 250, lag: 200 });

    expect(await value(metrics, 'ouro_processor_assigned_partitions')).toBe(2);
    expect(await value(metrics, 'ouro_processor_consumer_lag', { partition: '3' })).toBe(200);
    expect(await value(metrics, 'ouro_processor_last_commit_timestamp_seconds', { partition: '3' })).toBe(42);
    expect(await value(metrics, 'ouro_processor_chunks_total')).toBe(1);
    expect(await value(metrics, 'ouro_processor_orders_processed_total')).toBe(500);
    expect(await value(metrics, 'ouro_processor_records_written_total')).toBe(499);
    expect(await value(metrics, 'ouro_processor_transactions_total', { outcome: 'committed' })).toBe(1);
    expect(await value(metrics, 'ouro_processor_dead_letters_total', { reason: 'rejected' })).toBe(1);
  });

  it('counts failed attempts by kind, verifications, and freshness in a histogram', async () => {
    const metrics = new ProcessorMetrics();
    metrics.failed({ kind: 'transient' });
    metrics.failed({ kind: 'fenced' });
    metrics.failed({ kind: 'transient' });
    metrics.verified();
    metrics.fresh(0.3);
    metrics.fresh(7);

    expect(await value(metrics, 'ouro_processor_attempt_failures_total', { kind: 'transient' })).toBe(2);
    expect(await value(metrics, 'ouro_processor_transactions_total', { outcome: 'failed' })).toBe(3);
    expect(await value(metrics, 'ouro_processor_partition_verifications_total')).toBe(1);
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
