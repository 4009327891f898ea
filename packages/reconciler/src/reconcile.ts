import { checkSnapshot } from './check.js';
import { type CollectOptions, collectSnapshot } from './collect.js';
import type { ReconcileReport } from './report.js';

export interface ReconcileOptions extends CollectOptions {
  /** How long the cache may trail PostgreSQL before a pending entry is stale; 10 s by default. */
  readonly convergenceMs?: number | undefined;
  /** Epoch milliseconds to judge the cache at; the time the snapshot was read by default. */
  readonly now?: number | undefined;
}

export const defaultConvergenceMs = 10_000;

/** Reads one deployment and checks it against the invariants. */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const snapshot = await collectSnapshot(options);
  return checkSnapshot(snapshot, {
    accepted: options.accepted,
    convergenceMs: options.convergenceMs ?? defaultConvergenceMs,
    now: options.now ?? Date.now(),
  });
}
