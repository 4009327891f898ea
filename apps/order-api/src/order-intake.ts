import { createHash } from 'node:crypto';
import type { IdempotencyRecord, IdempotencyStore, OrderCache } from '@ouro/cache';
import type { OrderCreationRequested } from '@ouro/contracts';
import { decidePlaceOrder, type OrderCreationRequestedData, type OrderView, type PlaceOrder, totalCents } from '@ouro/domain';
import { type AvroSerde, type Logger, NotSent, type RecordSender } from '@ouro/messaging';
import { AcceptanceUnknown, DependencyUnavailable, IdempotencyConflict, KafkaUnavailable } from './problems.js';

/** What the write side reports, for metrics. */
export interface IntakeObserver {
  /** One send to Kafka, from the request's point of view: written, certainly not written, or unknown. */
  produced(seconds: number, outcome: 'written' | 'not-sent' | 'unknown'): void;
  /** An Idempotency-Key: new, a replay of an accepted order, a resend of one not known accepted, or reused with another body. */
  idempotency(outcome: 'new' | 'replayed' | 'resent' | 'conflict'): void;
}

export interface OrderIntakeDeps {
  readonly producer: RecordSender;
  readonly commands: AvroSerde<OrderCreationRequested>;
  readonly cache: OrderCache;
  readonly idempotency: IdempotencyStore;
  readonly newId: () => string;
  readonly clock: () => number;
  readonly produceTimeoutMs: number;
  readonly logger: Logger;
  readonly commandsTopic: string;
  readonly observer?: IntakeObserver;
}

export interface Accepted {
  readonly orderId: string;
  readonly status: 'pending';
  readonly acceptedAt: number;
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

/**
 * The write side writes exactly one thing that matters: the OrderCreationRequested event. The
 * pending cache entry is written only after Kafka acknowledged it, so a failed write leaves no
 * "ghost" pending order behind. An Idempotency-Key is reserved in Redis first, so a retry sends the
 * same event (same orderId, same eventId) again, never a second order.
 */
export class OrderIntake {
  constructor(private readonly deps: OrderIntakeDeps) {}

  async placeOrder(body: PlaceOrder, idempotencyKey?: string): Promise<Accepted> {
    const { newId, clock, idempotency, logger, observer } = this.deps;
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
      if (held.bodyHash !== reservation.bodyHash) {
        observer?.idempotency('conflict');
        throw new IdempotencyConflict(idempotencyKey);
      }
      if (held.state === 'accepted') {
        observer?.idempotency('replayed');
        return { orderId: held.orderId, status: 'pending', acceptedAt: held.acceptedAt };
      }
      observer?.idempotency(held.eventId === reservation.eventId ? 'new' : 'resent');
      // Reserved but not known to be accepted (in flight, failed or crashed): send the same event again.
      // The processor stores an order once whatever the number of copies.
      event = { ...event, orderId: held.orderId, eventId: held.eventId, occurredAt: held.acceptedAt };
    }

    await this.produce(event);

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
   * (503) when the command certainly is not written, `AcceptanceUnknown` (504) when it may be. The
   * trace context travels in the record's headers, put there by the sender.
   */
  private async produce(event: OrderCreationRequestedData): Promise<void> {
    const value = await this.deps.commands.encode({ ...event, items: [...event.items] });
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    // The sender answers by the deadline (one timer of its own for every request in flight).
    const deadline = this.deps.clock() + this.deps.produceTimeoutMs;
    await this.deps.producer.send({ topic: this.deps.commandsTopic, key: event.orderId, value }, { deadline }).then(
      () => this.deps.observer?.produced(elapsed(), 'written'),
      (error: unknown) => {
        if (error instanceof NotSent) {
          this.deps.observer?.produced(elapsed(), 'not-sent');
          throw new KafkaUnavailable(error.message);
        }
        this.deps.observer?.produced(elapsed(), 'unknown');
        throw new AcceptanceUnknown(event.orderId, error instanceof Error ? error.message : String(error));
      },
    );
  }
}
