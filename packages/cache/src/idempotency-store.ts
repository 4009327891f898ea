import type { Redis } from 'ioredis';

/** What the first request with an Idempotency-Key was given; later requests with the key reuse it. */
export interface IdempotencyRecord {
  readonly orderId: string;
  readonly eventId: string;
  readonly acceptedAt: number;
  /** SHA-256 of the canonical request body: the same key with another body is a conflict. */
  readonly bodyHash: string;
  /** `reserved` until Kafka acknowledged the command; a retry of a reserved key sends it again. */
  readonly state: 'reserved' | 'accepted';
}

export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 24 * 3600,
    private readonly prefix = 'ouro:idempotency:',
  ) {}

  /** Stores `record` unless the key is known; returns the record that holds the key now. */
  async reserve(key: string, record: IdempotencyRecord): Promise<{ record: IdempotencyRecord; isNew: boolean }> {
    const set = await this.redis.set(this.prefix + key, JSON.stringify(record), 'EX', this.ttlSeconds, 'NX');
    if (set === 'OK') return { record, isNew: true };
    const existing = await this.redis.get(this.prefix + key);
    // Expired between the two calls: the key is free again.
    if (!existing) return this.reserve(key, record);
    return { record: JSON.parse(existing) as IdempotencyRecord, isNew: false };
  }

  async markAccepted(key: string, record: IdempotencyRecord): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify({ ...record, state: 'accepted' }), 'EX', this.ttlSeconds, 'XX');
  }
}
