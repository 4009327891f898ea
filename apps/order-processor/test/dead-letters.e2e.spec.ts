import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { OrderCreationRequested } from '@ouro/contracts';
import { connectDatabase, type DatabaseHandle, recordFailures } from '@ouro/db';
import { type AvroSerde, createKafka, deadLetterRecord, listDeadLetters } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, type RunningApp, readToEnd, stackEnv, startApp, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { command, commandSerde } from './fixtures.js';

const { kafkaBrokers, databaseUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'dead-letters-test' });
const admin = kafka.admin();
const dlqCli = resolve(import.meta.dirname, '../src/dlq.ts');
let database: DatabaseHandle;
let producer: Producer;
let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
let api: RunningApp;
const running: RunningApp[] = [];

/** Produces records to partition 0, in order, in one request: they land in one batch of the processor. */
async function produceToPartitionZero(records: readonly { key: string; value: Buffer }[]): Promise<string[]> {
  const [result] = await producer.send({
    topic: deployment.commandsTopic,
    acks: -1,
    messages: records.map((record) => ({ ...record, partition: 0 })),
  });
  const base = BigInt(result?.baseOffset ?? '0');
  return records.map((_, index) => (base + BigInt(index)).toString());
}

async function getOrder(orderId: string): Promise<{ status: string; failure?: { reason: string; detail: string } }> {
  const response = await fetch(`${api.url}/orders/${orderId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; failure?: { reason: string; detail: string } };
}

async function dlq(...args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', dlqCli, ...args, '--json'], {
    env: { ...process.env, ...deployment.env },
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  database = connectDatabase(databaseUrl, { max: 2 });
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

beforeEach(async () => {
  deployment = await provisionNamespace(uniqueName('dlq'), { partitions: 3 });
  commands = await commandSerde(deployment.commandsTopic);
  api = await startApp('order-api', deployment.env);
  running.push(api, await startApp('order-processor', deployment.env));
});

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((app) => app.kill('SIGKILL')));
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await database.close();
});

describe('order-processor dead letters', () => {
  it('dead-letters what cannot be processed, marks those orders failed, and lets the rest of the partition through', async () => {
    // given, in one partition: an order, undecodable bytes, an order breaking a domain rule, an
    // order holding text no store can keep (a NUL), and another order. (A message that keeps failing
    // for a reason of its own is dead-lettered as `failing`: dependency-faults.e2e.spec.ts.)
    const first = command();
    const garbageId = randomUUID();
    const rejected = command({ items: [{ sku: 'SKU-1', quantity: 0, unitPriceCents: 500 }] });
    const refused = command({ customerId: 'c\u0000nul' });
    const last = command();
    const offsets = await produceToPartitionZero([
      { key: first.orderId, value: await commands.encode(first) },
      { key: garbageId, value: Buffer.from('not an Avro record') },
      { key: rejected.orderId, value: await commands.encode(rejected) },
      { key: refused.orderId, value: await commands.encode(refused) },
      { key: last.orderId, value: await commands.encode(last) },
    ]);

    // when the processor has been through the partition
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic, 60_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${running[1]?.output.slice(-30).join('\n')}`);
    });

    // then the three bad ones are in the dead-letter topic, saying why, from where, after how many attempts
    // (the dead-letter topic is keyed by orderId too, so across its partitions: sorted by source offset)
    const letters = (await listDeadLetters({ kafka, topic: deployment.deadLetterTopic })).sort(
      (a, b) => Number(a.offset) - Number(b.offset),
    );
    expect(
      letters.map(({ key, reason, topic, partition, offset, attempts }) => ({ key, reason, topic, partition, offset, attempts })),
    ).toEqual([
      { key: garbageId, reason: 'undecodable', topic: deployment.commandsTopic, partition: 0, offset: offsets[1], attempts: 1 },
      { key: rejected.orderId, reason: 'rejected', topic: deployment.commandsTopic, partition: 0, offset: offsets[2], attempts: 1 },
      { key: refused.orderId, reason: 'rejected', topic: deployment.commandsTopic, partition: 0, offset: offsets[3], attempts: 1 },
    ]);
    expect(letters[1]?.error).toMatch(/quantity/);
    expect(letters[2]?.error).toMatch(/NUL/);
    expect(letters[0]?.value?.toString()).toBe('not an Avro record');

    // and the good ones were stored and announced, the bad ones not
    const { rows } = await database.pool.query<{ id: string }>('select id from orders where id = any($1) order by id', [
      [first.orderId, garbageId, rejected.orderId, refused.orderId, last.orderId],
    ]);
    expect(rows.map((row) => row.id).sort()).toEqual([first.orderId, last.orderId].sort());
    const announced = (await readToEnd(kafka, deployment.eventsTopic)).map((record) => record.key).sort();
    expect(announced).toEqual([first.orderId, last.orderId].sort());

    // and a reader sees failed, with the reason, instead of pending forever
    expect(await getOrder(first.orderId)).toMatchObject({ status: 'committed' });
    expect(await getOrder(garbageId)).toMatchObject({ status: 'failed', failure: { reason: 'undecodable' } });
    expect(await getOrder(rejected.orderId)).toMatchObject({ status: 'failed', failure: { reason: 'rejected' } });
    expect(await getOrder(refused.orderId)).toMatchObject({ status: 'failed', failure: { reason: 'rejected' } });
  });

  it('replays dead letters once: a re-driven command that now succeeds commits its order', async () => {
    // given a dead letter holding a valid command (it failed once, for a reason since fixed) and its failed order
    const order = command();
    const letter = {
      topic: deployment.commandsTopic,
      partition: 1,
      offset: '7',
      key: order.orderId,
      value: await commands.encode(order),
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      reason: 'failing' as const,
      error: 'TypeError: a bug since fixed',
      attempts: 5,
    };
    const { key, value, headers } = deadLetterRecord(letter, deployment.deadLetterTopic);
    await producer.send({ topic: deployment.deadLetterTopic, acks: -1, messages: [{ key, value, headers: headers ?? {} }] });
    await recordFailures(database.db, [
      { orderId: order.orderId, reason: 'failing', detail: letter.error, sourcePartition: 1, sourceOffset: 7, attempts: 5 },
    ]);
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'failed' });
    const [stored] = await listDeadLetters({ kafka, topic: deployment.deadLetterTopic });
    expect(await dlq('list')).toMatchObject([{ key: order.orderId, reason: 'failing', replayed: false }]);

    // when it is replayed, twice
    expect(await dlq('replay')).toHaveLength(1);
    expect(await dlq('replay')).toHaveLength(0);

    // then the command went back once, with its headers and where it came from, and the order committed once
    await eventually(async () => expect(await getOrder(order.orderId)).toMatchObject({ status: 'committed' }), { timeoutMs: 30_000 });
    const redriven = (await readToEnd(kafka, deployment.commandsTopic)).filter((record) => record.key === order.orderId);
    expect(redriven).toHaveLength(1);
    expect(redriven[0]?.headers.traceparent?.toString()).toBe(letter.headers.traceparent);
    expect(redriven[0]?.headers['ouro.dlq.replayed-from']?.toString()).toBe(
      `${deployment.deadLetterTopic}/${stored?.dlqPartition}/${stored?.dlqOffset}`,
    );
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);
    expect((await readToEnd(kafka, deployment.eventsTopic)).map((record) => record.key)).toEqual([order.orderId]);
    expect(await dlq('list')).toMatchObject([{ key: order.orderId, replayed: true }]);
  });
});
