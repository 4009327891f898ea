import type { Admin, Kafka, Producer, Transaction } from 'kafkajs';
import { within } from './retry.js';

/** A batch of an earlier group generation tried to use its partition: it must stop (never counted against a message). */
export class PartitionRetired extends Error {
  override name = 'PartitionRetired';
  readonly retriable = true;
  constructor(partition: number) {
    super(`partition ${partition} was re-assigned since this batch began`);
  }
}

export interface PartitionTaskOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
}

/**
 * One input partition as this member holds it: its transactional producer, and the offset from
 * which its messages are not committed yet (`position`), both known only while verified.
 *
 * Verifying is what makes a member the partition's only writer. A new producer initialises the
 * partition's transactional id: the broker completes or aborts whatever transaction an earlier
 * holder (a zombie, or this member's own previous producer whose commit answer was lost) left open,
 * and refuses that holder from then on. Only then is the committed offset read, so it is final: no
 * one else can move it while this producer is current. Every failure discards the producer and the
 * position, because after a failure neither the transaction's outcome nor the producer's state is
 * known; the next attempt verifies again. A cached producer is never reused for this: kafkajs
 * initialises a producer once, so reusing one would not fence anybody.
 */
export class PartitionTask {
  private producer: Producer | undefined;
  private verifiedPosition: bigint | undefined;
  private retired = false;

  constructor(private readonly options: PartitionTaskOptions) {}

  get partition(): number {
    return this.options.partition;
  }

  /** The first offset not committed yet, or undefined until verified. */
  get position(): bigint | undefined {
    return this.verifiedPosition;
  }

  /** Fences every earlier holder and reads the committed offset; returns it. */
  async verify(): Promise<bigint> {
    if (this.retired) throw new PartitionRetired(this.partition);
    await this.discard();
    const producer = this.options.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs,
    });
    this.producer = producer;
    await producer.connect();
    // The first transaction() initialises the transactional id (InitProducerId); an abort with
    // nothing in it never reaches the broker.
    await (await producer.transaction()).abort();
    this.verifiedPosition = await this.committedOffset();
    return this.verifiedPosition;
  }

  /** Runs `work` in one transaction of this partition's producer; commits unless it throws. */
  async transact(work: (transaction: Transaction) => Promise<bigint>): Promise<void> {
    const producer = this.producer;
    if (!producer || this.verifiedPosition === undefined) throw new Error(`partition ${this.partition} is not verified`);
    const transaction = await producer.transaction();
    try {
      const next = await work(transaction);
      await transaction.commit();
      this.verifiedPosition = next;
    } catch (error) {
      // Ends it sooner for read_committed readers than the next owner's fence would. Bounded: the
      // abort goes where the failure came from, and may hang as the failure did.
      await within(
        transaction.abort().catch(() => {}),
        1_000,
        undefined,
      );
      throw error;
    }
  }

  /** For good: the member rejoined its group, and whoever holds the partition now works on a task of its own. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.discard();
  }

  /** Forgets the producer and the position (after a failure, or when the partition may have moved). */
  async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.verifiedPosition = undefined;
    await producer?.disconnect().catch(() => {});
  }

  private async committedOffset(): Promise<bigint> {
    const { groupId, topic, partition, admin } = this.options;
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = entry?.partitions.find((candidate) => candidate.partition === partition)?.offset ?? '-1';
    return offset === '-1' ? 0n : BigInt(offset);
  }
}
