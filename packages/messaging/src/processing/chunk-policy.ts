import type { FailureKind } from '../failures.js';

/** A chunk whose messages used up their attempts: it is dead-lettered instead of handled again. */
export interface Exhausted {
  readonly error: unknown;
  readonly attempts: number;
}

export interface ChunkPolicy<M> {
  /**
   * One attempt: the messages in one transaction (or, `exhausted`, their dead letters). Throws when
   * it did not commit.
   */
  readonly attempt: (messages: readonly M[], exhausted: Exhausted | undefined) => Promise<void>;
  readonly classify: (error: unknown) => FailureKind;
  /**
   * Between attempts: reports the failure and waits the backoff; false when the member must stop
   * (the group's next owner redoes the work). May throw to hand a rebalance to the consumer.
   */
  readonly pause: (failure: { error: unknown; kind: FailureKind; attempt: number; messages: readonly M[] }) => Promise<boolean>;
  /** Counted failures (kind `message`) a chunk may have before it is split, and a message before it is dead-lettered. */
  readonly maxAttempts: number;
}

/**
 * Runs a chunk until it commits. Transient, fenced and environment failures are retried for as
 * long as they last; message failures count, and once a chunk has used up its attempts it is split
 * into single messages, so that only the message that still fails is dead-lettered and the rest of
 * the group flows. Resolves false when the member stopped first.
 */
export async function runChunk<M>(messages: readonly M[], policy: ChunkPolicy<M>): Promise<boolean> {
  let counted = 0;
  let lastFailure: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      const exhausted = counted >= policy.maxAttempts ? { error: lastFailure, attempts: counted } : undefined;
      await policy.attempt(messages, exhausted);
      return true;
    } catch (error) {
      const kind = policy.classify(error);
      if (kind === 'message') {
        counted++;
        lastFailure = error;
      }
      if (!(await policy.pause({ error, kind, attempt, messages }))) return false;
      if (counted >= policy.maxAttempts && messages.length > 1) return isolate(messages, policy);
    }
  }
}

/** The chunk one message per transaction: the culprit alone ends up dead-lettered. */
async function isolate<M>(messages: readonly M[], policy: ChunkPolicy<M>): Promise<boolean> {
  for (const message of messages) {
    if (!(await runChunk([message], policy))) return false;
  }
  return true;
}
