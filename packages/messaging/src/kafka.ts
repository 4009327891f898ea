import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

/** The one place a kafkajs client is made, so a maintained client could replace kafkajs behind it. */
export function createKafka({
  brokers,
  clientId,
  ...rest
}: { brokers: readonly string[]; clientId: string } & Omit<Partial<KafkaConfig>, 'brokers' | 'clientId'>): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN, connectionTimeout: 3_000, ...rest });
}
