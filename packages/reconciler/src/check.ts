import type { OrderCreated } from '@ouro/contracts';
import type { OrderRow } from '@ouro/db';
import { orderCreatedFrom } from '@ouro/domain';
import type { AcceptedEntry } from './accepted-file.js';
import { checkResult, duplicatedAnnouncements, ghostAnnouncements, groupBy, positions } from './delivery.js';
import { disagreementOf } from './findings.js';
import { checkNames, type Finding, type ReconcileReport } from './report.js';
import {
  at,
  type CommandRecord,
  type DeadLetterRecord,
  type EventRecord,
  type FailureRow,
  isDecoded,
  isOrderId,
  orderIdOf,
  type Snapshot,
} from './snapshot.js';

export interface CheckOptions {
  /** The load generator's record of client requests; without it every command counts as accepted. */
  readonly accepted?: readonly AcceptedEntry[] | undefined;
  /** How long the cache may take to follow PostgreSQL. */
  readonly convergenceMs: number;
  /** Epoch milliseconds: the clock comes in, so the checks are pure. */
  readonly now: number;
}

type Decoded<R> = Extract<R, { readonly value: unknown }>;

/** The snapshot indexed by order, built once for all checks. */
interface Index {
  readonly snapshot: Snapshot;
  readonly options: CheckOptions;
  readonly rows: ReadonlyMap<string, OrderRow>;
  readonly failures: ReadonlyMap<string, FailureRow>;
  readonly commands: ReadonlyMap<string, readonly CommandRecord[]>;
  readonly commandAt: ReadonlyMap<string, Decoded<CommandRecord>>;
  /** By orderId, or by key for an event that cannot be decoded: it was announced, whatever it says. */
  readonly events: ReadonlyMap<string, readonly EventRecord[]>;
  readonly deadLetters: ReadonlyMap<string, readonly DeadLetterRecord[]>;
  /** Orders a client was answered 202 for (the file's), or every commanded order without a file. */
  readonly accepted: ReadonlySet<string>;
  /** Orders that must end as a row or a failure: accepted ones, and every command in the topic. */
  readonly mustSettle: readonly string[];
  readonly ambiguousKeys: ReadonlySet<string>;
}

function indexSnapshot(snapshot: Snapshot, options: CheckOptions): Index {
  const commands = groupBy(snapshot.commands, orderIdOf);
  const file = options.accepted;
  const accepted = file
    ? new Set(file.flatMap((entry) => (entry.outcome === 'accepted' ? [entry.orderId] : [])))
    : new Set(commands.keys());
  return {
    snapshot,
    options,
    rows: new Map(snapshot.orders.map((row) => [row.id, row])),
    failures: new Map(snapshot.failures.map((failure) => [failure.orderId, failure])),
    commands,
    commandAt: new Map(snapshot.commands.filter(isDecoded).map((record) => [at(record), record])),
    events: groupBy(snapshot.events, orderIdOf),
    deadLetters: groupBy(snapshot.deadLetters, (record) => (isOrderId(record.key) ? record.key : undefined)),
    accepted,
    mustSettle: [...new Set([...accepted, ...commands.keys()])],
    ambiguousKeys: new Set((file ?? []).filter((entry) => entry.ambiguous).map((entry) => entry.key)),
  };
}

function lost({ mustSettle, rows, failures, commands, accepted, options, snapshot }: Index): Finding[] {
  return mustSettle.flatMap((orderId) => {
    if (rows.has(orderId) || failures.has(orderId)) return [];
    const sent = commands.get(orderId) ?? [];
    const answered = options.accepted && accepted.has(orderId) ? 'answered 202; ' : '';
    const detail =
      sent.length > 0
        ? `${answered}command at ${positions(sent)}, no row and no failure`
        : `${answered}no command in ${snapshot.topics.commands}, no row and no failure`;
    return [{ orderId, detail }];
  });
}

function deadLettered({ mustSettle, rows, failures, deadLetters }: Index): Finding[] {
  return mustSettle.flatMap((orderId) => {
    const failure = failures.get(orderId);
    if (!failure || rows.has(orderId)) return [];
    const letters = deadLetters.get(orderId) ?? [];
    const where = letters.length > 0 ? `dead letter at ${positions(letters)}` : 'no dead-letter record';
    return [{ orderId, detail: `${failure.reason} (${where})` }];
  });
}

function duplicated({ events }: Index): Finding[] {
  return duplicatedAnnouncements(events, 'OrderCreated');
}

