export {
  BatchingProducer,
  NotSent,
  OutcomeUnknown,
  type OutgoingRecord,
  type RecordSender,
  type SendOptions,
} from './batching-producer.js';
export { classifyFailure, type FailureKind, isTransient } from './failures.js';
export { createKafka } from './kafka.js';
export { type Logger, silentLogger } from './logger.js';
export { type BackoffPolicy, backoffDelay } from './processing/backoff.js';
export {
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterTopic,
  deadLetterHeaders,
  deadLetterRecord,
  listDeadLetters,
  parseDeadLetter,
  type ReadDeadLetter,
  type ReplayOptions,
  replayDeadLetters,
  type StoredDeadLetter,
} from './processing/dead-letters.js';
export { describeFailure } from './processing/describe-failure.js';
export type { BatchHandler, HandlerResult, InputMessage } from './processing/handler.js';
export type { ChunkInfo, CommittedPart, CommittedTransaction, ProcessorObserver, TransactionPhase } from './processing/observer.js';
export { groupOf, groupTransactionalId, type PartitionGroups, partitionGroupAssigner } from './processing/partition-groups.js';
export { pause, retry, stopped } from './processing/retry.js';
export { hasCaughtUp, type ReadRecord, readToEnd, waitForGroupToCatchUp } from './read-to-end.js';
export {
  type CompatibilityStatus,
  checkCompatibility,
  isFailure,
  type RegisteredSubject,
  registerSubjects,
  SchemaIncompatibleError,
  type SubjectCompatibility,
  type SubjectSchema,
} from './registry/compatibility.js';
export { explainIncompatibility, type RegisteredVersion } from './registry/explain-incompatibility.js';
export { RegistryError, RegistryUnreachableError } from './registry/registry-http.js';
export { AvroSerde, createRegistry, decodeConfluentAvro, SchemaNotRegistered, SchemaUnavailable, UndecodableMessage } from './serde.js';
export { ensureTopics, type TopicSpec } from './topics.js';
export { type DeadLetterOptions, TransactionalProcessor, type TransactionalProcessorOptions } from './transactional-processor.js';
