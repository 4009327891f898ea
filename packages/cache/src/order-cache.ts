import type { FailedOrderView, OrderRead, OrderView } from '@ouro/domain';
import type { Redis } from 'ioredis';

/** Published with the orderId whenever an entry turns committed or failed, for long-polling readers. */
export const committedChannel = 'ouro:orders:committed';

export interface OrderCacheOptions {
  /** How long a pending entry lives. Long enough for any backlog to drain; the processor overwrites it. */
  readonly pendingTtlSeconds?: number;
  /** How long a committed entry stays hot; PostgreSQL answers after that. */
  readonly committedTtlSeconds?: number;
  readonly keyPrefix?: string;
}

// Status only moves forward, atomically: a committed entry is never replaced, whatever arrives later
// (a failed one may be: a replayed dead letter can still commit). One script for both moves.
// Exported for the benchmark, which runs this very script with redis-benchmark.
// KEYS[1] the entry; ARGV: the value, its TTL in seconds, the channel, the orderId published.
export const settleScript = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).status == 'committed' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

interface CacheCommands {
  ouroSettle(key: string, value: string, ttl: number, channel: string, orderId: string): Promise<number>;
}

/**
 * The order read model in Redis. order-api writes `pending` after Kafka acknowledged the command;
 * order-processor writes `committed` after its transaction committed. Either may come first.
 */
export class OrderCache {
  private readonly pendingTtl: number;
  private readonly committedTtl: number;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: OrderCacheOptions = {},
  ) {
    this.pendingTtl = options.pendingTtlSeconds ?? 24 * 3600;
    this.committedTtl = options.committedTtlSeconds ?? 3600;
    this.prefix = options.keyPrefix ?? 'ouro:order:';
    if (!('ouroSettle' in redis)) redis.defineCommand('ouroSettle', { numberOfKeys: 1, lua: settleScript });
  }

  private key(orderId: string): string {
    return `${this.prefix}${orderId}`;
  }

  /** Writes a pending entry unless one exists: a processor that was faster has already said committed. */
  async putPending(order: OrderView): Promise<void> {
    await this.redis.set(this.key(order.orderId), JSON.stringify({ ...order, status: 'pending' }), 'EX', this.pendingTtl, 'NX');
  }

  /** Marks orders committed (idempotent, forward-only) in one round trip. */
  async markCommitted(orders: readonly OrderView[]): Promise<void> {
    await this.settle(orders.map((order) => ({ ...order, status: 'committed' })));
  }

  /** Marks orders failed (their commands were dead-lettered), unless already committed. */
  async markFailed(orders: readonly FailedOrderView[]): Promise<void> {
    await this.settle(orders);
  }

  private async settle(orders: readonly OrderRead[]): Promise<void> {
    if (orders.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as CacheCommands & { exec(): Promise<Array<[Error | null, unknown]> | null> };
    for (const order of orders) {
      pipeline.ouroSettle(this.key(order.orderId), JSON.stringify(order), this.committedTtl, committedChannel, order.orderId);
    }
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  async get(orderId: string): Promise<OrderRead | undefined> {
    const value = await this.redis.get(this.key(orderId));
    return value ? (JSON.parse(value) as OrderRead) : undefined;
  }
}
