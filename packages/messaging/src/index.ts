export { type BackoffPolicy, backoffDelay } from './backoff.js';
export { BatchingProducer, type OutgoingRecord, type RecordSender } from './batching-producer.js';
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
} from './dead-letters.js';
export { createKafka } from './kafka.js';
export { type Logger, silentLogger } from './logger.js';
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
export { AvroSerde, createRegistry, SchemaNotRegistered, UndecodableMessage } from './serde.js';
export { ensureTopics, type TopicSpec } from './topics.js';
export {
  type BatchHandler,
  type DeadLetterOptions,
  type HandlerResult,
  type InputMessage,
  TransactionalProcessor,
  type TransactionalProcessorOptions,
} from './transactional-processor.js';
export { isTransient } from './transient.js';
