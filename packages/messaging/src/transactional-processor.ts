import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { toTopicMessages } from './batching-producer.js';
import { classifyFailure, type FailureKind } from './failures.js';
import { type Logger, silentLogger } from './logger.js';
import { AfterCommitQueue } from './processing/after-commit-queue.js';
import { type BackoffPolicy, backoffDelay } from './processing/backoff.js';
import { type Exhausted, runChunk } from './processing/chunk-policy.js';
import { type DeadLetter, type DeadLetterReason, deadLetterRecord } from './processing/dead-letters.js';
import { describeFailure } from './processing/describe-failure.js';
import type { BatchHandler, InputMessage } from './processing/handler.js';
import type { ProcessorObserver } from './processing/observer.js';
import { PartitionTask } from './processing/partition-task.js';
import { pause, retry, stopped, within } from './processing/retry.js';

/** This member is stopping, or lost the partition: the chunk is left to whoever processes it next (never counted). */
class NotRunning extends Error {
  override name = 'NotRunning';
  readonly retriable = true;
}

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
  /** Throws `UndecodableMessage` for a message that can never be decoded; anything transient for a dependency that failed. */
  readonly decode: (value: Buffer | null) => Promise<T>;
  readonly handle: BatchHandler<T>;
  readonly deadLetters: DeadLetterOptions;
  readonly maxBatchSize?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  /** Backoff between attempts (exponential, full jitter). */
  readonly retry?: BackoffPolicy;
  /** Counted (message) failures of a chunk before it is split, and of a message before it is dead-lettered. */
  readonly maxAttempts?: number;
  /** How much after-commit work (in handler units, e.g. orders) a partition may leave queued before it waits for it. */
  readonly maxQueuedAfterCommit?: number;
  readonly classify?: (error: unknown) => FailureKind;
  /**
   * Runs (behind the partition, retried until it succeeds) each time this member verifies a
   * partition, with the committed offset: everything below it is committed, but the after-commit
   * steps of its last transactions may never have run (their member died). Must be idempotent.
   */
  readonly onAssigned?: (partition: number, committedOffset: bigint) => Promise<void>;
  readonly logger?: Logger;
  readonly observer?: ProcessorObserver;
}

interface BatchControl {
  readonly running: () => boolean;
  readonly heartbeat: () => Promise<void>;
}

/**
 * Consume → handle → produce, exactly once, in the style of Kafka Streams' first EOS scheme (kafkajs
 * has no KIP-447): each input partition has its own transactional producer, so whoever holds a
 * partition fences every earlier holder by initialising the same transactional id. The outputs and
 * the consumed offset commit in one Kafka transaction.
 *
 * A partition is verified (fenced with a new producer, then its committed offset read) before its
 * first chunk and again after every failure, whatever the failure was: a commit whose answer was
 * lost may have committed, and a zombie may have committed in between. Only the messages from the
 * committed offset on are processed, in every batch.
 */
export class TransactionalProcessor<T> {
  private consumer: Consumer | undefined;
  /** The consumer being started, if any: stop() waits for it, then disconnects whatever it made. */
  private launching: Promise<void> | undefined;
  private readonly admin: Admin;
  private readonly tasks = new Map<number, PartitionTask>();
  private readonly afterCommit = new Map<number, AfterCommitQueue>();
  /** Bumped at every (re)join: a batch of an earlier generation stops at its next check. */
  private generation = 0;
  private stopping = false;
  private readonly stopSignal = new AbortController();
  /** Whether the broker answered this member's LeaveGroup (set while stopping). */
  private leftGroup = false;
  private readonly logger: Logger;
  private readonly retry: BackoffPolicy;
  private readonly classify: (error: unknown) => FailureKind;
  private readonly observer: ProcessorObserver | undefined;

  constructor(private readonly options: TransactionalProcessorOptions<T>) {
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? { initialMs: 100, maxMs: 5_000 };
    this.classify = options.classify ?? classifyFailure;
    this.observer = options.observer;
    this.admin = options.kafka.admin();
  }

