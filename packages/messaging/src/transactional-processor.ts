import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { type OutgoingRecord, toTopicMessages } from './batching-producer.js';
import { type DeadLetter, type DeadLetterReason, deadLetterRecord } from './dead-letters.js';
import { type Logger, silentLogger } from './logger.js';
import { isTransient } from './transient.js';

/**
 * The error as a dead letter states it: the innermost cause (a driver's own error, not the wrapper
 * that repeats the statement and its parameters), without NUL characters (PostgreSQL text cannot
 * hold them) and cut to a readable length.
 */
export function describeFailure(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const code = root instanceof Error ? (root as Error & { code?: unknown }).code : undefined;
  const text = root instanceof Error ? `${root.name}${typeof code === 'string' ? ` ${code}` : ''}: ${root.message}` : String(root);
  return text.replaceAll('\u0000', '').slice(0, 1_000);
}

interface ChunkControl {
  readonly heartbeat: () => Promise<void>;
  /** False once the consumer stops or the partition was taken away. */
  readonly running: () => boolean;
  readonly resolveOffset: (offset: string) => void;
}

export interface InputMessage<T> {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  readonly headers: IHeaders;
}

export interface HandlerResult<T = unknown> {
  /** Written in the same Kafka transaction as the consumed offsets. */
  readonly records: readonly OutgoingRecord[];
  /** Messages the handler refuses for good (a domain rule is broken): they go to the dead-letter topic. */
  readonly rejected?: readonly { readonly message: InputMessage<T>; readonly error: string }[];
  /**
   * Runs after the transaction committed, overlapping the partition's next chunk (one at a time, in
   * order). Retried with backoff while it fails, within `afterCommitRetryMs`, then logged.
   */
  readonly afterCommit?: () => Promise<void>;
}

/** One handler shape: a chunk of one partition's messages in, the records to emit out. */
export type BatchHandler<T> = (messages: readonly InputMessage<T>[], partition: number) => Promise<HandlerResult<T>>;

export interface DeadLetterOptions {
  readonly topic: string;
  /**
   * Records what the letters mean for the application (e.g. marks orders failed) before the
   * transaction that sends them commits; must be idempotent, as a redelivery calls it again. The
   * returned step runs after the commit, like a handler's `afterCommit`.
   */
  readonly record?: (letters: readonly DeadLetter[]) => Promise<(() => Promise<void>) | undefined>;
}

