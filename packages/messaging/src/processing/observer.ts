import type { IHeaders } from 'kafkajs';
import type { FailureKind } from '../failures.js';
import type { DeadLetterReason } from './dead-letters.js';

/** One partition's part of a transaction that committed (a transaction spans a partition group). */
export interface CommittedChunk {
  readonly partition: number;
  /** Messages of this partition consumed (their offsets committed). */
  readonly messages: number;
  /** Records the whole transaction wrote (the handler's and the dead letters). */
  readonly records: number;
  readonly deadLetters: readonly DeadLetterReason[];
  /** From the first attempt of the chunk to its commit. */
  readonly durationMs: number;
  /** Messages of the partition still behind it, as of the batch it came in (its high watermark). */
  readonly lag: number;
}

/** The messages an attempt is about to process (of one partition group), for tracing: where they are and the headers they carry. */
export interface ChunkInfo {
  readonly topic: string;
  readonly messages: readonly {
    readonly partition: number;
    readonly offset: string;
    readonly key: string | null;
    readonly headers: IHeaders;
  }[];
}

/**
 * What the runtime reports as it works. Metrics, traces and readiness hang off it; every method is
 * optional and must not throw (the runtime does not catch it).
 */
export interface ProcessorObserver {
  /** The member joined (or rejoined) its group, with these partitions of the input topic. */
  joined?(partitions: readonly number[]): void;
  /** The member is no longer consuming: it stopped, or its consumer crashed and is being replaced. */
  left?(): void;
  /** A partition was verified: this member fenced its transactional id and read its committed offset. */
  verified?(partition: number, committedOffset: bigint): void;
  /** A batch arrived for a partition, `lag` messages behind its end. */
  fetched?(partition: number, lag: number): void;
  committed?(chunk: CommittedChunk): void;
  /** An attempt failed; the partition is verified again and the attempt retried (or the chunk split). */
  failed?(failure: { readonly partition: number; readonly kind: FailureKind; readonly attempt: number }): void;
  /** How much after-commit work waits behind a partition (in handler units, e.g. orders). */
  queued?(partition: number, size: number): void;
  /** Wraps each attempt: the place to open a span around it (linked to the messages' own traces). */
  around?<R>(chunk: ChunkInfo, run: () => Promise<R>): Promise<R>;
}