  /**
   * Joins the group and starts consuming, retrying while Kafka cannot be reached; resolves true once
   * consuming, false (having started nothing that stays) when `stop()` came first.
   */
  async start(): Promise<boolean> {
    return this.consume();
  }

  /** Starts a consumer, retried with backoff until it runs or the member stops. */
  private async consume(): Promise<boolean> {
    const outcome = await retry(
      async () => {
        await this.admin.connect();
        if (this.stopping) return;
        this.launching = this.launch();
        await this.launching;
      },
      {
        policy: this.retry,
        running: () => !this.stopping,
        signal: this.stopSignal.signal,
        onFailure: async (error, attempt) => {
          this.logger.warn({ err: error, attempt }, 'could not start consuming; retrying');
          await this.consumer?.disconnect().catch(() => {});
        },
      },
    );
    return outcome !== stopped && !this.stopping;
  }

  /** A new kafkajs consumer, subscribed and running (at start, and whenever kafkajs gives one up). */
  private async launch(): Promise<void> {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 1_000,
      sessionTimeout,
      heartbeatInterval: Math.floor(sessionTimeout / 10),
      // kafkajs restarts a consumer after a retriable crash: never once this member is stopping.
      retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.generation++;
      void this.forgetPartitions();
      // A join that was under way when stop() came completes, and the member leaves at once.
      if (!this.stopping) this.logger.info({ assignment: payload.memberAssignment }, 'joined the consumer group');
      this.observer?.joined?.(payload.memberAssignment[this.options.topic] ?? []);
    });
    // kafkajs swallows a failed LeaveGroup on disconnect: the broker's answer is the only sign it was sent.
    consumer.on(consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'LeaveGroup') this.leftGroup = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping || payload.restart || this.consumer !== consumer) return;
      // kafkajs gave this consumer up (a non-retriable error escaped into its loop): without a new
      // one, the process would stay up consuming nothing.
      this.logger.error({ err: payload.error }, 'the consumer stopped for good; starting a new one');
      this.observer?.left?.();
      void consumer
        .disconnect()
        .catch(() => {})
        .then(() => this.consume());
    });
    // stop() may come at any await: a consumer it did not see must not go on to join the group.
    await consumer.connect();
    if (this.stopping) return;
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    if (this.stopping) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * Stops cleanly, at any moment (even while starting). kafkajs lets the batch in hand finish (it
   * commits, or aborts and the partition's next owner redoes it), then sends LeaveGroup, so the
   * partitions move at once instead of after the session timeout. The after-commit work still queued
   * gets a few seconds; what is left then is the next owner's (it is redone from what is stored).
   * Producers close last: a kafkajs producer's disconnect does not abort an open transaction.
   */
  async stop({ afterCommitGraceMs = 5_000, joinGraceMs = 5_000 } = {}): Promise<void> {
    this.stopping = true;
    this.observer?.left?.();
    this.stopSignal.abort();
    this.leftGroup = false;
    try {
      // A consumer being started sees `stopping` at its next step and goes no further. One already
      // joining is let finish (a few seconds at most), so that it leaves the group properly instead
      // of staying in it, silent, until its session times out.
      if (this.launching)
        await within(
          this.launching.catch(() => {}),
          joinGraceMs,
          undefined,
        );
      await this.consumer?.disconnect();
      const { groupId } = this.options;
      if (this.leftGroup) this.logger.info({ groupId }, 'left the consumer group');
      else this.logger.warn({ groupId }, 'did not leave the consumer group: its partitions move after the session timeout');
    } finally {
      const drained = await Promise.all([...this.afterCommit.values()].map((queue) => queue.drain(afterCommitGraceMs)));
      if (drained.includes(false)) this.logger.warn({}, "after-commit work left to the partitions' next owners");
      await Promise.allSettled([...this.tasks.values()].map((task) => task.discard()));
      this.tasks.clear();
      await this.admin.disconnect();
    }
  }

  /** After a (re)join, every partition is verified again before its next chunk, with a new producer. */
  private async forgetPartitions(): Promise<void> {
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.allSettled(tasks.map((task) => task.retire()));
  }

  private task(partition: number): PartitionTask {
    let task = this.tasks.get(partition);
    if (!task) {
      task = new PartitionTask({
        kafka: this.options.kafka,
        admin: this.admin,
        groupId: this.options.groupId,
        topic: this.options.topic,
        partition,
        transactionalId: `${this.options.transactionalIdPrefix}-${this.options.topic}-${partition}`,
        transactionTimeoutMs: this.options.transactionTimeoutMs ?? 30_000,
      });
      this.tasks.set(partition, task);
    }
    return task;
  }

  private queue(partition: number): AfterCommitQueue {
    let queue = this.afterCommit.get(partition);
    if (!queue) {
      queue = new AfterCommitQueue({
        policy: this.retry,
        onFailure: (error, attempt) => this.logger.warn({ err: error, partition, attempt }, 'after-commit step failed; retrying'),
      });
      this.afterCommit.set(partition, queue);
    }
    return queue;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const generation = this.generation;
    const control: BatchControl = {
      running: () => isRunning() && !isStale() && !this.stopping && generation === this.generation,
      heartbeat,
    };
    const task = this.task(partition);
    const size = this.options.maxBatchSize ?? 500;
    const behind = (offset: string) => Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(offset) - 1n));
    const first = batch.messages[0];
    if (first) this.observer?.fetched?.(partition, behind(first.offset) + 1);
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!control.running()) return;
      const chunk = batch.messages.slice(start, start + size);
      const began = Date.now();
      const lag = behind(chunk[chunk.length - 1]?.offset ?? batch.lastOffset());
      const committed = await runChunk(chunk, {
        maxAttempts: this.options.maxAttempts ?? 5,
        classify: this.classify,
        attempt: (messages, exhausted) => this.attempt(task, messages, exhausted, control, { began, lag }),
        pause: (failure) => this.pauseAfter(task, failure, control),
      });
      if (!committed) return;
      const last = chunk[chunk.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    }
    // Past the transaction markers after the last message, too.
    if (control.running()) resolveOffset(batch.lastOffset());
  }

  private async pauseAfter(
    task: PartitionTask,
    { error, kind, attempt, size }: { error: unknown; kind: FailureKind; attempt: number; size: number },
    control: BatchControl,
  ): Promise<boolean> {
    this.observer?.failed?.({ partition: task.partition, kind, attempt });
    this.logger.warn(
      { err: error, partition: task.partition, kind, attempt, size },
      kind === 'fenced'
        ? 'another member holds this partition: checking membership before fencing again'
        : 'the transaction did not commit; the partition is verified again and the chunk retried',
    );
    if (!control.running()) return false;
    await pause(backoffDelay(attempt, this.retry), this.stopSignal.signal);
    // Throws when the group has moved on (this member may be the zombie): kafkajs rejoins, and the
    // partition is verified again only if it is still this member's.
    await control.heartbeat();
    return control.running();
  }

  /**
   * One attempt at some messages of a partition: verify it if needed, skip what is committed
   * already, then handle the rest and commit outputs, dead letters and offset in one transaction.
   * Any failure leaves the partition unverified.
   */
  private attempt(
    task: PartitionTask,
    messages: readonly KafkaMessage[],
    exhausted: Exhausted | undefined,
    control: BatchControl,
    chunk: { began: number; lag: number },
  ): Promise<void> {
    const run = () => this.transactChunk(task, messages, exhausted, control, chunk);
    if (!this.observer?.around) return run();
    const info = {
      topic: this.options.topic,
      partition: task.partition,
      messages: messages.map(({ offset, key, headers }) => ({ offset, key: key?.toString() ?? null, headers: headers ?? {} })),
    };
    return this.observer.around(info, run);
  }

  private async transactChunk(
    task: PartitionTask,
    messages: readonly KafkaMessage[],
    exhausted: Exhausted | undefined,
    control: BatchControl,
    chunk: { began: number; lag: number },
  ): Promise<void> {
    try {
      if (!control.running()) throw new NotRunning('stopped before the chunk was processed');
      if (task.position === undefined) {
        const committed = await task.verify();
        this.observer?.verified?.(task.partition, committed);
        const { onAssigned } = this.options;
        if (onAssigned) this.queue(task.partition).add(() => onAssigned(task.partition, committed));
      }
      const position = task.position ?? 0n;
      const pending = messages.filter((message) => BigInt(message.offset) >= position);
      const last = pending[pending.length - 1];
      if (!last) return;
      const queue = this.queue(task.partition);
      await queue.below(this.options.maxQueuedAfterCommit ?? 20_000, { running: control.running, whileWaiting: control.heartbeat });
      if (!control.running()) throw new NotRunning('stopped before the chunk was processed');

      const { outgoing, letters, afterCommit } = await this.outputs(task.partition, pending, exhausted);
      await task.transact(async (transaction) => {
        if (outgoing.length > 0) await transaction.sendBatch({ acks: -1, topicMessages: toTopicMessages(outgoing) });
        const next = BigInt(last.offset) + 1n;
        await transaction.sendOffsets({
          consumerGroupId: this.options.groupId,
          topics: [{ topic: this.options.topic, partitions: [{ partition: task.partition, offset: next.toString() }] }],
        });
        return next;
      });
      this.observer?.committed?.({
        partition: task.partition,
        messages: pending.length,
        records: outgoing.length,
        deadLetters: letters.map(({ reason }) => reason),
        durationMs: Date.now() - chunk.began,
        lag: chunk.lag,
      });
      if (letters.length > 0) {
        this.logger.warn(
          {
            partition: task.partition,
            letters: letters.map(({ offset, key, reason, error, attempts }) => ({ offset, key, reason, error, attempts })),
          },
          'dead-lettered',
        );
      }
      if (afterCommit.length > 0) {
        queue.add(async () => {
          for (const step of afterCommit) await step();
        }, pending.length);
        this.observer?.queued?.(task.partition, queue.size);
      }
    } catch (error) {
      await task.discard();
      throw error;
    }
  }

  /** What a transaction writes for these messages: the handler's records and dead letters, and what runs after it commits. */
  private async outputs(partition: number, messages: readonly KafkaMessage[], exhausted: Exhausted | undefined) {
    let records: Awaited<ReturnType<BatchHandler<T>>>['records'] = [];
    let letters: DeadLetter[];
    let afterCommit: (() => Promise<void>) | undefined;
    if (exhausted === undefined) {
      const decoded = await this.decodeAll(partition, messages);
      const result = decoded.inputs.length > 0 ? await this.options.handle(decoded.inputs, partition) : { records: [] };
      records = result.records;
      afterCommit = result.afterCommit;
      const byOffset = new Map(messages.map((message) => [message.offset, message]));
      letters = [
        ...decoded.letters,
        ...(result.rejected ?? []).flatMap(({ message, error }) => {
          const raw = byOffset.get(message.offset);
          return raw ? [this.letter(partition, raw, 'rejected', error, 1)] : [];
        }),
      ];
    } else {
      letters = messages.map((message) => this.letter(partition, message, 'failing', exhausted.error, exhausted.attempts));
    }
    const afterLetters = letters.length > 0 ? await this.options.deadLetters.record?.(letters) : undefined;
    return {
      outgoing: [...records, ...letters.map((letter) => deadLetterRecord(letter, this.options.deadLetters.topic))],
      letters,
      afterCommit: [afterCommit, afterLetters].filter((step) => step !== undefined),
    };
  }

  private async decodeAll(partition: number, messages: readonly KafkaMessage[]) {
    const decoded = await Promise.all(
      messages.map(async (message) => {
        try {
          const input: InputMessage<T> = {
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers: message.headers ?? ({} as IHeaders),
            value: await this.options.decode(message.value),
          };
          return { input };
        } catch (error) {
          // A dependency that failed (the registry) fails the chunk, retried; a bad message is dead-lettered.
          if (this.classify(error) !== 'message') throw error;
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
}