export interface TransactionalProcessorOptions<T> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  /** Transactional ids are `<prefix>-<topic>-<partition>`: one producer per input partition. */
  readonly transactionalIdPrefix: string;
  /** Throws `UndecodableMessage` (or any non-transient error) for a message that can never be decoded. */
  readonly decode: (value: Buffer | null) => Promise<T>;
  readonly handle: BatchHandler<T>;
  readonly deadLetters: DeadLetterOptions;
  readonly maxBatchSize?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  /** Backoff between attempts (exponential, full jitter). */
  readonly retry?: BackoffPolicy;
  /** Attempts of a failing message before it is dead-lettered, counting only non-transient failures. */
  readonly maxAttempts?: number;
  /** How long after-commit steps are retried before giving up (logged). */
  readonly afterCommitRetryMs?: number;
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Runs when this member starts on a partition, after the fence and before its first chunk, with
   * the committed offset: everything below it is committed, but the after-commit steps of the
   * previous owner's last transaction may never have run (it died). Must be idempotent.
   */
  readonly onAssigned?: (partition: number, committedOffset: bigint) => Promise<void>;
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
  /** Whether the broker answered this member's LeaveGroup (set while stopping). */
  private leftGroup = false;
  private readonly logger: Logger;
  private readonly retry: BackoffPolicy;
  private readonly isTransient: (error: unknown) => boolean;

  constructor(private readonly options: TransactionalProcessorOptions<T>) {
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? { initialMs: 100, maxMs: 5_000 };
    this.isTransient = options.isTransient ?? isTransient;
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
    // kafkajs swallows a failed LeaveGroup on disconnect: the broker's answer is the only sign it was sent.
    this.consumer.on(this.consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'LeaveGroup') this.leftGroup = true;
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

  /**
   * Stops cleanly. kafkajs lets the batch in hand finish (its chunk's transaction commits, or aborts
   * and the partition's next owner redoes it), then sends LeaveGroup, so the group hands the
   * partitions to the other members at once instead of after the session timeout. Only then are the
   * producers closed: a kafkajs producer's disconnect does not abort an open transaction, which would
   * hold back read_committed readers of its partitions until the transaction timeout or a fence.
   */
  async stop(): Promise<void> {
    this.leftGroup = false;
    try {
      await this.consumer.disconnect();
      const { groupId } = this.options;
      if (this.leftGroup) this.logger.info({ groupId }, 'left the consumer group');
      else this.logger.warn({ groupId }, 'did not leave the consumer group: its partitions move after the session timeout');
    } finally {
      await Promise.allSettled(this.trailing.values());
      await Promise.allSettled([...this.producers.values()].map((producer) => producer.disconnect()));
      this.producers.clear();
      await this.admin.disconnect();
    }
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
      await this.recover(partition, committed, { heartbeat, running: () => isRunning() && !isStale() });
      messages = messages.filter((message) => BigInt(message.offset) >= committed);
      this.verified.add(partition);
    }
    const size = this.options.maxBatchSize ?? 500;
    const running = () => isRunning() && !isStale();
    for (let start = 0; start < messages.length; start += size) {
      if (!running()) return;
      const chunk = messages.slice(start, start + size);
      if (!(await this.processWithRetry(partition, chunk, { heartbeat, running, resolveOffset }))) return;
      resolveOffset(chunk[chunk.length - 1]?.offset ?? batch.lastOffset());
      await heartbeat();
    }
    resolveOffset(batch.lastOffset());
  }

  /** Runs `onAssigned` (the previous owner's unfinished after-commit steps), retried while it fails. */
  private async recover(partition: number, committed: bigint, control: Pick<ChunkControl, 'heartbeat' | 'running'>): Promise<void> {
    const { onAssigned } = this.options;
    if (!onAssigned) return;
    for (let attempt = 1; control.running(); attempt++) {
      try {
        await onAssigned(partition, committed);
        return;
      } catch (error) {
        this.logger.warn({ err: error, partition, attempt }, 'recovery on assignment failed; retrying');
        await sleep(backoffDelay(attempt, this.retry));
        await control.heartbeat();
      }
    }
  }

  /**
   * Retries a chunk until it commits. Transient failures (a dependency down) are retried for as long
   * as they last: dead-lettering healthy orders during an outage would turn it into lost business.
   * Other failures count: after `maxAttempts` the chunk is split into single messages, and a single
   * message that still fails is dead-lettered, so the partition keeps flowing. Gives up only when
   * the consumer stops (the partition's next owner redoes the work).
   */
  private async processWithRetry(partition: number, chunk: KafkaMessage[], control: ChunkControl): Promise<boolean> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let failures = 0;
    let lastFailure: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        const exhausted = failures >= maxAttempts ? { error: lastFailure, attempts: attempt - 1 } : undefined;
        await this.processChunk(partition, chunk, exhausted);
        return true;
      } catch (error) {
        const transient = this.isTransient(error);
        if (!transient) {
          failures++;
          lastFailure = error;
        }
        this.logger.warn(
          { err: error, partition, firstOffset: chunk[0]?.offset, lastOffset: chunk[chunk.length - 1]?.offset, attempt, transient },
          'batch failed; the transaction is aborted and the batch will be retried',
        );
        await this.discardProducer(partition);
        if (!control.running()) return false;
        if (failures >= maxAttempts && chunk.length > 1) return this.isolate(partition, chunk, control);
        await sleep(backoffDelay(attempt, this.retry));
        await control.heartbeat();
      }
    }
  }

  /** Processes a chunk that keeps failing one message at a time, so only the culprit is dead-lettered. */
  private async isolate(partition: number, chunk: KafkaMessage[], control: ChunkControl): Promise<boolean> {
    this.logger.warn({ partition, size: chunk.length }, 'isolating a failing batch: one message per transaction');
    for (const message of chunk) {
      if (!control.running() || !(await this.processWithRetry(partition, [message], control))) return false;
      control.resolveOffset(message.offset);
    }
    return true;
  }

  private async decodeAll(partition: number, chunk: KafkaMessage[]) {
    const decoded = await Promise.all(
      chunk.map(async (message) => {
        try {
          const input: InputMessage<T> = {
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers: message.headers ?? {},
            value: await this.options.decode(message.value),
          };
          return { input };
        } catch (error) {
          // A registry that cannot be reached fails the chunk (retried); a bad message is dead-lettered.
          if (this.isTransient(error)) throw error;
          return { letter: this.letter(partition, message, 'undecodable', error, 1) };
        }
      }),
    );
    return {
      inputs: decoded.flatMap((entry) => (entry.input ? [entry.input] : [])),
      letters: decoded.flatMap((entry) => (entry.letter ? [entry.letter] : [])),
    };
  }

  private letter(partition: number, message: KafkaMessage, reason: DeadLetterReason, error: unknown, attempts: number): DeadLetter {
    return {
      topic: this.options.topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value: message.value,
      headers: message.headers ?? {},
      reason,
      error: describeFailure(error),
      attempts,
    };
  }

  /**
   * One chunk in one Kafka transaction: the handler's records, the dead letters and the consumed
   * offset commit together. With `exhausted`, the chunk (one message) has used up its attempts and
   * is dead-lettered without running the handler again.
   */
  private async processChunk(
    partition: number,
    chunk: KafkaMessage[],
    exhausted?: { readonly error: unknown; readonly attempts: number },
  ): Promise<void> {
    let records: readonly OutgoingRecord[] = [];
    let letters: DeadLetter[];
    let afterCommit: (() => Promise<void>) | undefined;
    if (exhausted === undefined) {
      const decoded = await this.decodeAll(partition, chunk);
      const result = decoded.inputs.length > 0 ? await this.options.handle(decoded.inputs, partition) : { records: [] };
      records = result.records;
      afterCommit = result.afterCommit;
      const byOffset = new Map(chunk.map((message) => [message.offset, message]));
      letters = [
        ...decoded.letters,
        ...(result.rejected ?? []).flatMap(({ message, error }) => {
          const raw = byOffset.get(message.offset);
          return raw ? [this.letter(partition, raw, 'rejected', error, 1)] : [];
        }),
      ];
    } else {
      letters = chunk.map((message) => this.letter(partition, message, 'failing', exhausted.error, exhausted.attempts));
    }
    const afterLetters = letters.length > 0 ? await this.options.deadLetters.record?.(letters) : undefined;
    const outgoing = [...records, ...letters.map((letter) => deadLetterRecord(letter, this.options.deadLetters.topic))];

    const producer = await this.producerFor(partition);
    const transaction = await producer.transaction();
    try {
      if (outgoing.length > 0) {
        await transaction.sendBatch({ acks: -1, topicMessages: toTopicMessages(outgoing) });
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
    if (letters.length > 0) {
      this.logger.warn(
        { partition, letters: letters.map(({ offset, key, reason, error, attempts }) => ({ offset, key, reason, error, attempts })) },
        'dead-lettered',
      );
    }
    // The records are visible now. Bookkeeping after the commit runs behind the partition's next
    // chunk instead of in front of it, at most one step deep: the previous one is awaited first.
    await this.trailing.get(partition);
    const steps = [afterCommit, afterLetters].filter((step) => step !== undefined);
    this.trailing.set(partition, this.retryAfterCommit(partition, steps));
  }

  /** Post-commit bookkeeping, retried with backoff (a Redis or PostgreSQL restart must not leave it undone). */
  private async retryAfterCommit(partition: number, steps: readonly (() => Promise<void>)[]): Promise<void> {
    const deadline = Date.now() + (this.options.afterCommitRetryMs ?? 20_000);
    for (const step of steps) {
      for (let attempt = 1; ; attempt++) {
        try {
          await step();
          break;
        } catch (error) {
          if (Date.now() > deadline) {
            this.logger.error({ err: error, partition, attempt }, 'after-commit step failed; giving up');
            break;
          }
          this.logger.warn({ err: error, partition, attempt }, 'after-commit step failed; retrying');
          await sleep(backoffDelay(attempt, this.retry));
        }
      }
    }
  }
}
