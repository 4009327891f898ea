export { type AcceptedEntry, AcceptedFileError, parseAcceptedLines, readAcceptedFile } from './accepted-file.js';
export { type CheckOptions, checkSnapshot } from './check.js';
export { type CollectOptions, collectSnapshot, DeploymentNotFound, type DeploymentTopics } from './collect.js';
export {
  checkDelivery,
  type DeliveryCheckName,
  type DeliveryReport,
  type DeliverySnapshot,
  deliveryCheckNames,
  type KeyedPosition,
} from './delivery.js';
export { type FormatOptions, formatReport } from './format.js';
export {
  checkOutboxSnapshot,
  type OutboxCheckName,
  type OutboxOrderRow,
  type OutboxReport,
  type OutboxSnapshot,
  outboxCheckNames,
  type RelayedEvent,
  type RelayedOrderCreated,
} from './outbox-check.js';
export { collectOutboxSnapshot, type OutboxCollectOptions } from './outbox-collect.js';
export { formatOutboxReport } from './outbox-format.js';
export { reconcileOutbox } from './outbox-reconcile.js';
export { defaultConvergenceMs, type ReconcileOptions, reconcile } from './reconcile.js';
export {
  type CheckName,
  type CheckResult,
  checkDescriptions,
  checkNames,
  type Finding,
  type ReconcileCounts,
  type ReconcileReport,
  type Severity,
} from './report.js';
export type {
  CacheEntry,
  CommandRecord,
  DeadLetterRecord,
  DecodedRecord,
  EventRecord,
  FailureRow,
  Position,
  Snapshot,
} from './snapshot.js';
