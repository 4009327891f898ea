import { UndecodableMessage } from './serde.js';

// Errors that say "a dependency is down or busy, try again" rather than "this message is bad".
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

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Whether an error is transient: retrying the same input later can succeed. Kafka client errors
 * (a broker down, a transaction fenced or timed out), lost connections and PostgreSQL server states
 * are; a message that does not decode or a statement PostgreSQL refuses for its data is not.
 * The whole cause chain is inspected: drizzle and kafkajs wrap the original error.
 */
export function isTransient(error: unknown): boolean {
  const chain = causes(error);
  if (chain.some((entry) => entry instanceof UndecodableMessage)) return false;
  return chain.some((entry) => {
    if (!(entry instanceof Error)) return false;
    const { code, retriable } = entry as Error & { code?: unknown; retriable?: unknown };
    if (entry.name.startsWith('KafkaJS') || retriable === true) return true;
    if (typeof code === 'string' && (transientSystemCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && transientSqlState.test(code))))
      return true;
    return transientMessage.test(entry.message);
  });
}
