import type { IHeaders, Message, Producer, TopicMessages } from 'kafkajs';

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  /** null only for a dead letter of a message that had no value. */
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

/** kafkajs' `topicMessages`: the records grouped by topic, in their order. */
export function toTopicMessages(records: readonly OutgoingRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, value, headers } of records) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key, value, headers: headers ?? {} });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** What sends one record and settles when it is acknowledged. */
export interface RecordSender {
  send(record: OutgoingRecord): Promise<void>;
}

interface Pending {
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends records through one idempotent producer in micro-batches. The idempotent kafkajs producer
 * allows one request in flight per connection, so sending each HTTP request's record on its own
 * serialises them. Here, while one batch is in flight the next accumulates, and it goes as soon as
 * the first is acknowledged (or when `maxBatchSize` is reached). Each caller's promise settles
 * only when its own record is acknowledged (acks=all) or has failed.
 */
export class BatchingProducer implements RecordSender {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly producer: Producer,
    private readonly options: { maxBatchSize?: number; timeoutMs?: number } = {},
  ) {}

  send(record: OutgoingRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatchSize ?? 500);
    this.inFlight = true;
    this.producer
      .sendBatch({
        acks: -1,
        timeout: this.options.timeoutMs ?? 5_000,
        topicMessages: toTopicMessages(batch.map(({ record }) => record)),
      })
      .then(
        () => {
          for (const pending of batch) pending.resolve();
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.flush();
      });
  }
}
