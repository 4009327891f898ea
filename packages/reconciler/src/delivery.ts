import type { AcceptedEntry } from './accepted-file.js';
import { type CheckName, type CheckResult, type Finding, severities } from './report.js';
import { at, type Position } from './snapshot.js';

/** A record as read, keyed by the order it announces. */
export type KeyedPosition = Position & { readonly key: string | null };

/**
 * What any design that stores an order and announces it can be judged on, whatever its tables and
 * topics look like: which orders clients were answered 202 for, which it stored, and the records it
 * announced them with. Ouro's own deployments have the richer `Snapshot`; the baselines this.
 */
export interface DeliverySnapshot {
  /** Where the orders are stored and announced, for the findings' wording. */
  readonly storedIn: string;
  readonly announcedIn: string;
  readonly stored: readonly string[];
  readonly announced: readonly KeyedPosition[];
}

export const deliveryCheckNames = ['lost', 'unannounced', 'duplicated', 'ghost', 'unaccepted'] as const satisfies readonly CheckName[];
export type DeliveryCheckName = (typeof deliveryCheckNames)[number];

export interface DeliveryReport {
  readonly ok: boolean;
  readonly counts: { readonly accepted: number; readonly stored: number; readonly announced: number; readonly announcedOrders: number };
  readonly violations: readonly DeliveryCheckName[];
  readonly checks: { readonly [K in DeliveryCheckName]: CheckResult };
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export const positions = (records: readonly Position[]) => records.map(at).join(', ');

/** More than one announcement for one order. */
export function duplicatedAnnouncements(events: ReadonlyMap<string, readonly Position[]>, noun: string): Finding[] {
  return [...events].flatMap(([orderId, records]) =>
    records.length > 1 ? [{ orderId, detail: `${records.length} ${noun} at ${positions(records)}` }] : [],
  );
}

/** Announced, and never stored. */
export function ghostAnnouncements(
  events: ReadonlyMap<string, readonly Position[]>,
  stored: { has(orderId: string): boolean },
  noun: string,
  table: string,
): Finding[] {
  return [...events].flatMap(([orderId, records]) =>
    stored.has(orderId) ? [] : [{ orderId, detail: `${noun} at ${positions(records)}, no row in ${table}` }],
  );
}

export function checkResult(name: CheckName, findings: readonly Finding[], applies = true): CheckResult {
  return {
    name,
    severity: severities[name],
    applies,
    orderIds: [...new Set(findings.map((finding) => finding.orderId))].sort(),
    findings,
  };
}

/**
 * The delivery invariants over any design: every order answered 202 stored (`lost`) and announced
 * (`unannounced`), once (`duplicated`); nothing announced that was not stored (`ghost`), nothing
 * stored that no client was answered 202 for (`unaccepted`: a request answered with an error or a
 * timeout that stored an order anyway, which the client's retry then stores again). Run it at rest:
 * an order in flight is lost or unannounced until it lands. Pure.
 */
export function checkDelivery(snapshot: DeliverySnapshot, accepted: readonly AcceptedEntry[]): DeliveryReport {
  const answered = new Set(accepted.flatMap((entry) => (entry.outcome === 'accepted' ? [entry.orderId] : [])));
  const stored = new Set(snapshot.stored);
  const events = groupBy(snapshot.announced, (record) => record.key ?? undefined);
  const noun = `record in ${snapshot.announcedIn}`;
  const checks = {
    lost: checkResult(
      'lost',
      [...answered].flatMap((orderId) =>
        stored.has(orderId) ? [] : [{ orderId, detail: `answered 202; no row in ${snapshot.storedIn}` }],
      ),
    ),
    unannounced: checkResult(
      'unannounced',
      [...stored].flatMap((orderId) =>
        events.has(orderId) ? [] : [{ orderId, detail: `stored in ${snapshot.storedIn}, no record in ${snapshot.announcedIn}` }],
      ),
    ),
    duplicated: checkResult('duplicated', duplicatedAnnouncements(events, noun)),
    ghost: checkResult('ghost', ghostAnnouncements(events, stored, noun, snapshot.storedIn)),
    unaccepted: checkResult(
      'unaccepted',
      [...stored].flatMap((orderId) =>
        answered.has(orderId) ? [] : [{ orderId, detail: `stored in ${snapshot.storedIn}, never answered 202` }],
      ),
    ),
  };
  const violations = deliveryCheckNames.filter((name) => checks[name].findings.length > 0);
  return {
    ok: violations.length === 0,
    counts: { accepted: answered.size, stored: stored.size, announced: snapshot.announced.length, announcedOrders: events.size },
    violations,
    checks,
  };
}
