import { eventually, stackEnv, uniqueName } from '@ouro/testing';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const kafka = new Kafka({ clientId: 'ouro-stack-test', brokers: [...stackEnv().kafkaBrokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const closers: Array<() => Promise<void>> = [];

async function readAll(topic: string, isolation: 'committed' | 'uncommitted', expectedCount: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted: isolation === 'uncommitted' });
  closers.push(() => consumer.disconnect());
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message.value?.toString() ?? '');
    },
  });
  await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(expectedCount));
  return seen;
}

async function connected(producer: Producer): Promise<Producer> {
  await producer.connect();
  closers.push(() => producer.disconnect());
  return producer;
}

beforeAll(() => admin.connect());
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
  await admin.disconnect();
});

describe('Kafka (kafkajs against the local broker)', () => {
  it('creates a topic with the partitions asked for', async () => {
    const topic = uniqueName('stack.topic');

    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('delivers what an idempotent producer sends, in order', async () => {
    const topic = uniqueName('stack.idempotent');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = await connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));

    await producer.send({ topic, acks: -1, messages: ['a', 'b', 'c'].map((value) => ({ key: 'k', value })) });

    expect(await readAll(topic, 'committed', 3)).toEqual(['a', 'b', 'c']);
  });

  it('shows read_committed consumers committed transactions only, with the consumed offsets committed atomically', async () => {
    const input = uniqueName('stack.tx-input');
    const output = uniqueName('stack.tx-output');
    const group = uniqueName('stack.tx-group');
    await admin.createTopics({ topics: [input, output].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    const producer = await connected(
      kafka.producer({ transactionalId: uniqueName('stack-tx'), idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000 }),
    );

    // given a committed transaction that also commits the consumer offset 1 of `group`
    const first = await producer.transaction();
    await first.send({ topic: output, messages: [{ key: 'k', value: 'committed-1' }] });
    await first.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }] });
    await first.commit();
    // and an aborted one, then another committed one
    const second = await producer.transaction();
    await second.send({ topic: output, messages: [{ key: 'k', value: 'aborted' }] });
    await second.abort();
    const third = await producer.transaction();
    await third.send({ topic: output, messages: [{ key: 'k', value: 'committed-2' }] });
    await third.commit();

    // then the aborted record is in the log (an uncommitted reader sees it) …
    expect(await readAll(output, 'uncommitted', 3)).toEqual(['committed-1', 'aborted', 'committed-2']);
    // … but a read_committed reader never sees it
    const committed = await readAll(output, 'committed', 2);
    expect(committed).toEqual(['committed-1', 'committed-2']);
    // and the offset went in with the first transaction
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [input] });
    expect(offsets[0]?.partitions[0]?.offset).toBe('1');
  });
});