function unannounced({ mustSettle, rows, events }: Index): Finding[] {
  return mustSettle.flatMap((orderId) => {
    const row = rows.get(orderId);
    if (!row || events.has(orderId)) return [];
    return [{ orderId, detail: `stored ${row.committedAt.toISOString()} from command ${at(sourceOf(row))}` }];
  });
}

function ghost({ events, rows }: Index): Finding[] {
  return ghostAnnouncements(events, rows, 'OrderCreated', 'orders');
}

const sourceOf = (row: OrderRow) => ({ partition: row.sourcePartition, offset: row.sourceOffset });

/**
 * Rows of this deployment's commands for orders no client was answered 202. The command that
 * created the row tells whether it was a retry of an ambiguous request (tolerated) or not.
 */
function unaccepted(index: Index): { unaccepted: Finding[]; tolerated: Finding[] } {
  const found = { unaccepted: [] as Finding[], tolerated: [] as Finding[] };
  if (!index.options.accepted) return found;
  for (const [orderId, sent] of index.commands) {
    const row = index.rows.get(orderId);
    if (!row || index.accepted.has(orderId)) continue;
    const creator = index.commandAt.get(at(sourceOf(row))) ?? sent.find(isDecoded);
    const key = creator?.value.idempotencyKey ?? null;
    if (key !== null && index.ambiguousKeys.has(key)) {
      found.tolerated.push({ orderId, detail: `command ${at(sourceOf(row))} retried ambiguous request ${key}` });
    } else {
      const why = key === null ? 'no idempotency key' : `idempotency key ${key}, no ambiguous request with it`;
      found.unaccepted.push({ orderId, detail: `stored from command ${at(sourceOf(row))}, never answered 202 (${why})` });
    }
  }
  return found;
}

const comparedFields = [
  'eventId',
  'orderId',
  'customerId',
  'currency',
  'items',
  'totalCents',
  'acceptedAt',
  'occurredAt',
  'requestEventId',
] as const satisfies readonly (keyof OrderCreated)[];

/** The OrderCreated the processor emits for this row (the domain's own function), with the row's stored total. */
function expectedEvent(row: OrderRow): OrderCreated {
  const event = orderCreatedFrom({ ...row, orderId: row.id, acceptedAt: row.acceptedAt.getTime(), committedAt: row.committedAt.getTime() });
  return { ...event, totalCents: row.totalCents };
}

const comparable = (event: OrderCreated, field: (typeof comparedFields)[number]) =>
  field === 'items'
    ? JSON.stringify(event.items.map(({ sku, quantity, unitPriceCents }) => [sku, quantity, unitPriceCents]))
    : String(event[field]);

function mismatch({ snapshot, rows }: Index): Finding[] {
  return snapshot.events.flatMap((record): Finding[] => {
    if (!isDecoded(record)) {
      return [{ orderId: orderIdOf(record) ?? record.key ?? at(record), detail: `undecodable at ${at(record)}: ${record.undecodable}` }];
    }
    const { value } = record;
    const differ: string[] = record.key === value.orderId ? [] : ['key'];
    const row = rows.get(value.orderId);
    if (row) {
      const expected = expectedEvent(row);
      differ.push(...comparedFields.filter((field) => comparable(value, field) !== comparable(expected, field)));
    }
    return differ.length > 0
      ? [{ orderId: value.orderId, detail: `OrderCreated at ${at(record)} differs from its row in ${differ.join(', ')}` }]
      : [];
  });
}

/**
 * The processor emits a partition's commands in order, so within an events partition the events'
 * commands (as their rows remember them) come in increasing offsets per command partition. Only an
 * order's first event counts: repeats are `duplicated`'s business.
 */
function outOfOrder({ snapshot, rows }: Index): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const byPartition = groupBy(snapshot.events.filter(isDecoded), (record) => String(record.partition));
  for (const records of byPartition.values()) {
    const latest = new Map<number, { event: EventRecord; row: OrderRow }>();
    for (const event of [...records].sort((a, b) => a.offset - b.offset)) {
      const orderId = event.value.orderId;
      const row = rows.get(orderId);
      if (seen.has(orderId) || !row) continue;
      seen.add(orderId);
      const before = latest.get(row.sourcePartition);
      if (before && row.sourceOffset <= before.row.sourceOffset) {
        findings.push({
          orderId,
          detail: `OrderCreated at ${at(event)} (command ${at(sourceOf(row))}) after ${at(before.event)} (command ${at(sourceOf(before.row))})`,
        });
      } else {
        latest.set(row.sourcePartition, { event, row });
      }
    }
  }
  return findings;
}

