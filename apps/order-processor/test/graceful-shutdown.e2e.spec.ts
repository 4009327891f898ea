import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderCreationRequested } from '@ouro/contracts';
import { KafkaLink, loadStackConfig } from '@ouro/infra';
import { type AvroSerde, createKafka } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, loggedLines, type RunningApp, readToEnd, stackEnv, startApp, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { command, commandSerde } from './fixtures.js';

const { kafkaBrokers, databaseUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'processor-shutdown-test' });
const admin = kafka.admin();
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
let producer: Producer;
let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
const running: RunningApp[] = [];
let load: ReturnType<typeof steadyLoad> | undefined;

/** Long enough that a member which vanished without leaving would visibly stay in the group. */
const sessionTimeoutMs = 30_000;

/** Produces a few commands every few milliseconds until stopped; `orderIds` lists what Kafka acknowledged. */
function steadyLoad({ perTick = 20, tickMs = 50 } = {}) {
  const orderIds: string[] = [];
  let producing = true;
  const done = (async () => {
    while (producing) {
      const events = Array.from({ length: perTick }, () => command());
      const messages = await Promise.all(events.map(async (event) => ({ key: event.orderId, value: await commands.encode(event) })));
      await producer.send({ topic: deployment.commandsTopic, acks: -1, messages });
      orderIds.push(...events.map((event) => event.orderId));
      await sleep(tickMs); // pacing the load, not waiting for the system
    }
  })();
  return {
    orderIds,
    stop: async () => {
      producing = false;
      await done;
    },
  };
}

async function groupMembers(): Promise<{ members: number; state: string }> {
  const { groups } = await admin.describeGroups([deployment.groupId]);
  return { members: groups[0]?.members.length ?? 0, state: groups[0]?.state ?? 'Unknown' };
}

async function storedCount(orderIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from orders where id = any($1)', [orderIds]);
  return rows[0]?.n ?? 0;
}

/** Every order stored exactly once, and announced exactly once to read_committed consumers. */
async function expectExactlyOnce(orderIds: readonly string[]): Promise<void> {
  const { rows } = await db.query<{ id: string; n: number }>('select id, count(*)::int as n from orders where id = any($1) group by id', [
    orderIds,
  ]);
  expect({ stored: rows.length, storedTwice: rows.filter((row) => row.n > 1).length }).toEqual({ stored: orderIds.length, storedTwice: 0 });

  const announced = new Map<string, number>();
  for (const record of await readToEnd(kafka, deployment.eventsTopic)) {
    if (record.key) announced.set(record.key, (announced.get(record.key) ?? 0) + 1);
  }
  const wanted = new Set(orderIds);
  expect({
    missing: orderIds.filter((id) => !announced.has(id)).length,
    doubled: [...announced].filter(([id, n]) => wanted.has(id) && n > 1).length,
  }).toEqual({ missing: 0, doubled: 0 });
}

beforeAll(async () => {
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  deployment = await provisionNamespace(uniqueName('processor-shutdown'), { partitions: 6 });
  commands = await commandSerde(deployment.commandsTopic);
});

afterAll(async () => {
  await load?.stop();
  await Promise.allSettled(running.splice(0).map((app) => app.kill('SIGKILL')));
  await producer.disconnect();
  await admin.disconnect();
  await db.end();
});

