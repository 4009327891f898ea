/// <reference path="./kafkajs-protocol-error.d.ts" />
import { Kafka, type KafkaConfig, type logCreator as logCreatorType, logLevel } from 'kafkajs';
import protocolErrors from 'kafkajs/src/protocol/error.js';

// kafkajs 2's default partitioner is the Java client's murmur2: keys land where any Kafka client puts
// them, which is what we want, so its notice about having changed that default is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/**
 * kafkajs' own table of Kafka's protocol errors (the version is pinned and patched: the path is
 * stable). Imported, not required at run time: a bundle that carries kafkajs inside it (an app's
 * image) has no kafkajs to require it from.
 */
const { errorCodes } = protocolErrors;
const retriableMessages = new Set(errorCodes.filter(({ retriable }) => retriable).map(({ message }) => message));
/** kafkajs logs these at ERROR while it does what they say: rejoin, restart the consumer, reconnect. */
const recoveringMessages = [
  /^The coordinator is not aware of this member, re-joining the group/,
  /^Restarting the consumer in \d+ms/,
  /reconnecting$/,
];

/** pino's numeric levels, so kafkajs' lines read like the apps' own. */
const pinoLevels = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export interface KafkajsLogEntry {
  readonly namespace: string;
  readonly level: logLevel;
  readonly log: { readonly message: string; readonly timestamp?: string; readonly [field: string]: unknown };
}

/**
 * One kafkajs log entry as a pino-compatible JSON line, or nothing. What kafkajs calls an error but
 * retries by itself (a retriable protocol error such as "The group coordinator is not available" or
 * "The coordinator is loading" on every fresh start, a reconnect, a rejoin) is a warning: an ERROR
 * line means something that needs a person. Dropped: the idempotent producer's warning about limited
 * retries, which does not apply here (every producer of ours is replaced after a failure, see
 * BatchingProducer and GroupTask, so none is ever reused in that state).
 */
export function kafkajsLogLine({ namespace, level, log }: KafkajsLogEntry, now: () => number = Date.now): string | undefined {
  const { message, timestamp, logger: _logger, ...fields } = log;
  if (message.startsWith('Limiting retries for the idempotent producer')) return undefined;
  const recovering =
    (typeof fields.error === 'string' && retriableMessages.has(fields.error)) ||
    'retryCount' in fields ||
    recoveringMessages.some((pattern) => pattern.test(message));
  const name =
    level === logLevel.ERROR
      ? recovering
        ? 'warn'
        : 'error'
      : level === logLevel.WARN
        ? 'warn'
        : level === logLevel.INFO
          ? 'info'
          : 'debug';
  const time = timestamp ? Date.parse(timestamp) : now();
  return JSON.stringify({
    level: pinoLevels[name],
    time: Number.isNaN(time) ? now() : time,
    name: 'kafkajs',
    namespace,
    ...fields,
    msg: message,
  });
}

const logCreator: logCreatorType = () => (entry) => {
  const line = kafkajsLogLine(entry);
  if (line !== undefined) process.stdout.write(`${line}\n`);
};

/** The one place a kafkajs client is made, so a maintained client could replace kafkajs behind it. */
export function createKafka({
  brokers,
  clientId,
  ...rest
}: { brokers: readonly string[]; clientId: string } & Omit<Partial<KafkaConfig>, 'brokers' | 'clientId'>): Kafka {
  return new Kafka({
    clientId,
    // kafkajs bootstraps from the first address of its list, then the next: each client starting
    // at a random one (as Java clients do) spreads the cost of a node that is down or hung.
    brokers: shuffled(brokers),
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3_000,
    // kafkajs' retries back off up to 30 s by default, and a consumer it restarts waits out the last
    // of them: after a broker restart that kept members away for half a minute. Capped at 2 s, a
    // member is back within seconds of its broker.
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
    ...rest,
  });
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
