import type { OrderCache } from '@ouro/cache';
import { headers as headerNames, type OrderCreated, type OrderCreationRequested } from '@ouro/contracts';
import { type Database, markAnnounced, type NewOrderRow, type OrderRow, orderViewFrom, persistOrders } from '@ouro/db';
import { orderCreatedFrom, totalCents } from '@ouro/domain';
import type { BatchHandler, InputMessage, Logger } from '@ouro/messaging';
import type { IHeaders } from 'kafkajs';

export interface OrderHandlerDeps {
  readonly db: Database;
  readonly cache: OrderCache;
  readonly encodeCreated: (event: OrderCreated) => Promise<Buffer>;
  readonly eventsTopic: string;
  readonly logger: Logger;
}

type Command = InputMessage<OrderCreationRequested>;

function rowFrom({ value, partition, offset }: Command): NewOrderRow {
  return {
    id: value.orderId,
    customerId: value.customerId,
    currency: value.currency,
    items: value.items,
    totalCents: totalCents(value.items),
    acceptedAt: new Date(value.occurredAt),
    requestEventId: value.eventId,
    sourcePartition: partition,
    sourceOffset: Number(offset),
  };
}

/**
 * Whether this command is the one to announce its order. The row remembers where its command sits
 * in the topic, so:
 * - the command that inserted the row announces it (same partition and offset, not yet announced);
 * - a redelivery of that command after an aborted transaction announces it again (the abort hid
 *   the first OrderCreated), because the row exists but was never marked announced;
 * - a duplicate command for the same order (a client retry) sits at another offset: it never does;
 * - a replay of the command after its announcement finds `announcedAt` set: it does not either.
 */
export function shouldAnnounce(row: OrderRow | undefined, command: Pick<Command, 'partition' | 'offset'>): row is OrderRow {
  return (
    row !== undefined &&
    row.sourcePartition === command.partition &&
    row.sourceOffset === Number(command.offset) &&
    row.announcedAt === null
  );
}

function traceHeaders(headers: IHeaders): IHeaders {
  const carried: IHeaders = {};
  for (const name of [headerNames.traceparent, headerNames.tracestate]) {
    const value = headers[name];
    if (value !== undefined) carried[name] = value;
  }
  return carried;
}

/** One chunk of one partition: one PostgreSQL transaction, then the OrderCreated records to emit. */
export function handleOrders({ db, cache, encodeCreated, eventsTopic, logger }: OrderHandlerDeps): BatchHandler<OrderCreationRequested> {
  return async (commands) => {
    // Commands of one order share a partition (keyed by orderId); the first one is the order.
    const firstPerOrder = new Map<string, Command>();
    for (const command of commands) if (!firstPerOrder.has(command.value.orderId)) firstPerOrder.set(command.value.orderId, command);
    const stored = await persistOrders(db, [...firstPerOrder.values()].map(rowFrom));

    const announce = commands.flatMap((command) => {
      const row = stored.get(command.value.orderId)?.row;
      return shouldAnnounce(row, command) ? [{ command, row }] : [];
    });
    const records = await Promise.all(
      announce.map(async ({ command, row }) => ({
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
        headers: traceHeaders(command.headers),
      })),
    );

    return {
      records,
      afterCommit: async () => {
        const results = await Promise.allSettled([
          markAnnounced(
            db,
            announce.map(({ row }) => row.id),
          ),
          cache.markCommitted([...stored.values()].map(({ row }) => orderViewFrom(row))),
        ]);
        for (const result of results) {
          if (result.status === 'rejected')
            logger.warn({ err: result.reason }, 'post-commit bookkeeping failed; reads fall back to PostgreSQL');
        }
      },
    };
  };
}
