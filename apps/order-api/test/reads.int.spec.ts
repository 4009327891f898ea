import { randomUUID } from 'node:crypto';
import { OrderCache } from '@ouro/cache';
import { loadApiConfig } from '@ouro/config';
import { connectDatabase, persistOrders } from '@ouro/db';
import { silentLogger } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { stackEnv, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeOrderApi } from '../src/compose.js';

// What GET answers when the cache and PostgreSQL disagree: PostgreSQL is the truth.
const { databaseUrl, redisUrl } = stackEnv();
const database = connectDatabase(databaseUrl, { max: 2 });
const redis = new Redis(redisUrl);
let deployment: Namespace;
let keyPrefix: string;
let app: Awaited<ReturnType<typeof composeOrderApi>>;

beforeAll(async () => {
  deployment = await provisionNamespace(uniqueName('reads'), { partitions: 1 });
  keyPrefix = `${uniqueName('reads')}:`;
  app = await composeOrderApi(loadApiConfig({ ...process.env, ...deployment.env }), { logger: silentLogger, keyPrefix });
});

afterAll(async () => {
  await app.close();
  await database.close();
  redis.disconnect();
});

describe('GET /orders/:id', () => {
  it('answers committed for a stored order that the cache still says failed (a dead letter replayed since)', async () => {
    const orderId = randomUUID();
    // given an order whose command was dead-lettered (cached failed) and then, replayed, stored
    await new OrderCache(redis, { keyPrefix: `${keyPrefix}order:` }).markFailed([
      { orderId, status: 'failed', failure: { reason: 'failing', detail: 'PostgreSQL was away' }, failedAt: Date.now() },
    ]);
    await persistOrders(database.db, [
      {
        id: orderId,
        customerId: 'c-reads',
        currency: 'EUR',
        items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }],
        totalCents: 100,
        acceptedAt: new Date(),
        requestEventId: randomUUID(),
        sourceTopic: deployment.commandsTopic,
        sourcePartition: 0,
        sourceOffset: 0,
      },
    ]);

    // when it is read
    const response = await app.inject({ method: 'GET', url: `/orders/${orderId}` });

    // then PostgreSQL's answer wins
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ orderId, status: 'committed' });
  });
});
