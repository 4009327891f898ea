import type { KafkaMessage } from 'kafkajs';
import { type OutgoingRecord, toTopicMessages } from '../batching-producer.js';
import type { FailureKind } from '../failures.js';
import type { Logger } from '../logger.js';
import { AfterCommitQueue } from './after-commit-queue.js';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { type Exhausted, runChunk } from './chunk-policy.js';
import { type DeadLetter, deadLetterRecord } from './dead-letters.js';
import type { GroupTask } from './group-task.js';
import type { ProcessorObserver } from './observer.js';
import { pause } from './retry.js';

const partitionsOf = (messages: readonly PartitionMessage[]) => [...new Set(messages.map(({ partition }) => partition))];

/** Milliseconds between the laps of one attempt. */
function phaseClock() {
  let last = performance.now();
  return {
    at: Date.now(),
    /** Since the previous lap (or the start). */
    lap(): number {
      const now = performance.now();
      const ms = now - last;
      last = now;
      return ms;
    },
  };
}

/** A consumed message and the partition it came from. */
export interface PartitionMessage {
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** What one transaction writes for some messages, and the work to run once it has committed. */
export interface Outputs {
  readonly records: readonly OutgoingRecord[];
  readonly letters: readonly DeadLetter[];
  readonly afterCommit: readonly (() => Promise<void>)[];
}

/** Whether a batch may still be processed, and how to keep its consumer's group session alive. */
export interface BatchControl {
  readonly running: () => boolean;
  readonly heartbeat: () => Promise<void>;
}

/** This member is stopping, or its group moved on: the work is left to whoever does it next (never counted). */
export class NotRunning extends Error {
  override name = 'NotRunning';
  readonly retriable = true;
}

export interface GroupRoundsOptions {
  readonly task: GroupTask;
  readonly groupId: string;
  readonly topic: string;
  /** Builds a transaction's outputs for messages from the committed positions on. */
  readonly outputs: (messages: readonly PartitionMessage[], exhausted: Exhausted | undefined) => Promise<Outputs>;
  readonly deadLetterTopic: string;
  readonly classify: (error: unknown) => FailureKind;
  readonly maxAttempts: number;
  readonly retry: BackoffPolicy;
  readonly maxQueuedAfterCommit: number;
  /** Runs behind the partitions (like after-commit work) each time the group is verified. */
  readonly onVerified?: (positions: ReadonlyMap<number, bigint>) => readonly (() => Promise<void>)[];
  readonly stopSignal: AbortSignal;
  readonly logger: Logger;
  readonly observer: ProcessorObserver | undefined;
}

interface Submission {
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  readonly control: BatchControl;
  readonly began: number;
  /** Messages of the partition behind the last one of the chunk. */
  readonly lag: number;
  readonly settle: (outcome: { committed: boolean } | { error: unknown }) => void;
}

/**
 * The transactions of one partition group. Each partition's batches hand their chunks in and wait;
 * whatever has been handed in when the group is free goes into **one** transaction: outputs,
 * dead letters and every partition's next offset, committed together under the group's
 * transactional id. A fetch brings chunks of several partitions at once, and while one transaction
 * commits the next chunks gather, so transactions stay few: small and prompt when the topic is
 * quiet, large under a backlog. Retry, isolation of a poison message and dead-lettering are the
 * chunk policy's (`runChunk`), around the one transaction.
 */
export class GroupRounds {
  private readonly waiting: Submission[] = [];
  private busy = false;
  readonly afterCommit: AfterCommitQueue;

  constructor(private readonly options: GroupRoundsOptions) {
    this.afterCommit = new AfterCommitQueue({
      policy: options.retry,
      onFailure: (error, attempt) =>
        options.logger.warn({ err: error, group: options.task.group, attempt }, 'after-commit step failed; retrying'),
    });
  }

