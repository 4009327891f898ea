import type { OrderCreated, OrderCreationRequested } from '@ouro/contracts';
import type { AvroSerde } from '@ouro/messaging';
import type { Redis } from 'ioredis';
import type { Admin, EachBatchPayload, Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderStep } from '../shared/protocol.js';
import { inSample } from './flow-metrics.js';
import { FlowWatcher } from './flow-watcher.js';

// The watcher's bookkeeping of steps, with its clients replaced by fakes that hand it records and
// notifications as Kafka and Redis would.
const topics = { commands: 't.commands', events: 't.events', deadLetters: 't.commands.dlq' };
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function watcherWithFakes(steps: OrderStep[]) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  let joined: (() => void) | undefined;
  let notify: ((channel: string, message: string) => void) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    connect: async () => {},
    subscribe: async () => {},
    on: (_event: string, listener: () => void) => {
      joined = listener;
    },
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
      joined?.();
    },
    disconnect: async () => {},
  };
  const subscriber = {
    subscribe: async () => {},
    on: (_event: string, listener: (channel: string, message: string) => void) => {
      notify = listener;
    },
    disconnect: () => {},
  };
  const watcher = new FlowWatcher({
    kafka: { consumer: () => consumer } as unknown as Kafka,
    admin: { fetchTopicOffsets: async () => [], fetchOffsets: async () => [] } as unknown as Admin,
    topics,
    processorGroup: 'g',
    commands: { decode: async () => ({ occurredAt: 0 }) } as unknown as AvroSerde<OrderCreationRequested>,
    events: { decode: async () => ({ acceptedAt: 0 }) } as unknown as AvroSerde<OrderCreated>,
    redis: { get: async () => null } as unknown as Redis,
    subscriber: subscriber as unknown as Redis,
    pool: { query: async () => ({ rows: [] }) } as unknown as pg.Pool,
    sampling: { followAllBelowPerSecond: 1 },
    remember: 1_000,
    onStep: (step) => steps.push(step),
    onMetrics: () => {},
  });
  const commands = async (orderIds: readonly string[], timestamp: number) =>
    eachBatch?.({
      batch: {
        topic: topics.commands,
        partition: 0,
        messages: orderIds.map((orderId, offset) => ({
          key: Buffer.from(orderId),
          value: Buffer.from('x'),
          offset: String(offset),
          timestamp: String(timestamp),
        })),
      },
    } as unknown as EachBatchPayload);
  return { watcher, commands, committed: (orderId: string) => notify?.('orders:committed', orderId) };
}

describe('the steps of an order placed from the page', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows committed at the time the notification came, even when it came before the 202 and the order was not in the sample', async () => {
    // given a watcher sampling one order in ten, after a second of ten commands
    const steps: OrderStep[] = [];
    const { watcher, commands, committed } = watcherWithFakes(steps);
    await watcher.start();
    await commands(
      Array.from({ length: 10 }, (_, n) => id(1_000 + n)),
      Date.now(),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    const orderId = id(7);
    expect(inSample(orderId, 10)).toBe(false);

    // when its command is read and its committed notification comes, both before its 202
    await commands([orderId], Date.now());
    const notifiedAt = Date.now() + 40;
    vi.setSystemTime(notifiedAt);
    committed(orderId);
    vi.setSystemTime(notifiedAt + 500);
    watcher.follow(orderId);

    // then the page is told its command and its commit, the commit at the notification's time
    const ofOrder = steps.filter((step) => step.orderId === orderId);
    expect(ofOrder.map((step) => step.step)).toEqual(['command', 'committed']);
    expect(ofOrder.find((step) => step.step === 'committed')?.at).toBe(notifiedAt);
    await watcher.stop();
  });
});
