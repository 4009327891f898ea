import { type AcceptedEntry, checkDelivery, type DeliveryReport, type KeyedPosition } from '@ouro/reconciler';
import { nearestRank } from '../live/flow-metrics.js';
import type { ContenderCounters } from '../shared/protocol.js';

export interface LaneReading {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly storedIn: string;
  readonly announcedIn: string;
  /** Every logical request the lane's client has settled so far. */
  readonly accepted: readonly AcceptedEntry[];
  readonly retries: number;
  /** Read in this order: announced first, then stored, so a working design never shows a false ghost. */
  readonly announced: readonly KeyedPosition[];
  readonly stored: readonly string[];
  /** From each 202 to its announcement visible to a read_committed consumer, ms. */
  readonly latencies: readonly number[];
  /** At rest: lost, unannounced and unaccepted are judged too. */
  readonly atRest: boolean;
  readonly reconciler?: { readonly ok: boolean; readonly violations: readonly string[] };
}

const count = (report: DeliveryReport, name: keyof DeliveryReport['checks']) => report.checks[name].orderIds.length;

/**
 * A lane's counters from the reconciler's delivery checks. While the load runs an order in flight is
 * neither lost nor unannounced yet, so those (and unaccepted) are given only at rest; duplicated and
 * ghost hold at any moment. The findings say what is wrong where.
 */
export function countersOf(lane: LaneReading): ContenderCounters {
  const report = checkDelivery(
    { storedIn: lane.storedIn, announcedIn: lane.announcedIn, stored: lane.stored, announced: lane.announced },
    lane.accepted,
  );
  const announcedKeys = new Set(lane.announced.map((record) => record.key));
  const accepted = lane.accepted.flatMap((entry) => (entry.outcome === 'accepted' ? [entry.orderId] : []));
  const judged = lane.atRest ? (['lost', 'unannounced', 'duplicated', 'ghost', 'unaccepted'] as const) : (['duplicated', 'ghost'] as const);
  const findings = judged.flatMap((name) =>
    report.checks[name].findings.slice(0, 3).map((finding) => `${name}: ${finding.orderId} ${finding.detail}`),
  );
  return {
    name: lane.name,
    title: lane.title,
    summary: lane.summary,
    accepted: accepted.length,
    stored: report.counts.stored,
    announced: report.counts.announced,
    inFlight: accepted.filter((orderId) => !announcedKeys.has(orderId)).length,
    duplicated: count(report, 'duplicated'),
    ghost: count(report, 'ghost'),
    lost: lane.atRest ? count(report, 'lost') : null,
    unannounced: lane.atRest ? count(report, 'unannounced') : null,
    unaccepted: lane.atRest ? count(report, 'unaccepted') : null,
    retries: lane.retries,
    e2eP50Ms: nearestRank(lane.latencies, 50),
    e2eP99Ms: nearestRank(lane.latencies, 99),
    ...(lane.reconciler ? { reconciler: lane.reconciler } : {}),
    findings,
  };
}
