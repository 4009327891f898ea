import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { classifyFailure, type FailureKind } from './failures.js';
import { type Logger, silentLogger } from './logger.js';
import type { BackoffPolicy } from './processing/backoff.js';
import type { Exhausted } from './processing/chunk-policy.js';
import type { DeadLetter, DeadLetterReason } from './processing/dead-letters.js';
import { describeFailure } from './processing/describe-failure.js';
import { type BatchControl, GroupRounds, type Outputs, type PartitionMessage } from './processing/group-rounds.js';
import { GroupTask } from './processing/group-task.js';
import type { BatchHandler, InputMessage } from './processing/handler.js';
import type { ProcessorObserver } from './processing/observer.js';
import { groupOf, groupTransactionalId, type PartitionGroups, partitionGroupAssigner } from './processing/partition-groups.js';
import { retry, stopped, within } from './processing/retry.js';

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
  /** Transactional ids are `<prefix>-<topic>-g<group>of<groups>`: one producer per partition group. */
  readonly transactionalIdPrefix: string;
  /**
   * Partition p is in group p mod `partitionGroups`; a member holds whole groups and commits each
   * group's partitions in one transaction. Every member of the consumer group must use the same
   * number (the broker refuses to mix them); change it only with every member stopped.
   */
  readonly partitionGroups?: number;
  /** Throws `UndecodableMessage` for a message that can never be decoded; anything transient for a dependency that failed. */
  readonly decode: (value: Buffer | null) => Promise<T>;
  readonly handle: BatchHandler<T>;
  readonly deadLetters: DeadLetterOptions;
  /** Messages of one partition per transaction, at most (a transaction takes a chunk of each partition of its group). */
  readonly maxBatchSize?: number;
  readonly transactionTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  /** Backoff between attempts (exponential, full jitter). */
  readonly retry?: BackoffPolicy;
  /** Counted (message) failures of a chunk before it is split, and of a message before it is dead-lettered. */
  readonly maxAttempts?: number;
  /** How much after-commit work (in handler units, e.g. orders) a partition group may leave queued before it waits for it. */
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

/**
 * Consume → handle → produce, exactly once, in the style of Kafka Streams' first EOS scheme (kafkajs
 * has no KIP-447), lifted from partitions to fixed groups of them: each partition group has its own
 * transactional producer, so whoever holds a group fences every earlier holder by initialising the
 * same transactional id, and a custom assigner hands whole groups to members. The outputs and the
 * consumed offsets of a group's partitions commit in one Kafka transaction.
 *
 * A group is verified (fenced with a new producer, then its committed offsets read) before its first
 * transaction and again after every failure, whatever the failure was: a commit whose answer was
 * lost may have committed, and a zombie may have committed in between. Only the messages from the
 * committed offsets on are processed, in every batch.
 */