describe('order-processor on SIGTERM', () => {
  it('leaves the group at once (not after the session timeout), exits 0, and the survivor finishes: each order once', async () => {
    // given two processors sharing the group's six partitions, in small transactions, under a steady stream of commands
    const env = { ...deployment.env, PROCESSOR_SESSION_TIMEOUT_MS: String(sessionTimeoutMs), PROCESSOR_MAX_BATCH_SIZE: '20' };
    const [victim, survivor] = await Promise.all([startApp('order-processor', env), startApp('order-processor', env)]);
    running.push(victim, survivor);
    const stream = steadyLoad();
    load = stream;
    await eventually(async () => expect(await groupMembers()).toEqual({ members: 2, state: 'Stable' }), { timeoutMs: 30_000 });
    await eventually(async () => expect(await storedCount(stream.orderIds)).toBeGreaterThan(300), { timeoutMs: 30_000 });

    // when one of them is told to stop, mid-load
    const signalledAt = Date.now();
    const exited = victim.kill('SIGTERM');

    // then it leaves the group at once: a member that merely vanished would stay for the session timeout
    await eventually(async () => expect((await groupMembers()).members).toBe(1), { timeoutMs: sessionTimeoutMs / 3 });
    const leftAfterMs = Date.now() - signalledAt;
    expect(leftAfterMs).toBeLessThan(sessionTimeoutMs / 3);
    // and it exits 0 on its own (nothing left open), having said so, without an error on the way
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    const victimLog = loggedLines(victim);
    const shutdownLog = victimLog.slice(victimLog.findIndex((line) => line.msg?.startsWith('stopping')));
    expect(shutdownLog.map((line) => line.msg)).toEqual(expect.arrayContaining(['left the consumer group']));
    expect(shutdownLog.map((line) => line.msg).at(-1)).toBe('stopped');
    // pino's levels are numbers, kafkajs' are names
    expect(shutdownLog.filter((line) => Number(line.level) >= 50 || line.level === 'ERROR')).toEqual([]);

    // and once the stream stops, the survivor alone drains it: every order stored once and announced once
    await stream.stop();
    await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic, 60_000);
    await expectExactlyOnce(stream.orderIds);
  });
});

/** The processor as a process, from its first instant: SIGTERM may reach it before it is ready. */
function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | string>((done) => child.once('close', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, lines, exited };
}

/** Its pino messages, in order. */
const messagesOf = (lines: readonly string[]) =>
  lines.flatMap((line) => {
    try {
      return [(JSON.parse(line) as { msg?: string }).msg ?? ''];
    } catch {
      return [];
    }
  });

/** Exits 0 (or by the signal itself, before it had set anything up) within 10 s, and never joins after it was told to stop. */
async function expectStoppedForGood(processor: ReturnType<typeof launch>, signalledAt: number): Promise<void> {
  const code = await processor.exited;
  const messages = messagesOf(processor.lines);
  expect({ code, within10s: Date.now() - signalledAt < 10_000 }).toEqual({
    code: messages.length === 0 ? expect.stringMatching(/^(SIGTERM|0)$/) : 0,
    within10s: true,
  });
  const stopping = messages.findIndex((message) => message.startsWith('stopping'));
  expect(messages.slice(stopping + 1).filter((message) => /joined the consumer group|consuming/.test(message))).toEqual([]);
  expect((await groupMembers()).members).toBe(0);
}

describe('order-processor on SIGTERM while it starts', () => {
  // A group of its own: the members of the test above may still be in theirs.
  beforeEach(async () => {
    deployment = await provisionNamespace(uniqueName('processor-start'), { partitions: 2 });
  });

  it.each([300, 2_500])('stops promptly and for good when SIGTERM arrives %i ms after launch', async (delayMs) => {
    const processor = launch({ ...deployment.env, PROCESSOR_SESSION_TIMEOUT_MS: String(sessionTimeoutMs) });
    await sleep(delayMs); // the moment the signal arrives is the variable under test
    const signalledAt = Date.now();
    processor.child.kill('SIGTERM');
    await expectStoppedForGood(processor, signalledAt);
  });

  it('stops promptly and for good, leaving the group, when SIGTERM arrives while it is joining it', async () => {
    // given a processor whose request to join the group is on its way (held by the link)
    const link = await KafkaLink.open(loadStackConfig());
    try {
      const joining = link.when({ api: 'JoinGroup', action: 'hold' });
      const processor = launch({
        ...deployment.env,
        KAFKA_BROKERS: link.brokers.join(','),
        PROCESSOR_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
      });
      await joining.matched;

      // when it is told to stop, and the join then goes through
      const signalledAt = Date.now();
      processor.child.kill('SIGTERM');
      await waitForLine(processor, /stopping/);
      joining.release();

      // then it still stops for good
      await expectStoppedForGood(processor, signalledAt);
    } finally {
      await link.close();
    }
  });
});

async function waitForLine(processor: ReturnType<typeof launch>, pattern: RegExp): Promise<void> {
  await eventually(() => expect(messagesOf(processor.lines).some((message) => pattern.test(message))).toBe(true), { intervalMs: 20 });
}
