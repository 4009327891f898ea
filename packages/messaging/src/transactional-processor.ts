import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { type OutgoingRecord, toTopicMessages } from './batching-producer.js';
import { type Logger, silentLogger } from './logger.js';

export interface InputMessage<T> {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  readonly headers: IHeaders;
}

export interface HandlerResult {
  /** Written in the same Kafka transaction as the consumed offsets. */
  readonly records: readonly OutgoingRecord[];
  /**
   * Runs after the transaction committed, overlapping the partition's next chunk (one at a time, in
   * order); a failure here is logged, never retried into Kafka.
   */
  readonly afterCommit?: () => Promise<void>;
}

/** One handler shape: a chunk of one partition's messages in, the records to emit out. */
export type BatchHandler<T> = (messages: readonly InputMessage<T>[], partition: number) => Promise<HandlerResult>;

export interface TransactionalProcessorOptions<T> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  /** Transactional ids are `<prefix>-<topic>-<partition>`: one producer per input partition. */
  readonly transactionalIdPrefix: string;
  readonly decode: (value: Buffer | null) => Promise<T>;
  readonly handle: BatchHandler<T>;
  readonly maxBatchSize?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly retry?: BackoffPolicy;
  readonly logger?: Logger;
}

/**
 * Consume → handle → produce, exactly once, in the style of Kafka Streams' first EOS scheme (kafkajs
 * has no KIP-447): each input partition has its own transactional producer, so a new owner of a
 * partition fences the previous one (a "zombie" after a rebalance or a pause) by initialising the
 * same transactional id. The outputs and the consumed offset commit in one Kafka transaction.
 *
 * On (re)assignment a partition is first fenced, then its committed offset is read again: a zombie
 * that committed between the group's offset fetch and the fence would otherwise be processed twice.
 */
export class TransactionalProcessor<T> {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly producers = new Map<number, Producer>();
  /** Per partition, the after-commit step of its last transaction, still running behind the next chunk. */
  private readonly trailing = new Map<number, Promise<void>>();
  /** Partitions fenced and offset-checked since the last (re)join. */
  private readonly verified = new Set<number>();
  private readonly logger: Logger;
  private readonly retry: BackoffPolicy;

  constructor(private readonly options: TransactionalProcessorOptions<T>) {
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? { initialMs: 100, maxMs: 5_000 };
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 1_000,
      sessionTimeout,
      heartbeatInterval: Math.floor(sessionTimeout / 10),
    });
    this.admin = options.kafka.admin();
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.verified.clear();
      this.logger.info({ assignment: payload.memberAssignment }, 'joined the consumer group');
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Leaves the group cleanly; an open transaction is aborted by its producer's disconnect or times out. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await Promise.allSettled(this.trailing.values());
    await Promise.allSettled([...this.producers.values()].map((producer) => producer.disconnect()));
    this.producers.clear();
    await this.admin.disconnect();
  }

  private async producerFor(partition: number): Promise<Producer> {
    const existing = this.producers.get(partition);
    if (existing) return existing;
    const producer = this.options.kafka.producer({
      transactionalId: `${this.options.transactionalIdPrefix}-${this.options.topic}-${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 30_000,
    });
    await producer.connect();
    this.producers.set(partition, producer);
    return producer;
  }

  /** Drops a producer after a failed transaction: kafkajs can be left unusable by a failed abort. */
  private async discardProducer(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    await producer?.disconnect().catch(() => {});
  }

  /** Initialises the partition's transactional id: the broker aborts or completes a zombie's open transaction and fences it. */
  private async fence(partition: number): Promise<void> {
    const producer = await this.producerFor(partition);
    const transaction = await producer.transaction();
    await transaction.abort();
  }

  private async committedOffset(partition: number): Promise<bigint> {
    const [topic] = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
    const offset = topic?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
    return offset === '-1' ? 0n : BigInt(offset);
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    let messages: KafkaMessage[] = batch.messages;
    if (!this.verified.has(partition)) {
      await this.fence(partition);
      const committed = await this.committedOffset(partition);
      messages = messages.filter((message) => BigInt(message.offset) >= committed);
      this.verified.add(partition);
    }
    const size = this.options.maxBatchSize ?? 500;
    for (let start = 0; start < messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const chunk = messages.slice(start, start + size);
      const done = await this.processWithRetry(partition, chunk, heartbeat, isRunning);
      if (!done) return;
      resolveOffset(chunk[chunk.length - 1]?.offset ?? batch.lastOffset());
      await heartbeat();
    }
    resolveOffset(batch.lastOffset());
  }

  /** Retries a chunk until it commits; gives up only when the consumer is stopping (then the next owner redoes it). */
  private async processWithRetry(
    partition: number,
    chunk: KafkaMessage[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.processChunk(partition, chunk);
        return true;
      } catch (error) {
        this.logger.warn(
          { err: error, partition, firstOffset: chunk[0]?.offset, lastOffset: chunk[chunk.length - 1]?.offset, attempt },
          'batch failed; the transaction is aborted and the batch will be retried',
        );
        await this.discardProducer(partition);
        if (!isRunning()) return false;
        await sleep(backoffDelay(attempt, this.retry));
        await heartbeat();
      }
    }
  }

  private async processChunk(partition: number, chunk: KafkaMessage[]): Promise<void> {
    const inputs = await Promise.all(
      chunk.map(async (message) => ({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        headers: message.headers ?? {},
        value: await this.options.decode(message.value),
      })),
    );
    const { records, afterCommit } = await this.options.handle(inputs, partition);
    const producer = await this.producerFor(partition);
    const transaction = await producer.transaction();
    try {
      if (records.length > 0) {
        await transaction.sendBatch({ acks: -1, topicMessages: toTopicMessages(records) });
      }
      const last = chunk[chunk.length - 1];
      if (!last) return;
      await transaction.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [{ topic: this.options.topic, partitions: [{ partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => {});
      throw error;
    }
    // The records are visible now. Bookkeeping after the commit runs behind the partition's next
    // chunk instead of in front of it, at most one step deep: the previous one is awaited first.
    await this.trailing.get(partition);
    this.trailing.set(
      partition,
      (afterCommit?.() ?? Promise.resolve()).catch((error: unknown) =>
        this.logger.warn({ err: error, partition }, 'after-commit step failed'),
      ),
    );
  }
}
