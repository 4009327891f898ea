import type { CommittedTransaction, FailureKind, ProcessorObserver } from '@ouro/messaging';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** From the API's 202 to the commit: seconds, up to the convergence bound and past it. */
const freshnessBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const chunkBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A step of a transaction: a broker or database round trip or a few, or a wait. */
const phaseBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * The processor's Prometheus metrics, fed by the runtime's observer events (and the order handler,
 * for freshness). Names follow Prometheus conventions: `ouro_` prefix, base units, `_total` counters.
 */
export class ProcessorMetrics implements ProcessorObserver {
  readonly registry = new Registry();
  private readonly lag: Gauge<'partition'>;
  private readonly lastCommit: Gauge<'partition'>;
  private readonly queuedAfterCommit: Gauge<'group'>;
  private readonly assigned: Gauge;
  private readonly member: Gauge;
  private readonly chunks: Counter;
  private readonly messages: Counter;
  private readonly records: Counter;
  private readonly transactions: Counter<'outcome'>;
  private readonly verifications: Counter<'group'>;
  private readonly failures: Counter<'kind'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly chunkDuration: Histogram;
  private readonly phaseDuration: Histogram<'phase'>;
  private readonly freshness: Histogram;
  private held: readonly number[] = [];

  constructor(private readonly clock: () => number = Date.now) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.lag = new Gauge({
      name: 'ouro_processor_consumer_lag',
      help: 'Messages behind the end of the partition, as of the last batch fetched or chunk committed',
      labelNames: ['partition'],
      registers,
    });
    this.lastCommit = new Gauge({
      name: 'ouro_processor_last_commit_timestamp_seconds',
      help: 'When this member last committed a transaction for the partition (Unix time)',
      labelNames: ['partition'],
      registers,
    });
    this.queuedAfterCommit = new Gauge({
      name: 'ouro_processor_after_commit_queued',
      // The runtime reports the queue's size when work is added, not when it drains: between chunks this is an upper bound.
      help: 'Orders whose after-commit step (cache, announce watermark) waited behind the partition group when its last chunk was queued',
      labelNames: ['group'],
      registers,
    });
    this.assigned = new Gauge({
      name: 'ouro_processor_assigned_partitions',
      help: 'Partitions of the commands topic this member holds',
      registers,
    });
    this.member = new Gauge({
      name: 'ouro_processor_group_member',
      help: '1 while this member is in its consumer group, else 0',
      registers,
    });
    this.chunks = new Counter({
      name: 'ouro_processor_chunks_total',
      help: 'Chunks committed: one Kafka transaction each, over the partitions of one partition group',
      registers,
    });
    this.messages = new Counter({
      name: 'ouro_processor_orders_processed_total',
      help: 'Commands consumed and committed (stored, skipped as duplicates or dead-lettered)',
      registers,
    });
    this.records = new Counter({
      name: 'ouro_processor_records_written_total',
      help: 'Records written in committed transactions (OrderCreated and dead letters)',
      registers,
    });
    this.transactions = new Counter({
      name: 'ouro_processor_transactions_total',
      help: 'Attempts at a transaction by outcome: committed, or failed (its transaction, if begun, aborted; the chunk is retried)',
      labelNames: ['outcome'],
      registers,
    });
    this.verifications = new Counter({
      name: 'ouro_processor_group_verifications_total',
      help: "Partition groups verified (fences): the group's transactional id fenced with a new producer, its partitions' committed offsets read",
      labelNames: ['group'],
      registers,
    });
    this.failures = new Counter({
      name: 'ouro_processor_attempt_failures_total',
      help: 'Failed attempts by kind of failure (transient, fenced, environment, message); each is retried',
      labelNames: ['kind'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'ouro_processor_dead_letters_total',
      help: 'Commands dead-lettered, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.chunkDuration = new Histogram({
      name: 'ouro_processor_chunk_duration_seconds',
      help: "From a chunk's first attempt to its commit",
      buckets: chunkBuckets,
      registers,
    });
    this.phaseDuration = new Histogram({
      name: 'ouro_processor_transaction_phase_seconds',
      help: "Where a committed transaction's time went, by phase: waiting (for the group, earlier attempts), verify, build (decoding, PostgreSQL, encoding), send (records), offsets, commit",
      labelNames: ['phase'],
      buckets: phaseBuckets,
      registers,
    });
    this.freshness = new Histogram({
      name: 'ouro_order_freshness_seconds',
      help: "From an order's acceptedAt (the API's 202) to the commit of the transaction that announced it",
      buckets: freshnessBuckets,
      registers,
    });
    this.member.set(0);
    this.assigned.set(0);
    // Both outcomes exist from the start, so a rate over them is defined before the first failure.
    this.transactions.inc({ outcome: 'committed' }, 0);
    this.transactions.inc({ outcome: 'failed' }, 0);
  }

  joined(partitions: readonly number[]): void {
    for (const partition of this.held) {
      if (partitions.includes(partition)) continue;
      const labels = { partition: String(partition) };
      this.lag.remove(labels);
      this.lastCommit.remove(labels);
    }
    this.held = [...partitions];
    this.member.set(1);
    this.assigned.set(partitions.length);
  }

  left(): void {
    this.joined([]);
    this.queuedAfterCommit.reset();
    this.member.set(0);
  }

  verified(group: number): void {
    this.verifications.inc({ group: String(group) });
  }

  fetched(partition: number, lag: number): void {
    this.lag.set({ partition: String(partition) }, lag);
  }

  committed({ parts, records, durationMs, phasesMs }: CommittedTransaction): void {
    const now = this.clock() / 1000;
    for (const { partition, messages, deadLetters, lag } of parts) {
      const labels = { partition: String(partition) };
      this.lag.set(labels, lag);
      this.lastCommit.set(labels, now);
      this.messages.inc(messages);
      for (const reason of deadLetters) this.deadLetters.inc({ reason });
    }
    this.chunks.inc();
    this.transactions.inc({ outcome: 'committed' });
    this.records.inc(records);
    this.chunkDuration.observe(durationMs / 1000);
    for (const [phase, ms] of Object.entries(phasesMs)) this.phaseDuration.observe({ phase }, ms / 1000);
  }

  failed({ kind }: { readonly kind: FailureKind }): void {
    this.transactions.inc({ outcome: 'failed' });
    this.failures.inc({ kind });
  }

  queued(group: number, size: number): void {
    this.queuedAfterCommit.set({ group: String(group) }, size);
  }

  /** One order announced: `seconds` from its acceptance to the commit. */
  fresh(seconds: number): void {
    this.freshness.observe(Math.max(0, seconds));
  }
}
