import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BatchingProducer, NotSent, OutcomeUnknown, type OutgoingRecord } from './batching-producer.js';

interface Sent {
  readonly producer: number;
  readonly batch: ProducerBatch;
  readonly ack: () => void;
  readonly fail: (error: Error) => void;
}

/** Stand-ins for kafkajs producers: each records its batches and lets the test acknowledge or fail them. */
function fakeProducers({ connectFails = 0 } = {}) {
  const sent: Sent[] = [];
  let made = 0;
  let refusals = connectFails;
  const disconnected: number[] = [];
  const newProducer = () => {
    const id = ++made;
    return {
      connect: async () => {
        if (refusals-- > 0) throw new Error('connect ECONNREFUSED');
      },
      disconnect: async () => void disconnected.push(id),
      sendBatch: (batch: ProducerBatch) =>
        new Promise((resolve, reject) => sent.push({ producer: id, batch, ack: () => resolve([]), fail: reject })),
    } as unknown as Producer;
  };
  return { newProducer, sent, disconnected, made: () => made };
}

const record = (key: string): OutgoingRecord => ({ topic: 't', key, value: Buffer.from(key) });
const keysOf = (batch: ProducerBatch) => batch.topicMessages?.flatMap((entry) => entry.messages.map((message) => message.key));
const inSeconds = (seconds: number) => ({ deadline: Date.now() + seconds * 1_000 });
/** Until `condition` holds (the sender works across timers and promise turns). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 500) throw new Error('never happened');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
const settled = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 20))]);

describe('BatchingProducer', () => {
  it('sends the first record at once and batches what arrives while it is in flight', async () => {
    const kafka = fakeProducers();
    const sender = new BatchingProducer(kafka.newProducer);

    const first = sender.send(record('a'), inSeconds(5));
    const second = sender.send(record('b'), inSeconds(5));
    const third = sender.send(record('c'), inSeconds(5));

    await until(() => kafka.sent.length === 1);
    expect(keysOf(kafka.sent[0]?.batch as ProducerBatch)).toEqual(['a']);
    kafka.sent[0]?.ack();
    await first;
    await until(() => kafka.sent.length === 2);
    expect(keysOf(kafka.sent[1]?.batch as ProducerBatch)).toEqual(['b', 'c']);
    expect(await settled(second)).toBe('pending');
    kafka.sent[1]?.ack();
    await Promise.all([second, third]);
    expect(kafka.made()).toBe(1);
  });

  it('sends a failed batch again with a new producer (a new producer id), and answers once it is acknowledged', async () => {
    const kafka = fakeProducers();
    const sender = new BatchingProducer(kafka.newProducer);
    const answer = sender.send(record('a'), inSeconds(5));

    await until(() => kafka.sent.length === 1);
    kafka.sent[0]?.fail(new Error('Connection closed'));
    await until(() => kafka.sent.length === 2);
    kafka.sent[1]?.ack();

    await expect(answer).resolves.toBeUndefined();
    expect(kafka.sent.map((sent) => sent.producer)).toEqual([1, 2]);
    expect(kafka.disconnected).toContain(1);
  });

  it('answers "outcome unknown" for a sent record not acknowledged by its deadline, "not sent" for one still waiting', async () => {
    const kafka = fakeProducers();
    const sender = new BatchingProducer(kafka.newProducer);
    const inFlight = sender.send(record('a'), inSeconds(0.05));
    await until(() => kafka.sent.length === 1);
    const waiting = sender.send(record('b'), inSeconds(0.05));

    await expect(inFlight).rejects.toBeInstanceOf(OutcomeUnknown);
    await expect(waiting).rejects.toBeInstanceOf(NotSent);

    // and the record answered "not sent" is never sent, even once the link recovers
    kafka.sent[0]?.ack();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(kafka.sent.flatMap((sent) => keysOf(sent.batch))).toEqual(['a']);
  });

  it('answers "not sent" when no producer could connect before the deadline', async () => {
    const kafka = fakeProducers({ connectFails: 1_000 });
    const sender = new BatchingProducer(kafka.newProducer);

    await expect(sender.send(record('a'), inSeconds(0.1))).rejects.toBeInstanceOf(NotSent);
    expect(kafka.sent).toEqual([]);
  });

  it('caps a batch at maxBatchSize', async () => {
    const kafka = fakeProducers();
    const sender = new BatchingProducer(kafka.newProducer, { maxBatchSize: 2 });
    const sends = ['a', 'b', 'c', 'd', 'e'].map((key) => sender.send(record(key), inSeconds(5)));

    for (let index = 0; index < 3; index++) {
      await until(() => kafka.sent.length === index + 1);
      kafka.sent[index]?.ack();
    }
    await Promise.all(sends);

    expect(kafka.sent.map(({ batch }) => keysOf(batch))).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(kafka.sent.every(({ batch }) => batch.acks === -1)).toBe(true);
  });
});