export class TransactionalProcessor<T> {
  private consumer: Consumer | undefined;
  /** The consumer being started, if any: stop() waits for it, then disconnects whatever it made. */
  private launching: Promise<void> | undefined;
  private readonly admin: Admin;
  /** Per partition group: its task (producer and positions, replaced at every rejoin) and its transactions. */
  private readonly groups = new Map<number, { task: GroupTask; rounds: GroupRounds }>();
  /** After-commit work of groups given up at a rejoin, still running: drained on stop. */
  private retiredRounds: GroupRounds[] = [];
  private readonly partitionGroups: PartitionGroups;
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
    this.partitionGroups = { count: options.partitionGroups ?? 3 };
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
      // A fetch brings at most 256 kB a partition (about 1,700 commands, the default is 1 MB): a
      // backlog is read in fetches of a few chunks each, so the records held at once, decoded, stay
      // a small part of the heap production gives the app (`productionNodeOptions`).
      maxBytesPerPartition: 256 * 1024,
      sessionTimeout,
      heartbeatInterval: Math.floor(sessionTimeout / 10),
      partitionAssigners: [partitionGroupAssigner(this.partitionGroups)],
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
      const otherGrouping = (payload.error as { type?: string }).type === 'INCONSISTENT_GROUP_PROTOCOL';
      if (otherGrouping) {
        // The group's members speak another assigner: they deal the partitions into another number
        // of groups (other transactional ids). Joining them would split a group between two ids, so
        // the broker refuses; this member waits for them to leave (a stop-all, start-all change).
        this.logger.error(
          { err: payload.error, partitionGroups: this.partitionGroups.count },
          'the consumer group has members with another number of partition groups; waiting for them to leave',
        );
      } else {
        this.logger.error({ err: payload.error }, 'the consumer stopped for good; starting a new one');
      }
      this.observer?.left?.();
      void consumer
        .disconnect()
        .catch(() => {})
        .then(() => (otherGrouping ? delay(this.retry.maxMs, undefined, { signal: this.stopSignal.signal }) : undefined))
        .then(
          () => this.consume(),
          () => {},
        );
    });
    // stop() may come at any await: a consumer it did not see must not go on to join the group.
    await consumer.connect();
    if (this.stopping) return;
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    if (this.stopping) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every assigned partition's batch at once: the partitions of a group join one transaction.
      partitionsConsumedConcurrently: 64,
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
      const rounds = [...this.groups.values()].map((entry) => entry.rounds).concat(this.retiredRounds);
      const drained = await Promise.all(rounds.map((entry) => entry.afterCommit.drain(afterCommitGraceMs)));
      if (drained.includes(false)) this.logger.warn({}, "after-commit work left to the partitions' next owners");
      await Promise.allSettled([...this.groups.values()].map(({ task }) => task.discard()));
      this.groups.clear();
      await this.admin.disconnect();
    }
  }

  /** After a (re)join, every group is verified again before its next transaction, with a new producer. */
  private async forgetPartitions(): Promise<void> {
    const entries = [...this.groups.values()];
    this.groups.clear();
    // Their after-commit work goes on (it is about committed transactions); idle ones are let go.
    this.retiredRounds = [...this.retiredRounds.filter((rounds) => rounds.afterCommit.size > 0), ...entries.map(({ rounds }) => rounds)];
    await Promise.allSettled(entries.map(({ task }) => task.retire()));
  }

  private groupFor(partition: number): { task: GroupTask; rounds: GroupRounds } {
    const group = groupOf(partition, this.partitionGroups);
    let entry = this.groups.get(group);
    if (!entry) {
      const task = new GroupTask({
        kafka: this.options.kafka,
        admin: this.admin,
        groupId: this.options.groupId,
        topic: this.options.topic,
        group,
        owns: (candidate) => groupOf(candidate, this.partitionGroups) === group,
        transactionalId: groupTransactionalId(this.options.transactionalIdPrefix, this.options.topic, group, this.partitionGroups),
        transactionTimeoutMs: this.options.transactionTimeoutMs ?? 30_000,
      });
      const { onAssigned } = this.options;
      const rounds = new GroupRounds({
        task,
        groupId: this.options.groupId,
        topic: this.options.topic,
        outputs: (messages, exhausted) => this.outputs(messages, exhausted),
        deadLetterTopic: this.options.deadLetters.topic,
        classify: this.classify,
        maxAttempts: this.options.maxAttempts ?? 5,
        retry: this.retry,
        maxQueuedAfterCommit: this.options.maxQueuedAfterCommit ?? 20_000,
        ...(onAssigned
          ? {
              onVerified: (positions) =>
                [...positions].map(
                  ([p, offset]) =>
                    () =>
                      onAssigned(p, offset),
                ),
            }
          : {}),
        stopSignal: this.stopSignal.signal,
        logger: this.logger,
        observer: this.observer,
      });
      entry = { task, rounds };
      this.groups.set(group, entry);
    }
    return entry;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const generation = this.generation;
    const control: BatchControl = {
      running: () => isRunning() && !isStale() && !this.stopping && generation === this.generation,
      heartbeat,
    };
    const { rounds } = this.groupFor(partition);
    const size = this.options.maxBatchSize ?? 500;
    const behind = (offset: string) => Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(offset) - 1n));
    const first = batch.messages[0];
    if (first) this.observer?.fetched?.(partition, behind(first.offset) + 1);
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!control.running()) return;
      const chunk = batch.messages.slice(start, start + size);
      const last = chunk[chunk.length - 1];
      if (!(await rounds.submit(partition, chunk, control, behind(last?.offset ?? batch.lastOffset())))) return;
      if (last) resolveOffset(last.offset);
      await heartbeat();
    }
    // Past the transaction markers after the last message, too.
    if (control.running()) resolveOffset(batch.lastOffset());
  }

  /** What a transaction writes for these messages: the handler's records and dead letters, and what runs after it commits. */
  private async outputs(messages: readonly PartitionMessage[], exhausted: Exhausted | undefined): Promise<Outputs> {
    if (exhausted !== undefined) {
      const letters = messages.map(({ partition, message }) =>
        this.letter(partition, message, 'failing', exhausted.error, exhausted.attempts),
      );
      return { records: [], letters, afterCommit: await this.recordLetters(letters) };
    }
    const decoded = await this.decodeAll(messages);
    const result = decoded.inputs.length > 0 ? await this.options.handle(decoded.inputs) : { records: [] };
    const byPosition = new Map(messages.map((entry) => [`${entry.partition}/${entry.message.offset}`, entry]));
    const letters = [
      ...decoded.letters,
      ...(result.rejected ?? []).flatMap(({ message, error }) => {
        const raw = byPosition.get(`${message.partition}/${message.offset}`);
        return raw ? [this.letter(raw.partition, raw.message, 'rejected', error, 1)] : [];
      }),
    ];
    return {
      records: result.records,
      letters,
      afterCommit: [...(result.afterCommit ? [result.afterCommit] : []), ...(await this.recordLetters(letters))],
    };
  }

  /** What the letters mean for the application, recorded before their transaction commits; its after-commit step. */
  private async recordLetters(letters: readonly DeadLetter[]): Promise<(() => Promise<void>)[]> {
    if (letters.length === 0) return [];
    const step = await this.options.deadLetters.record?.(letters);
    return step ? [step] : [];
  }

  private async decodeAll(messages: readonly PartitionMessage[]) {
    const decoded = await Promise.all(
      messages.map(async ({ partition, message }) => {
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
