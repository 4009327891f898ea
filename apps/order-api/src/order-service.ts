import { createHash, randomBytes } from 'node:crypto';
import type { CommitNotifications, IdempotencyRecord, IdempotencyStore, OrderCache } from '@ouro/cache';
import { headers as headerNames, type OrderCreationRequested } from '@ouro/contracts';
import { type Database, failedViewFrom, findFailure, findOrder, orderViewFrom } from '@ouro/db';
import {
  decidePlaceOrder,
  type OrderCreationRequestedData,
  type OrderRead,
  type OrderView,
  type PlaceOrder,
  totalCents,
} from '@ouro/domain';
import { type AvroSerde, type Logger, NotSent, type RecordSender } from '@ouro/messaging';
import { AcceptanceUnknown, DependencyUnavailable, IdempotencyConflict, KafkaUnavailable } from './problems.js';

export interface OrderServiceDeps {
  readonly producer: RecordSender;
  readonly commands: AvroSerde<OrderCreationRequested>;
  readonly cache: OrderCache;
  readonly idempotency: IdempotencyStore;
  readonly notifications: CommitNotifications;
  readonly db: Database;
  readonly newId: () => string;
  readonly clock: () => number;
  readonly produceTimeoutMs: number;
  readonly logger: Logger;
  readonly commandsTopic: string;
}

export interface Accepted {
  readonly orderId: string;
  readonly status: 'pending';
  readonly acceptedAt: number;
}

export interface PlaceOrderOptions {
  readonly idempotencyKey?: string | undefined;
  readonly traceparent?: string | undefined;
}

/** Stable across key order and whitespace, so the same request hashes the same. */
function bodyHash(body: PlaceOrder): string {
  const canonical = JSON.stringify({
    customerId: body.customerId,
    currency: body.currency,
    items: body.items.map(({ sku, quantity, unitPriceCents }) => ({ sku, quantity, unitPriceCents })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** A W3C trace context for a request that came without one, so every command can be traced. */
function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * The command side writes exactly one thing that matters: the OrderCreationRequested event. The
 * pending cache entry is written only after Kafka acknowledged it, so a failed write leaves no
 * "ghost" pending order behind. The read side answers from the cache, then PostgreSQL.
 */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  async placeOrder(body: PlaceOrder, { idempotencyKey, traceparent }: PlaceOrderOptions = {}): Promise<Accepted> {
    const { newId, clock, idempotency, logger } = this.deps;
    // Deciding first: an invalid request is refused before anything is written.
    let event = decidePlaceOrder(body, { orderId: newId(), eventId: newId(), now: clock(), idempotencyKey });
    let held: IdempotencyRecord | undefined;
    if (idempotencyKey) {
      const reservation: IdempotencyRecord = {
        orderId: event.orderId,
        eventId: event.eventId,
        acceptedAt: event.occurredAt,
        bodyHash: bodyHash(body),
        state: 'reserved',
      };
      ({ record: held } = await idempotency.reserve(idempotencyKey, reservation).catch((error: unknown) => {
        throw new DependencyUnavailable('redis', `the idempotency store cannot be reached: ${(error as Error).message}`);
      }));
      if (held.bodyHash !== reservation.bodyHash) throw new IdempotencyConflict(idempotencyKey);
      if (held.state === 'accepted') return { orderId: held.orderId, status: 'pending', acceptedAt: held.acceptedAt };
      // Reserved but not known to be accepted (in flight, failed or crashed): send the same event again.
      // The processor stores an order once whatever the number of copies.
      event = { ...event, orderId: held.orderId, eventId: held.eventId, occurredAt: held.acceptedAt };
    }

    await this.produce(event, traceparent);

    const view: OrderView = { ...event, status: 'pending', totalCents: totalCents(event.items), acceptedAt: event.occurredAt };
    // Kafka has the order now: whatever fails from here, the order will be stored, so the answer is 202.
    await this.deps.cache
      .putPending(view)
      .catch((error: unknown) => logger.warn({ err: error, orderId: event.orderId }, 'pending entry not cached'));
    if (idempotencyKey && held) {
      await idempotency
        .markAccepted(idempotencyKey, held)
        .catch((error: unknown) => logger.warn({ err: error, idempotencyKey }, 'idempotency record not marked accepted'));
    }
    return { orderId: event.orderId, status: 'pending', acceptedAt: event.occurredAt };
  }

  /**
   * Resolves once Kafka has the command. Otherwise the answer says what is true: `KafkaUnavailable`
   * (503) when the command certainly is not written, `AcceptanceUnknown` (504) when it may be.
   */
  private async produce(event: OrderCreationRequestedData, traceparent: string | undefined): Promise<void> {
    const value = await this.deps.commands.encode({ ...event, items: [...event.items] });
    const headers = { [headerNames.traceparent]: traceparent ?? newTraceparent() };
    // The sender answers by the deadline (one timer of its own for every request in flight).
    const deadline = this.deps.clock() + this.deps.produceTimeoutMs;
    await this.deps.producer
      .send({ topic: this.deps.commandsTopic, key: event.orderId, value, headers }, { deadline })
      .catch((error: unknown) => {
        if (error instanceof NotSent) throw new KafkaUnavailable(error.message);
        throw new AcceptanceUnknown(event.orderId, error instanceof Error ? error.message : String(error));
      });
  }

  /**
   * The cache first: only committed is final there. Otherwise PostgreSQL, which knows when a pending
   * order is committed, or its command dead-lettered; a failed one may since have been replayed and
   * stored, and a stored order reads committed whatever the cache says. What it says is cached.
   */
  async getOrder(orderId: string): Promise<OrderRead | undefined> {
    const cached = await this.deps.cache.get(orderId).catch(() => undefined);
    if (cached?.status === 'committed') return cached;
    const stored = await this.findStored(orderId).catch((error: unknown) => {
      if (cached) return undefined;
      throw new DependencyUnavailable('postgres', `PostgreSQL cannot be reached: ${(error as Error).message}`);
    });
    if (!stored) return cached;
    const caching = stored.status === 'failed' ? this.deps.cache.markFailed([stored]) : this.deps.cache.markCommitted([stored]);
    await caching.catch(() => {});
    return stored;
  }

  private async findStored(orderId: string): Promise<OrderRead | undefined> {
    const row = await findOrder(this.deps.db, orderId);
    if (row) return orderViewFrom(row);
    const failure = await findFailure(this.deps.db, orderId);
    return failure ? failedViewFrom(failure) : undefined;
  }

  /**
   * Long-polls until the order is committed (or failed) or `timeoutMs` passes; answers what it
   * knows then. `closing` ends the wait at once with what is known (a shutdown must not wait out a
   * long-poll).
   */
  async waitForCommitted(orderId: string, timeoutMs: number, closing?: AbortSignal): Promise<OrderRead | undefined> {
    const deadline = this.deps.clock() + timeoutMs;
    for (;;) {
      const remaining = deadline - this.deps.clock();
      // Listen before reading, so a commit between the read and the wait is not missed.
      const stop = new AbortController();
      const signal = closing ? AbortSignal.any([stop.signal, closing]) : stop.signal;
      const woken = this.deps.notifications.waitFor(orderId, Math.max(0, Math.min(remaining, 1_000)), signal);
      const view = await this.getOrder(orderId);
      if (view?.status !== 'pending' || remaining <= 0 || closing?.aborted) {
        stop.abort();
        return view;
      }
      await woken;
    }
  }
}