/** Same key, same partitioner, same partition count: an order's event lands where its command did. */
function misrouted({ events, rows, commands }: Index): Finding[] {
  return [...events].flatMap(([orderId, records]) => {
    const commandPartition = rows.get(orderId)?.sourcePartition ?? commands.get(orderId)?.[0]?.partition;
    if (commandPartition === undefined) return [];
    return records
      .filter((record) => record.partition !== commandPartition)
      .map((record) => ({ orderId, detail: `OrderCreated at ${at(record)}, command in p${commandPartition}` }));
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function cacheChecks({ snapshot, rows, failures, options }: Index): { stalePending: Finding[]; phantom: Finding[] } {
  const found = { stalePending: [] as Finding[], phantom: [] as Finding[] };
  for (const { orderId, status } of snapshot.cache) {
    const row = rows.get(orderId);
    const failure = failures.get(orderId);
    if (status === 'pending') {
      const settled = row
        ? { how: 'committed', at: row.committedAt }
        : failure
          ? { how: 'dead-lettered', at: failure.failedAt }
          : undefined;
      const age = settled ? options.now - settled.at.getTime() : 0;
      if (settled && age > options.convergenceMs) {
        found.stalePending.push({ orderId, detail: `pending in Redis, ${settled.how} ${seconds(age)} ago` });
      }
    } else if (status === 'committed') {
      if (!row) found.phantom.push({ orderId, detail: 'committed in Redis, no row in orders' });
    } else if (status === 'failed') {
      if (!row && !failure) found.phantom.push({ orderId, detail: 'failed in Redis, no row in orders or order_failures' });
    } else {
      found.phantom.push({ orderId, detail: `unreadable Redis entry (status ${JSON.stringify(status)})` });
    }
  }
  return found;
}

/** Per order, the OrderCreated kafkajs saw against those the second reader saw. */
function disagreement({ snapshot }: Index): Finding[] {
  return snapshot.audit ? disagreementOf(snapshot.events, snapshot.audit) : [];
}

/** Checks one deployment's snapshot against the invariants. Pure: the same inputs, the same report. */
export function checkSnapshot(snapshot: Snapshot, options: CheckOptions): ReconcileReport {
  const index = indexSnapshot(snapshot, options);
  const inFile = options.accepted !== undefined;
  const requests = unaccepted(index);
  const cache = cacheChecks(index);
  const samePartitionCount = snapshot.partitions.commands === snapshot.partitions.events;
  const checks: ReconcileReport['checks'] = {
    lost: checkResult('lost', lost(index)),
    'dead-lettered': checkResult('dead-lettered', deadLettered(index)),
    duplicated: checkResult('duplicated', duplicated(index)),
    unannounced: checkResult('unannounced', unannounced(index)),
    ghost: checkResult('ghost', ghost(index)),
    unaccepted: checkResult('unaccepted', requests.unaccepted, inFile),
    tolerated: checkResult('tolerated', requests.tolerated, inFile),
    mismatch: checkResult('mismatch', mismatch(index)),
    'out-of-order': checkResult('out-of-order', outOfOrder(index)),
    misrouted: checkResult('misrouted', samePartitionCount ? misrouted(index) : [], samePartitionCount),
    'stale-pending': checkResult('stale-pending', cache.stalePending),
    phantom: checkResult('phantom', cache.phantom),
    disagreement: checkResult('disagreement', disagreement(index), snapshot.audit !== undefined),
  };
  const violations = checkNames.filter((name) => checks[name].severity === 'violation' && checks[name].findings.length > 0);
  const entries = options.accepted ?? [];
  return {
    ok: violations.length === 0,
    scope: inFile ? 'accepted-file' : 'all-commands',
    topics: snapshot.topics,
    checkedAt: options.now,
    convergenceMs: options.convergenceMs,
    counts: {
      accepted: index.accepted.size,
      ambiguous: entries.filter((entry) => entry.ambiguous).length,
      unresolved: entries.filter((entry) => entry.outcome === 'unresolved').length,
      commands: snapshot.commands.length,
      undecodableCommands: snapshot.commands.filter((record) => !isDecoded(record)).length,
      rows: snapshot.orders.length,
      failures: snapshot.failures.length,
      events: snapshot.events.length,
      deadLetterRecords: snapshot.deadLetters.length,
      deadLettered: checks['dead-lettered'].orderIds.length,
      tolerated: checks.tolerated.orderIds.length,
      cacheEntries: snapshot.cache.length,
    },
    violations,
    checks,
  };
}
