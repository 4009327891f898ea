// The invariants of an outbox relayed by change data capture (the CDC baseline of apps/bench): no
// accepted order lost, every stored order published, nothing published that is not stored, each
// event equal to its row. Duplicates are counted, not hidden: the relay delivers at least once, and
// the caller decides whether its verdict tolerates them.
import { orderCreatedEventId } from '@ouro/domain';
import type { AcceptedEntry } from './accepted-file.js';
import { disagreementOf, groupBy, positions, result } from './findings.js';
import type { CheckName, CheckResult, Finding } from './report.js';
import { type AuditedEvents, at, type DecodedRecord, isDecoded, isOrderId } from './snapshot.js';

/** A row of the outbox baseline's orders table. */
export interface OutboxOrderRow {
  readonly orderId: string;
  /** The Idempotency-Key of the request that placed it, if it sent one. */
  readonly idempotencyKey: string | null;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly { readonly sku: string; readonly quantity: number; readonly unitPriceCents: number }[];
  readonly totalCents: number;
  readonly acceptedAt: Date;
}

/**
 * An event as the relay published it: OrderCreated's fields, decoded with the schema the connector
 * inferred from the outbox row's JSON and registered (every field nullable, numbers as it found them).
 */
export interface RelayedOrderCreated {
  readonly eventId?: string | null;
  readonly orderId?: string | null;
  readonly customerId?: string | null;
  readonly currency?: string | null;
  readonly items?: readonly { sku?: string | null; quantity?: number | null; unitPriceCents?: number | null }[] | null;
  readonly totalCents?: number | null;
  readonly acceptedAt?: number | null;
}

/** The event's record, with the `id` header the relay copies from the outbox row. */
export type RelayedEvent = DecodedRecord<RelayedOrderCreated> & { readonly eventIdHeader: string | null };

export interface OutboxSnapshot {
  readonly table: string;
  readonly topic: string;
  /** Every row of the deployment's orders table. */
  readonly rows: readonly OutboxOrderRow[];
  /** Every record of its topic, read_committed, to the end. */
  readonly events: readonly RelayedEvent[];
  readonly audit?: AuditedEvents;
}

export const outboxCheckNames = [
  'lost',
  'unannounced',
  'duplicated',
  'ghost',
  'unaccepted',
  'tolerated',
  'mismatch',
  'disagreement',
] as const satisfies readonly CheckName[];

export type OutboxCheckName = (typeof outboxCheckNames)[number];

export interface OutboxReport {
  /** True when no violation check has a finding (duplicates included: a caller may tolerate them by name). */
  readonly ok: boolean;
  readonly table: string;
  readonly topic: string;
  readonly checkedAt: number;
  readonly counts: {
    readonly accepted: number;
    readonly ambiguous: number;
    readonly unresolved: number;
    readonly rows: number;
    /** Records in the topic, and how many of them repeat an order already published. */
    readonly events: number;
    readonly duplicateRecords: number;
    readonly tolerated: number;
  };
  readonly violations: readonly OutboxCheckName[];
  readonly checks: { readonly [K in OutboxCheckName]: CheckResult };
}

const orderOf = (event: RelayedEvent): string | undefined =>
  isDecoded(event) && isOrderId(event.value.orderId) ? event.value.orderId : isOrderId(event.key) ? event.key : undefined;

/** The fields an event must share with its row, as the row says them. */
function expected(row: OutboxOrderRow) {
  return {
    eventId: orderCreatedEventId(row.orderId),
    orderId: row.orderId,
    customerId: row.customerId,
    currency: row.currency,
    items: JSON.stringify(row.items.map(({ sku, quantity, unitPriceCents }) => [sku, Number(quantity), Number(unitPriceCents)])),
    totalCents: String(row.totalCents),
    acceptedAt: String(row.acceptedAt.getTime()),
  };
}

function published(event: RelayedOrderCreated): ReturnType<typeof expected> {
  return {
    eventId: String(event.eventId),
    orderId: String(event.orderId),
    customerId: String(event.customerId),
    currency: String(event.currency),
    items: JSON.stringify((event.items ?? []).map(({ sku, quantity, unitPriceCents }) => [sku, Number(quantity), Number(unitPriceCents)])),
    totalCents: String(event.totalCents),
    acceptedAt: String(event.acceptedAt),
  };
}

