import { randomUUID } from 'node:crypto';
import type { OrderView } from '@ouro/domain';
import { stackEnv } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CommitNotifications } from './commit-notifications.js';
import { IdempotencyStore } from './idempotency-store.js';
import { OrderCache } from './order-cache.js';

const redis = new Redis(stackEnv().redisUrl);
const cache = new OrderCache(redis);
afterAll(() => redis.quit());

function view(status: OrderView['status'] = 'pending'): OrderView {
  return { orderId: randomUUID(), status, customerId: 'c', currency: 'EUR', items: [], totalCents: 0, acceptedAt: 1 };
}

describe('OrderCache', () => {
  it('stores a pending order and marks it committed', async () => {
    const order = view();

    await cache.putPending(order);
    expect(await cache.get(order.orderId)).toMatchObject({ status: 'pending' });
    await cache.markCommitted([{ ...order, committedAt: 2 }]);

    expect(await cache.get(order.orderId)).toMatchObject({ status: 'committed', committedAt: 2 });
  });

  it('never moves a committed order back to pending, whichever write arrives last', async () => {
    const order = view();
    await cache.markCommitted([{ ...order, committedAt: 2 }]);

    await cache.putPending(order);

    expect(await cache.get(order.orderId)).toMatchObject({ status: 'committed' });
  });

  it('marks a pending order failed, with the reason; a failed one can still commit (a replayed dead letter), a committed one never fails', async () => {
    const failed = view();
    await cache.putPending(failed);
    await cache.markFailed([
      { orderId: failed.orderId, status: 'failed', failure: { reason: 'rejected', detail: 'quantity' }, failedAt: 3 },
    ]);
    expect(await cache.get(failed.orderId)).toMatchObject({ status: 'failed', failure: { reason: 'rejected' } });
    await cache.markCommitted([{ ...failed, committedAt: 4 }]);
    expect(await cache.get(failed.orderId)).toMatchObject({ status: 'committed', committedAt: 4 });

    const committed = view();
    await cache.markCommitted([{ ...committed, committedAt: 2 }]);
    await cache.markFailed([
      { orderId: committed.orderId, status: 'failed', failure: { reason: 'rejected', detail: 'late' }, failedAt: 3 },
    ]);
    expect(await cache.get(committed.orderId)).toMatchObject({ status: 'committed' });
  });

  it('keeps the first committed entry when marked twice', async () => {
    const order = view();
    await cache.markCommitted([{ ...order, committedAt: 2 }]);

    await cache.markCommitted([{ ...order, committedAt: 3 }]);

    expect(await cache.get(order.orderId)).toMatchObject({ committedAt: 2 });
  });

  it('wakes a long-polling reader when the order is committed', async () => {
    const notifications = await CommitNotifications.listen(new Redis(stackEnv().redisUrl));
    const order = view();
    const waiting = notifications.waitFor(order.orderId, 30_000);

    await cache.markCommitted([{ ...order, committedAt: 2 }]);

    expect(await waiting).toBe(true);
    await notifications.close();
  });

  it('tells a long-polling reader it timed out when nothing was committed', async () => {
    const notifications = await CommitNotifications.listen(new Redis(stackEnv().redisUrl));

    expect(await notifications.waitFor(randomUUID(), 10)).toBe(false);
    await notifications.close();
  });
});

describe('IdempotencyStore', () => {
  const store = new IdempotencyStore(redis);
  const record = { orderId: randomUUID(), eventId: randomUUID(), acceptedAt: 1, bodyHash: 'h1', state: 'reserved' as const };

  it('gives the first request the key and later ones the first record', async () => {
    const key = randomUUID();

    const first = await store.reserve(key, record);
    const second = await store.reserve(key, { ...record, orderId: randomUUID(), bodyHash: 'h2' });

    expect(first).toEqual({ record, isNew: true });
    expect(second).toEqual({ record, isNew: false });
  });

  it('remembers that the command was accepted', async () => {
    const key = randomUUID();
    await store.reserve(key, record);

    await store.markAccepted(key, record);

    expect((await store.reserve(key, record)).record.state).toBe('accepted');
  });
});
