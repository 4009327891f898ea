import { randomUUID } from 'node:crypto';
import { OrderCache } from '@ouro/cache';
import { advanceWatermarks, announcedBelow, connectDatabase, orderViewFrom, persistOrders } from '@ouro/db';
import { silentLogger } from '@ouro/messaging';
import { stackEnv, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { completeBookkeeping } from './handle-orders.js';

const { databaseUrl, redisUrl } = stackEnv();
const database = connectDatabase(databaseUrl, { max: 2 });
const redis = new Redis(redisUrl);
const cache = new OrderCache(redis);
afterAll(async () => {
  await database.close();
  redis.disconnect();
});

describe('completeBookkeeping (a new owner finishing what a dead one committed)', () => {
  it('caches as committed the orders its partition created between the watermark and the committed offset, and moves the watermark there', async () => {
    const topic = uniqueName('bookkeeping.commands');
    const row = (partition: number, offset: number, sourceTopic = topic) => ({
      id: randomUUID(),
      customerId: 'c-bookkeeping',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 100 }],
      totalCents: 100,
      acceptedAt: new Date(),
      requestEventId: randomUUID(),
      sourceTopic,
      sourcePartition: partition,
      sourceOffset: offset,
    });
    // given rows stored by a processor that died after its Kafka commit (offsets < 10 committed, the
    // watermark still at 3), one announced earlier (offset 2), one still in flight (offset 10), one
    // of another partition and one of another deployment
    await advanceWatermarks(database.db, topic, new Map([[0, 3n]]));
    const announcedEarlier = row(0, 2);
    const committed = [row(0, 3), row(0, 9)];
    const inFlight = row(0, 10);
    const otherPartition = row(1, 2);
    const otherDeployment = row(0, 4, uniqueName('other.commands'));
    const all = [announcedEarlier, ...committed, inFlight, otherPartition, otherDeployment];
    const stored = await persistOrders(database.db, all);
    for (const { id } of all) {
      const storedRow = stored.get(id)?.row;
      if (storedRow) await cache.putPending({ ...orderViewFrom(storedRow), status: 'pending' });
    }

    // when the new owner of partition 0 starts at committed offset 10
    await completeBookkeeping({ db: database.db, cache, commandsTopic: topic, logger: silentLogger })(0, 10n);

    // then exactly the committed ones since the watermark are finished, and the watermark is at 10
    for (const { id } of committed) expect(await cache.get(id)).toMatchObject({ status: 'committed' });
    for (const { id } of [announcedEarlier, inFlight, otherPartition, otherDeployment]) {
      expect(await cache.get(id)).toMatchObject({ status: 'pending' });
    }
    expect(await announcedBelow(database.db, topic, [0])).toEqual(new Map([[0, 10n]]));
  });
});
