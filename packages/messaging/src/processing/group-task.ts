import type { Admin, Kafka, Producer, Transaction } from 'kafkajs';
import { within } from './retry.js';

/** A batch of an earlier group generation tried to use its partitions: it must stop (never counted against a message). */
export class GroupRetired extends Error {
  override name = 'GroupRetired';
  readonly retriable = true;
  constructor(group: number) {
    super(`partition group ${group} was re-assigned since this batch began`);
  }
}

export interface GroupTaskOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly groupId: string;
  readonly topic: string;
  readonly group: number;
  /** Whether a partition of the topic belongs to this group. */
  readonly owns: (partition: number) => boolean;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
}

/**
 * One partition group as this member holds it: the group's transactional producer, and per
 * partition the offset from which its messages are not committed yet, all known only while
 * verified.
 *
 * Verifying is what makes a member the group's only writer. A new producer initialises the group's
 * transactional id: the broker completes or aborts whatever transaction an earlier holder (a
 * zombie, or this member's own previous producer whose commit answer was lost) left open, and
 * refuses that holder from then on. Only then are the committed offsets read, so they are final: no
 * one else can move them while this producer is current. Every failure discards the producer and
 * the positions, because after a failure neither the transaction's outcome nor the producer's state
 * is known; the next attempt verifies again. A cached producer is never reused for this: kafkajs
 * initialises a producer once, so reusing one would not fence anybody.
 */
export class GroupTask {
  private producer: Producer | undefined;
  private positions: Map<number, bigint> | undefined;
  private retired = false;

  constructor(private readonly options: GroupTaskOptions) {}

  get group(): number {
    return this.options.group;
  }

  get verified(): boolean {
    return this.positions !== undefined;
  }

  /** The first offset of `partition` not committed yet, or undefined until verified. */
  position(partition: number): bigint | undefined {
    return this.positions?.get(partition) ?? (this.positions ? 0n : undefined);
  }

  /** Fences every earlier holder and reads the committed offsets of the group's partitions. */
  async verify(): Promise<ReadonlyMap<number, bigint>> {
    if (this.retired) throw new GroupRetired(this.group);
    await this.discard();
    const producer = this.options.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs,
      // A transaction right after another meets CONCURRENT_TRANSACTIONS until the previous one's
      // markers are written (milliseconds): retried soon, as Kafka's Java client does (20 ms).
      retry: { initialRetryTime: 20, maxRetryTime: 2_000, retries: 8 },
    });
    this.producer = producer;
    await producer.connect();
    // The first transaction() initialises the transactional id (InitProducerId); an abort with
    // nothing in it never reaches the broker.
    await (await producer.transaction()).abort();
    this.positions = await this.committedOffsets();
    return this.positions;
  }

  /**
   * Runs `work` in one transaction of the group's producer; commits unless it throws. `work`
   * returns the next position of each partition it consumed from.
   */
  async transact(work: (transaction: Transaction) => Promise<ReadonlyMap<number, bigint>>): Promise<void> {
    const producer = this.producer;
    const positions = this.positions;
    if (!producer || !positions) throw new Error(`partition group ${this.group} is not verified`);
    const transaction = await producer.transaction();
    try {
      const next = await work(transaction);
      await transaction.commit();
      for (const [partition, offset] of next) positions.set(partition, offset);
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

  /** For good: the member rejoined its group, and whoever holds the partitions now works on a task of its own. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.discard();
  }

  /** Forgets the producer and the positions (after a failure, or when the partitions may have moved). */
  async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.positions = undefined;
    await producer?.disconnect().catch(() => {});
  }

  private async committedOffsets(): Promise<Map<number, bigint>> {
    const { groupId, topic, admin, owns } = this.options;
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (entry?.partitions ?? [])
        .filter(({ partition }) => owns(partition))
        .map(({ partition, offset }) => [partition, offset === '-1' ? 0n : BigInt(offset)] as const),
    );
  }
}
