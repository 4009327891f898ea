import type { OrderCache } from '@ouro/cache';
import type { OrderCreated, OrderCreationRequested } from '@ouro/contracts';
import {
  advanceWatermarks,
  announcedBelow,
  type Database,
  failedViewFrom,
  findCreatedBetween,
  type NewOrderRow,
  type OrderRow,
  orderViewFrom,
  persistOrders,
  recordFailures,
} from '@ouro/db';
import { orderCreatedFrom, orderRuleViolation, totalCents } from '@ouro/domain';
import type { BatchHandler, DeadLetter, InputMessage, Logger } from '@ouro/messaging';

export interface OrderHandlerDeps {
  readonly db: Database;
  readonly cache: OrderCache;
  readonly encodeCreated: (event: OrderCreated) => Promise<Buffer>;
  /** The topic the commands come from: a row records where its command sits. */
  readonly commandsTopic: string;
  readonly eventsTopic: string;
  readonly logger: Logger;
  /** Called once per order announced, with the seconds from its acceptance to the commit that announced it. */
  readonly fresh?: (seconds: number) => void;
  readonly clock?: () => number;
}

type Command = InputMessage<OrderCreationRequested>;

function rowFrom({ value, partition, offset }: Command, sourceTopic: string): NewOrderRow {
  return {
    id: value.orderId,
    customerId: value.customerId,
    currency: value.currency,
    items: value.items,
    totalCents: totalCents(value.items),
    acceptedAt: new Date(value.occurredAt),
    requestEventId: value.eventId,
    sourceTopic,
    sourcePartition: partition,
    sourceOffset: Number(offset),
  };
}

/** What the store said of a command's order: the row as stored, and whether this command just inserted it. */
export interface Stored {
  readonly row: OrderRow;
  readonly inserted: boolean;
}

/**
 * Whether this command is the one to announce its order. The row remembers where its command sits
 * in the topic, and each command partition has a watermark below which its orders are announced:
 * - the command that inserted the row announces it;
 * - a redelivery of that command after an aborted transaction announces it again (the abort hid the
 *   first OrderCreated): the row exists, created by this command, at or past the watermark (which
 *   only moves to committed offsets, and redeliveries start at the committed offset);
 * - a duplicate command for the same order (a client retry) sits at another offset: it never does;
 * - a replay of the command below the watermark (the group rewound) does not either.
 */
export function shouldAnnounce(
  stored: Stored | undefined,
  command: Pick<Command, 'partition' | 'offset'>,
  watermark: bigint | undefined,
): stored is Stored {
  if (!stored) return false;
  const { row } = stored;
  // Only the command the row came from, never another command for the same order in the same chunk.
  if (row.sourcePartition !== command.partition || row.sourceOffset !== Number(command.offset)) return false;
  return stored.inserted || BigInt(command.offset) >= (watermark ?? 0n);
}

/** Per partition, the offset after the last of these commands. */
function nextOffsets(commands: readonly Command[]): Map<number, bigint> {
  const next = new Map<number, bigint>();
  for (const { partition, offset } of commands) {
    const after = BigInt(offset) + 1n;
    if (after > (next.get(partition) ?? -1n)) next.set(partition, after);
  }
  return next;
}

/**
 * One transaction's chunk (of one partition group, each partition's commands in order): one
 * PostgreSQL statement, then the OrderCreated records to emit. Their trace context is the Kafka
 * instrumentation's (each record's send span, in the chunk's trace, which links to each order's own
 * trace), when tracing is on.
 * A command that breaks a domain rule is refused (and dead-lettered by the runtime), never stored.
 */
