import { randomUUID } from 'node:crypto';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { connectDatabase, type NewOrderRow, type OrderRow, persistOrders } from '@ouro/db';
import { orderCreatedFrom, totalCents } from '@ouro/domain';
import { AvroSerde, createKafka, createRegistry } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { stackEnv, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEntry } from './accepted-file.js';
import { reconcile } from './reconcile.js';
import type { CheckName, ReconcileReport } from './report.js';
import type { Position } from './snapshot.js';

const connections = stackEnv();
const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'reconciler-test' });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const registry = createRegistry(connections.schemaRegistryUrl);
const database = connectDatabase(connections.databaseUrl, { max: 2 });
const redis = new Redis(connections.redisUrl);

/** A deployment of its own and the means to write any state into it, right or wrong. */
async function fabricate(deployment: Namespace) {
  const [commandSerde, eventSerde] = await Promise.all([
    AvroSerde.forSubject<OrderCreationRequested>(registry, subjectFor(deployment.commandsTopic), readSchema(schemaFiles.commands)),
    AvroSerde.forSubject<OrderCreated>(registry, subjectFor(deployment.eventsTopic), readSchema(schemaFiles.events)),
  ]);
  const send = async (topic: string, key: string, value: Buffer, partition?: number): Promise<Position> => {
    const [written] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key, value, ...(partition === undefined ? {} : { partition }) }],
    });
    if (!written?.baseOffset) throw new Error(`no offset for ${key} in ${topic}`);
    return { partition: written.partition, offset: Number(written.baseOffset) };
  };

  const newCommand = (idempotencyKey: string | null = null): OrderCreationRequested => ({
    eventId: randomUUID(),
    occurredAt: Date.now(),
    orderId: randomUUID(),
    customerId: 'c-verify',
    currency: 'EUR',
    items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 700 }],
    idempotencyKey,
  });
  const command = async (idempotencyKey: string | null = null, partition?: number) => {
    const value = newCommand(idempotencyKey);
    const where = await send(deployment.commandsTopic, value.orderId, await commandSerde.encode(value), partition);
    return { ...where, value };
  };
  type Command = Awaited<ReturnType<typeof command>>;

  /** The row the processor would store for this command. */
  const rowFor = ({ value, partition, offset }: Command): NewOrderRow & { sourceTopic: string } => ({
    id: value.orderId,
    customerId: value.customerId,
    currency: value.currency,
    items: value.items,
    totalCents: totalCents(value.items),
    acceptedAt: new Date(value.occurredAt),
    requestEventId: value.eventId,
    sourceTopic: deployment.commandsTopic,
    sourcePartition: partition,
    sourceOffset: offset,
  });
  const store = async (sent: Command): Promise<OrderRow> => {
    const row = (await persistOrders(database.db, [rowFor(sent)])).get(sent.value.orderId)?.row;
    if (!row) throw new Error(`order ${sent.value.orderId} not stored`);
    return row;
  };
  /** A row as it would be stored, but not stored, for a command never sent. */
  const unstored = (): OrderRow => ({
    ...rowFor({ value: newCommand(), partition: 0, offset: 0 }),
    committedAt: new Date(),
    announcedAt: null,
  });

  /** The OrderCreated the processor would emit for this row (in its command's partition unless told). */
  const announce = async (
    row: OrderRow,
    { partition = row.sourcePartition, ...changes }: Partial<OrderCreated> & { partition?: number } = {},
  ) => {
    const event = orderCreatedFrom({
      ...row,
      orderId: row.id,
      acceptedAt: row.acceptedAt.getTime(),
      committedAt: row.committedAt.getTime(),
    });
    await send(deployment.eventsTopic, row.id, await eventSerde.encode({ ...event, ...changes }), partition);
  };

  const cache = (orderId: string, status: 'pending' | 'committed' | 'failed') =>
    redis.set(`ouro:order:${orderId}`, JSON.stringify({ orderId, status }), 'EX', 600);

  const deadLetter = async ({ value, partition, offset }: Command) => {
    await database.pool.query(
      `insert into order_failures (order_id, reason, detail, source_partition, source_offset, attempts)
       values ($1, 'rejected', 'planted by a test', $2, $3, 1)`,
      [value.orderId, partition, offset],
    );
    await send(deployment.deadLetterTopic, value.orderId, await commandSerde.encode(value));
    await cache(value.orderId, 'failed');
  };

  /** A command that went all the way: stored, announced, cached committed. */
  const settled = async (idempotencyKey: string | null = null) => {
    const sent = await command(idempotencyKey);
    const row = await store(sent);
    await announce(row);
    await cache(row.id, 'committed');
    return row.id;
  };

  return { command, store, unstored, announce, cache, deadLetter, settled };
}

const check = (deployment: Namespace, options: { accepted?: AcceptedEntry[]; convergenceMs?: number } = {}) =>
  reconcile({ connections, topics: deployment, ...options });

/** Every check that names an order, with the orders it names. */
const named = (report: ReconcileReport): Partial<Record<CheckName, readonly string[]>> =>
  Object.fromEntries(
    Object.values(report.checks).flatMap((result) => (result.orderIds.length > 0 ? [[result.name, result.orderIds]] : [])),
  );

const sorted = (...ids: string[]) => [...ids].sort();

beforeAll(async () => {
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await database.close();
  redis.disconnect();
});

