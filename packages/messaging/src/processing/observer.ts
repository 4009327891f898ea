import type { IHeaders } from 'kafkajs';
import type { FailureKind } from '../failures.js';
import type { DeadLetterReason } from './dead-letters.js';

/** What a committed transaction consumed from one partition. */
export interface CommittedPart {
  readonly partition: number;
  /** Messages of this partition consumed (their offsets committed). */
  readonly messages: number;
  /** Why each of them that was dead-lettered was. */
  readonly deadLetters: readonly DeadLetterReason[];
  /** Messages of the partition still behind it, as of the batch it came in (its high watermark). */
  readonly lag: number;
}

/**
 * Where a committed transaction's time went, in ms, in the order the phases run: `waiting` from its
 * first chunk's arrival to its last attempt (the group busy with the transaction before, earlier
 * attempts), `verify` fencing and reading offsets (0 unless this attempt verified), `build` the
 * outputs (decoding, PostgreSQL, encoding), `send` the records (AddPartitionsToTxn, Produce),
 * `offsets` (AddOffsetsToTxn, TxnOffsetCommit), `commit` (EndTxn).
 */
export type TransactionPhase = 'waiting' | 'verify' | 'build' | 'send' | 'offsets' | 'commit';

/** One transaction that committed: a partition group's chunk, its parts per partition, and what it wrote. */
export interface CommittedTransaction {
  readonly group: number;
  readonly parts: readonly CommittedPart[];
  /** Records the transaction wrote (the handler's and the dead letters). */
  readonly records: number;
  /** From the first attempt of the chunk to its commit. */
  readonly durationMs: number;
  readonly phasesMs: Readonly<Record<TransactionPhase, number>>;
}

/** The messages an attempt is about to process (of one partition group), for tracing: where they are and the headers they carry. */
export interface ChunkInfo {
  readonly topic: string;
  readonly group: number;
  readonly messages: readonly {
    readonly partition: number;
    readonly offset: string;
    readonly key: string | null;
    readonly headers: IHeaders;
  }[];
}

/**
 * What the runtime reports as it works. Metrics, traces and readiness hang off it; every method is
 * optional and must not throw (the runtime does not catch it). A transaction spans the partitions
 * of one partition group, so what happens to transactions is reported once per transaction, with
 * its group, and what concerns a partition (lag, progress) per partition inside it.
 */
export interface ProcessorObserver {
  /** The member joined (or rejoined) its group, with these partitions of the input topic. */
  joined?(partitions: readonly number[]): void;
  /** The member is no longer consuming: it stopped, or its consumer crashed and is being replaced. */
  left?(): void;
  /**
   * A partition group was verified: this member fenced the group's transactional id with a new
   * producer and read its partitions' committed offsets.
   */
  verified?(group: number, positions: ReadonlyMap<number, bigint>): void;
  /** A batch arrived for a partition, `lag` messages behind its end. */
  fetched?(partition: number, lag: number): void;
  committed?(transaction: CommittedTransaction): void;
  /** An attempt at a group's transaction failed; the group is verified again and the attempt retried (or the chunk split). */
  failed?(failure: {
    readonly group: number;
    readonly partitions: readonly number[];
    readonly kind: FailureKind;
    readonly attempt: number;
  }): void;
  /** How much after-commit work waits behind a partition group (in handler units, e.g. orders). */
  queued?(group: number, size: number): void;
  /** Wraps each attempt: the place to open a span around it (linked to the messages' own traces). */
  around?<R>(chunk: ChunkInfo, run: () => Promise<R>): Promise<R>;
}
