import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, IHeaders, Kafka } from 'kafkajs';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** True once `groupId` has committed offsets at the end of every partition of `topic`. */
export async function hasCaughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return ends.every(({ partition, high }) => {
    const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
    return BigInt(high) === 0n || BigInt(offset) >= BigInt(high);
  });
}

/** Waits until `groupId` has consumed and committed everything in `topic` (a processor at rest). */
export async function waitForGroupToCatchUp(admin: Admin, groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await hasCaughtUp(admin, groupId, topic))) {
    if (Date.now() > deadline) throw new Error(`${groupId} has not caught up with ${topic} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Reads every record of `topic` as a read_committed consumer sees it, to the end of each partition
 * as it stands when called. The end is exact, not a quiet period: the reader's committed offsets
 * reach each partition's high watermark (kafkajs resolves past transaction markers too).
 */
export async function readToEnd(kafka: Kafka, topic: string, { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  const groupId = `reader-${randomUUID()}`;
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  const records: ReadRecord[] = [];
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    // One commit per fetched batch (interval 0), not per message.
    await consumer.run({
      autoCommitInterval: 0,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records.push({
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value,
            headers: message.headers ?? {},
          });
        }
      },
    });
    await waitForGroupToCatchUp(admin, groupId, topic, timeoutMs);
    return records;
  } finally {
    await consumer.disconnect();
    // The reader's group existed only for this read.
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}
