import type { AcceptedEntry } from './accepted-file.js';
import { checkOutboxSnapshot, type OutboxReport } from './outbox-check.js';
import { collectOutboxSnapshot, type OutboxCollectOptions } from './outbox-collect.js';

/** Reads one outbox deployment and checks it against its invariants, judged by the client's record. */
export async function reconcileOutbox(
  options: OutboxCollectOptions & { readonly accepted: readonly AcceptedEntry[] },
): Promise<OutboxReport> {
  const snapshot = await collectOutboxSnapshot(options);
  return checkOutboxSnapshot(snapshot, { accepted: options.accepted, now: Date.now() });
}
