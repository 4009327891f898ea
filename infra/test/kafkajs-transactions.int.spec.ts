import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { kafkaAddresses } from '../src/kafka-cluster.js';
import { KafkaLink } from '../src/links/kafka-link.js';

// What a kafkajs transaction costs in round trips, counted on the wire through a link: the patched
// kafkajs (patches/kafkajs@2.2.4.patch) looks each coordinator up once, not before every request.
const config = loadStackConfig();
const direct = new Kafka({ clientId: 'kafkajs-transactions-test', brokers: kafkaAddresses(config), logLevel: logLevel.NOTHING });
const admin = direct.admin();
let link: KafkaLink;

beforeAll(async () => {
  link = await KafkaLink.open(config);
  await admin.connect();
  // On a fresh broker the first transaction creates Kafka's internal topics, and the coordinators
  // answer "not available" until they exist: one transaction with offsets first, off the count.
  const topic = `kafkajs-transactions-warm-up-${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const warmUp = direct.producer({ transactionalId: `${topic}.producer`, idempotent: true, maxInFlightRequests: 1 });
  await warmUp.connect();
  const transaction = await warmUp.transaction();
  await transaction.send({ topic, acks: -1, messages: [{ value: 'warm-up' }] });
  await transaction.sendOffsets({ consumerGroupId: `${topic}.group`, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
  await transaction.commit();
  await warmUp.disconnect();
}, 60_000);
afterAll(async () => {
  await admin.disconnect();
  await link.close();
});

describe('a kafkajs transactional producer', () => {
  it('looks its coordinators up once, not before every transactional request', async () => {
    const topic = `kafkajs-transactions-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    const clientId = `transactional-${randomUUID().slice(0, 8)}`;
    const lookups = link.when({ api: 'FindCoordinator', action: 'observe', clientId, times: 1_000 });
    const producer = new Kafka({ clientId, brokers: link.brokers, logLevel: logLevel.NOTHING }).producer({
      transactionalId: clientId,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      // when it runs three transactions, each with records and consumed offsets
      for (let round = 0; round < 3; round++) {
        const transaction = await producer.transaction();
        await transaction.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ value: `round ${round}` }] }] });
        await transaction.sendOffsets({
          consumerGroupId: `${clientId}.group`,
          topics: [{ topic, partitions: [{ partition: 0, offset: String(round + 1) }] }],
        });
        await transaction.commit();
      }

      // then it asked for the transaction coordinator once and the group coordinator once
      expect(lookups.matches()).toBe(2);
    } finally {
      await producer.disconnect();
    }
  });
});
