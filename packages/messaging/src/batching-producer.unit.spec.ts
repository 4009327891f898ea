import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BatchingProducer, type OutgoingRecord } from './batching-producer.js';

/** A stand-in for the kafkajs producer that records each batch and lets the test acknowledge it. */
function fakeProducer() {
  const batches: Array<{ batch: ProducerBatch; ack: () => void; fail: (error: Error) => void }> = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise((resolve, reject) => {
        batches.push({ batch, ack: () => resolve([]), fail: reject });
      }),
  } as unknown as Producer;
  return { producer, batches };
}

const record = (key: string): OutgoingRecord => ({ topic: 't', key, value: Buffer.from(key) });
const keysOf = (batch: ProducerBatch) => batch.topicMessages?.flatMap((entry) => entry.messages.map((message) => message.key));
/** Lets every pending callback run: the next batch goes out one turn after the previous one settles. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
const settled = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setImmediate(() => resolve('pending')))]);

describe('BatchingProducer', () => {
  it('sends the first record at once and batches what arrives while it is in flight', async () => {
    const { producer, batches } = fakeProducer();
    const sender = new BatchingProducer(producer);

    const first = sender.send(record('a'));
    const second = sender.send(record('b'));
    const third = sender.send(record('c'));

    expect(batches.map(({ batch }) => keysOf(batch))).toEqual([['a']]);
    batches[0]?.ack();
    await first;
    await turn();
    expect(batches.map(({ batch }) => keysOf(batch))).toEqual([['a'], ['b', 'c']]);
    expect(await settled(second)).toBe('pending');
    batches[1]?.ack();
    await Promise.all([second, third]);
  });

  it('settles each caller only with its own batch, failures included', async () => {
    const { producer, batches } = fakeProducer();
    const sender = new BatchingProducer(producer);
    const first = sender.send(record('a'));
    const second = sender.send(record('b'));

    batches[0]?.fail(new Error('not leader'));

    await expect(first).rejects.toThrow('not leader');
    await turn();
    expect(await settled(second)).toBe('pending');
    batches[1]?.ack();
    await expect(second).resolves.toBeUndefined();
  });

  it('caps a batch at maxBatchSize', async () => {
    const { producer, batches } = fakeProducer();
    const sender = new BatchingProducer(producer, { maxBatchSize: 2 });
    const sends = ['a', 'b', 'c', 'd', 'e'].map((key) => sender.send(record(key)));

    for (let index = 0; index < 3; index++) {
      batches[index]?.ack();
      await turn();
    }
    await Promise.all(sends);

    expect(batches.map(({ batch }) => keysOf(batch))).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(batches.every(({ batch }) => batch.acks === -1)).toBe(true);
  });
});