describe('reconcile, against a deployment on the real stack', () => {
  it('reports ok for a deployment where every order went all the way', async () => {
    // given
    const deployment = await provisionNamespace(uniqueName('verify'));
    const plant = await fabricate(deployment);
    for (let n = 0; n < 4; n++) await plant.settled();

    // when
    const report = await check(deployment);

    // then
    expect(named(report)).toEqual({});
    expect(report).toMatchObject({ ok: true, violations: [], scope: 'all-commands' });
    expect(report.counts).toMatchObject({ accepted: 4, commands: 4, rows: 4, events: 4, cacheEntries: 4, deadLetterRecords: 0 });
  });

  describe('with every kind of fault planted', () => {
    let deployment: Namespace;
    const planted = {} as Record<
      | 'lost'
      | 'deadLettered'
      | 'duplicated'
      | 'unannounced'
      | 'ghost'
      | 'mismatch'
      | 'outOfOrder'
      | 'misrouted'
      | 'stalePending'
      | 'unaccepted'
      | 'tolerated'
      | 'answeredOnly',
      string
    >;
    const accepted: AcceptedEntry[] = [];

    beforeAll(async () => {
      deployment = await provisionNamespace(uniqueName('verify'), { partitions: 3 });
      const plant = await fabricate(deployment);
      const healthy = [await plant.settled(), await plant.settled()];

      // lost: a command never stored; its cache entry says committed all the same (phantom)
      const lost = await plant.command();
      await plant.cache(lost.value.orderId, 'committed');
      planted.lost = lost.value.orderId;

      const deadLettered = await plant.command();
      await plant.deadLetter(deadLettered);
      planted.deadLettered = deadLettered.value.orderId;

      const duplicated = await plant.store(await plant.command());
      await plant.announce(duplicated);
      await plant.announce(duplicated);
      await plant.cache(duplicated.id, 'committed');
      planted.duplicated = duplicated.id;

      const unannounced = await plant.store(await plant.command());
      await plant.cache(unannounced.id, 'committed');
      planted.unannounced = unannounced.id;

      // ghost: an OrderCreated for an order nobody commanded or stored
      const ghost = plant.unstored();
      await plant.announce(ghost);
      planted.ghost = ghost.id;

      const mismatch = await plant.store(await plant.command());
      await plant.announce(mismatch, { customerId: 'someone-else' });
      planted.mismatch = mismatch.id;

      // out-of-order: two commands of partition 1 whose events come out the other way round
      const first = await plant.store(await plant.command(null, 1));
      const second = await plant.store(await plant.command(null, 1));
      await plant.announce(second);
      await plant.announce(first);
      planted.outOfOrder = first.id;

      const misrouted = await plant.store(await plant.command(null, 2));
      await plant.announce(misrouted, { partition: 0 });
      planted.misrouted = misrouted.id;

      const stale = await plant.store(await plant.command());
      await plant.announce(stale);
      await plant.cache(stale.id, 'pending');
      planted.stalePending = stale.id;

      // for the accepted file: a row no client heard of, and one of a request that never got an answer
      planted.unaccepted = await plant.settled(`k-unaccepted-${randomUUID()}`);
      const unresolvedKey = `k-unresolved-${randomUUID()}`;
      planted.tolerated = await plant.settled(unresolvedKey);
      planted.answeredOnly = randomUUID();

      const answered = [
        ...healthy,
        ...[lost, deadLettered].map((sent) => sent.value.orderId),
        ...[duplicated, unannounced, mismatch, first, second, misrouted, stale].map((row) => row.id),
      ].concat(planted.answeredOnly);
      accepted.push(
        ...answered.map((orderId, n): AcceptedEntry => ({ key: `k-${n}`, outcome: 'accepted', orderId, attempts: 1, ambiguous: false })),
        { key: unresolvedKey, outcome: 'unresolved', attempts: 5, ambiguous: true },
      );
    });

    it('names exactly the planted orders, check by check, when every command counts as accepted', async () => {
      // when the cache must follow PostgreSQL at once
      const report = await check(deployment, { convergenceMs: 0 });

      // then
      expect(named(report)).toEqual({
        lost: [planted.lost],
        'dead-lettered': [planted.deadLettered],
        duplicated: [planted.duplicated],
        unannounced: [planted.unannounced],
        ghost: [planted.ghost],
        mismatch: [planted.mismatch],
        'out-of-order': [planted.outOfOrder],
        misrouted: [planted.misrouted],
        'stale-pending': [planted.stalePending],
        phantom: [planted.lost],
      });
      expect(report.ok).toBe(false);
      expect(report.violations).toEqual([
        'lost',
        'duplicated',
        'unannounced',
        'ghost',
        'mismatch',
        'out-of-order',
        'misrouted',
        'stale-pending',
        'phantom',
      ]);
      expect(report.counts).toMatchObject({ commands: 13, events: 12, deadLetterRecords: 1, deadLettered: 1, failures: 1 });
      expect(report.checks.mismatch.findings[0]?.detail).toMatch(/differs from its row in customerId$/);
    });

    it('judges against the accepted file: a 202 with no command is lost, a row nobody was answered for is unaccepted unless it retried an ambiguous request', async () => {
      const report = await check(deployment, { accepted, convergenceMs: 0 });

      expect(named(report)).toMatchObject({
        lost: sorted(planted.lost, planted.answeredOnly),
        unaccepted: [planted.unaccepted],
        tolerated: [planted.tolerated],
      });
      expect(report.counts).toMatchObject({ accepted: 12, ambiguous: 1, unresolved: 1, tolerated: 1 });
    });

    it('leaves a pending entry alone while it is within the convergence bound', async () => {
      const report = await check(deployment, { convergenceMs: 600_000 });
      expect(report.checks['stale-pending'].orderIds).toEqual([]);
    });
  });
});
