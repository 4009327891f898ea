import type { OrderCreated, OrderCreationRequested } from '@ouro/contracts';
import type { OrderRow } from '@ouro/db';

/** Where a record sits in its topic. Offsets fit a double for any realistic topic. */
export interface Position {
  readonly partition: number;
  readonly offset: number;
}

/** A record as read, with its value decoded through the registry, or why it could not be. */
export type DecodedRecord<T> = Position & { readonly key: string | null } & ({ readonly value: T } | { readonly undecodable: string });

export type CommandRecord = DecodedRecord<OrderCreationRequested>;
export type EventRecord = DecodedRecord<OrderCreated>;

/** Dead letters are kept raw: the key is the orderId when the command had one. */
export interface DeadLetterRecord extends Position {
  readonly key: string | null;
}

/** The part of an `order_failures` row the checks use. */
export interface FailureRow {
  readonly orderId: string;
  readonly reason: string;
  readonly failedAt: Date;
}

/** A Redis order entry; `status` is null when the entry is not the JSON order-api and the processor write. */
export interface CacheEntry {
  readonly orderId: string;
  readonly status: string | null;
}

/**
 * Everything the checks look at, read from one deployment: its three topics to their ends, and the
 * rows and cache entries of every order those topics (or the accepted file) name.
 */
/** The events topic as a second, independent reader saw it (keys only). */
export interface AuditedEvents {
  readonly reader: string;
  readonly records: readonly (Position & { readonly key: string | null })[];
}

export interface Snapshot {
  readonly topics: { readonly commands: string; readonly events: string; readonly deadLetter: string };
  readonly partitions: { readonly commands: number; readonly events: number };
  readonly commands: readonly CommandRecord[];
  readonly events: readonly EventRecord[];
  readonly deadLetters: readonly DeadLetterRecord[];
  readonly orders: readonly OrderRow[];
  readonly failures: readonly FailureRow[];
  readonly cache: readonly CacheEntry[];
  readonly audit?: AuditedEvents;
}

export const isDecoded = <T>(record: DecodedRecord<T>): record is DecodedRecord<T> & { readonly value: T } => 'value' in record;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a key can be an orderId (and so be looked up in PostgreSQL, whose ids are uuid). */
export const isOrderId = (value: string | null | undefined): value is string => typeof value === 'string' && uuidPattern.test(value);

/** The order a record belongs to: the decoded payload's orderId, else its key when that is one. */
export function orderIdOf(record: DecodedRecord<{ readonly orderId: string }>): string | undefined {
  if (isDecoded(record)) return record.value.orderId;
  return isOrderId(record.key) ? record.key : undefined;
}

export const at = ({ partition, offset }: Position): string => `p${partition}@${offset}`;
