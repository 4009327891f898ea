import type { IHeaders, Kafka } from 'kafkajs';
import { type OutgoingRecord, toTopicMessages } from '../batching-producer.js';
import { readToEnd } from '../read-to-end.js';

/** Why a message was dead-lettered. */
export type DeadLetterReason =
  /** Not a decodable record of the topic's schema: retrying cannot help. */
  | 'undecodable'
  /** Decoded, but the handler refused it (a domain rule is broken). */
  | 'rejected'
  /** Processing kept failing with an error that is not transient, after the bounded retries. */
  | 'failing';

/** A consumed message that will not be processed, and why. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly attempts: number;
}

/** Headers every dead letter carries beside the original ones (all strings). */
export const deadLetterHeaders = Object.freeze({
  reason: 'ouro.dlq.reason',
  error: 'ouro.dlq.error',
  sourceTopic: 'ouro.dlq.source-topic',
  sourcePartition: 'ouro.dlq.source-partition',
  sourceOffset: 'ouro.dlq.source-offset',
  attempts: 'ouro.dlq.attempts',
  failedAt: 'ouro.dlq.failed-at',
  /** On a re-driven command: the dead letter it came from (`<topic>/<partition>/<offset>`). */
  replayedFrom: 'ouro.dlq.replayed-from',
});

const deadLetterHeaderNames = new Set<string>(Object.values(deadLetterHeaders));

const maxErrorLength = 2_000;

/** The record sent to the dead-letter topic: the original key, value and headers, plus why. */
export function deadLetterRecord(letter: DeadLetter, topic: string, now: Date = new Date()): OutgoingRecord {
  return {
    topic,
    key: letter.key,
    value: letter.value,
    headers: {
      ...letter.headers,
      [deadLetterHeaders.reason]: letter.reason,
      [deadLetterHeaders.error]: letter.error.slice(0, maxErrorLength),
      [deadLetterHeaders.sourceTopic]: letter.topic,
      [deadLetterHeaders.sourcePartition]: String(letter.partition),
      [deadLetterHeaders.sourceOffset]: letter.offset,
      [deadLetterHeaders.attempts]: String(letter.attempts),
      [deadLetterHeaders.failedAt]: now.toISOString(),
    },
  };
}

export interface ReadDeadLetter extends DeadLetter {
  readonly failedAt: string;
  /** The original headers, without the dead-letter ones: what a replay sends again. */
  readonly originalHeaders: IHeaders;
}

const text = (value: IHeaders[string]): string => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? '' : first.toString();
};

/** Reads a record of the dead-letter topic back (the inverse of `deadLetterRecord`). */
export function parseDeadLetter(record: { key: string | null; value: Buffer | null; headers: IHeaders }): ReadDeadLetter {
  const originalHeaders = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !deadLetterHeaderNames.has(name)));
  return {
    topic: text(record.headers[deadLetterHeaders.sourceTopic]),
    partition: Number(text(record.headers[deadLetterHeaders.sourcePartition])),
    offset: text(record.headers[deadLetterHeaders.sourceOffset]),
    key: record.key,
    value: record.value,
    headers: record.headers,
    originalHeaders,
    reason: text(record.headers[deadLetterHeaders.reason]) as DeadLetterReason,
    error: text(record.headers[deadLetterHeaders.error]),
    attempts: Number(text(record.headers[deadLetterHeaders.attempts])),
    failedAt: text(record.headers[deadLetterHeaders.failedAt]),
  };
}

/** A record of the dead-letter topic, where it sits, and whether `replay` has re-driven it. */
export interface StoredDeadLetter extends ReadDeadLetter {
  readonly dlqPartition: number;
  readonly dlqOffset: string;
  readonly replayed: boolean;
}

export interface DeadLetterTopic {
  readonly kafka: Kafka;
  /** The dead-letter topic. */
  readonly topic: string;
  /** The consumer group whose offsets remember what `replay` has re-driven (`<topic>.replay` by default). */
  readonly replayGroupId?: string;
}

const replayGroupOf = ({ topic, replayGroupId }: DeadLetterTopic) => replayGroupId ?? `${topic}.replay`;

/** Every dead letter, read to the exact end (read_committed), with whether it was replayed. */
export async function listDeadLetters(source: DeadLetterTopic): Promise<StoredDeadLetter[]> {
  const admin = source.kafka.admin();
  await admin.connect();
  try {
    const [records, [offsets]] = await Promise.all([
      readToEnd(source.kafka, source.topic),
      admin.fetchOffsets({ groupId: replayGroupOf(source), topics: [source.topic] }),
    ]);
    const replayedBelow = new Map(offsets?.partitions.map(({ partition, offset }) => [partition, BigInt(offset)]) ?? []);
    return records.map((record) => ({
      ...parseDeadLetter(record),
      dlqPartition: record.partition,
      dlqOffset: record.offset,
      replayed: BigInt(record.offset) < (replayedBelow.get(record.partition) ?? -1n),
    }));
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayOptions {
  /** Re-drive exactly these letters (`partition/offset` of the dead-letter topic), replayed or not. */
  readonly only?: readonly { readonly partition: number; readonly offset: string }[];
}

/**
 * Sends dead letters back to the topic they came from, with their original key, value and headers
 * plus `ouro.dlq.replayed-from`. Without `only`, it re-drives every letter not replayed yet and
 * then records that in the replay group's offsets. Not one transaction on purpose: a transaction
 * marker in the commands topic would sit after the processor's last committed offset forever and
 * read as lag. A crash between the two steps re-drives those letters again on the next run, which
 * changes nothing: the processor stores and announces an order once however often its command arrives.
 */
export async function replayDeadLetters(source: DeadLetterTopic, { only }: ReplayOptions = {}): Promise<StoredDeadLetter[]> {
  const letters = await listDeadLetters(source);
  const chosen = only
    ? letters.filter((letter) => only.some(({ partition, offset }) => partition === letter.dlqPartition && offset === letter.dlqOffset))
    : letters.filter((letter) => !letter.replayed);
  if (chosen.length === 0) return [];
  const producer = source.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin = source.kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: toTopicMessages(
        chosen.map((letter) => ({
          topic: letter.topic,
          key: letter.key,
          value: letter.value,
          headers: {
            ...letter.originalHeaders,
            [deadLetterHeaders.replayedFrom]: `${source.topic}/${letter.dlqPartition}/${letter.dlqOffset}`,
          },
        })),
      ),
    });
    if (!only) {
      const next = new Map<number, bigint>();
      for (const letter of chosen) {
        const after = BigInt(letter.dlqOffset) + 1n;
        if (after > (next.get(letter.dlqPartition) ?? 0n)) next.set(letter.dlqPartition, after);
      }
      await admin.setOffsets({
        groupId: replayGroupOf(source),
        topic: source.topic,
        partitions: [...next].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
      });
    }
    return chosen;
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}
