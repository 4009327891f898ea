import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConnections } from '@ouro/config';
import { type ConsumerConfig, type Kafka, KafkaJSNonRetriableError, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from './kafka.js';
import type { Logger } from './logger.js';
import type { BatchHandler } from './processing/handler.js';
import type { ProcessorObserver } from './processing/observer.js';
import { groupTransactionalId, partitionGroupAssigner } from './processing/partition-groups.js';
import { readToEnd } from './read-to-end.js';
import { ensureTopics } from './topics.js';
import { TransactionalProcessor } from './transactional-processor.js';

// The runtime against the real broker, with a handler a test can hold at will: what a member does
// between fencing a partition and committing its chunk is exactly where zombies strike.
const kafka = createKafka({ brokers: loadConnections().kafkaBrokers, clientId: 'processor-runtime-test' });
const admin = kafka.admin();
let producer: Producer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms: ${condition.toString()}`);
    await sleep(50);
  }
}

/**
 * kafkajs whose consumers fail once with a non-retriable error inside their batch loop, before the
 * runtime's handler is reached: how an error from kafkajs' own code (a commit, a seek) stops a consumer.
 */
function failingOnce(client: Kafka): Kafka {
  let failed = false;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'consumer') return Reflect.get(target, property, receiver);
      return (config: ConsumerConfig) => {
        const consumer = target.consumer(config);
        const run = consumer.run.bind(consumer);
        consumer.run = (options) =>
          run({
            ...options,
            eachBatch: async (payload) => {
              if (!failed) {
                failed = true;
                throw new KafkaJSNonRetriableError('injected: a non-retriable error escaped into the consumer');
              }
              return options?.eachBatch?.(payload);
            },
          });
        return consumer;
      };
    },
  });
}

/** A deployment of the runtime: its topics, group and transactional ids, a handler that copies each value to `output`. */
type Names = { input: string; output: string; deadLetters: string; groupId: string; prefix: string };

async function deployment({
  client = kafka,
  observer,
  partitionGroups,
  joining,
}: {
  client?: Kafka;
  observer?: ProcessorObserver;
  partitionGroups?: number;
  joining?: Names;
} = {}) {
  const name = `runtime-${randomUUID().slice(0, 8)}`;
  const names: Names = joining ?? {
    input: `${name}.in`,
    output: `${name}.out`,
    deadLetters: `${name}.dlq`,
    groupId: `${name}.group`,
    prefix: name,
  };
  await ensureTopics(admin, [
    { topic: names.input, numPartitions: 1 },
    { topic: names.output, numPartitions: 1 },
    { topic: names.deadLetters, numPartitions: 1 },
  ]);
  const logged: string[] = [];
  const logger: Logger = {
    info: (_fields: unknown, message?: string) => void logged.push(message ?? ''),
    warn: (_fields: unknown, message?: string) => void logged.push(message ?? ''),
    error: (_fields: unknown, message?: string) => void logged.push(message ?? ''),
  } as Logger;
  /** When set, the handler waits here before handling a chunk holding `value`. */
  let gate: { value: string; entered: () => void; released: Promise<void> } | undefined;
  const handle: BatchHandler<string> = async (messages) => {
    if (gate && messages.some((message) => message.value === gate?.value)) {
      gate.entered();
      await gate.released;
    }
    return { records: messages.map((message) => ({ topic: names.output, key: message.key, value: Buffer.from(message.value) })) };
  };
  const processor = new TransactionalProcessor<string>({
    kafka: client,
    groupId: names.groupId,
    topic: names.input,
    transactionalIdPrefix: names.prefix,
    decode: async (value) => value?.toString() ?? '',
    handle,
    deadLetters: { topic: names.deadLetters },
    sessionTimeoutMs: 6_000,
    transactionTimeoutMs: 10_000,
    logger,
    ...(observer ? { observer } : {}),
    ...(partitionGroups ? { partitionGroups } : {}),
  });
  await processor.start();
  cleanups.push(() => processor.stop());
  return {
    ...names,
    names,
    logged,
    stop: () => processor.stop(),
    produce: (value: string) => producer.send({ topic: names.input, acks: -1, messages: [{ key: value, value }] }),
    written: async () => (await readToEnd(kafka, names.output)).map((record) => record.value?.toString()),
    /** Holds the handler at the chunk holding `value`; resolves `entered` when it gets there. */
    hold(value: string) {
      let entered: () => void = () => {};
      let release: () => void = () => {};
      const reached = new Promise<void>((resolve) => (entered = resolve));
      gate = { value, entered, released: new Promise((resolve) => (release = resolve)) };
      // A failed test must not leave the handler waiting: stopping the processor waits for it.
      cleanups.push(async () => release());
      return { reached, release };
    },
  };
}

describe('TransactionalProcessor fencing', () => {
  it('fences an earlier owner of a partition that comes back to it (A → B → A), even with a producer of its own still at hand', async () => {
    const runtime = await deployment();
    await runtime.produce('first');
    await until(async () => (await runtime.written()).includes('first'));

    // given a zombie: an earlier owner's producer for the partition, with a transaction open
    const zombie = kafka.producer({
      transactionalId: groupTransactionalId(runtime.prefix, runtime.input, 0, { count: 3 }),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await zombie.connect();
    cleanups.push(() => zombie.disconnect());
    const transaction = await zombie.transaction();
    await transaction.sendBatch({ acks: -1, topicMessages: [{ topic: runtime.output, messages: [{ key: 'zombie', value: 'zombie' }] }] });

    // and the member's group rebalancing (another member joins and leaves), so the partition is assigned to it again
    const joins = () => runtime.logged.filter((message) => message === 'joined the consumer group').length;
    // (it must speak the group's protocol: the broker refuses a member with another assigner)
    const intruder = kafka.consumer({
      groupId: runtime.groupId,
      sessionTimeout: 6_000,
      partitionAssigners: [partitionGroupAssigner({ count: 3 })],
    });
    await intruder.connect();
    await intruder.subscribe({ topic: runtime.input });
    await intruder.run({ autoCommit: false, eachMessage: async () => {} });
    await until(() => joins() >= 2);
    await intruder.disconnect();
    await until(() => joins() >= 3);

    // when the member takes up the partition again and is about to commit its next chunk
    const held = runtime.hold('second');
    await runtime.produce('second');
    await held.reached;

    // then the zombie can no longer commit
    await expect(transaction.commit()).rejects.toThrow();
    held.release();
    await until(async () => (await runtime.written()).includes('second'));
    expect(await runtime.written()).toEqual(['first', 'second']);
  });
});

describe('TransactionalProcessor partition groups', () => {
  it('keeps a member with another group count out of the consumer group until the members it would split leave', async () => {
    const runtime = await deployment({ partitionGroups: 3 });
    await runtime.produce('first');
    await until(async () => (await runtime.written()).includes('first'));

    // when a member that deals the partitions into 2 groups (other transactional ids) starts in the same group
    const other = await deployment({ partitionGroups: 2, joining: runtime.names });
    await until(() => other.logged.some((message) => message.includes('another number of partition groups')));

    // then the broker refuses it, and the first member goes on alone
    await runtime.produce('second');
    await until(async () => (await runtime.written()).includes('second'));
    expect(other.logged).not.toContain('joined the consumer group');

    // and once the first member has left, the other joins and carries on from the committed offsets
    await runtime.stop();
    await until(() => other.logged.includes('joined the consumer group'), 60_000);
    await runtime.produce('third');
    await until(async () => (await runtime.written()).includes('third'), 60_000);
    expect(await runtime.written()).toEqual(['first', 'second', 'third']);
  });
});

describe('TransactionalProcessor when its consumer crashes', () => {
  it('consumes again after kafkajs stopped its consumer for a non-retriable error', async () => {
    // given a consumer that kafkajs stops for good on its first batch
    const runtime = await deployment({ client: failingOnce(kafka) });
    await runtime.produce('lost on the first try');

    // when more arrives
    await runtime.produce('after the crash');

    // then everything is processed all the same
    await until(async () => (await runtime.written()).includes('after the crash'));
    expect(await runtime.written()).toEqual(['lost on the first try', 'after the crash']);
  });
});

describe('TransactionalProcessor observer', () => {
  it('reports joining, verifying, each commit with what it consumed and wrote, and leaving', async () => {
    const events: string[] = [];
    const traced: string[] = [];
    const observer: ProcessorObserver = {
      joined: (partitions) => events.push(`joined ${partitions.join(',')}`),
      verified: (group, positions) => events.push(`verified group ${group}: ${[...positions].map(([p, o]) => `${p} at ${o}`).join(', ')}`),
      committed: ({ group, parts, records }) =>
        events.push(
          `committed group ${group}: ${parts.map(({ partition, messages, deadLetters }) => `${partition} ${messages} consumed, ${deadLetters.length} dead-lettered`).join('; ')}; ${records} written`,
        ),
      left: () => events.push('left'),
      around: async (chunk, run) => {
        traced.push(chunk.messages.map((message) => message.key).join(','));
        return run();
      },
    };
    const runtime = await deployment({ observer });

    await runtime.produce('one');
    await until(async () => (await runtime.written()).includes('one'));
    await cleanups.pop()?.();

    expect(events).toEqual(['joined 0', 'verified group 0: 0 at 0', 'committed group 0: 0 1 consumed, 0 dead-lettered; 1 written', 'left']);
    expect(traced).toEqual(['one']);
  });
});
