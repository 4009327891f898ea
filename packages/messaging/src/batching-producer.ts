import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { IHeaders, Message, Producer, TopicMessages } from 'kafkajs';
import { type Logger, silentLogger } from './logger.js';
import { backoffDelay } from './processing/backoff.js';
import { pause } from './processing/retry.js';

const tracer = trace.getTracer('@ouro/messaging');

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

/** The record was not handed to Kafka in time (or no connection could be made): it is not written. */
export class NotSent extends Error {
  override name = 'NotSent';
}

/** The record was sent, but no acknowledgement came in time: it may or may not be written. */
export class OutcomeUnknown extends Error {
  override name = 'OutcomeUnknown';
}

export interface SendOptions {
  /** Epoch milliseconds by which the caller wants its answer. */
  readonly deadline: number;
}

/**
 * What sends one record and settles when it is acknowledged. Rejects with `NotSent` when it
 * certainly is not written, `OutcomeUnknown` when it may be.
 */
export interface RecordSender {
  send(record: OutgoingRecord, options: SendOptions): Promise<void>;
}

interface Pending {
  readonly record: OutgoingRecord;
  /** The record's own span, opened in its caller's context (a no-op while tracing is off). */
  readonly span: Span;
  readonly deadline: number;
  /** Handed to a producer at least once: a failure now means the outcome is unknown. */
  sent: boolean;
  answered: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface BatchingProducerOptions {
  readonly maxBatchSize?: number;
  /** The broker's own wait for replicas (acks=all). */
  readonly ackTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Sends records through an idempotent producer in micro-batches, and tells each caller the truth
 * about its record by its deadline: written (resolves), certainly not written (`NotSent`), or
 * maybe written (`OutcomeUnknown`).
 *
 * The kafkajs idempotent producer allows one request in flight per connection, so sending each
 * caller's record on its own would serialise them: while one batch is in flight the next
 * accumulates, and goes as soon as the first settles. A record still waiting at its deadline is
 * taken out of the queue: it will never be sent.
 *
 * After any failed send the producer is dropped and the next send uses a new one (a new producer id).
 * kafkajs rolls its sequence numbers back after a failure, even when the broker did append the
 * batch (the reply was lost): the same producer's next batch would then reuse those numbers, and
 * the broker would refuse it for good (OUT_OF_ORDER_SEQUENCE_NUMBER) or, worse, take it for a
 * duplicate of the lost one and acknowledge it without writing it. With a new producer id no
 * sequence number is ever reused, so an acknowledgement always means written. A failed batch is
 * sent again with the new producer while its callers' deadlines allow: a record may then be in
 * Kafka twice, which its consumers tell apart by its own ids.
 */
export class BatchingProducer implements RecordSender {
  private queue: Pending[] = [];
  /** The batch being delivered: its records' deadlines are watched too. */
  private delivering: Pending[] = [];
  private inFlight = false;
  /** One timer for every deadline (the earliest one's), not one per record. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private current: Promise<Producer> | undefined;
  private closed = false;
  private readonly logger: Logger;

  constructor(
    private readonly newProducer: () => Producer,
    private readonly options: BatchingProducerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  send(record: OutgoingRecord, { deadline }: SendOptions): Promise<void> {
    const span = tracer.startSpan(`send ${record.topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': record.topic,
        ...(record.key === null ? {} : { 'messaging.kafka.message.key': record.key }),
      },
    });
    // The record carries its own trace context: what a consumer links to is this caller's trace.
    const headers: IHeaders = { ...record.headers };
    propagation.inject(trace.setSpan(context.active(), span), headers);
    const traced = { ...record, headers };
    return new Promise((resolve, reject) => {
      this.queue.push({ record: traced, span, deadline, sent: false, answered: false, resolve, reject });
      this.watchDeadlines();
      this.flush();
    });
  }

  /** Arms the one timer for the earliest deadline of a record still waiting for its answer. */
  private watchDeadlines(): void {
    if (this.deadlineTimer) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const pending of [...this.delivering, ...this.queue]) if (!pending.answered) earliest = Math.min(earliest, pending.deadline);
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = undefined;
        const now = Date.now();
        for (const pending of [...this.delivering, ...this.queue]) if (!pending.answered && pending.deadline <= now) this.expire(pending);
        this.watchDeadlines();
      },
      Math.max(0, earliest - Date.now()),
    );
  }

  /** Connects a producer ahead of the first send (best effort: a send connects one anyway). */
  async warm(): Promise<void> {
    await this.producer().catch(() => {});
  }

  /** Closes the producer; records still waiting are refused (`NotSent`). */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) this.answer(pending, new NotSent('the sender is closing'));
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const current = this.current;
    this.current = undefined;
    await current?.then((producer) => producer.disconnect()).catch(() => {});
  }

  private expire(pending: Pending): void {
    const index = this.queue.indexOf(pending);
    if (index >= 0) this.queue.splice(index, 1);
    this.answer(
      pending,
      pending.sent
        ? new OutcomeUnknown('Kafka has not acknowledged the record in time; it may yet be written')
        : new NotSent('Kafka could not be sent the record in time; it is not written'),
    );
  }

  private answer(pending: Pending, error?: Error): void {
    if (pending.answered) return;
    pending.answered = true;
    if (error) {
      pending.span.setAttribute('error.type', error.name);
      pending.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    pending.span.end();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0 || this.closed) return;
    const batch = this.queue.splice(0, this.options.maxBatchSize ?? 500);
    this.inFlight = true;
    this.delivering = batch;
    void this.deliver(batch).finally(() => {
      this.inFlight = false;
      this.delivering = [];
      this.flush();
    });
  }

  /** Sends a batch until it is acknowledged or every caller has had its answer; then settles the rest. */
  private async deliver(batch: Pending[]): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; !this.closed; attempt++) {
      const waiting = batch.filter((pending) => !pending.answered);
      if (waiting.length === 0) return;
      let producer: Producer;
      try {
        producer = await this.producer();
      } catch (error) {
        // Nothing of this attempt reached Kafka.
        lastError = error;
        this.logger.warn({ err: error, attempt }, 'cannot connect a producer to Kafka; retrying');
        await pause(backoffDelay(attempt, { initialMs: 50, maxMs: 1_000 }));
        continue;
      }
      // Only records whose callers still wait: one answered `NotSent` must never be written.
      for (const pending of waiting) {
        pending.sent = true;
        pending.span.setAttribute('messaging.batch.message_count', waiting.length);
        pending.span.addEvent('sent', { attempt });
      }
      try {
        // The Kafka instrumentation would open every record's span in this one context (that of
        // whichever caller's record started the flush) and write it over each record's own context:
        // the batch goes without it; each record's span above stands for its send.
        await context.with(suppressTracing(context.active()), () =>
          producer.sendBatch({
            acks: -1,
            timeout: this.options.ackTimeoutMs ?? 5_000,
            topicMessages: toTopicMessages(waiting.map(({ record }) => record)),
          }),
        );
        for (const pending of waiting) this.answer(pending);
        return;
      } catch (error) {
        lastError = error;
        this.logger.warn({ err: error, attempt, records: waiting.length }, 'a send failed; sending again with a new producer');
        await this.drop(producer);
        await pause(backoffDelay(attempt, { initialMs: 50, maxMs: 1_000 }));
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    for (const pending of batch) {
      this.answer(pending, pending.sent ? new OutcomeUnknown(reason) : new NotSent(reason));
    }
  }

  /** The current producer, connected (a new one when the last send failed). */
  private producer(): Promise<Producer> {
    if (!this.current) {
      const producer = this.newProducer();
      const connecting = producer.connect().then(() => producer);
      this.current = connecting;
      connecting.catch(() => {
        if (this.current === connecting) this.current = undefined;
        void producer.disconnect().catch(() => {});
      });
    }
    return this.current;
  }

  private async drop(producer: Producer): Promise<void> {
    if (this.current && (await this.current.catch(() => undefined)) === producer) this.current = undefined;
    await producer.disconnect().catch(() => {});
  }
}
