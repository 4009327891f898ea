import { rmSync } from 'node:fs';
import { provisionTopics } from '@ouro/provisioning';
import { eventually, uniqueName } from '@ouro/testing';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { crashService, pauseService, resumeService, startService } from '../src/faults.js';
import { kafkaAddresses, kafkaClusterDir } from '../src/kafka-cluster.js';
import { KafkaLink } from '../src/links/kafka-link.js';
import { stackReset, stackUp } from '../src/stack.js';

// A cluster of its own beside the default stack (which keeps running): other ports, its own data,
// the same downloaded jars.
const config = loadStackConfig({ ...process.env, KAFKA_BROKERS: '127.0.0.1:28092', KAFKA_NODES: '3' });
// A crashed leader is replaced once the controller fences it (broker.session.timeout.ms, 9 s), and
// kafkajs retries a refused connection with the client's budget, not the producer's. That budget is
// spelled out in full: under NODE_ENV=test (vitest) kafkajs's defaults shrink to about 10 s in all.
const clientConfig = {
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 300, multiplier: 2, factor: 0.2, maxRetryTime: 3_000, retries: 12 },
};
const kafka = new Kafka({ ...clientConfig, clientId: 'ouro-cluster-test', brokers: kafkaAddresses(config) });
let admin: Admin;
let producer: Producer;

async function partitionZero(topic: string) {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partition = metadata.topics[0]?.partitions.find((candidate) => candidate.partitionId === 0);
  if (!partition) throw new Error(`${topic} has no partition 0`);
  return partition;
}

async function highWatermark(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Number(offsets.find((offset) => offset.partition === 0)?.high);
}

const send = (topic: string, value: string) => producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });

beforeAll(async () => {
  await stackUp(config, ['kafka']);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
}, 240_000);

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await stackReset(config, false, ['kafka']);
  rmSync(kafkaClusterDir(config), { recursive: true, force: true });
}, 120_000);

