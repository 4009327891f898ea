import { UndecodableMessage } from './serde.js';

/**
 * What a failure says, and so what is done about it:
 * - `transient`: a dependency is down, slow or busy. Retried for as long as it lasts; never counted
 *   against a message (dead-lettering healthy orders in an outage would turn it into lost business).
 * - `fenced`: another member initialised this partition's transactional id: either this member is a
 *   zombie (its group session ended) or the other one is. Never counted; the member checks it still
 *   belongs to the group, then fences again and re-reads the committed offset.
 * - `environment`: Kafka refuses this member as such (authorisation, an unsupported version). Retried
 *   until an operator fixes it; never counted, since every message would fail the same way.
 * - `message`: this input cannot be processed (it does not decode, a value is refused, a record is
 *   too large). Counted: after the bounded attempts it is isolated and dead-lettered.
 */
export type FailureKind = 'transient' | 'fenced' | 'environment' | 'message';

const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
]);

/**
 * PostgreSQL SQLSTATE classes that are about the server, not the statement: 08 connection, 53
 * insufficient resources, 57 operator intervention (shutdown, cancel), 58 system error, 40
 * serialization failure or deadlock; 55P03 lock not available.
 */
const transientSqlState = /^(08|53|57|58|40)|^55P03$/;

const transientMessage =
  /connection (terminated|is closed|refused)|timeout|timed out|socket hang up|fetch failed|Connection lost|read ECONNRESET|the database system is (starting up|shutting down|in recovery mode)|MaxRetriesPerRequest|not answering/i;

/** Kafka's answers meaning a newer producer holds this transactional id. */
const fencedTypes = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING', 'TRANSACTION_COORDINATOR_FENCED']);

/** Kafka's answers about who this member is, not what it sends. */
const environmentTypes =
  /_AUTHORIZATION_FAILED$|^(SASL_AUTHENTICATION_FAILED|ILLEGAL_SASL_STATE|UNSUPPORTED_SASL_MECHANISM|UNSUPPORTED_VERSION|UNSUPPORTED_FOR_MESSAGE_FORMAT|SECURITY_DISABLED)$/;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

type Described = Error & { code?: unknown; type?: unknown; retriable?: unknown };

function isTransientEntry(entry: Described): boolean {
  // kafkajs marks what its protocol and network layers can retry; a wrapper that gave up retrying
  // (KafkaJSNumberOfRetriesExceeded, retriable: false) keeps the retriable cause in its chain.
  if (entry.retriable === true) return true;
  const { code } = entry;
  if (typeof code === 'string' && (transientSystemCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && transientSqlState.test(code)))) {
    return true;
  }
  // kafkajs' own non-protocol errors (a retrier that gave up, a lock timeout) say what happened in words.
  if (entry.name.startsWith('KafkaJS') && entry.type === undefined && entry.retriable !== false) return true;
  return transientMessage.test(entry.message);
}

/**
 * Classifies a failure by its whole cause chain (drizzle, kafkajs and the registry client wrap the
 * original error): an undecodable message is a message failure whatever else the chain says;
 * otherwise the most specific Kafka answer decides; otherwise any transient sign makes it transient.
 */
export function classifyFailure(error: unknown): FailureKind {
  const chain = causes(error).filter((entry): entry is Described => entry instanceof Error);
  if (chain.some((entry) => entry instanceof UndecodableMessage)) return 'message';
  const kafkaTypes = chain.flatMap((entry) => (typeof entry.type === 'string' ? [entry.type] : []));
  if (kafkaTypes.some((type) => fencedTypes.has(type))) return 'fenced';
  if (kafkaTypes.some((type) => environmentTypes.test(type))) return 'environment';
  if (chain.some(isTransientEntry)) return 'transient';
  return 'message';
}

/** Whether retrying the same input later can succeed without anyone fixing the input. */
export const isTransient = (error: unknown): boolean => classifyFailure(error) !== 'message';