export function handleOrders({
  db,
  cache,
  encodeCreated,
  commandsTopic,
  eventsTopic,
  fresh,
  clock = Date.now,
}: OrderHandlerDeps): BatchHandler<OrderCreationRequested> {
  return async (received) => {
    const rejected: { message: Command; error: string }[] = [];
    const commands = received.filter((command) => {
      const violation = orderRuleViolation(command.value);
      if (violation) rejected.push({ message: command, error: `${violation.code} at ${violation.field}: ${violation.message}` });
      return !violation;
    });
    // Commands of one order share a partition (keyed by orderId); the first one is the order.
    const firstPerOrder = new Map<string, Command>();
    for (const command of commands) if (!firstPerOrder.has(command.value.orderId)) firstPerOrder.set(command.value.orderId, command);
    const stored = await persistOrders(
      db,
      [...firstPerOrder.values()].map((command) => rowFrom(command, commandsTopic)),
    );
    // Watermarks matter only to commands whose row was there already (a redelivery, a replay): read them only then.
    const revisited = commands.filter((command) => stored.get(command.value.orderId)?.inserted === false).map(({ partition }) => partition);
    const watermarks = await announcedBelow(db, commandsTopic, [...new Set(revisited)]);

    const announce = commands.flatMap((command) => {
      const order = stored.get(command.value.orderId);
      if (!order) {
        // Its event id is another order's: the command contradicts what is stored, and storing it is impossible.
        rejected.push({ message: command, error: `event ${command.value.eventId} is already another order's` });
        return [];
      }
      return shouldAnnounce(order, command, watermarks.get(command.partition)) ? [{ command, row: order.row }] : [];
    });
    const records = await Promise.all(
      announce.map(async ({ row }) => ({
        topic: eventsTopic,
        key: row.id,
        value: await encodeCreated(
          orderCreatedFrom({
            orderId: row.id,
            customerId: row.customerId,
            currency: row.currency,
            items: row.items,
            acceptedAt: row.acceptedAt.getTime(),
            committedAt: row.committedAt.getTime(),
            requestEventId: row.requestEventId,
          }),
        ),
      })),
    );

    let measured = false;
    return {
      records,
      rejected,
      // Retried by the runtime until it succeeds (Redis or PostgreSQL restarting); both steps are
      // idempotent. The cache first: below a watermark every cache entry is settled, so a next
      // holder completing the bookkeeping from the watermark on (completeBookkeeping) settles all.
      afterCommit: async () => {
        // Freshness is measured here, the first time this step runs: the transaction that announced
        // these orders has committed (OrderCreated is visible), the cache is not updated yet. A retry
        // of this step (Redis or PostgreSQL down) does not count them again.
        if (fresh && !measured) {
          measured = true;
          const now = clock();
          for (const { row } of announce) fresh((now - row.acceptedAt.getTime()) / 1000);
        }
        await cache.markCommitted([...stored.values()].map(({ row }) => orderViewFrom(row)));
        await advanceWatermarks(db, commandsTopic, nextOffsets(received));
      },
    };
  };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a dead letter means for its order: `failed`, with the reason, in PostgreSQL (before the
 * transaction that sends the letter commits) and in the cache (after). The key is the orderId; a
 * letter without a usable one has no order to mark and is only in the dead-letter topic.
 */
export function recordDeadLetters({ db, cache }: Pick<OrderHandlerDeps, 'db' | 'cache'>) {
  return async (letters: readonly DeadLetter[]) => {
    const failures = letters.flatMap((letter) =>
      letter.key && uuid.test(letter.key)
        ? [
            {
              orderId: letter.key,
              reason: letter.reason,
              detail: letter.error,
              sourcePartition: letter.partition,
              sourceOffset: Number(letter.offset),
              attempts: letter.attempts,
            },
          ]
        : [],
    );
    await recordFailures(db, failures);
    const failedAt = new Date();
    return () => cache.markFailed(failures.map((failure) => failedViewFrom({ ...failure, failedAt })));
  };
}

/**
 * When a partition's group is verified (assigned, or after a failure): finishes what a member committed to
 * Kafka but did not get to record: the committed cache entries of the orders its commands created
 * from the watermark up to the committed offset, then the watermark itself. Without it those orders
 * would stay pending in the cache, and a later rewind of the group would announce them again.
 */
export function completeBookkeeping({
  db,
  cache,
  commandsTopic,
  logger,
}: Pick<OrderHandlerDeps, 'db' | 'cache' | 'commandsTopic' | 'logger'>) {
  return async (partition: number, committedOffset: bigint) => {
    const watermark = (await announcedBelow(db, commandsTopic, [partition])).get(partition) ?? 0n;
    if (watermark >= committedOffset) return;
    const rows = await findCreatedBetween(db, commandsTopic, partition, watermark, committedOffset);
    await cache.markCommitted(rows.map(orderViewFrom));
    await advanceWatermarks(db, commandsTopic, new Map([[partition, committedOffset]]));
    if (rows.length > 0) logger.info({ partition, orders: rows.length }, "completed a previous transaction's bookkeeping");
  };
}
