import { randomUUID } from 'node:crypto';
import { OrderCache } from '@ouro/cache';
import { connectDatabase, findOrder, orderViewFrom, persistOrders } from '@ouro/db';
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
  it('marks announced and committed the unannounced rows below the committed offset of its topic partition, and only those', async () => {
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
    // given rows stored by a processor that died after its Kafka commit (offsets < 10 committed),
    // one still in flight (offset 10), one of another partition and one of another deployment
    const committed = [row(0, 3), row(0, 9)];
    const inFlight = row(0, 10);
    const otherPartition = row(1, 2);
    const otherDeployment = row(0, 4, uniqueName('other.commands'));
    const all = [...committed, inFlight, otherPartition, otherDeployment];
    const stored = await persistOrders(database.db, all);
    for (const { id } of all) {
      const storedRow = stored.get(id)?.row;
      if (storedRow) await cache.putPending({ ...orderViewFrom(storedRow), status: 'pending' });
    }

    // when the new owner of partition 0 starts at committed offset 10
    await completeBookkeeping({ db: database.db, cache, commandsTopic: topic, logger: silentLogger })(0, 10n);

    // then exactly the committed ones are finished
    for (const { id } of committed) {
      expect((await findOrder(database.db, id))?.announcedAt).not.toBeNull();
      expect(await cache.get(id)).toMatchObject({ status: 'committed' });
    }
    for (const { id } of [inFlight, otherPartition, otherDeployment]) {
      expect((await findOrder(database.db, id))?.announcedAt).toBeNull();
      expect(await cache.get(id)).toMatchObject({ status: 'pending' });
    }
  });
});
