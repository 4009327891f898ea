import { Kafka, type KafkaConfig, type logCreator as logCreatorType, logLevel } from 'kafkajs';

// kafkajs 2's default partitioner is the Java client's murmur2: keys land where any Kafka client puts
// them, which is what we want, so its notice about having changed that default is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/**
 * kafkajs' console output, less one warning that does not apply here: with limited retries, an
 * idempotent producer that failed may reuse sequence numbers; every producer of ours is replaced
 * after a failure (see BatchingProducer and GroupTask), so none is ever used in that state.
 */
const logCreator: logCreatorType =
  () =>
  ({ namespace, level, label, log }) => {
    if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
    const line = JSON.stringify({ level: label, ...log, message: `${namespace ? `[${namespace}] ` : ''}${log.message}` });
    if (level === logLevel.ERROR) console.error(line);
    else if (level === logLevel.WARN) console.warn(line);
    else console.log(line);
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
