import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { OrderHistory, WatchedTopicsInfo } from '../shared/protocol.js';
import type { SeenOrder } from './flow-watcher.js';

export interface LookupDeps {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly cacheKeyPrefix: string;
  readonly topics: () => WatchedTopicsInfo | undefined;
  readonly seen: (orderId: string) => SeenOrder | undefined;
}

const at = (partition: number, offset: string | number) => `p${partition}@${offset}`;

/**
 * An order's whole history: the records the console saw of it (command, OrderCreated, dead letter),
 * its row in `orders` (or `order_failures`) and its cache entry, each read now from where it lives.
 * A source that cannot be read (a fault) is left out, the rest is still answered.
 */
export async function lookupOrder(orderId: string, deps: LookupDeps): Promise<OrderHistory> {
  const topics = deps.topics();
  const seen = deps.seen(orderId);
  const [row, failure, cached] = await Promise.all([
    deps.pool
      .query<Record<string, unknown>>('select * from orders where id = $1', [orderId])
      .then(({ rows }) => rows[0])
      .catch(() => undefined),
    deps.pool
      .query<Record<string, unknown>>('select * from order_failures where order_id = $1', [orderId])
      .then(({ rows }) => rows[0])
      .catch(() => undefined),
    deps.redis.get(`${deps.cacheKeyPrefix}${orderId}`).catch((error: unknown) => ({ unreadable: String(error) })),
  ]);
  const cache = typeof cached === 'string' ? parseCache(cached) : (cached ?? undefined);
  const command = seen?.command
    ? {
        topic: topics?.commands ?? '',
        at: at(seen.command.partition, seen.command.offset),
        timestamp: seen.command.timestamp,
        from: 'stream' as const,
      }
    : row
      ? { topic: String(row.source_topic ?? ''), at: at(Number(row.source_partition), String(row.source_offset)), from: 'row' as const }
      : undefined;
  return {
    orderId,
    ...(command ? { command } : {}),
    events: (seen?.events ?? []).map((event) => ({
      topic: topics?.events ?? '',
      at: at(event.partition, event.offset),
      timestamp: event.timestamp,
    })),
    ...(row ? { row } : {}),
    ...(failure ? { failure } : {}),
    ...(cache ? { cache } : {}),
    ...(seen?.deadLetter
      ? {
          deadLetter: {
            topic: topics?.deadLetters ?? '',
            at: at(seen.deadLetter.partition, seen.deadLetter.offset),
            ...(seen.deadLetter.reason ? { reason: seen.deadLetter.reason } : {}),
          },
        }
      : {}),
    steps: seen?.steps ?? [],
  };
}

function parseCache(value: string): Readonly<Record<string, unknown>> | { readonly unreadable: string } {
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    return { unreadable: value };
  }
}