function mismatch(events: readonly RelayedEvent[], rows: ReadonlyMap<string, OutboxOrderRow>): Finding[] {
  return events.flatMap((event): Finding[] => {
    if (!isDecoded(event))
      return [{ orderId: orderOf(event) ?? event.key ?? at(event), detail: `undecodable at ${at(event)}: ${event.undecodable}` }];
    const differ: string[] = event.key === event.value.orderId ? [] : ['key'];
    const row = event.value.orderId ? rows.get(event.value.orderId) : undefined;
    if (row) {
      const want = expected(row);
      const got = published(event.value);
      differ.push(...(Object.keys(want) as (keyof typeof want)[]).filter((field) => want[field] !== got[field]));
      if (event.eventIdHeader !== want.eventId) differ.push('id header');
    }
    return differ.length > 0
      ? [{ orderId: orderOf(event) ?? at(event), detail: `event at ${at(event)} differs from its row in ${differ.join(', ')}` }]
      : [];
  });
}

/** Checks one outbox deployment against its invariants. Pure: the same inputs, the same report. */
export function checkOutboxSnapshot(
  snapshot: OutboxSnapshot,
  { accepted, now }: { readonly accepted: readonly AcceptedEntry[]; readonly now: number },
): OutboxReport {
  const rows = new Map(snapshot.rows.map((row) => [row.orderId, row]));
  const events = groupBy(snapshot.events, orderOf);
  const answered = new Set(accepted.flatMap((entry) => (entry.outcome === 'accepted' ? [entry.orderId] : [])));
  const ambiguousKeys = new Set(accepted.filter((entry) => entry.ambiguous).map((entry) => entry.key));

  const lost = [...answered].flatMap((orderId) => (rows.has(orderId) ? [] : [{ orderId, detail: 'answered 202; no row' }]));
  const unannounced = snapshot.rows.flatMap((row) =>
    events.has(row.orderId) ? [] : [{ orderId: row.orderId, detail: `stored (accepted ${row.acceptedAt.toISOString()}), never published` }],
  );
  const duplicated = [...events].flatMap(([orderId, records]) =>
    records.length > 1
      ? [
          {
            orderId,
            detail: `${records.length} events at ${positions(records)} (id header ${[...new Set(records.map((record) => record.eventIdHeader))].join(', ')})`,
          },
        ]
      : [],
  );
  const ghost = [...events].flatMap(([orderId, records]) =>
    rows.has(orderId) ? [] : [{ orderId, detail: `event at ${positions(records)}, no row in ${snapshot.table}` }],
  );
  // A row nobody was answered 202 for: a retry of an ambiguous request (same key) is tolerated.
  const unaccepted: Finding[] = [];
  const tolerated: Finding[] = [];
  for (const row of snapshot.rows) {
    if (answered.has(row.orderId)) continue;
    if (row.idempotencyKey !== null && ambiguousKeys.has(row.idempotencyKey)) {
      tolerated.push({ orderId: row.orderId, detail: `placed by ambiguous request ${row.idempotencyKey}` });
    } else {
      unaccepted.push({ orderId: row.orderId, detail: `never answered 202 (idempotency key ${row.idempotencyKey ?? 'none'})` });
    }
  }

  const checks: OutboxReport['checks'] = {
    lost: result('lost', lost),
    unannounced: result('unannounced', unannounced),
    duplicated: result('duplicated', duplicated),
    ghost: result('ghost', ghost),
    unaccepted: result('unaccepted', unaccepted),
    tolerated: result('tolerated', tolerated),
    mismatch: result('mismatch', mismatch(snapshot.events, rows)),
    disagreement: result(
      'disagreement',
      snapshot.audit ? disagreementOf(snapshot.events, snapshot.audit) : [],
      snapshot.audit !== undefined,
    ),
  };
  const violations = outboxCheckNames.filter((name) => checks[name].severity === 'violation' && checks[name].findings.length > 0);
  return {
    ok: violations.length === 0,
    table: snapshot.table,
    topic: snapshot.topic,
    checkedAt: now,
    counts: {
      accepted: answered.size,
      ambiguous: accepted.filter((entry) => entry.ambiguous).length,
      unresolved: accepted.filter((entry) => entry.outcome === 'unresolved').length,
      rows: snapshot.rows.length,
      events: snapshot.events.length,
      duplicateRecords: [...events.values()].reduce((sum, records) => sum + records.length - 1, 0),
      tolerated: tolerated.length,
    },
    violations,
    checks,
  };
}
