import type { IHeaders } from 'kafkajs';
import type { OutgoingRecord } from '../batching-producer.js';

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
   * Runs after the transaction committed, behind the partition group (never in front of its next transaction),
   * in commit order, retried until it succeeds. Must be idempotent: a member that stops before it ran
   * leaves it to the group's next owner.
   */
  readonly afterCommit?: () => Promise<void>;
}

/**
 * One handler shape: a chunk of messages in (of one partition group, each partition's in order),
 * the records to emit out.
 */
export type BatchHandler<T> = (messages: readonly InputMessage<T>[]) => Promise<HandlerResult<T>>;