  /**
   * Hands a chunk of one partition in; resolves true once it is committed (or dead-lettered), false
   * when the member stopped first. Rejects with a rebalance, for the consumer to rejoin.
   */
  submit(partition: number, messages: readonly KafkaMessage[], control: BatchControl, lag: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        partition,
        messages,
        control,
        lag,
        began: Date.now(),
        settle: (outcome) => ('error' in outcome ? reject(outcome.error) : resolve(outcome.committed)),
      });
      this.schedule();
    });
  }

  /** One macrotask later, so that the other partitions' chunks of the same fetch join the transaction. */
  private schedule(): void {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    setImmediate(() => {
      void this.round().finally(() => {
        this.busy = false;
        this.schedule();
      });
    });
  }

  private async round(): Promise<void> {
    const submissions = this.waiting.splice(0);
    const control: BatchControl = {
      running: () => submissions.every((submission) => submission.control.running()),
      heartbeat: () => submissions[0]?.control.heartbeat() ?? Promise.resolve(),
    };
    const messages = submissions.flatMap(({ partition, messages: chunk }) => chunk.map((message) => ({ partition, message })));
    const began = Math.min(...submissions.map((submission) => submission.began));
    try {
      const committed = await runChunk(messages, {
        maxAttempts: this.options.maxAttempts,
        classify: this.options.classify,
        attempt: (chunk, exhausted) => this.attempt(chunk, exhausted, control, { began, submissions }),
        pause: (failure) => this.pauseAfter(failure, control),
      });
      for (const submission of submissions) submission.settle({ committed });
    } catch (error) {
      for (const submission of submissions) submission.settle({ error });
    }
  }

  private async pauseAfter(
    { error, kind, attempt, messages }: { error: unknown; kind: FailureKind; attempt: number; messages: readonly PartitionMessage[] },
    control: BatchControl,
  ): Promise<boolean> {
    const { task, logger, observer } = this.options;
    observer?.failed?.({ group: task.group, partitions: partitionsOf(messages), kind, attempt });
    logger.warn(
      { err: error, group: task.group, kind, attempt, size: messages.length },
      kind === 'fenced'
        ? 'another member holds this partition group: checking membership before fencing again'
        : 'the transaction did not commit; the partitions are verified again and the chunk retried',
    );
    if (!control.running()) return false;
    await pause(backoffDelay(attempt, this.options.retry), this.options.stopSignal);
    // Throws when the group has moved on (this member may be the zombie): kafkajs rejoins, and the
    // partitions are verified again only if they are still this member's.
    await control.heartbeat();
    return control.running();
  }

  /**
   * One attempt, wrapped by the observer (a span around it, say): verify the group if needed, skip
   * what is committed already, then handle the rest and commit outputs, dead letters and offsets in
   * one transaction. Any failure leaves the group unverified.
   */
  private attempt(
    messages: readonly PartitionMessage[],
    exhausted: Exhausted | undefined,
    control: BatchControl,
    round: { began: number; submissions: readonly Submission[] },
  ): Promise<void> {
    const run = () => this.transact(messages, exhausted, control, round);
    const { observer, task } = this.options;
    if (!observer?.around) return run();
    return observer.around(
      {
        topic: this.options.topic,
        group: task.group,
        messages: messages.map(({ partition, message }) => ({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          headers: message.headers ?? {},
        })),
      },
      run,
    );
  }

  private async transact(
    messages: readonly PartitionMessage[],
    exhausted: Exhausted | undefined,
    control: BatchControl,
    round: { began: number; submissions: readonly Submission[] },
  ): Promise<void> {
    const { task, observer } = this.options;
    const clock = phaseClock();
    const waiting = clock.at - round.began;
    try {
      if (!control.running()) throw new NotRunning('stopped before the chunk was processed');
      if (!task.verified) {
        const positions = await task.verify();
        observer?.verified?.(task.group, positions);
        for (const step of this.options.onVerified?.(positions) ?? []) this.afterCommit.add(step);
      }
      const verify = clock.lap();
      const pending = messages.filter(({ partition, message }) => BigInt(message.offset) >= (task.position(partition) ?? 0n));
      if (pending.length === 0) return;
      await this.afterCommit.below(this.options.maxQueuedAfterCommit, { running: control.running, whileWaiting: control.heartbeat });
      if (!control.running()) throw new NotRunning('stopped before the chunk was processed');

      // Held back while too much after-commit work was queued: waiting too.
      const heldBack = clock.lap();
      const outputs = await this.options.outputs(pending, exhausted);
      const build = clock.lap();
      const next = new Map<number, bigint>();
      for (const { partition, message } of pending) {
        const after = BigInt(message.offset) + 1n;
        if (after > (next.get(partition) ?? -1n)) next.set(partition, after);
      }
      const outgoing = [...outputs.records, ...outputs.letters.map((letter) => deadLetterRecord(letter, this.options.deadLetterTopic))];
      const timed = { send: 0, offsets: 0 };
      await task.transact(async (transaction) => {
        if (outgoing.length > 0) await transaction.sendBatch({ acks: -1, topicMessages: toTopicMessages(outgoing) });
        timed.send = clock.lap();
        await transaction.sendOffsets({
          consumerGroupId: this.options.groupId,
          topics: [
            { topic: this.options.topic, partitions: [...next].map(([partition, offset]) => ({ partition, offset: offset.toString() })) },
          ],
        });
        timed.offsets = clock.lap();
        return next;
      });
      const commit = clock.lap();
      observer?.committed?.({
        group: task.group,
        parts: [...next.keys()].map((partition) => ({
          partition,
          messages: pending.filter((entry) => entry.partition === partition).length,
          deadLetters: outputs.letters.filter((letter) => letter.partition === partition).map(({ reason }) => reason),
          lag: round.submissions.findLast((submission) => submission.partition === partition)?.lag ?? 0,
        })),
        records: outgoing.length,
        durationMs: Date.now() - round.began,
        phasesMs: { waiting: waiting + heldBack, verify, build, ...timed, commit },
      });
      if (outputs.letters.length > 0) {
        this.options.logger.warn(
          {
            group: task.group,
            letters: outputs.letters.map(({ partition, offset, key, reason, error, attempts }) => ({
              partition,
              offset,
              key,
              reason,
              error,
              attempts,
            })),
          },
          'dead-lettered',
        );
      }
      if (outputs.afterCommit.length > 0) {
        this.afterCommit.add(async () => {
          for (const step of outputs.afterCommit) await step();
        }, pending.length);
        observer?.queued?.(task.group, this.afterCommit.size);
      }
    } catch (error) {
      await task.discard();
      throw error;
    }
  }
}