describe('a Kafka cluster of three nodes (stack up --brokers 3)', () => {
  it('has three brokers, each on its own port', async () => {
    const { brokers } = await admin.describeCluster();

    expect(brokers.map(({ nodeId, port }) => ({ nodeId, port })).sort((a, b) => a.nodeId - b.nodeId)).toEqual([
      { nodeId: 1, port: 28092 },
      { nodeId: 2, port: 28094 },
      { nodeId: 3, port: 28096 },
    ]);
  });

  it('gets topics provisioned with three copies, two of which must have each write', async () => {
    const name = uniqueName('cluster');

    const { created, replication } = await provisionTopics(kafkaAddresses(config), {
      commandsTopic: `${name}.commands`,
      eventsTopic: `${name}.events`,
      deadLetterTopic: `${name}.commands.dlq`,
      partitions: 1,
    });

    expect(created).toHaveLength(3);
    expect(replication).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect((await partitionZero(`${name}.commands`)).replicas).toHaveLength(3);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: `${name}.commands`, configNames: ['min.insync.replicas'] }],
    });
    expect(described.resources[0]?.configEntries).toEqual([
      expect.objectContaining({ configName: 'min.insync.replicas', configValue: '2' }),
    ]);
  });

  it('keeps acknowledging acks=all writes when the leader crashes, and takes the node back', async () => {
    const name = uniqueName('failover');
    const topic = `${name}.commands`;
    await provisionTopics(kafkaAddresses(config), {
      commandsTopic: topic,
      eventsTopic: `${name}.events`,
      deadLetterTopic: `${name}.commands.dlq`,
      partitions: 1,
    });
    await send(topic, 'before');
    const leader = (await partitionZero(topic)).leader;

    // when the partition's leader crashes
    await crashService(config, `kafka-${leader}`);

    // then a write is acknowledged by all in-sync replicas, the two left, once the leader has moved
    await send(topic, 'during');
    const degraded = await partitionZero(topic);
    expect(degraded.leader).not.toBe(leader);
    expect(degraded.isr.sort()).toEqual([1, 2, 3].filter((id) => id !== leader));

    // and once the node is started again, it catches up and is back in sync
    await startService(config, `kafka-${leader}`);
    await eventually(async () => expect((await partitionZero(topic)).isr).toHaveLength(3), { timeoutMs: 60_000, intervalMs: 250 });
    await send(topic, 'after');
    expect(await highWatermark(topic)).toBe(3);
  }, 180_000);

  it('pauses a node, which then takes connections and answers nothing, and resumes it', async () => {
    const nodeThree = { ...clientConfig, retry: { retries: 0 }, connectionTimeout: 1_000, brokers: [kafkaAddresses(config)[2] ?? ''] };
    pauseService(config, 'kafka-3');
    try {
      const frozen = new Kafka({ ...nodeThree, clientId: 'ouro-paused' }).admin();
      await expect(frozen.connect()).rejects.toThrow(/timed out/);
    } finally {
      resumeService(config, 'kafka-3');
    }
    const thawed = new Kafka({ ...nodeThree, clientId: 'ouro-resumed' }).admin();
    await thawed.connect();
    expect((await thawed.describeCluster()).brokers.length).toBeGreaterThan(0);
    await thawed.disconnect();
  });

  it('connects a new client whose first bootstrap broker takes connections but never answers', async () => {
    // given a topic kept on brokers 2 and 3 only
    const topic = uniqueName('hung-seed');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [2, 3] }] }] });
    // and a link on which broker 1 accepts connections and answers nothing, as a paused or hung broker does
    const link = await KafkaLink.open(config);
    link.nodes[0]?.set({ kind: 'partitioned' });
    // when a new producer starts with broker 1 first in its bootstrap list (kafkajs tries the list in order)
    const timeouts = { connectionTimeout: 1_000, requestTimeout: 30_000 };
    const fresh = new Kafka({ ...clientConfig, ...timeouts, clientId: 'ouro-hung-seed', brokers: link.brokers }).producer();
    try {
      const started = Date.now();
      await fresh.connect();
      const connectedAfterMs = Date.now() - started;
      await fresh.send({ topic, acks: -1, messages: [{ value: 'through another broker' }] });

      // then it gave up on broker 1 once its first request had waited the connection timeout (not
      // the request timeout, 30 times longer), connected through another broker, and wrote
      expect(connectedAfterMs).toBeLessThan(timeouts.requestTimeout / 2);
      expect(await highWatermark(topic)).toBe(1);
    } finally {
      await fresh.disconnect();
      await link.close();
    }
  }, 60_000);

  it('writes every message of a send across partitions when a leader dies mid-request and its partition moves to a broker that already answered', async () => {
    // given a topic whose partition 0 is led by broker 1 and partition 1 by broker 2, with broker 1
    // the only other copy of partition 1: when broker 2 dies, partition 1 moves to broker 1
    const topic = uniqueName('failover-send');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [1, 3] },
            { partition: 1, replicas: [2, 1] },
          ],
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        },
      ],
    });
    // and a producer whose traffic crosses a link, so that its request to broker 2 can be held on the way
    const link = await KafkaLink.open(config);
    const linked = new Kafka({ ...clientConfig, clientId: 'ouro-failover-send', brokers: link.brokers }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    try {
      await linked.connect();
      await linked.send({ topic, acks: -1, messages: [0, 1].map((partition) => ({ partition, value: 'warm-up' })) });

      // when a send with a message for each partition reaches broker 1 (which acknowledges partition
      // 0) while its request to broker 2 is on the way, and broker 2 dies with it in flight
      const held = link.when({ api: 'Produce', action: 'hold', node: 1 });
      const sending = linked.send({ topic, acks: -1, messages: [0, 1].map((partition) => ({ partition, value: 'during' })) });
      await held.matched;
      await crashService(config, 'kafka-2');
      held.release();
      await sending;

      // then the send resolved with both messages written: partition 1's was sent again, to broker 1
      const partitions = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
      expect(partitions.map(({ partition, high }) => ({ partition, high }))).toEqual([
        { partition: 0, high: '2' },
        { partition: 1, high: '2' },
      ]);
    } finally {
      await linked.disconnect();
      await link.close();
      await startService(config, 'kafka-2');
    }
  }, 180_000);
});
