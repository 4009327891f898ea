/** Every check, in the order reports show them. */
export const checkNames = [
  'lost',
  'dead-lettered',
  'duplicated',
  'unannounced',
  'ghost',
  'unaccepted',
  'tolerated',
  'mismatch',
  'out-of-order',
  'misrouted',
  'stale-pending',
  'phantom',
  'disagreement',
] as const;

export type CheckName = (typeof checkNames)[number];

/**
 * `violation`: any finding fails the run. `info`: accounted for, counted and listed so a caller can
 * demand zero (dead-lettered orders: the client sees `failed`; tolerated: retries of ambiguous requests).
 */
export type Severity = 'violation' | 'info';

export const severities: { readonly [K in CheckName]: Severity } = {
  lost: 'violation',
  'dead-lettered': 'info',
  duplicated: 'violation',
  unannounced: 'violation',
  ghost: 'violation',
  unaccepted: 'violation',
  tolerated: 'info',
  mismatch: 'violation',
  'out-of-order': 'violation',
  misrouted: 'violation',
  'stale-pending': 'violation',
  phantom: 'violation',
  disagreement: 'violation',
};

/** What each check means, for `--help` and the package README. */
export const checkDescriptions: { readonly [K in CheckName]: string } = {
  lost: 'accepted (or commanded) order with no row in orders and none in order_failures',
  'dead-lettered': 'order accounted for by a row in order_failures (no row in orders): the client sees failed',
  duplicated: 'more than one OrderCreated for one order',
  unannounced: 'row in orders with no OrderCreated',
  ghost: 'OrderCreated whose order has no row in orders',
  unaccepted: 'row from this deployment’s commands for an order no client was answered 202 (--accepted only)',
  tolerated: 'such a row whose command carried the key of an ambiguous request: a retry, not a violation',
  mismatch: 'OrderCreated that differs from its row (or its key from its orderId, or undecodable)',
  'out-of-order': 'OrderCreated emitted out of command order within an events partition',
  misrouted: 'OrderCreated in another partition than its command (when both topics have as many partitions)',
  'stale-pending': 'Redis still pending for an order settled in PostgreSQL longer ago than the convergence bound',
  phantom: 'Redis committed (or failed) for an order PostgreSQL does not hold so (or an unreadable entry)',
  disagreement: 'a second read_committed reader (Kafka’s Java client, --audit) sees another number of OrderCreated for the order',
};

export interface Finding {
  readonly orderId: string;
  readonly detail: string;
}

export interface CheckResult {
  readonly name: CheckName;
  readonly severity: Severity;
  /** False when the check cannot apply to this run: unaccepted/tolerated without an accepted file, misrouted across partition counts. */
  readonly applies: boolean;
  /** Distinct orders concerned, sorted. */
  readonly orderIds: readonly string[];
  /** One or more per order, each saying what is wrong where. */
  readonly findings: readonly Finding[];
}

export interface ReconcileCounts {
  /** Orders that must be accounted for as accepted: the file's accepted orderIds, or every commanded order. */
  readonly accepted: number;
  /** File entries with an ambiguous attempt, and those never answered definitely (0 without a file). */
  readonly ambiguous: number;
  readonly unresolved: number;
  /** Command records, and how many of them could not be decoded. */
  readonly commands: number;
  readonly undecodableCommands: number;
  /** Rows found in orders and order_failures for the orders in scope. */
  readonly rows: number;
  readonly failures: number;
  readonly events: number;
  readonly deadLetterRecords: number;
  readonly deadLettered: number;
  readonly tolerated: number;
  readonly cacheEntries: number;
}

export interface ReconcileReport {
  /** True when no violation check has a finding. */
  readonly ok: boolean;
  /** `accepted-file`: judged against the load generator's file; `all-commands`: every command counts as accepted. */
  readonly scope: 'all-commands' | 'accepted-file';
  readonly topics: { readonly commands: string; readonly events: string; readonly deadLetter: string };
  /** When the checks ran (epoch ms) and the bound within which the cache must have converged. */
  readonly checkedAt: number;
  readonly convergenceMs: number;
  readonly counts: ReconcileCounts;
  /** The violation checks that have findings, in report order. */
  readonly violations: readonly CheckName[];
  readonly checks: { readonly [K in CheckName]: CheckResult };
}
